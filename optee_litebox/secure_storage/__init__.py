"""Trusted storage: GP persistent objects as encrypted, crash-safe files in South storage.

``SecureStorage`` is the device-wide entry point (one per TEE): it derives the keys from
the hardware-unique key and hands out a ``TaStore`` per TA and namespace. The format,
key hierarchy and update protocol are described in ``docs/storage.md``.
"""
from __future__ import annotations

import threading
import uuid as _uuid

from ..platform import Randomness, Storage
from .errors import (
    CorruptObject,
    ItemExists,
    ItemNotFound,
    NoSpace,
    StorageError,
    StorageUnavailable,
)
from .keys import StorageKeys
from .memory import MemoryStorage, SimulatedCrash
from .records import CHUNK_SIZE, INLINE_LIMIT, MAX_ID_LEN, Head, ObjectMeta
from .rpmb import EmulatedRpmb
from .south import south_call
from .store import MAX_DATA_SIZE, TaStore

#: Namespaces: upstream's REE FS (TEE_STORAGE_PRIVATE, TEE_STORAGE_PRIVATE_REE) and the
#: emulated RPMB FS (TEE_STORAGE_PRIVATE_RPMB).
REE = "ree"
RPMB = "rpmb"
NAMESPACES = (REE, RPMB)


class SecureStorage:
    """All trusted storage of one device."""

    def __init__(self, storage: Storage, huk: bytes, rng: Randomness) -> None:
        self.storage = storage
        self.keys = StorageKeys(huk)
        self.rng = rng
        self.rpmb = EmulatedRpmb(storage, self.keys.rpmb)
        self._stores: dict[tuple[_uuid.UUID, str], TaStore] = {}
        self._lock = threading.Lock()

    def store(self, uuid: _uuid.UUID, namespace: str = REE) -> TaStore:
        """The TaStore of a TA in a namespace (one object per pair, kept for its caches)."""
        if namespace not in NAMESPACES:
            raise ValueError(f"unknown storage namespace {namespace!r}")
        with self._lock:
            store = self._stores.get((uuid, namespace))
            if store is None:
                store = TaStore(self.storage, self.keys.ta(uuid), namespace,
                                self.keys.ta_dir_id(uuid), self.rng,
                                self.rpmb if namespace == RPMB else None)
                self._stores[(uuid, namespace)] = store
            return store

    def tas(self) -> list[tuple[str, _uuid.UUID]]:
        """(namespace, TA UUID) of every TA directory this device's key can name."""
        found = []
        for name in south_call(self.storage.listdir, ""):
            namespace, _, dir_id = name.partition("-")
            if namespace in NAMESPACES:
                uuid = self.keys.ta_of_dir_id(dir_id)
                if uuid is not None:
                    found.append((namespace, uuid))
        return sorted(found, key=lambda t: (str(t[1]), t[0]))


__all__ = ["SecureStorage", "TaStore", "MemoryStorage", "SimulatedCrash", "ObjectMeta", "Head",
           "StorageError", "ItemNotFound", "ItemExists", "CorruptObject", "NoSpace",
           "StorageUnavailable", "REE", "RPMB", "NAMESPACES", "MAX_ID_LEN", "MAX_DATA_SIZE",
           "INLINE_LIMIT", "CHUNK_SIZE"]
