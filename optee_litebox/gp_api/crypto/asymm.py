"""Syscalls 39-40: asymmetric operations (syscall_asymm_operate / syscall_asymm_verify).

RSA (raw, PKCS#1 v1.5 and OAEP encryption; PKCS#1 v1.5, PSS and the hash-less v1.5
"NA1" signatures), DSA, ECDSA on the NIST curves and Ed25519 (pure, ctx, ph) with the
result codes of core/lib/libtomcrypt/{rsa,dsa,ecc,ed25519}.c. Library primitives are
pycryptodome's. The raw RSA operation (TEE_ALG_RSA_NOPAD and the NA1 signature) uses
pycryptodome's RSA key primitive with PKCS#1 block type 1 formatting around it.
"""
from __future__ import annotations

from typing import Any, Callable

from Crypto.Cipher import PKCS1_OAEP, PKCS1_v1_5
from Crypto.Signature import DSS, eddsa, pkcs1_15, pss

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE, TEE_ERROR_GENERIC,
                            TEE_ERROR_NOT_IMPLEMENTED, TEE_ERROR_NOT_SUPPORTED,
                            TEE_ERROR_SECURITY, TEE_ERROR_SHORT_BUFFER,
                            TEE_ERROR_SIGNATURE_INVALID, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject
from ..registry import syscall
from . import algorithms as alg
from . import keys
from .common import Attr, Bounce, check_read, check_rw, copy_in_attrs, get_u64, put_u64

_ED25519_CTX_MAX = 255
Result = tuple[int, bytes, int]  # (TEE_Result, output, required/actual length)


def _rng(ctx: SyscallContext) -> Callable[[int], bytes]:
    return ctx.platform.rng.random_bytes


def _hash_mod(algo: int) -> Any:
    return alg.hash_module(alg.digest_hash_to_algo(algo))


# -- RSA ------------------------------------------------------------------------------


def rsa_nopad(o: GpObject, encrypt: bool, src: bytes, room: int) -> Result:
    """rsadorep(): raw modular exponentiation, leading zeros removed (one kept)."""
    try:
        key = keys.rsa_public(o) if encrypt else keys.rsa_private(o)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS, b"", 0
    m = int.from_bytes(src, "big")
    if m >= key.n:
        return TEE_ERROR_BAD_PARAMETERS, b"", 0
    out = key._encrypt(m) if encrypt else key._decrypt(m)  # noqa: SLF001 - RSA primitive
    raw = int(out).to_bytes(keys.modulus_size(o), "big").lstrip(b"\0") or b"\0"
    if room < len(raw):
        return TEE_ERROR_SHORT_BUFFER, b"", len(raw)
    return TEE_SUCCESS, raw, len(raw)


def rsaes(ctx: SyscallContext, algo: int, o: GpObject, encrypt: bool, params: list[Attr],
          src: bytes, room: int) -> Result:
    label = b""
    mgf_algo = 0
    for p in params:
        if p.attr_id == c.TEE_ATTR_RSA_OAEP_LABEL:
            label = p.data(ctx)
            break
        if algo != c.TEE_ALG_RSAES_PKCS1_V1_5 and p.attr_id == c.TEE_ATTR_RSA_OAEP_MGF_HASH:
            if p.length != 4:
                return TEE_ERROR_BAD_PARAMETERS, b"", room
            mgf_algo = int.from_bytes(p.data(ctx), "little")
    if not mgf_algo:
        mgf_algo = alg.internal_hash_to_algo(algo)
    mod = keys.modulus_size(o)
    if encrypt and room < mod:
        return TEE_ERROR_SHORT_BUFFER, b"", mod
    try:
        key = keys.rsa_public(o) if encrypt else keys.rsa_private(o)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS, b"", room
    if algo == c.TEE_ALG_RSAES_PKCS1_V1_5:
        scheme: Any = PKCS1_v1_5.new(key, randfunc=_rng(ctx))
    else:
        h = alg.hash_module(alg.internal_hash_to_algo(algo))
        mgf_h = alg.hash_module(mgf_algo)
        if h is None or mgf_h is None:
            return TEE_ERROR_NOT_SUPPORTED, b"", room
        from Crypto.Signature.pss import MGF1
        scheme = PKCS1_OAEP.new(key, hashAlgo=h, mgfunc=lambda x, y: MGF1(x, y, mgf_h),
                                label=label, randfunc=_rng(ctx))
    if encrypt:
        try:
            out = scheme.encrypt(src)
        except ValueError:
            return TEE_ERROR_BAD_PARAMETERS, b"", mod
        return TEE_SUCCESS, out, mod
    if len(src) != mod:
        return TEE_ERROR_BAD_PARAMETERS, b"", room
    try:
        if algo == c.TEE_ALG_RSAES_PKCS1_V1_5:
            out = scheme.decrypt(src, None, expected_pt_len=0)
            if out is None:
                raise ValueError("bad padding")
        else:
            out = scheme.decrypt(src)
    except (ValueError, TypeError):
        return TEE_ERROR_BAD_PARAMETERS, b"", room
    if room < len(out):
        return TEE_ERROR_SHORT_BUFFER, b"", len(out)
    return TEE_SUCCESS, out, len(out)


