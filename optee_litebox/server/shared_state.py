"""TEE-wide state that must be the same in every worker process.

Upstream keeps some state in kernel globals that every TA instance sees: TA persistent
time (an offset per TA UUID) is one. With one process per instance, that state lives in
a shared anonymous mapping created by the server before it forks any worker, with a
POSIX record lock (per process) around every access and a thread lock inside each
process.
"""
from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import uuid as _uuid
from collections.abc import Iterator, MutableMapping

_SLOT = struct.Struct("<16sQBB6x")  # uuid, offset ms, positive, used
SLOTS = 256


class SharedTaTime(MutableMapping[_uuid.UUID, tuple[int, bool]]):
    """uuid -> (offset_ms, positive), visible to every process forked after creation."""

    def __init__(self, slots: int = SLOTS) -> None:
        self._slots = slots
        self._map = mmap.mmap(-1, _SLOT.size * slots, flags=mmap.MAP_SHARED)
        self._lockfd = os.memfd_create("optee-litebox-ta-time", os.MFD_CLOEXEC)
        os.ftruncate(self._lockfd, 1)
        self._tlock = threading.Lock()
        #: Entries that did not fit in the shared table (process-local, like a full table).
        self._overflow: dict[_uuid.UUID, tuple[int, bool]] = {}

    def _locked(self) -> "_Lock":
        return _Lock(self._tlock, self._lockfd)

    def _find(self, key: _uuid.UUID) -> int | None:
        raw = key.bytes
        for i in range(self._slots):
            u, _, _, used = _SLOT.unpack_from(self._map, i * _SLOT.size)
            if used and u == raw:
                return i
        return None

    def __getitem__(self, key: _uuid.UUID) -> tuple[int, bool]:
        with self._locked():
            i = self._find(key)
            if i is None:
                return self._overflow[key]
            _, offs, positive, _ = _SLOT.unpack_from(self._map, i * _SLOT.size)
            return offs, bool(positive)

    def __setitem__(self, key: _uuid.UUID, value: tuple[int, bool]) -> None:
        offs, positive = value
        with self._locked():
            i = self._find(key)
            if i is None:
                i = next((j for j in range(self._slots)
                          if not _SLOT.unpack_from(self._map, j * _SLOT.size)[3]), None)
            if i is None:
                self._overflow[key] = (offs, positive)
                return
            _SLOT.pack_into(self._map, i * _SLOT.size, key.bytes, offs & (2**64 - 1),
                            int(positive), 1)

    def __delitem__(self, key: _uuid.UUID) -> None:
        with self._locked():
            i = self._find(key)
            if i is None:
                del self._overflow[key]
                return
            _SLOT.pack_into(self._map, i * _SLOT.size, bytes(16), 0, 0, 0)

    def __iter__(self) -> Iterator[_uuid.UUID]:
        with self._locked():
            keys = [_uuid.UUID(bytes=u) for u, _, _, used in
                    (_SLOT.unpack_from(self._map, i * _SLOT.size) for i in range(self._slots)) if used]
        return iter(keys + list(self._overflow))

    def __len__(self) -> int:
        return len(list(iter(self)))


class _Lock:
    def __init__(self, tlock: threading.Lock, fd: int) -> None:
        self._tlock = tlock
        self._fd = fd

    def __enter__(self) -> None:
        self._tlock.acquire()
        fcntl.lockf(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN)
        self._tlock.release()
