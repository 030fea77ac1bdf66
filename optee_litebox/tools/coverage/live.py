"""Live counter files: block counts kept in a shared file mapping while a process runs.

A process that does not own the coverage report (a server worker, a pytest-xdist worker)
counts straight into a file in ``<FILE>.parts/``: the native block counter writes into
the mapped pages, so counting costs what it costs in anonymous memory, and the counts
are in the file the moment they are made. A process that is killed (SIGKILL, a native
crash, a runaway TA stopped by the server) thus loses nothing: the kernel keeps the
pages, and the process that merges the report reads the file. On a normal exit the
process writes a compact JSON part instead, naming the live files it replaces, and
removes them.

File layout: ``MAGIC``, a little-endian u32 header length, the header (JSON: the
module's identity, the counted range's offset from the module base and its size), zero
padding up to ``DATA_OFFSET`` (a page), then the slots (``core.blockcount``: two u32 per
4 bytes of code, the run count first).
"""
from __future__ import annotations

import json
import mmap
import os
import socket
import struct
import uuid as _uuid
from pathlib import Path
from typing import Any

from ...core.blockcount import BlockCounts, slot_array, slot_bytes
from .data import CoverageData, parts_dir

MAGIC = b"OLBXCOV1"
SUFFIX = ".live"
DATA_OFFSET = 4096
_LEN = struct.Struct("<I")


class LiveSlots:
    """Counter slots for one code range of one module, in a file that outlives us."""

    def __init__(self, report: str | os.PathLike[str], info: dict[str, Any], size: int) -> None:
        header = json.dumps({**info, "range_size": size}).encode()
        if len(MAGIC) + _LEN.size + len(header) > DATA_OFFSET:
            raise ValueError("coverage header too long")
        directory = parts_dir(report)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{socket.gethostname()}-{os.getpid()}-{_uuid.uuid4().hex[:12]}{SUFFIX}"
        self.path = directory / name
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.ftruncate(fd, DATA_OFFSET + slot_bytes(size))  # a sparse file: holes read as 0
            os.pwrite(fd, MAGIC + _LEN.pack(len(header)) + header, 0)
            self._map = mmap.mmap(fd, DATA_OFFSET + slot_bytes(size), mmap.MAP_SHARED)
        finally:
            os.close(fd)
        self.slots = slot_array(size, self._map, DATA_OFFSET)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_live(path: Path) -> CoverageData:
    """The counts in a live file (of a process that is gone) as coverage data."""
    raw = path.read_bytes()
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path}: not a live coverage file")
    (length,) = _LEN.unpack_from(raw, len(MAGIC))
    start = len(MAGIC) + _LEN.size
    info = json.loads(raw[start:start + length])
    size = int(info.pop("range_size"))
    key = str(info.pop("key"))
    delta = int(info.pop("delta"))
    body = bytearray(raw[DATA_OFFSET:DATA_OFFSET + slot_bytes(size)])
    body.extend(bytes(slot_bytes(size) - len(body)))  # a file cut short reads as zeros
    counts = BlockCounts(0, size, slot_array(size, body))
    data = CoverageData()
    mod = data.module(key, **info)
    for off, block, count in counts.blocks():
        mod.add(delta + off, block, count)
    return data
