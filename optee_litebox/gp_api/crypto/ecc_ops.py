"""DSA, ECDSA on the NIST curves and Ed25519 (pure, ctx, ph) for syscalls 39-40, with
the result codes of core/lib/libtomcrypt/{dsa,ecc,ed25519}.c (pycryptodome). Imported
by ``asymm`` on first use.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from Crypto.Signature import DSS, eddsa

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_GENERIC,
                            TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_SECURITY, TEE_ERROR_SHORT_BUFFER,
                            TEE_ERROR_SIGNATURE_INVALID, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject
from . import algorithms as alg
from . import keys
from .common import Attr

_ED25519_CTX_MAX = 255
Result = tuple[int, bytes, int]  # (TEE_Result, output, required/actual length)


def _rng(ctx: SyscallContext) -> Callable[[int], bytes]:
    return ctx.platform.rng.random_bytes


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