def _na1_encode(data: bytes, k: int) -> bytes | None:
    """EMSA-PKCS1-v1_5 block type 1 around raw data (LTC_PKCS_1_V1_5_NA1)."""
    if len(data) > k - 11:
        return None
    return b"\x00\x01" + b"\xff" * (k - 3 - len(data)) + b"\x00" + data


def rsassa_sign(ctx: SyscallContext, algo: int, o: GpObject, salt_len: int, msg: bytes,
                room: int) -> Result:
    h = None
    if algo != c.TEE_ALG_RSASSA_PKCS1_V1_5:
        h = _hash_mod(algo)
        if h is None:
            return TEE_ERROR_BAD_PARAMETERS, b"", room
        if len(msg) != alg.digest_size(alg.digest_hash_to_algo(algo)):
            return TEE_ERROR_BAD_PARAMETERS, b"", room
    mod = keys.modulus_size(o)
    if room < mod:
        return TEE_ERROR_SHORT_BUFFER, b"", mod
    try:
        key = keys.rsa_private(o)
        if h is None:
            em = _na1_encode(msg, mod)
            if em is None:
                return TEE_ERROR_BAD_PARAMETERS, b"", mod
            sig = int(key._decrypt(int.from_bytes(em, "big"))).to_bytes(mod, "big")  # noqa: SLF001
        elif algo in _PSS:
            sig = pss.new(key, salt_bytes=salt_len, rand_func=_rng(ctx)).sign(
                keys.Prehashed(msg, h))
        else:
            sig = pkcs1_15.new(key).sign(keys.Prehashed(msg, h))
    except (ValueError, TypeError):
        return TEE_ERROR_BAD_PARAMETERS, b"", mod
    return TEE_SUCCESS, sig, len(sig)


_PSS = {c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5, c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1,
        c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224, c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
        c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384, c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512}
_PKCS1 = {c.TEE_ALG_RSASSA_PKCS1_V1_5_MD5, c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA1,
          c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA224, c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
          c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA384, c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA512}
_RSAES = {c.TEE_ALG_RSAES_PKCS1_V1_5, c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5,
          c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224,
          c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384,
          c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512}
_ECDSA = {c.TEE_ALG_ECDSA_SHA1, c.TEE_ALG_ECDSA_SHA224, c.TEE_ALG_ECDSA_SHA256,
          c.TEE_ALG_ECDSA_SHA384, c.TEE_ALG_ECDSA_SHA512}
_DSA = {c.TEE_ALG_DSA_SHA1, c.TEE_ALG_DSA_SHA224, c.TEE_ALG_DSA_SHA256}


def rsassa_verify(algo: int, o: GpObject, salt_len: int, msg: bytes, sig: bytes) -> int:
    mod = keys.modulus_size(o)
    if len(sig) < mod:
        return TEE_ERROR_SIGNATURE_INVALID
    if len(sig) > mod:
        return TEE_ERROR_SIGNATURE_INVALID
    try:
        key = keys.rsa_public(o)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS
    if algo == c.TEE_ALG_RSASSA_PKCS1_V1_5:
        s = int.from_bytes(sig, "big")
        if s >= key.n:
            return TEE_ERROR_SIGNATURE_INVALID
        em = int(key._encrypt(s)).to_bytes(mod, "big")  # noqa: SLF001
        return TEE_SUCCESS if em == _na1_encode(msg, mod) else TEE_ERROR_SIGNATURE_INVALID
    h = _hash_mod(algo)
    try:
        if algo in _PSS:
            pss.new(key, salt_bytes=salt_len).verify(keys.Prehashed(msg, h), sig)
        else:
            pkcs1_15.new(key).verify(keys.Prehashed(msg, h), sig)
    except (ValueError, TypeError):
        return TEE_ERROR_SIGNATURE_INVALID
    return TEE_SUCCESS


def salt_length(params: list[Attr], default: int) -> int:
    """pkcs1_get_salt_len(): the PSS salt-length attribute, else the given default."""
    for p in params:
        if p.attr_id == c.TEE_ATTR_RSA_PSS_SALT_LENGTH:
            if p.a < 0x7FFFFFFF:
                return p.a
            break
    return default


