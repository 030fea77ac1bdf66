"""drcov (DynamoRIO coverage, version 2) files: basic blocks by module, for binary-only TAs.

Tools such as Lighthouse (IDA, Binary Ninja) and bncov read it: a text header with a
module table, then one 8-byte record per block (``uint32 start`` offset from the module
base, ``uint16 size``, ``uint16 module id``). drcov has no run counts.
"""
from __future__ import annotations

import os
import struct

from .data import CoverageData

_BB = struct.Struct("<IHH")


def drcov_bytes(data: CoverageData) -> bytes:
    modules = sorted(data.modules.values(), key=lambda m: m.name)
    lines = ["DRCOV VERSION: 2", "DRCOV FLAVOR: optee-litebox",
             f"Module Table: version 2, count {len(modules)}",
             "Columns: id, base, end, entry, checksum, timestamp, path"]
    records = bytearray()
    for i, mod in enumerate(modules):
        path = mod.path or mod.debug_path or mod.name
        lines.append(f"{i:3d}, 0x{0:016x}, 0x{mod.size:016x}, 0x{0:016x}, 0x{0:08x}, 0x{0:08x}, {path}")
        for offset, (size, _count) in sorted(mod.blocks.items()):
            records += _BB.pack(offset & 0xFFFFFFFF, min(size, 0xFFFF), i)
    lines.append(f"BB Table: {len(records) // _BB.size} bbs")
    return ("\n".join(lines) + "\n").encode() + bytes(records)


def write_drcov(path: str | os.PathLike[str], data: CoverageData) -> None:
    with open(path, "wb") as fh:
        fh.write(drcov_bytes(data))


def read_drcov(raw: bytes) -> dict[str, set[tuple[int, int]]]:
    """module path -> {(offset, size)}: enough to check a file we wrote."""
    head, _, rest = raw.partition(b"BB Table: ")
    count_text, _, blob = rest.partition(b"\n")
    count = int(count_text.split()[0])
    paths = []
    for line in head.decode().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 7 and parts[0].isdigit():
            paths.append(parts[6])
    out: dict[str, set[tuple[int, int]]] = {p: set() for p in paths}
    for i in range(count):
        start, size, mod = _BB.unpack_from(blob, i * _BB.size)
        out[paths[mod]].add((start, size))
    return out
