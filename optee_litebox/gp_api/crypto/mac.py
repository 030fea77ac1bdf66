"""MAC contexts (core/crypto/crypto.c crypto_mac_*): HMAC, CMAC and CBC-MAC.

HMAC over every digest (pycryptodome; SM3 through `cryptography`), AES and 3DES CMAC
(pycryptodome CMAC), and CBC-MAC with or without PKCS#5 padding for AES, DES and
3DES. CBC-MAC is composed from the library's CBC mode exactly as upstream composes it
(core/crypto/cbc-mac.c): the MAC is the last ciphertext block, a final with a partial
block pending (no padding) answers TEE_ERROR_BAD_STATE.
"""
from __future__ import annotations

from typing import Any

from ...abi import crypto as c
from ...abi.results import TEE_ERROR_BAD_STATE, TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS
from . import algorithms as alg
from .blockciphers import des3_key, new_cbc
from .state import CTX_FACTORIES

_HMACS = {c.TEE_ALG_HMAC_MD5: c.TEE_ALG_MD5, c.TEE_ALG_HMAC_SHA1: c.TEE_ALG_SHA1,
          c.TEE_ALG_HMAC_SHA224: c.TEE_ALG_SHA224, c.TEE_ALG_HMAC_SHA256: c.TEE_ALG_SHA256,
          c.TEE_ALG_HMAC_SHA384: c.TEE_ALG_SHA384, c.TEE_ALG_HMAC_SHA512: c.TEE_ALG_SHA512,
          c.TEE_ALG_HMAC_SHA3_224: c.TEE_ALG_SHA3_224, c.TEE_ALG_HMAC_SHA3_256: c.TEE_ALG_SHA3_256,
          c.TEE_ALG_HMAC_SHA3_384: c.TEE_ALG_SHA3_384, c.TEE_ALG_HMAC_SHA3_512: c.TEE_ALG_SHA3_512,
          c.TEE_ALG_HMAC_SM3: c.TEE_ALG_SM3}
_CBC_MACS = {c.TEE_ALG_AES_CBC_MAC_NOPAD, c.TEE_ALG_AES_CBC_MAC_PKCS5,
             c.TEE_ALG_DES_CBC_MAC_NOPAD, c.TEE_ALG_DES_CBC_MAC_PKCS5,
             c.TEE_ALG_DES3_CBC_MAC_NOPAD, c.TEE_ALG_DES3_CBC_MAC_PKCS5}


class _HmacSm3:
    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives import hashes, hmac
        self._h = hmac.HMAC(key, hashes.SM3())

    def update(self, data: Any) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return bytes(self._h.copy().finalize())

    def copy(self) -> "_HmacSm3":
        dup = _HmacSm3.__new__(_HmacSm3)
        dup._h = self._h.copy()
        return dup


class MacCtx:
    """HMAC or CMAC: a library object with update/digest/copy."""

    def __init__(self, algo: int) -> None:
        self.algo = algo
        self.obj: Any = None

    def init(self, key: bytes) -> int:
        from Crypto.Cipher import AES
        from Crypto.Hash import CMAC, HMAC
        if self.algo == c.TEE_ALG_HMAC_SM3:
            self.obj = _HmacSm3(key)
        elif self.algo in _HMACS:
            self.obj = HMAC.new(key, digestmod=alg.hash_module(_HMACS[self.algo]))
        elif self.algo == c.TEE_ALG_AES_CMAC:
            self.obj = CMAC.new(key, ciphermod=AES)
        else:
            module, k = des3_key(key)
            self.obj = CMAC.new(k, ciphermod=module)
        return TEE_SUCCESS

    def update(self, data: Any) -> int:
        if self.obj is None:
            return TEE_ERROR_BAD_STATE
        self.obj.update(data)
        return TEE_SUCCESS

    def final(self, size: int) -> tuple[int, bytes]:
        if self.obj is None:
            return TEE_ERROR_BAD_STATE, b""
        return TEE_SUCCESS, self.obj.digest()[:size]

    def copy_from(self, other: "MacCtx") -> None:
        self.obj = other.obj.copy() if other.obj is not None else None


class CbcMacCtx:
    """CBC-MAC composed from the library's CBC encryption (core/crypto/cbc-mac.c)."""

    def __init__(self, algo: int) -> None:
        self.algo = algo
        self.main = alg.get_main_alg(algo)
        self.block = 16 if self.main == alg.MAIN_AES else 8
        self.pkcs5 = alg.get_chain_mode(algo) == alg.CHAIN_CBC_MAC_PKCS5
        self.key = b""
        self.cbc: Any = None
        self.digest = bytes(self.block)
        self.pending = b""
        self.computed = False

    def init(self, key: bytes) -> int:
        self.key = bytes(key)
        self.cbc = new_cbc(self.main, self.key, bytes(self.block))
        self.digest, self.pending, self.computed = bytes(self.block), b"", False
        return TEE_SUCCESS

    def update(self, data: Any) -> int:
        if self.cbc is None:
            return TEE_ERROR_BAD_STATE
        buf = self.pending + bytes(data)
        full = len(buf) - len(buf) % self.block
        if full:
            out = self.cbc.encrypt(buf[:full])
            self.digest = out[-self.block:]
            self.computed = True
        self.pending = buf[full:]
        return TEE_SUCCESS

    def final(self, size: int) -> tuple[int, bytes]:
        if self.cbc is None:
            return TEE_ERROR_BAD_STATE, b""
        if self.pkcs5:
            pad = self.block - len(self.pending)
            self.update(bytes([pad]) * pad)
        if not self.computed or self.pending:
            return TEE_ERROR_BAD_STATE, b""
        return TEE_SUCCESS, self.digest[:size]

    def copy_from(self, other: "CbcMacCtx") -> None:
        self.key, self.digest = other.key, other.digest
        self.pending, self.computed = other.pending, other.computed
        self.cbc = new_cbc(self.main, self.key, self.digest) if other.cbc is not None else None


def alloc_mac(algo: int) -> tuple[int, Any]:
    """crypto_mac_alloc_ctx(): unknown MAC algorithms answer TEE_ERROR_NOT_SUPPORTED."""
    if algo in _HMACS or algo in (c.TEE_ALG_AES_CMAC, c.TEE_ALG_DES3_CMAC):
        return TEE_SUCCESS, MacCtx(algo)
    if algo in _CBC_MACS:
        return TEE_SUCCESS, CbcMacCtx(algo)
    return TEE_ERROR_NOT_SUPPORTED, None


CTX_FACTORIES[c.TEE_OPERATION_MAC] = alloc_mac