# -- DSA, ECDSA, Ed25519 --------------------------------------------------------------


def _dss(key: Any, rng: Callable[[int], bytes] | None) -> Any:
    signer = DSS.new(key, "fips-186-3", randfunc=rng) if rng else DSS.new(key, "fips-186-3")
    signer._valid_hash = lambda _h: True  # noqa: SLF001 - the TA chose the digest
    return signer


def _ecdsa_digest(msg: bytes, bits: int) -> bytes:
    """libtomcrypt's truncation of the digest to the order's bit length."""
    nbytes = (bits + 7) // 8
    if len(msg) * 8 <= bits:
        return msg
    z = int.from_bytes(msg[:nbytes], "big")
    if bits % 8:
        z >>= 8 - bits % 8
    return z.to_bytes(nbytes, "big")


def ecdsa_sign(ctx: SyscallContext, algo: int, o: GpObject, msg: bytes, room: int) -> Result:
    curve = keys.ecc_curve(o)
    info = keys.NIST_CURVES.get(curve)
    if info is None:
        return TEE_ERROR_NOT_SUPPORTED, b"", room
    if keys.ECDSA_ALGO_OF_CURVE[curve] != algo:
        return TEE_ERROR_BAD_PARAMETERS, b"", room
    name, bits, nbytes = info
    if room < 2 * nbytes:
        return TEE_ERROR_SHORT_BUFFER, b"", 2 * nbytes
    try:
        key = keys.ecc_key(o, name)
        sig = _dss(key, _rng(ctx)).sign(keys.Prehashed(_ecdsa_digest(msg, bits)))
    except (ValueError, TypeError):
        return TEE_ERROR_GENERIC, b"", room
    return TEE_SUCCESS, sig, len(sig)


def ecdsa_verify(algo: int, o: GpObject, msg: bytes, sig: bytes) -> int:
    curve = keys.ecc_curve(o)
    info = keys.NIST_CURVES.get(curve)
    if info is None:
        return TEE_ERROR_NOT_SUPPORTED
    if keys.ECDSA_ALGO_OF_CURVE[curve] != algo:
        return TEE_ERROR_BAD_PARAMETERS
    name, bits, nbytes = info
    if len(sig) != 2 * nbytes:
        return TEE_ERROR_BAD_PARAMETERS
    try:
        key = keys.ecc_key(o, name)
    except ValueError:
        return TEE_ERROR_GENERIC
    try:
        _dss(key, None).verify(keys.Prehashed(_ecdsa_digest(msg, bits)), sig)
    except ValueError:
        return TEE_ERROR_SIGNATURE_INVALID
    return TEE_SUCCESS


def dsa_sign(ctx: SyscallContext, algo: int, o: GpObject, msg: bytes, room: int) -> Result:
    q = o.get_int(c.TEE_ATTR_DSA_SUBPRIME)
    qbytes = (q.bit_length() + 7) // 8
    hsize = min(alg.digest_size(algo), qbytes)
    if len(msg) != hsize:
        return TEE_ERROR_SECURITY, b"", room
    if room < 2 * qbytes:
        return TEE_ERROR_SHORT_BUFFER, b"", 2 * qbytes
    try:
        sig = _dss(keys.dsa_key(o), _rng(ctx)).sign(keys.Prehashed(msg))
    except (ValueError, TypeError):
        return TEE_ERROR_GENERIC, b"", room
    return TEE_SUCCESS, sig, len(sig)


def dsa_verify(algo: int, o: GpObject, msg: bytes, sig: bytes) -> int:
    try:
        verifier = _dss(keys.dsa_key(o), None)
    except ValueError:
        return TEE_ERROR_GENERIC
    half = len(sig) // 2
    q = o.get_int(c.TEE_ATTR_DSA_SUBPRIME)
    qbytes = (q.bit_length() + 7) // 8
    r, s = int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:2 * half], "big")
    if not (0 < r < q and 0 < s < q):
        return TEE_ERROR_SIGNATURE_INVALID
    try:
        verifier.verify(keys.Prehashed(msg), r.to_bytes(qbytes, "big") + s.to_bytes(qbytes, "big"))
    except ValueError:
        return TEE_ERROR_SIGNATURE_INVALID
    return TEE_SUCCESS


