"""Taking algorithm identifiers apart (lib/libutee/include/utee_defines.h).

The class, main algorithm, chaining mode and hashes of a TEE_ALG_* value, the digest
and block sizes upstream derives from them, and the hash constructors we map them to.
"""
from __future__ import annotations

from typing import Any, Callable

from ...abi import crypto as c

# Main algorithms (bits [7:0], with the exceptions utee_defines.h lists).
MAIN_MD5, MAIN_SHA1, MAIN_SHA224, MAIN_SHA256, MAIN_SHA384, MAIN_SHA512 = 1, 2, 3, 4, 5, 6
MAIN_SM3, MAIN_SHA3_224, MAIN_SHA3_256, MAIN_SHA3_384, MAIN_SHA3_512 = 7, 8, 9, 0xA, 0xB
MAIN_AES, MAIN_DES, MAIN_DES2, MAIN_DES3, MAIN_SM4 = 0x10, 0x11, 0x12, 0x13, 0x14
MAIN_RSA, MAIN_DSA, MAIN_DH = 0x30, 0x31, 0x32
MAIN_ECDSA, MAIN_ECDH, MAIN_ED25519, MAIN_X25519 = 0x41, 0x42, 0x43, 0x44
MAIN_SM2_DSA_SM3, MAIN_SM2_KEP, MAIN_SM2_PKE, MAIN_X448 = 0x45, 0x46, 0x47, 0x49
MAIN_HKDF, MAIN_CONCAT_KDF, MAIN_PBKDF2, MAIN_SHAKE128, MAIN_SHAKE256 = 0xC0, 0xC1, 0xC2, 0xC3, 0xC4

# Chaining modes (bits [11:8]).
CHAIN_ECB_NOPAD, CHAIN_CBC_NOPAD, CHAIN_CTR, CHAIN_CTS, CHAIN_XTS = 0, 1, 2, 3, 4
CHAIN_CBC_MAC_PKCS5, CHAIN_CMAC, CHAIN_CCM, CHAIN_GCM = 5, 6, 7, 8

_MAIN_HASH_SM3 = 0x7


_CLASS_SPECIAL = {c.TEE_ALG_SM2_PKE: c.TEE_OPERATION_ASYMMETRIC_CIPHER,
                  c.TEE_ALG_SM2_KEP: c.TEE_OPERATION_KEY_DERIVATION,
                  c.TEE_ALG_RSASSA_PKCS1_V1_5: c.TEE_OPERATION_ASYMMETRIC_SIGNATURE,
                  c.TEE_ALG_DES3_CMAC: c.TEE_OPERATION_MAC,
                  c.TEE_ALG_SM4_XTS: c.TEE_OPERATION_CIPHER,
                  c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5: c.TEE_OPERATION_ASYMMETRIC_SIGNATURE,
                  c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5: c.TEE_OPERATION_ASYMMETRIC_CIPHER}
_MAIN_SPECIAL = {c.TEE_ALG_SM2_PKE: MAIN_SM2_PKE, c.TEE_ALG_SM2_KEP: MAIN_SM2_KEP,
                 c.TEE_ALG_X25519: MAIN_X25519, c.TEE_ALG_ED25519: MAIN_ED25519,
                 c.TEE_ALG_ECDSA_SHA1: MAIN_ECDSA, c.TEE_ALG_ECDSA_SHA224: MAIN_ECDSA,
                 c.TEE_ALG_ECDSA_SHA256: MAIN_ECDSA, c.TEE_ALG_ECDSA_SHA384: MAIN_ECDSA,
                 c.TEE_ALG_ECDSA_SHA512: MAIN_ECDSA, c.TEE_ALG_HKDF: MAIN_HKDF,
                 c.TEE_ALG_SHAKE128: MAIN_SHAKE128, c.TEE_ALG_SHAKE256: MAIN_SHAKE256,
                 c.TEE_ALG_X448: MAIN_X448}


def get_class(algo: int) -> int:
    """TEE_ALG_GET_CLASS()."""
    return _CLASS_SPECIAL.get(algo, (algo >> 28) & 0xF)


