"""The open-object table shared by the processes of one TEE (server workers).

Upstream's list of open persistent objects (tee_pobjs) is a kernel global: every TA
instance sees every other instance's open handles, which is where TEE_ERROR_ACCESS_CONFLICT
between instances comes from. When each instance runs in a process of its own (the
server), that list must be shared: ``SharedPobjTable`` keeps, in an anonymous shared
mapping created before the workers are forked, one slot per open object with the first
opener's flags, the creating mark and how many references each process holds. Each
process keeps its own ``Pobj`` objects (for the usage and the store) next to it. A
process that dies without releasing its references loses them the next time anyone
looks at the slot.
"""
from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
from typing import Callable

from ..abi.crypto import TEE_DATA_FLAG_OVERWRITE
from ..abi.results import (
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_BAD_STATE,
    TEE_ERROR_OUT_OF_MEMORY,
    TEE_SUCCESS,
)
from ..secure_storage import TaStore
from .pobj import Pobj, PobjTable, PobjUsage, check_access

HOLDERS = 16
_HEAD = struct.Struct("<32sIBB2x")  # key, flags, creating, used
_HOLDER = struct.Struct("<II")  # pid, references
SLOT_SIZE = _HEAD.size + HOLDERS * _HOLDER.size
SLOTS = 1024


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Slot:
    """One decoded slot; written back with save()."""

    def __init__(self, table: "SharedPobjTable", index: int) -> None:
        self.table, self.index = table, index
        key, self.flags, creating, used = _HEAD.unpack_from(table._map, index * SLOT_SIZE)
        self.key, self.creating, self.used = key, bool(creating), bool(used)
        base = index * SLOT_SIZE + _HEAD.size
        self.holders = {pid: n for pid, n in (_HOLDER.unpack_from(table._map, base + i * _HOLDER.size)
                                              for i in range(HOLDERS)) if n}

    def references(self) -> int:
        return sum(self.holders.values())

    def add(self, pid: int, n: int = 1) -> bool:
        if pid not in self.holders and len(self.holders) == HOLDERS:
            return False
        self.holders[pid] = self.holders.get(pid, 0) + n
        return True

    def save(self) -> None:
        used = self.used and bool(self.holders)
        off = self.index * SLOT_SIZE
        _HEAD.pack_into(self.table._map, off, self.key if used else bytes(32), self.flags,
                        int(self.creating), int(used))
        pairs = list(self.holders.items()) if used else []
        for i in range(HOLDERS):
            pid, n = pairs[i] if i < len(pairs) else (0, 0)
            _HOLDER.pack_into(self.table._map, off + _HEAD.size + i * _HOLDER.size, pid, n)


class SharedPobjTable(PobjTable):
    """A PobjTable whose decisions come from state shared with forked processes."""

    def __init__(self, slots: int = SLOTS, alive: Callable[[int], bool] = _alive) -> None:
        super().__init__()
        self._slots = slots
        self._alive = alive
        self._map = mmap.mmap(-1, SLOT_SIZE * slots, flags=mmap.MAP_SHARED)
        self._lockfd = os.memfd_create("optee-litebox-pobjs", os.MFD_CLOEXEC)
        os.ftruncate(self._lockfd, 1)

    # -- the shared slots (call with the locks held) ----------------------------------------

    def _find(self, key: bytes) -> _Slot | None:
        for i in range(self._slots):
            off = i * SLOT_SIZE
            if self._map[off + 37] and self._map[off:off + 32] == key:
                slot = _Slot(self, i)
                dead = [pid for pid in slot.holders if not self._alive(pid)]
                if dead:
                    for pid in dead:
                        del slot.holders[pid]
                    slot.save()
                return slot if slot.holders else None
        return None

    def _free(self) -> _Slot | None:
        for i in range(self._slots):
            if not self._map[i * SLOT_SIZE + 37]:
                return _Slot(self, i)
        return None

    @staticmethod
    def _key(store: TaStore, oid: bytes) -> bytes:
        return hashlib.sha256(store.directory.encode() + b"\0" + bytes(oid)).digest()

    def _locked(self) -> "_Locked":
        return _Locked(self._lock, self._lockfd)

    # -- PobjTable ---------------------------------------------------------------------------

    def get(self, store: TaStore, oid: bytes, flags: int,
            usage: PobjUsage) -> tuple[int, Pobj | None]:
        key, pid = self._key(store, oid), os.getpid()
        with self._locked():
            slot = self._find(key)
            if slot is not None and usage != PobjUsage.ENUM:
                if slot.creating or (usage == PobjUsage.CREATE and not flags & TEE_DATA_FLAG_OVERWRITE):
                    return TEE_ERROR_ACCESS_CONFLICT, None
                res = check_access(slot.flags, flags)
                if res != TEE_SUCCESS:
                    return res, None
            if slot is None:
                slot = self._free()
                if slot is None:
                    return TEE_ERROR_OUT_OF_MEMORY, None
                slot.key, slot.flags, slot.used = key, flags, True
                slot.creating, slot.holders = usage == PobjUsage.CREATE, {}
            if not slot.add(pid):
                return TEE_ERROR_OUT_OF_MEMORY, None
            slot.save()
            local = (id(store), bytes(oid))
            po = self._pobjs.get(local)
            if po is None:
                po = Pobj(self, store, bytes(oid), slot.flags, refcnt=0, creating=slot.creating)
                self._pobjs[local] = po
            po.refcnt += 1
            return TEE_SUCCESS, po

    def create_final(self, po: Pobj) -> None:
        with self._locked():
            slot = self._find(self._key(po.store, po.oid))
            if slot is not None:
                slot.creating = False
                slot.save()
            po.creating = False

    def release(self, po: Pobj) -> None:
        pid = os.getpid()
        with self._locked():
            slot = self._find(self._key(po.store, po.oid))
            if slot is not None and pid in slot.holders:
                slot.holders[pid] -= 1
                if not slot.holders[pid]:
                    del slot.holders[pid]
                slot.save()
            po.refcnt -= 1
            local = (id(po.store), po.oid)
            if po.refcnt == 0 and self._pobjs.get(local) is po:
                del self._pobjs[local]

    def rename(self, po: Pobj, new_oid: bytes) -> int:
        """Only the sole reference anywhere may move the object; it takes over the slot
        its caller reserved the new ID with."""
        pid = os.getpid()
        with self._locked():
            old = self._find(self._key(po.store, po.oid))
            if old is None or old.references() != 1 or po.refcnt != 1:
                return TEE_ERROR_BAD_STATE
            new = self._find(self._key(po.store, new_oid))
            if new is None:
                return TEE_ERROR_BAD_STATE
            old.holders = {}
            old.save()
            new.flags, new.creating = po.flags, po.creating
            new.add(pid)
            new.save()
            local = (id(po.store), po.oid)
            if self._pobjs.get(local) is po:
                del self._pobjs[local]
            po.oid = bytes(new_oid)
            self._pobjs[(id(po.store), po.oid)] = po
            return TEE_SUCCESS


class _Locked:
    """The process's thread lock, then a record lock other processes see."""

    def __init__(self, tlock: threading.Lock, fd: int) -> None:
        self._tlock, self._fd = tlock, fd

    def __enter__(self) -> None:
        self._tlock.acquire()
        fcntl.lockf(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN)
        self._tlock.release()