def ed25519_params(ctx: SyscallContext, params: list[Attr]) -> tuple[int, bool, bytes | None]:
    """tee_svc_obj_ed25519_parse_params(): (result, prehash, context or None)."""
    ph, context = False, None
    for p in params:
        if p.attr_id == c.TEE_ATTR_EDDSA_PREHASH:
            if p.b or p.a not in (0, 1):
                return TEE_ERROR_BAD_PARAMETERS, False, None
            ph = p.a == 1
        elif p.attr_id == c.TEE_ATTR_EDDSA_CTX:
            if context is not None or p.length > _ED25519_CTX_MAX:
                return TEE_ERROR_BAD_PARAMETERS, False, None
            if p.length:
                if not p.buffer:
                    return TEE_ERROR_BAD_PARAMETERS, False, None
                context = p.data(ctx)
        else:
            return TEE_ERROR_BAD_PARAMETERS, False, None
    return TEE_SUCCESS, ph, context


def _ed25519_scheme(key: Any, ph: bool, context: bytes | None) -> Any:
    if ph or context is not None:
        return eddsa.new(key, "rfc8032", context=context or b"")
    return eddsa.new(key, "rfc8032")


def _ed25519_input(msg: bytes, ph: bool) -> Any:
    if not ph:
        return msg
    from Crypto.Hash import SHA512
    return SHA512.new(msg)


def ed25519_sign(ctx: SyscallContext, o: GpObject, msg: bytes, params: list[Attr],
                 room: int) -> Result:
    res, ph, context = ed25519_params(ctx, params)
    if res != TEE_SUCCESS:
        return res, b"", room
    if room < 64:
        return TEE_ERROR_SHORT_BUFFER, b"", 64
    try:
        sig = _ed25519_scheme(keys.ed25519_key(o), ph, context).sign(_ed25519_input(msg, ph))
    except (ValueError, TypeError):
        return TEE_ERROR_BAD_PARAMETERS, b"", room
    return TEE_SUCCESS, sig, 64


def ed25519_verify(ctx: SyscallContext, o: GpObject, msg: bytes, sig: bytes,
                   params: list[Attr]) -> int:
    res, ph, context = ed25519_params(ctx, params)
    if res != TEE_SUCCESS:
        return res
    if len(sig) != 64:
        return TEE_ERROR_BAD_PARAMETERS
    try:
        key = keys.ed25519_key(o)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS
    try:
        _ed25519_scheme(key, ph, context).verify(_ed25519_input(msg, ph), sig)
    except ValueError:
        return TEE_ERROR_SIGNATURE_INVALID
    return TEE_SUCCESS


# -- the syscalls ---------------------------------------------------------------------


def operate(ctx: SyscallContext, cs: Any, o: GpObject, params: list[Attr], src: bytes,
            room: int) -> Result:
    algo, mode = cs.algo, cs.mode
    if algo == c.TEE_ALG_RSA_NOPAD:
        if mode not in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_DECRYPT):
            return TEE_ERROR_GENERIC, b"", room
        return rsa_nopad(o, mode == c.TEE_MODE_ENCRYPT, src, room)
    if algo in _RSAES:
        if mode not in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_DECRYPT):
            return TEE_ERROR_BAD_PARAMETERS, b"", room
        return rsaes(ctx, algo, o, mode == c.TEE_MODE_ENCRYPT, params, src, room)
    if algo in _PSS or algo in _PKCS1 or algo == c.TEE_ALG_RSASSA_PKCS1_V1_5:
        if mode != c.TEE_MODE_SIGN:
            return TEE_ERROR_BAD_PARAMETERS, b"", room
        return rsassa_sign(ctx, algo, o, salt_length(params, len(src)), src, room)
    if algo in _DSA:
        return dsa_sign(ctx, algo, o, src, room)
    if algo == c.TEE_ALG_ED25519:
        return ed25519_sign(ctx, o, src, params, room)
    if algo in _ECDSA:
        return ecdsa_sign(ctx, algo, o, src, room)
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
    from .state import get_state, live_key
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
    from .state import get_state, live_key
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
        return rsassa_verify(cs.algo, o, salt, msg, signature)
    if main == alg.MAIN_DSA:
        hsize = alg.digest_size(alg.digest_hash_to_algo(cs.algo))
        if not hsize:
            return TEE_ERROR_NOT_SUPPORTED
        q = o.get_int(c.TEE_ATTR_DSA_SUBPRIME)
        if data_len != hsize and data_len != (q.bit_length() + 7) // 8:
            return TEE_ERROR_BAD_PARAMETERS
        return dsa_verify(cs.algo, o, msg, signature)
    if main == alg.MAIN_ED25519:
        return ed25519_verify(ctx, o, msg, signature, attrs)
    if main == alg.MAIN_ECDSA:
        return ecdsa_verify(cs.algo, o, msg, signature)
    if main == alg.MAIN_SM2_DSA_SM3:
        return TEE_ERROR_NOT_IMPLEMENTED
    return TEE_ERROR_NOT_SUPPORTED