def get_main_alg(algo: int) -> int:
    """TEE_ALG_GET_MAIN_ALG()."""
    return _MAIN_SPECIAL.get(algo, algo & 0xFF)


def get_chain_mode(algo: int) -> int:
    return (algo >> 8) & 0xF


def get_digest_hash(algo: int) -> int:
    """TEE_ALG_GET_DIGEST_HASH(): bits [15:12], SM3 for SM2-DSA."""
    if algo == c.TEE_ALG_SM2_DSA_SM3:
        return _MAIN_HASH_SM3
    return (algo >> 12) & 0xF


def get_internal_hash(algo: int) -> int:
    return (algo >> 20) & 0x7


def hash_algo(main_hash: int) -> int:
    """TEE_ALG_HASH_ALGO()."""
    if main_hash == _MAIN_HASH_SM3:
        return c.TEE_ALG_SM3
    return (c.TEE_OPERATION_DIGEST << 28) | main_hash


def digest_hash_to_algo(algo: int) -> int:
    return hash_algo(get_digest_hash(algo))


def internal_hash_to_algo(algo: int) -> int:
    return hash_algo(get_internal_hash(algo))


_DIGEST_SIZES: dict[int, int] = {}
for _size, _algos in (
        (16, (c.TEE_ALG_MD5, c.TEE_ALG_HMAC_MD5)),
        (20, (c.TEE_ALG_SHA1, c.TEE_ALG_HMAC_SHA1, c.TEE_ALG_DSA_SHA1, c.TEE_ALG_ECDSA_SHA1)),
        (28, (c.TEE_ALG_SHA224, c.TEE_ALG_SHA3_224, c.TEE_ALG_HMAC_SHA224,
              c.TEE_ALG_HMAC_SHA3_224, c.TEE_ALG_DSA_SHA224, c.TEE_ALG_ECDSA_SHA224)),
        (32, (c.TEE_ALG_SHA256, c.TEE_ALG_SHA3_256, c.TEE_ALG_HMAC_SHA256,
              c.TEE_ALG_HMAC_SHA3_256, c.TEE_ALG_DSA_SHA256, c.TEE_ALG_ECDSA_SHA256,
              c.TEE_ALG_SM3, c.TEE_ALG_HMAC_SM3)),
        (48, (c.TEE_ALG_SHA384, c.TEE_ALG_SHA3_384, c.TEE_ALG_HMAC_SHA384,
              c.TEE_ALG_HMAC_SHA3_384, c.TEE_ALG_ECDSA_SHA384)),
        (64, (c.TEE_ALG_SHA512, c.TEE_ALG_SHA3_512, c.TEE_ALG_HMAC_SHA512,
              c.TEE_ALG_HMAC_SHA3_512, c.TEE_ALG_ECDSA_SHA512)),
        (16, (c.TEE_ALG_AES_CBC_MAC_NOPAD, c.TEE_ALG_AES_CBC_MAC_PKCS5, c.TEE_ALG_AES_CMAC)),
        (8, (c.TEE_ALG_DES_CBC_MAC_NOPAD, c.TEE_ALG_DES_CBC_MAC_PKCS5,
             c.TEE_ALG_DES3_CBC_MAC_NOPAD, c.TEE_ALG_DES3_CBC_MAC_PKCS5, c.TEE_ALG_DES3_CMAC))):
    for _a in _algos:
        _DIGEST_SIZES[_a] = _size


def digest_size(algo: int) -> int:
    """TEE_ALG_GET_DIGEST_SIZE(): 0 for algorithms without one."""
    return _DIGEST_SIZES.get(algo, 0)


def block_size(algo: int) -> int:
    """tee_cipher_get_block_size(): 16, 8, or 0 (TEE_ERROR_NOT_SUPPORTED)."""
    main = get_main_alg(algo)
    if get_class(algo) not in (c.TEE_OPERATION_CIPHER, c.TEE_OPERATION_MAC, c.TEE_OPERATION_AE):
        return 0
    if main in (MAIN_AES, MAIN_SM4):
        return 16
    if main in (MAIN_DES, MAIN_DES3):
        return 8
    return 0


