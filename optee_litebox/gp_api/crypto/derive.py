"""Syscall 32: key derivation (syscall_cryp_derive_key).

DH (the shared secret is the peer's public value raised to our private value modulo
the prime, as libtomcrypt's mp_exptmod computes it), ECDH on the NIST curves and X25519
(pycryptodome), and OP-TEE's HKDF (RFC 5869), Concat KDF (NIST SP 800-56A) and
PBKDF2 extensions (pycryptodome's HKDF/PBKDF2; Concat KDF is its one-step hash loop
over the library hash). The result goes into a secret-value object.
"""
from __future__ import annotations

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_NOT_IMPLEMENTED, TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject, int_to_bytes
from ..registry import syscall
from . import algorithms as alg
from . import keys
from .common import Attr, Bounce, copy_in_attrs
from .state import get_state, live_key


def _store(so: GpObject, secret: bytes) -> None:
    so.values[0] = secret
    so.handle_flags |= c.TEE_HANDLE_FLAG_INITIALIZED
    so.have_attrs |= 1


def derive_dh(ctx: SyscallContext, bb: Bounce, ko: GpObject, so: GpObject,
              params: list[Attr]) -> int:
    if len(params) != 1 or params[0].attr_id != c.TEE_ATTR_DH_PUBLIC_VALUE:
        return TEE_ERROR_BAD_PARAMETERS
    res, raw = bb.memdup(ctx, params[0].buffer, params[0].length)
    if res != TEE_SUCCESS:
        return res
    p = ko.get_int(c.TEE_ATTR_DH_PRIME)
    if p < 2:
        return TEE_ERROR_BAD_PARAMETERS
    secret = int_to_bytes(pow(int.from_bytes(raw, "big"), ko.get_int(c.TEE_ATTR_DH_PRIVATE_VALUE), p))
    assert so.props is not None
    if len(secret) > so.props.secret_alloc:
        return TEE_ERROR_BAD_PARAMETERS
    _store(so, secret)
    return TEE_SUCCESS


def derive_ecdh(ctx: SyscallContext, bb: Bounce, ko: GpObject, so: GpObject,
                params: list[Attr]) -> int:
    if len(params) != 2 or params[0].attr_id != c.TEE_ATTR_ECC_PUBLIC_VALUE_X or \
            params[1].attr_id != c.TEE_ATTR_ECC_PUBLIC_VALUE_Y:
        return TEE_ERROR_BAD_PARAMETERS
    from Crypto.Protocol.DH import key_agreement
    from Crypto.PublicKey import ECC
    info = keys.NIST_CURVES.get(keys.ecc_curve(ko))
    if info is None:
        return TEE_ERROR_NOT_IMPLEMENTED
    res, x = bb.memdup(ctx, params[0].buffer, params[0].length)
    if res != TEE_SUCCESS:
        return res
    res, y = bb.memdup(ctx, params[1].buffer, params[1].length)
    if res != TEE_SUCCESS:
        return res
    name, _, nbytes = info
    try:
        peer = ECC.construct(curve=name, point_x=int.from_bytes(x, "big"),
                             point_y=int.from_bytes(y, "big"))
        secret = key_agreement(static_priv=keys.ecc_key(ko, name), static_pub=peer,
                               kdf=lambda z: z)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS
    assert so.props is not None
    if len(secret) > so.props.secret_alloc:
        return TEE_ERROR_BAD_PARAMETERS
    _store(so, bytes(secret).rjust(nbytes, b"\0"))
    return TEE_SUCCESS


def derive_x25519(ctx: SyscallContext, bb: Bounce, ko: GpObject, so: GpObject,
                  params: list[Attr]) -> int:
    if len(params) != 1 or params[0].attr_id != c.TEE_ATTR_X25519_PUBLIC_VALUE:
        return TEE_ERROR_BAD_PARAMETERS
    if params[0].length != 32:
        return TEE_ERROR_BAD_PARAMETERS
    from Crypto.Protocol.DH import key_agreement
    from Crypto.PublicKey import ECC
    res, pub = bb.memdup(ctx, params[0].buffer, 32)
    if res != TEE_SUCCESS:
        return res
    try:
        mine = ECC.construct(curve="Curve25519", seed=ko.get_bytes(c.TEE_ATTR_X25519_PRIVATE_VALUE))
        peer = ECC.construct(curve="Curve25519",
                             point_x=int.from_bytes(pub, "little") & ((1 << 255) - 1))
        secret = key_agreement(static_priv=mine, static_pub=peer, kdf=lambda z: z)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS
    _store(so, bytes(secret))
    return TEE_SUCCESS


def _kdf_params(ctx: SyscallContext, bb: Bounce, params: list[Attr],
                spec: dict[int, str]) -> tuple[int, dict[str, object]]:
    """First occurrence of each known attribute wins; an unknown one is BAD_PARAMETERS."""
    found: dict[str, object] = {}
    for p in params:
        name = spec.get(p.attr_id)
        if name is None:
            return TEE_ERROR_BAD_PARAMETERS, {}
        if name in found:
            continue
        if p.is_value:
            found[name] = p.a & 0xFFFFFFFF
        else:
            res, data = bb.memdup(ctx, p.buffer, p.length)
            if res != TEE_SUCCESS:
                return res, {}
            found[name] = data
    return TEE_SUCCESS, found


