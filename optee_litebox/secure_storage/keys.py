"""The key hierarchy of trusted storage.

::

    HUK (16 bytes, per device, state directory)
     ├─ SSK = huk_subkey_derive(HUK, HUK_SUBKEY_SSK, 32 bytes)      (as tee_fs_key_manager.c)
     │   ├─ directory key = HMAC-SHA256(SSK, "dir")                AES-256 of the TA UUID
     │   └─ TSK(uuid) = HMAC-SHA256(SSK, TEE_UUID bytes)            (as tee_fs_key_manager.c)
     │       ├─ encryption key = HMAC-SHA256(TSK, "enc")           AES-256-GCM of all data
     │       ├─ nonce key = HMAC-SHA256(TSK, "nonce")              nonce derivation
     │       └─ anchor key = HMAC-SHA256(TSK, "anchor")            MAC of the log's anchors
     └─ RPMB key = huk_subkey_derive(HUK, HUK_SUBKEY_RPMB, CID)    MAC of the emulated RPMB

Upstream wraps a random per-file key with the TSK; here all data of one TA is sealed
under one key derived from its TSK, with a fresh nonce per sealed item (see seal.py).
"""
from __future__ import annotations

import hashlib
import hmac
import uuid as _uuid
from dataclasses import dataclass

from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..keys import HUK_SUBKEY_RPMB, HUK_SUBKEY_SSK, huk_subkey_derive

#: The CID our emulated eMMC reports (upstream derives the RPMB key from the real CID with
#: its PRV and CRC bytes cleared).
EMULATED_RPMB_CID = b"LiteboxRPMB\x00\x00\x00\x00\x00"


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


@dataclass(frozen=True)
class TaKeys:
    """The keys of one TA's storage."""

    uuid: _uuid.UUID
    enc: bytes
    nonce: bytes
    anchor: bytes
    #: AES-256-GCM under ``enc`` (key schedule done once).
    aead: AESGCM


class StorageKeys:
    """Every storage key of one device, derived from its hardware-unique key."""

    def __init__(self, huk: bytes) -> None:
        self.ssk = huk_subkey_derive(huk, HUK_SUBKEY_SSK, b"", 32)
        self.rpmb = huk_subkey_derive(huk, HUK_SUBKEY_RPMB, EMULATED_RPMB_CID, 32)
        self._dir = AES.new(_hmac(self.ssk, b"dir"), AES.MODE_ECB)
        self._tas: dict[_uuid.UUID, TaKeys] = {}

    def tsk(self, uuid: _uuid.UUID) -> bytes:
        """The TA storage key: HMAC-SHA256(SSK, TEE_UUID) exactly as upstream."""
        return _hmac(self.ssk, uuid.bytes_le)

    def ta(self, uuid: _uuid.UUID) -> TaKeys:
        keys = self._tas.get(uuid)
        if keys is None:
            tsk = self.tsk(uuid)
            enc = _hmac(tsk, b"enc")
            keys = TaKeys(uuid, enc, _hmac(tsk, b"nonce"), _hmac(tsk, b"anchor"), AESGCM(enc))
            self._tas[uuid] = keys
        return keys

    def ta_dir_id(self, uuid: _uuid.UUID) -> str:
        """A TA's directory name: its UUID encrypted with one AES block (a keyed
        permutation: unlinkable without the key, reversible with it)."""
        return self._dir.encrypt(uuid.bytes).hex()

    def ta_of_dir_id(self, dir_id: str) -> _uuid.UUID | None:
        try:
            raw = bytes.fromhex(dir_id)
        except ValueError:
            return None
        if len(raw) != 16:
            return None
        return _uuid.UUID(bytes=self._dir.decrypt(raw))