def _pycryptodome(name: str) -> Callable[[], Any]:
    def new() -> Any:
        module = __import__(f"Crypto.Hash.{name}", fromlist=["new"])
        return module.new()
    return new


class _Sm3:
    """SM3 from the `cryptography` package (pycryptodome has none), hashlib-style."""

    digest_size = 32
    block_size = 64

    def __init__(self, ctx: Any = None) -> None:
        from cryptography.hazmat.primitives import hashes
        self._ctx = ctx if ctx is not None else hashes.Hash(hashes.SM3())

    def update(self, data: bytes | memoryview) -> None:
        self._ctx.update(data)

    def digest(self) -> bytes:
        return bytes(self._ctx.copy().finalize())

    def copy(self) -> "_Sm3":
        return _Sm3(self._ctx.copy())


#: Digest algorithm -> constructor of a hash object (update/digest/copy).
HASH_NEW: dict[int, Callable[[], Any]] = {
    c.TEE_ALG_MD5: _pycryptodome("MD5"),
    c.TEE_ALG_SHA1: _pycryptodome("SHA1"),
    c.TEE_ALG_SHA224: _pycryptodome("SHA224"),
    c.TEE_ALG_SHA256: _pycryptodome("SHA256"),
    c.TEE_ALG_SHA384: _pycryptodome("SHA384"),
    c.TEE_ALG_SHA512: _pycryptodome("SHA512"),
    c.TEE_ALG_SHA3_224: _pycryptodome("SHA3_224"),
    c.TEE_ALG_SHA3_256: _pycryptodome("SHA3_256"),
    c.TEE_ALG_SHA3_384: _pycryptodome("SHA3_384"),
    c.TEE_ALG_SHA3_512: _pycryptodome("SHA3_512"),
    c.TEE_ALG_SM3: _Sm3,
}

XOF_NEW: dict[int, Callable[[], Any]] = {
    c.TEE_ALG_SHAKE128: _pycryptodome("SHAKE128"),
    c.TEE_ALG_SHAKE256: _pycryptodome("SHAKE256"),
}


def hash_module(algo: int) -> Any:
    """The pycryptodome hash module for a digest algorithm (for HMAC, PSS, OAEP), or None."""
    names = {c.TEE_ALG_MD5: "MD5", c.TEE_ALG_SHA1: "SHA1", c.TEE_ALG_SHA224: "SHA224",
             c.TEE_ALG_SHA256: "SHA256", c.TEE_ALG_SHA384: "SHA384", c.TEE_ALG_SHA512: "SHA512",
             c.TEE_ALG_SHA3_224: "SHA3_224", c.TEE_ALG_SHA3_256: "SHA3_256",
             c.TEE_ALG_SHA3_384: "SHA3_384", c.TEE_ALG_SHA3_512: "SHA3_512"}
    name = names.get(algo)
    if name is None:
        return None
    return __import__(f"Crypto.Hash.{name}", fromlist=["new"])


# Asymmetric algorithm families (how syscalls 39-40 dispatch).
RSASSA_PSS = {c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5, c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1,
              c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224, c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
              c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384, c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512}
RSASSA_PKCS1 = {c.TEE_ALG_RSASSA_PKCS1_V1_5_MD5, c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA1,
                c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA224, c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
                c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA384, c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA512}
RSAES = {c.TEE_ALG_RSAES_PKCS1_V1_5, c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5,
         c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224,
         c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384,
         c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512}
ECDSA = {c.TEE_ALG_ECDSA_SHA1, c.TEE_ALG_ECDSA_SHA224, c.TEE_ALG_ECDSA_SHA256,
         c.TEE_ALG_ECDSA_SHA384, c.TEE_ALG_ECDSA_SHA512}
DSA = {c.TEE_ALG_DSA_SHA1, c.TEE_ALG_DSA_SHA224, c.TEE_ALG_DSA_SHA256}
