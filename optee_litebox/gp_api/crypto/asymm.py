"""Syscalls 39-40: asymmetric operations (syscall_asymm_operate / syscall_asymm_verify).

The checks of core/tee/tee_svc_cryp.c and the dispatch by algorithm; the operations
are in ``rsa_ops`` (RSA) and ``ecc_ops`` (DSA, ECDSA, Ed25519), imported on first use
so that registering the syscalls does not load the libraries.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE, TEE_ERROR_GENERIC,
                            TEE_ERROR_NOT_IMPLEMENTED, TEE_ERROR_NOT_SUPPORTED,
                            TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject
from ..registry import syscall
from . import algorithms as alg
from .common import Attr, Bounce, check_read, check_rw, copy_in_attrs, get_u64, put_u64
from .state import get_state, live_key

Result = tuple[int, bytes, int]  # (TEE_Result, output, required/actual length)


def _rsa() -> ModuleType:
    from . import rsa_ops
    return rsa_ops


def _ecc() -> ModuleType:
    from . import ecc_ops
    return ecc_ops


def salt_length(params: list[Attr], default: int) -> int:
    """pkcs1_get_salt_len(): the PSS salt-length attribute, else the given default."""
    for p in params:
        if p.attr_id == c.TEE_ATTR_RSA_PSS_SALT_LENGTH:
            if p.a < 0x7FFFFFFF:
                return p.a
            break
    return default


# -- the syscalls ---------------------------------------------------------------------


def operate(ctx: SyscallContext, cs: Any, o: GpObject, params: list[Attr], src: bytes,
            room: int) -> Result:
    algo, mode = cs.algo, cs.mode
    if algo == c.TEE_ALG_RSA_NOPAD:
        if mode not in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_DECRYPT):
            return TEE_ERROR_GENERIC, b"", room
        return _rsa().rsa_nopad(o, mode == c.TEE_MODE_ENCRYPT, src, room)
    if algo in alg.RSAES:
        if mode not in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_DECRYPT):
            return TEE_ERROR_BAD_PARAMETERS, b"", room
        return _rsa().rsaes(ctx, algo, o, mode == c.TEE_MODE_ENCRYPT, params, src, room)
    if algo in alg.RSASSA_PSS or algo in alg.RSASSA_PKCS1 or algo == c.TEE_ALG_RSASSA_PKCS1_V1_5:
        if mode != c.TEE_MODE_SIGN:
            return TEE_ERROR_BAD_PARAMETERS, b"", room
        return _rsa().rsassa_sign(ctx, algo, o, salt_length(params, len(src)), src, room)
    if algo in alg.DSA:
        return _ecc().dsa_sign(ctx, algo, o, src, room)
    if algo == c.TEE_ALG_ED25519:
        return _ecc().ed25519_sign(ctx, o, src, params, room)
    if algo in alg.ECDSA:
        return _ecc().ecdsa_sign(ctx, algo, o, src, room)
    if algo in (c.TEE_ALG_SM2_PKE, c.TEE_ALG_SM2_DSA_SM3):
        return TEE_ERROR_NOT_IMPLEMENTED, b"", room
    return TEE_ERROR_BAD_PARAMETERS, b"", room


@syscall(39)
def syscall_asymm_operate(ctx: SyscallContext, state: int, params: int, num_params: int,
                          src_data: int, src_len: int, dst_data: int, dst_len: int) -> int:
    """TEE_Result syscall_asymm_operate(unsigned long state, const struct utee_attribute *params, unsigned long num_params, const void *src_data, size_t src_len, void *dest_data, uint64_t *dest_len);

    Encrypt, decrypt and sign. A short output buffer answers TEE_ERROR_SHORT_BUFFER
    with the needed size in *dest_len; an uninitialized key answers TEE_ERROR_GENERIC
    (libutee panics).
    """
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    res = check_read(ctx, src_data, src_len)
    if res != TEE_SUCCESS:
        return res
    dlen = get_u64(ctx, dst_len)
    res = check_rw(ctx, dst_data, dlen)
    if res != TEE_SUCCESS:
        return res
    res, attrs = copy_in_attrs(ctx, Bounce(), params, num_params)
    if res != TEE_SUCCESS:
        return res
    o = live_key(ctx, cs.key1)
    if o is None:
        return TEE_ERROR_BAD_STATE  # from tee_obj_get
    if not o.initialized:
        return TEE_ERROR_GENERIC
    src = ctx.mem.read(src_data, src_len) if src_len else b""
    res, out, dlen = operate(ctx, cs, o, attrs, src, dlen)
    if res == TEE_SUCCESS:
        ctx.mem.write(dst_data, out)
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER):
        res2 = put_u64(ctx, dst_len, dlen)
        if res2 != TEE_SUCCESS:
            return res2
    return res


@syscall(40)
def syscall_asymm_verify(ctx: SyscallContext, state: int, params: int, num_params: int,
                         data: int, data_len: int, sig: int, sig_len: int) -> int:
    """TEE_Result syscall_asymm_verify(unsigned long state, const struct utee_attribute *params, unsigned long num_params, const void *data, size_t data_len, const void *sig, size_t sig_len);"""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    if cs.mode != c.TEE_MODE_VERIFY:
        return TEE_ERROR_BAD_PARAMETERS
    for addr, length in ((data, data_len), (sig, sig_len)):
        res = check_read(ctx, addr, length)
        if res != TEE_SUCCESS:
            return res
    res, attrs = copy_in_attrs(ctx, Bounce(), params, num_params)
    if res != TEE_SUCCESS:
        return res
    o = live_key(ctx, cs.key1)
    if o is None:
        return TEE_ERROR_BAD_STATE  # from tee_obj_get
    if not o.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    msg = ctx.mem.read(data, data_len) if data_len else b""
    signature = ctx.mem.read(sig, sig_len) if sig_len else b""
    main = alg.get_main_alg(cs.algo)
    if main == alg.MAIN_RSA:
        salt = 0
        if cs.algo != c.TEE_ALG_RSASSA_PKCS1_V1_5:
            hsize = alg.digest_size(alg.digest_hash_to_algo(cs.algo))
            if not hsize:
                return TEE_ERROR_NOT_SUPPORTED
            if data_len != hsize:
                return TEE_ERROR_BAD_PARAMETERS
            salt = salt_length(attrs, hsize)
        return _rsa().rsassa_verify(cs.algo, o, salt, msg, signature)
    if main == alg.MAIN_DSA:
        hsize = alg.digest_size(alg.digest_hash_to_algo(cs.algo))
        if not hsize:
            return TEE_ERROR_NOT_SUPPORTED
        q = o.get_int(c.TEE_ATTR_DSA_SUBPRIME)
        if data_len != hsize and data_len != (q.bit_length() + 7) // 8:
            return TEE_ERROR_BAD_PARAMETERS
        return _ecc().dsa_verify(cs.algo, o, msg, signature)
    if main == alg.MAIN_ED25519:
        return _ecc().ed25519_verify(ctx, o, msg, signature, attrs)
    if main == alg.MAIN_ECDSA:
        return _ecc().ecdsa_verify(cs.algo, o, msg, signature)
    if main == alg.MAIN_SM2_DSA_SM3:
        return TEE_ERROR_NOT_IMPLEMENTED
    return TEE_ERROR_NOT_SUPPORTED