def derive_kdf(ctx: SyscallContext, bb: Bounce, algo: int, ko: GpObject, so: GpObject,
               params: list[Attr]) -> int:
    from Crypto.Protocol.KDF import HKDF, PBKDF2
    main = alg.get_main_alg(algo)
    ikm = ko.secret()
    assert so.props is not None
    if main == alg.MAIN_HKDF:
        spec = {c.__OPTEE_TEE_ATTR_HKDF_SALT: "salt", c.TEE_ATTR_HKDF_SALT: "salt",
                c.TEE_ATTR_KDF_KEY_SIZE: "len", c.TEE_ATTR_HKDF_OKM_LENGTH: "len",
                c.__OPTEE_ATTR_HKDF_INFO: "info", c.TEE_ATTR_HKDF_INFO: "info",
                c.TEE_ATTR_HKDF_HASH_ALGORITHM: "hash"}
    elif main == alg.MAIN_CONCAT_KDF:
        spec = {c.TEE_ATTR_CONCAT_KDF_OTHER_INFO: "info", c.TEE_ATTR_CONCAT_KDF_DKM_LENGTH: "len"}
    else:
        spec = {c.TEE_ATTR_PBKDF2_SALT: "salt", c.TEE_ATTR_PBKDF2_DKM_LENGTH: "len",
                c.TEE_ATTR_PBKDF2_ITERATION_COUNT: "count"}
    res, f = _kdf_params(ctx, bb, params, spec)
    if res != TEE_SUCCESS:
        return res
    if "len" not in f or (main == alg.MAIN_PBKDF2 and "count" not in f):
        return TEE_ERROR_BAD_PARAMETERS
    if main == alg.MAIN_HKDF and algo != c.TEE_ALG_HKDF:
        f.pop("hash", None)  # the algorithm names the hash
    hash_id = f.get("hash", c.TEE_ALG_SHA256 if algo == c.TEE_ALG_HKDF
                    else alg.digest_hash_to_algo(algo))
    okm_len = int(f["len"])  # type: ignore[call-overload]
    if okm_len > so.props.secret_alloc:
        return TEE_ERROR_BAD_PARAMETERS
    h = alg.hash_module(int(hash_id))  # type: ignore[call-overload]
    if h is None:
        return TEE_ERROR_NOT_SUPPORTED
    if main == alg.MAIN_HKDF:
        if okm_len == 0 or okm_len > 255 * h.digest_size:
            return TEE_ERROR_BAD_PARAMETERS
        salt = bytes(f.get("salt", b"")) or bytes(h.digest_size)  # type: ignore[call-overload]
        out = HKDF(ikm, okm_len, salt, h, context=bytes(f.get("info", b"")))  # type: ignore[call-overload]
    elif main == alg.MAIN_CONCAT_KDF:
        info = bytes(f.get("info", b""))  # type: ignore[call-overload]
        blocks = -(-okm_len // h.digest_size)
        out = b"".join(h.new(i.to_bytes(4, "big") + ikm + info).digest()
                       for i in range(1, blocks + 1))[:okm_len]
    else:
        count = int(f["count"])  # type: ignore[call-overload]
        if not count:
            return TEE_ERROR_BAD_PARAMETERS
        out = PBKDF2(ikm, bytes(f.get("salt", b"")), okm_len, count=count, hmac_hash_module=h)  # type: ignore[call-overload]
    _store(so, bytes(out))
    return TEE_SUCCESS


@syscall(32)
def syscall_cryp_derive_key(ctx: SyscallContext, state: int, params: int, param_count: int,
                            derived_key: int) -> int:
    """TEE_Result syscall_cryp_derive_key(unsigned long state, const struct utee_attribute *params, unsigned long param_count, unsigned long derived_key);"""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    bb = Bounce()
    res, attrs = copy_in_attrs(ctx, bb, params, param_count)
    if res != TEE_SUCCESS:
        return res
    ko = live_key(ctx, cs.key1)
    if ko is None:
        return TEE_ERROR_BAD_STATE
    so = ctx.cryp.objects.get(derived_key)
    if so is None:
        return TEE_ERROR_BAD_STATE
    if so.props is None or not so.props.is_secret or \
            so.props.attrs[0].attr_id != c.TEE_ATTR_SECRET_VALUE:
        return TEE_ERROR_NOT_SUPPORTED
    main = alg.get_main_alg(cs.algo)
    if cs.algo == c.TEE_ALG_DH_DERIVE_SHARED_SECRET:
        return derive_dh(ctx, bb, ko, so, attrs)
    if cs.algo == c.TEE_ALG_ECDH_DERIVE_SHARED_SECRET:
        return derive_ecdh(ctx, bb, ko, so, attrs)
    if main in (alg.MAIN_HKDF, alg.MAIN_CONCAT_KDF, alg.MAIN_PBKDF2):
        return derive_kdf(ctx, bb, cs.algo, ko, so, attrs)
    if cs.algo == c.TEE_ALG_X25519:
        return derive_x25519(ctx, bb, ko, so, attrs)
    return TEE_ERROR_NOT_SUPPORTED
