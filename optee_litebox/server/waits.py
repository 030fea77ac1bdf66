"""Which worker waits for which: TA-to-TA calls between worker processes never dead-lock.

Upstream, one thread runs a whole chain of TA-to-TA calls, and a thread that holds the
single-instance lock gets TEE_ERROR_BUSY from a busy instance instead of waiting for it
(tee_ta_try_set_busy): A opens B opens A answers BUSY. Here a call to a single-instance
TA in another worker blocks the caller's worker until the callee's worker answers, and
a worker serves one entry at a time. A worker that waits, directly or through others,
for the caller would never answer: that call answers BUSY instead, as upstream's loop
does. The table (worker pid -> the pid it waits for) lives in shared memory made before
the workers are forked; a POSIX record lock makes "check, then wait" one step.
"""
from __future__ import annotations

import array
import fcntl
import mmap
import os
import struct
import threading

_SLOT = struct.Struct("<II")  # pid, pid it waits for (0: none)
SLOTS = 1024


class WaitTable:
    """pid -> pid it waits for, shared by the server and every worker it forks."""

    def __init__(self, slots: int = SLOTS) -> None:
        self._slots = slots
        self._map = mmap.mmap(-1, _SLOT.size * slots, flags=mmap.MAP_SHARED)
        self._lockfd = os.memfd_create("optee-litebox-waits", os.MFD_CLOEXEC)
        os.ftruncate(self._lockfd, 1)
        self._tlock = threading.Lock()

    def _words(self) -> array.array[int]:
        words = array.array("I")
        words.frombytes(self._map[:])
        return words

    def _entries(self) -> dict[int, int]:
        words = self._words()
        return {words[i]: words[i + 1] for i in range(0, len(words), 2)
                if words[i] and words[i + 1]}

    def _store(self, pid: int, target: int) -> None:
        words = self._words()
        pids = words[0::2]
        try:
            i = pids.index(pid)
        except ValueError:
            if not target:
                return
            try:
                i = pids.index(0)
            except ValueError:
                return  # table full: the wait goes unrecorded
        _SLOT.pack_into(self._map, i * _SLOT.size, pid if target else 0, target)

    def wait_for(self, pid: int, target: int) -> bool:
        """Record that pid now waits for target, unless target waits (through any chain)
        for pid: then nothing is recorded and the answer is False (it would dead-lock)."""
        with self._tlock:
            fcntl.lockf(self._lockfd, fcntl.LOCK_EX)
            try:
                waits = self._entries()
                seen: set[int] = set()
                cur = target
                while cur and cur not in seen:
                    if cur == pid:
                        return False
                    seen.add(cur)
                    cur = waits.get(cur, 0)
                self._store(pid, target)
                return True
            finally:
                fcntl.lockf(self._lockfd, fcntl.LOCK_UN)

    def done(self, pid: int) -> None:
        """pid no longer waits (its call returned, or the worker is gone)."""
        with self._tlock:
            fcntl.lockf(self._lockfd, fcntl.LOCK_EX)
            try:
                self._store(pid, 0)
            finally:
                fcntl.lockf(self._lockfd, fcntl.LOCK_UN)

    def waiting(self, pid: int) -> int:
        with self._tlock:
            fcntl.lockf(self._lockfd, fcntl.LOCK_EX)
            try:
                return self._entries().get(pid, 0)
            finally:
                fcntl.lockf(self._lockfd, fcntl.LOCK_UN)
