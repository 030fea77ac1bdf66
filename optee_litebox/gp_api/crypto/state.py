"""Syscalls 15-17: operation states (struct tee_cryp_state) and their handles.

A state holds the algorithm, the mode, up to two key objects (marked busy while the
state lives; freeing the state closes them, as upstream does) and the algorithm
context of its class. ``CTX_FACTORIES`` is filled by the family modules (digest, mac,
cipher, authenc): class -> function(algo) -> (result, context).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject
from ..registry import syscall
from . import algorithms as alg

CTX_FACTORIES: dict[int, Callable[[int], tuple[int, Any]]] = {}


@dataclass(eq=False)
class CrypState:
    algo: int
    mode: int
    key1: GpObject | None = None
    key2: GpObject | None = None
    ctx: Any = None
    initialized: bool = False
    #: ctx_finalize is set (cipher_init/authenc_init) and not yet run.
    finalize: bool = False


def get_state(ctx: SyscallContext, handle: int) -> CrypState | None:
    """tee_svc_cryp_get_state(): None answers TEE_ERROR_BAD_PARAMETERS."""
    state = ctx.cryp.states.get(handle)
    return state if isinstance(state, CrypState) else None


def live_key(ctx: SyscallContext, key: GpObject | None) -> GpObject | None:
    """tee_obj_get(utc, cs->keyN): the key if its handle is still this instance's."""
    if key is None or not ctx.cryp.objects.handle_of(key):
        return None
    return key


_KEY_TYPES = {
    alg.MAIN_MD5: c.TEE_TYPE_HMAC_MD5, alg.MAIN_SHA1: c.TEE_TYPE_HMAC_SHA1,
    alg.MAIN_SHA224: c.TEE_TYPE_HMAC_SHA224, alg.MAIN_SHA256: c.TEE_TYPE_HMAC_SHA256,
    alg.MAIN_SHA384: c.TEE_TYPE_HMAC_SHA384, alg.MAIN_SHA512: c.TEE_TYPE_HMAC_SHA512,
    alg.MAIN_SHA3_224: c.TEE_TYPE_HMAC_SHA3_224, alg.MAIN_SHA3_256: c.TEE_TYPE_HMAC_SHA3_256,
    alg.MAIN_SHA3_384: c.TEE_TYPE_HMAC_SHA3_384, alg.MAIN_SHA3_512: c.TEE_TYPE_HMAC_SHA3_512,
    alg.MAIN_SM3: c.TEE_TYPE_HMAC_SM3, alg.MAIN_AES: c.TEE_TYPE_AES, alg.MAIN_DES: c.TEE_TYPE_DES,
    alg.MAIN_DES3: c.TEE_TYPE_DES3, alg.MAIN_SM4: c.TEE_TYPE_SM4,
    alg.MAIN_DH: c.TEE_TYPE_DH_KEYPAIR, alg.MAIN_ECDH: c.TEE_TYPE_ECDH_KEYPAIR,
    alg.MAIN_HKDF: c.TEE_TYPE_HKDF_IKM, alg.MAIN_CONCAT_KDF: c.TEE_TYPE_CONCAT_KDF_Z,
    alg.MAIN_PBKDF2: c.TEE_TYPE_PBKDF2_PASSWORD, alg.MAIN_X25519: c.TEE_TYPE_X25519_KEYPAIR,
    alg.MAIN_X448: c.TEE_TYPE_X448_KEYPAIR,
}


def check_key_type(o: GpObject, algo: int, mode: int) -> int:
    """tee_svc_cryp_check_key_type(): the key object type must fit the algorithm."""
    main = alg.get_main_alg(algo)
    req2 = 0
    if main in _KEY_TYPES:
        req = _KEY_TYPES[main]
    elif main in (alg.MAIN_RSA, alg.MAIN_DSA):
        req = c.TEE_TYPE_RSA_KEYPAIR if main == alg.MAIN_RSA else c.TEE_TYPE_DSA_KEYPAIR
        if mode in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_VERIFY):
            req2 = c.TEE_TYPE_RSA_PUBLIC_KEY if main == alg.MAIN_RSA else c.TEE_TYPE_DSA_PUBLIC_KEY
    elif main == alg.MAIN_ECDSA:
        req = c.TEE_TYPE_ECDSA_KEYPAIR
        req2 = c.TEE_TYPE_ECDSA_PUBLIC_KEY if mode == c.TEE_MODE_VERIFY else 0
    elif main == alg.MAIN_ED25519:
        req = c.TEE_TYPE_ED25519_KEYPAIR
        req2 = c.TEE_TYPE_ED25519_PUBLIC_KEY if mode == c.TEE_MODE_VERIFY else 0
    elif main == alg.MAIN_SM2_PKE:
        req = c.TEE_TYPE_SM2_PKE_PUBLIC_KEY if mode == c.TEE_MODE_ENCRYPT \
            else c.TEE_TYPE_SM2_PKE_KEYPAIR
    elif main == alg.MAIN_SM2_DSA_SM3:
        req = c.TEE_TYPE_SM2_DSA_PUBLIC_KEY if mode == c.TEE_MODE_VERIFY \
            else c.TEE_TYPE_SM2_DSA_KEYPAIR
    elif main == alg.MAIN_SM2_KEP:
        req, req2 = c.TEE_TYPE_SM2_KEP_KEYPAIR, c.TEE_TYPE_SM2_KEP_PUBLIC_KEY
    else:
        return TEE_ERROR_BAD_PARAMETERS
    if o.obj_type not in (req, req2):
        return TEE_ERROR_BAD_PARAMETERS
    return TEE_SUCCESS


