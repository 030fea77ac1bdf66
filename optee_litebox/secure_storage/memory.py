"""South storage in memory, for tests: the contract's semantics, plus fault injection.

Every replaced file, every ``write_at`` and every removal is one step.
``crash_after(n)`` lets n more steps complete and makes the next one raise SimulatedCrash:
a replaced file keeps its old contents (replace is atomic per file), a ``write_at`` is
torn (only the first half of its bytes land). That is what a process killed at that
moment leaves behind, since every completed call is durable by contract.
``capacity`` makes writes that would store more than that many bytes fail with ENOSPC.
"""
from __future__ import annotations

import errno
import threading
from contextlib import contextmanager
from typing import Iterator, Mapping


class SimulatedCrash(BaseException):
    """The host 'died' in the middle of a storage call (a BaseException, so that nothing
    in the code under test catches it)."""


class MemoryStorage:
    def __init__(self, capacity: int | None = None) -> None:
        self.files: dict[str, bytearray] = {}
        self.capacity = capacity
        self._countdown: int | None = None
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()
        #: Completed durable calls (replace and write_at), for tests that count syncs.
        self.syncs = 0

    def crash_after(self, steps: int | None) -> None:
        self._countdown = steps

    def _crash_now(self) -> bool:
        if self._countdown is None:
            return False
        if self._countdown == 0:
            self._countdown = None
            return True
        self._countdown -= 1
        return False

    def _check_space(self, growth: int) -> None:
        if self.capacity is not None and self.used() + growth > self.capacity:
            raise OSError(errno.ENOSPC, "no space left on the memory device")

    def read(self, name: str, offset: int = 0, size: int | None = None) -> bytes | None:
        data = self.files.get(name)
        if data is None:
            return None
        end = len(data) if size is None else offset + size
        return bytes(data[offset:end])

    def replace(self, files: Mapping[str, bytes]) -> None:
        self._check_space(sum(len(d) - len(self.files.get(n, b"")) for n, d in files.items()))
        for name, data in files.items():
            if self._crash_now():
                raise SimulatedCrash()
            self.files[name] = bytearray(data)
        self.syncs += 1

    def write_at(self, name: str, offset: int, data: bytes) -> None:
        buf = self.files.get(name)
        if buf is None:
            raise FileNotFoundError(errno.ENOENT, "no such file", name)
        self._check_space(max(offset + len(data) - len(buf), 0))
        if self._crash_now():
            data = data[:len(data) // 2]
            buf[offset:offset + len(data)] = data
            raise SimulatedCrash()
        if offset > len(buf):
            buf.extend(bytes(offset - len(buf)))
        buf[offset:offset + len(data)] = data
        self.syncs += 1

    def remove(self, names: list[str]) -> None:
        for name in names:
            if self._crash_now():
                raise SimulatedCrash()
            self.files.pop(name, None)

    def listdir(self, directory: str) -> list[str]:
        if directory == "":
            return sorted({n.split("/", 1)[0] for n in self.files})
        prefix = directory + "/"
        return sorted(n[len(prefix):] for n in self.files if n.startswith(prefix))

    @contextmanager
    def lock(self, directory: str, exclusive: bool) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(directory, threading.RLock())
        with lock:
            yield

    def used(self) -> int:
        return sum(len(d) for d in self.files.values())

    def snapshot(self, prefix: str = "") -> dict[str, bytes]:
        """A copy of every file whose name starts with prefix (for rollback tests)."""
        return {n: bytes(d) for n, d in self.files.items() if n.startswith(prefix)}

    def restore(self, snapshot: dict[str, bytes], prefix: str = "") -> None:
        """Put the files under prefix back exactly as in snapshot."""
        for name in [n for n in self.files if n.startswith(prefix)]:
            del self.files[name]
        self.files.update({n: bytearray(d) for n, d in snapshot.items()})
