"""RSA for syscalls 39-40 (core/lib/libtomcrypt/rsa.c): raw, PKCS#1 v1.5 and OAEP
encryption, PKCS#1 v1.5, PSS and the hash-less v1.5 "NA1" signatures.

pycryptodome's schemes; the raw RSA operation (TEE_ALG_RSA_NOPAD and the NA1 signature)
uses its RSA key primitive with PKCS#1 block type 1 formatting around it. Imported by
``asymm`` on first use.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from Crypto.Cipher import PKCS1_OAEP, PKCS1_v1_5
from Crypto.Signature import pkcs1_15, pss

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_NOT_SUPPORTED,
                            TEE_ERROR_SHORT_BUFFER, TEE_ERROR_SIGNATURE_INVALID, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject
from . import algorithms as alg
from . import keys
from .algorithms import RSASSA_PSS as _PSS
from .common import Attr

Result = tuple[int, bytes, int]  # (TEE_Result, output, required/actual length)


def _rng(ctx: SyscallContext) -> Callable[[int], bytes]:
    return ctx.platform.rng.random_bytes


def _hash_mod(algo: int) -> Any:
    return alg.hash_module(alg.digest_hash_to_algo(algo))


def rsa_nopad(o: GpObject, encrypt: bool, src: bytes, room: int) -> Result:
    """rsadorep(): raw modular exponentiation, leading zeros removed (one kept)."""
    try:
        key = keys.rsa_public(o) if encrypt else keys.rsa_private(o)
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS, b"", 0
    m = int.from_bytes(src, "big")
    if m >= key.n:
        return TEE_ERROR_BAD_PARAMETERS, b"", 0
    try:
        out = key._encrypt(m) if encrypt else key._decrypt(m)  # noqa: SLF001 - RSA primitive
    except (ValueError, ZeroDivisionError):  # values that are no RSA key (e.g. an even n)
        return TEE_ERROR_BAD_PARAMETERS, b"", 0
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
