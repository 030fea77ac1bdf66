"""Block-cipher objects by main algorithm: AES, DES, 3DES (pycryptodome), SM4 (cryptography).

pycryptodome is imported when the first object is made, not with the syscalls.
Every object offers ``encrypt(data, output=None)`` and ``decrypt(data, output=None)``
like pycryptodome's: with output (a writable buffer of the same size) nothing is
returned. Keys are assumed valid for the type: the object type table guarantees it.
"""
from __future__ import annotations

from typing import Any

from . import algorithms as alg


def des3_key(key: bytes) -> tuple[Any, bytes]:
    """2-key 3DES becomes K1K2K1 (get_des2_key); degenerate keys are single DES.

    pycryptodome refuses 3DES keys where two adjacent subkeys are equal (EDE then
    collapses to one DES), which libtomcrypt accepts: we run the equivalent DES.
    """
    from Crypto.Cipher import DES, DES3
    if len(key) == 16:
        key = key + key[:8]
    k1, k2, k3 = key[:8], key[8:16], key[16:24]
    if k1 == k2:
        return DES, k3
    if k2 == k3:
        return DES, k1
    return DES3, key


class _Sm4:
    """SM4 through cryptography, with separate encryptor and decryptor contexts."""

    def __init__(self, key: bytes, mode: Any) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
        cipher = Cipher(algorithms.SM4(bytes(key)), mode)
        self._enc = cipher.encryptor()
        self._dec = cipher.decryptor()

    def encrypt(self, data: Any, output: Any = None) -> bytes | None:
        out = self._enc.update(bytes(data))
        if output is None:
            return out
        output[:] = out
        return None

    def decrypt(self, data: Any, output: Any = None) -> bytes | None:
        out = self._dec.update(bytes(data))
        if output is None:
            return out
        output[:] = out
        return None


def _module_key(main: int, key: bytes) -> tuple[Any, bytes]:
    from Crypto.Cipher import AES, DES
    if main == alg.MAIN_AES:
        return AES, key
    if main == alg.MAIN_DES:
        return DES, key
    if main == alg.MAIN_DES3:
        return des3_key(key)
    raise ValueError(f"no block cipher for main algorithm 0x{main:x}")


def new_ecb(main: int, key: bytes) -> Any:
    if main == alg.MAIN_SM4:
        from cryptography.hazmat.primitives.ciphers import modes
        return _Sm4(key, modes.ECB())
    module, k = _module_key(main, key)
    return module.new(k, module.MODE_ECB)


def new_cbc(main: int, key: bytes, iv: bytes) -> Any:
    if main == alg.MAIN_SM4:
        from cryptography.hazmat.primitives.ciphers import modes
        return _Sm4(key, modes.CBC(bytes(iv)))
    module, k = _module_key(main, key)
    return module.new(k, module.MODE_CBC, iv=bytes(iv))


def new_ctr(main: int, key: bytes, counter: bytes) -> Any:
    """Counter mode with the whole block as a big-endian counter (CTR_COUNTER_BIG_ENDIAN)."""
    if main == alg.MAIN_SM4:
        from cryptography.hazmat.primitives.ciphers import modes
        return _Sm4(key, modes.CTR(bytes(counter)))
    module, k = _module_key(main, key)
    return module.new(k, module.MODE_CTR, nonce=b"", initial_value=bytes(counter))