_COMPAT = {c.__OPTEE_ALG_ECDSA_P192: c.TEE_ALG_ECDSA_SHA1,
           c.__OPTEE_ALG_ECDSA_P224: c.TEE_ALG_ECDSA_SHA224,
           c.__OPTEE_ALG_ECDSA_P256: c.TEE_ALG_ECDSA_SHA256,
           c.__OPTEE_ALG_ECDSA_P384: c.TEE_ALG_ECDSA_SHA384,
           c.__OPTEE_ALG_ECDSA_P521: c.TEE_ALG_ECDSA_SHA512,
           c.__OPTEE_ALG_ECDH_P192: c.TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
           c.__OPTEE_ALG_ECDH_P224: c.TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
           c.__OPTEE_ALG_ECDH_P256: c.TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
           c.__OPTEE_ALG_ECDH_P384: c.TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
           c.__OPTEE_ALG_ECDH_P521: c.TEE_ALG_ECDH_DERIVE_SHARED_SECRET}


def _alloc_ctx(algo: int, key1: int, key2: int) -> tuple[int, Any]:
    """The class-dependent part of syscall_cryp_state_alloc (key count and context)."""
    cls = alg.get_class(algo)
    if cls == c.TEE_OPERATION_CIPHER:
        xts = alg.get_chain_mode(algo) == alg.CHAIN_XTS
        if (xts and (not key1 or not key2)) or (not xts and (not key1 or key2)):
            return TEE_ERROR_BAD_PARAMETERS, None
    elif cls in (c.TEE_OPERATION_AE, c.TEE_OPERATION_MAC):
        if not key1 or key2:
            return TEE_ERROR_BAD_PARAMETERS, None
    elif cls == c.TEE_OPERATION_DIGEST:
        if key1 or key2:
            return TEE_ERROR_BAD_PARAMETERS, None
    elif cls in (c.TEE_OPERATION_ASYMMETRIC_CIPHER, c.TEE_OPERATION_ASYMMETRIC_SIGNATURE):
        if not key1 or key2:
            return TEE_ERROR_BAD_PARAMETERS, None
        return TEE_SUCCESS, None
    elif cls == c.TEE_OPERATION_KEY_DERIVATION:
        if algo == c.TEE_ALG_SM2_KEP:
            if not key1 or not key2:
                return TEE_ERROR_BAD_PARAMETERS, None
        elif not key1 or key2:
            return TEE_ERROR_BAD_PARAMETERS, None
        return TEE_SUCCESS, None
    else:
        return TEE_ERROR_NOT_SUPPORTED, None
    return CTX_FACTORIES[cls](algo)


@syscall(15)
def syscall_cryp_state_alloc(ctx: SyscallContext, algo: int, mode: int, key1: int, key2: int,
                             state: int) -> int:
    """TEE_Result syscall_cryp_state_alloc(unsigned long algo, unsigned long op_mode, unsigned long key1, unsigned long key2, uint32_t *state);"""
    algo = _COMPAT.get(algo, algo)
    keys: list[GpObject | None] = []
    for handle in (key1, key2):
        o = None
        if handle:
            o = ctx.cryp.objects.get(handle)
            if o is None:
                return TEE_ERROR_BAD_STATE
            if o.busy:
                return TEE_ERROR_BAD_PARAMETERS
            res = check_key_type(o, algo, mode)
            if res != TEE_SUCCESS:
                return res
        keys.append(o)
    res, algo_ctx = _alloc_ctx(algo, key1, key2)
    if res != TEE_SUCCESS:
        return res  # the keys were not registered yet: they stay open
    cs = CrypState(algo & 0xFFFFFFFF, mode & 0xFFFFFFFF, keys[0], keys[1], algo_ctx)
    handle = ctx.cryp.new_handle()
    ctx.mem.write_u32(state, handle)
    ctx.cryp.states[handle] = cs
    for o in keys:
        if o is not None:
            o.busy = True
    return TEE_SUCCESS


@syscall(16)
def syscall_cryp_state_copy(ctx: SyscallContext, dst: int, src: int) -> int:
    """TEE_Result syscall_cryp_state_copy(unsigned long dst, unsigned long src);"""
    cs_dst = get_state(ctx, dst)
    if cs_dst is None:
        return TEE_ERROR_BAD_PARAMETERS
    cs_src = get_state(ctx, src)
    if cs_src is None:
        return TEE_ERROR_BAD_PARAMETERS
    if cs_dst.algo != cs_src.algo or cs_dst.mode != cs_src.mode:
        return TEE_ERROR_BAD_PARAMETERS
    if alg.get_class(cs_src.algo) not in (c.TEE_OPERATION_CIPHER, c.TEE_OPERATION_AE,
                                          c.TEE_OPERATION_DIGEST, c.TEE_OPERATION_MAC):
        return TEE_ERROR_BAD_STATE
    cs_dst.ctx.copy_from(cs_src.ctx)
    cs_dst.initialized = cs_src.initialized
    cs_dst.finalize = cs_src.finalize
    return TEE_SUCCESS


def free_state(ctx: SyscallContext, handle: int, cs: CrypState) -> None:
    """cryp_state_free(): the keys it holds are closed with it."""
    for key in (cs.key1, cs.key2):
        if live_key(ctx, key) is not None:
            assert key is not None
            ctx.cryp.objects.close(key)
    del ctx.cryp.states[handle]


@syscall(17)
def syscall_cryp_state_free(ctx: SyscallContext, state: int) -> int:
    """TEE_Result syscall_cryp_state_free(unsigned long state);"""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    free_state(ctx, state, cs)
    return TEE_SUCCESS
