"""AES-GCM and AES-CCM contexts of the authenticated-encryption syscalls (pycryptodome).

Result codes follow core/crypto/aes-gcm.c (OP-TEE's own GCM: any tag length up to
16, a wrong-length tag is TEE_ERROR_MAC_INVALID) and core/lib/libtomcrypt/ccm.c (tag
4..16 and even else NOT_SUPPORTED, nonce up to 13 bytes, library errors BAD_STATE,
a shorter tag given to decrypt-final is compared as a prefix).

TEE_CopyOperation: pycryptodome's AEAD objects have no copy. A GCM object is cloned
from its parts (``gcm_clone``: the GHASH accumulator, the counter position and the
bookkeeping), which a self-test checks against the library once per process; where it
does not hold (another pycryptodome), and always for CCM, a context keeps what it was
fed (``ReplayLog``) and a copy replays that into a fresh object.
"""
from __future__ import annotations

from typing import Any

from Crypto.Cipher import AES

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_MAC_INVALID, TEE_ERROR_NOT_SUPPORTED,
                            TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from .gcm_clone import gcm_clone, gcm_clone_works, gcm_tag

_INT_MAX = 0x7FFFFFFF


class ReplayLog:
    """What an AE operation was fed, kept for TEE_CopyOperation.

    One reusable buffer: a fresh bytes object per 64 KiB update cost more than the
    encryption itself (every new allocation faults its pages in), while appending to
    memory kept from the previous operation is a plain copy.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._used = 0
        self._parts: list[tuple[str, int, int]] = []

    def reset(self) -> None:
        self._used = 0
        self._parts.clear()

    def add(self, kind: str, data: Any) -> None:
        n = len(data)
        end = self._used + n
        if end > len(self._buf):
            self._buf.extend(bytes(max(end - len(self._buf), len(self._buf))))
        self._buf[self._used:end] = data
        self._parts.append((kind, self._used, end))
        self._used = end

    def items(self) -> list[tuple[str, bytes]]:
        return [(kind, bytes(self._buf[a:b])) for kind, a, b in self._parts]


class AeCtx:
    """Common part: library objects, the replay log and the tag length."""

    #: Whether contexts of this kind record their input for TEE_CopyOperation.
    keeps_log = True

    def __init__(self, algo: int) -> None:
        self.algo = algo
        self.encrypt = True
        self.tag_len = 0
        self.args: tuple[Any, ...] = ()
        self.log = ReplayLog()
        self.obj: Any = None

    def _new(self) -> None:
        """Create the library object from self.args (every mode defines it)."""

    def update_aad(self, data: Any) -> int:
        try:
            self.obj.update(data)
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE
        if self.keeps_log:
            self.log.add("aad", data)
        return TEE_SUCCESS

    def _payload(self, data: Any, out: Any) -> bytes | None:
        if self.keeps_log:
            self.log.add("data", data)
        fn = self.obj.encrypt if self.encrypt else self.obj.decrypt
        return fn(data, output=out) if out is not None else fn(data)

    def update_payload(self, data: Any, out: Any) -> tuple[int, bytes | None]:
        try:
            return TEE_SUCCESS, self._payload(data, out)
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE, None

    def copy_from(self, other: "AeCtx") -> None:
        self.encrypt, self.tag_len, self.args = other.encrypt, other.tag_len, other.args
        self.log.reset()
        self.obj = None
        if other.obj is None:
            return
        self._new()
        for kind, data in other.log.items():
            if kind == "aad":
                self.update_aad(data)
            else:
                self._payload(data, None)


class GcmCtx(AeCtx):
    def __init__(self, algo: int) -> None:
        super().__init__(algo)
        self.keeps_log = not gcm_clone_works()

    def copy_from(self, other: AeCtx) -> None:
        if self.keeps_log or other.obj is None:
            super().copy_from(other)
            return
        self.encrypt, self.tag_len, self.args = other.encrypt, other.tag_len, other.args
        key, nonce = self.args
        self.obj = gcm_clone(other.obj, key, nonce, self.encrypt)

    def init(self, mode: int, key: bytes, nonce: bytes, tag_len: int, aad_len: int,
             payload_len: int) -> int:
        if tag_len > 16:
            return TEE_ERROR_BAD_PARAMETERS
        if not nonce:
            return TEE_ERROR_BAD_PARAMETERS
        self.encrypt, self.tag_len, self.args = mode == c.TEE_MODE_ENCRYPT, tag_len, (key, nonce)
        self.log.reset()
        self._new()
        return TEE_SUCCESS

    def _new(self) -> None:
        key, nonce = self.args
        self.obj = AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=16)

    def enc_final(self, data: Any, out: Any, tag_room: int) -> tuple[int, bytes | None, bytes]:
        if tag_room < self.tag_len:
            return TEE_ERROR_SHORT_BUFFER, None, b""
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None, b""
        return TEE_SUCCESS, result, self.obj.digest()[:self.tag_len]

    def dec_final(self, data: Any, out: Any, tag: bytes) -> tuple[int, bytes | None]:
        if len(tag) != self.tag_len:
            return TEE_ERROR_MAC_INVALID, None
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None
        computed = gcm_tag(self.obj)[:self.tag_len]
        return (TEE_SUCCESS if computed == tag else TEE_ERROR_MAC_INVALID), result


class CcmCtx(AeCtx):
    def init(self, mode: int, key: bytes, nonce: bytes, tag_len: int, aad_len: int,
             payload_len: int) -> int:
        if len(key) > 32 or len(nonce) > 13 or payload_len > _INT_MAX or aad_len > _INT_MAX:
            return TEE_ERROR_BAD_PARAMETERS
        if tag_len < 4 or tag_len > 16 or tag_len % 2:
            return TEE_ERROR_NOT_SUPPORTED
        self.encrypt, self.tag_len = mode == c.TEE_MODE_ENCRYPT, tag_len
        self.args = (key, nonce, payload_len, aad_len)
        self.log.reset()
        try:
            self._new()
        except ValueError:
            return TEE_ERROR_BAD_STATE
        return TEE_SUCCESS

    def _new(self) -> None:
        key, nonce, payload_len, aad_len = self.args
        kw = dict(nonce=nonce, mac_len=self.tag_len, msg_len=payload_len, assoc_len=aad_len)
        self.obj = AES.new(key, AES.MODE_CCM, **kw)
        # Decryption also needs the tag of the plaintext: a second, encrypting object.
        self.mac = AES.new(key, AES.MODE_CCM, **kw) if not self.encrypt else None

    def update_aad(self, data: Any) -> int:
        res = super().update_aad(data)
        if res == TEE_SUCCESS and self.mac is not None:
            self.mac.update(data)
        return res

    def _payload(self, data: Any, out: Any) -> bytes | None:
        result = super()._payload(data, out)
        if self.mac is not None:
            self.mac.encrypt(bytes(out) if out is not None else result)
        return result

    def enc_final(self, data: Any, out: Any, tag_room: int) -> tuple[int, bytes | None, bytes]:
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None, b""
        if tag_room < self.tag_len:
            return TEE_ERROR_SHORT_BUFFER, result, b""
        try:
            return TEE_SUCCESS, result, self.obj.digest()
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE, result, b""

    def dec_final(self, data: Any, out: Any, tag: bytes) -> tuple[int, bytes | None]:
        if not tag:
            return TEE_ERROR_SHORT_BUFFER, None
        if len(tag) > 16:
            return TEE_ERROR_BAD_STATE, None
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None
        try:
            computed = self.mac.digest()  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE, result
        return (TEE_SUCCESS if computed[:len(tag)] == tag else TEE_ERROR_MAC_INVALID), result


def new_context(algo: int) -> AeCtx:
    """The context of an AE state (the algorithm was checked by the caller)."""
    return GcmCtx(algo) if algo == c.TEE_ALG_AES_GCM else CcmCtx(algo)
