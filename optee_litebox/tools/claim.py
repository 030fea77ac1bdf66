"""A claim shared by the processes a server forks: the first process to claim it wins.

The gdb stub of a server goes to one worker: the first that starts a TA instance. The
flag lives in an anonymous shared mapping made before the workers are forked, with a
POSIX record lock (per process) around the test-and-set.
"""
from __future__ import annotations

import fcntl
import mmap
import os
import struct

_PID = struct.Struct("<Q")


class ForkClaim:
    """Held by at most one process, forever: who claimed it first."""

    def __init__(self) -> None:
        self._map = mmap.mmap(-1, _PID.size, flags=mmap.MAP_SHARED)
        self._lockfd = os.memfd_create("optee-litebox-claim", os.MFD_CLOEXEC)
        os.ftruncate(self._lockfd, 1)

    @property
    def holder(self) -> int:
        """The pid of the process holding the claim (0: nobody yet)."""
        return int(_PID.unpack_from(self._map)[0])

    def claim(self) -> bool:
        """Take the claim for this process; False if another process has it."""
        fcntl.lockf(self._lockfd, fcntl.LOCK_EX)
        try:
            holder = self.holder
            if holder == 0:
                _PID.pack_into(self._map, 0, os.getpid())
            return holder in (0, os.getpid())
        finally:
            fcntl.lockf(self._lockfd, fcntl.LOCK_UN)
