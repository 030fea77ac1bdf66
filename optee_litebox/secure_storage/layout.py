"""Object data layout: reading a range and producing the next version after a change.

Data of at most INLINE_LIMIT bytes lives inside the head. Larger data is cut into chunks
of the head's chunk size; a chunk is a file (number, tag) or a hole (file 0) that reads as
zeros, so extending an object costs nothing until the new range is written. A change
rewrites only the chunks it touches; the others are shared with the previous version.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .records import CHUNK_SIZE, INLINE_LIMIT, ChunkRef, Head

HOLE = 0
HOLE_TAG = bytes(16)
LoadChunk = Callable[[ChunkRef], bytes]


@dataclass
class NewVersion:
    """The outcome of a change: chunk contents to seal under new file numbers, and the
    files the previous version used that the new one no longer needs."""

    head: Head
    new_chunks: dict[int, bytes]
    obsolete: list[int]


def read_range(head: Head, lo: int, hi: int, load: LoadChunk) -> bytes:
    """Bytes [lo, hi) of the object's data, clipped to its size."""
    hi = min(hi, head.size)
    if lo >= hi:
        return b""
    if not head.chunks:
        return head.inline[lo:hi]
    size = head.chunk_size
    parts = []
    for n in range(lo // size, (hi - 1) // size + 1):
        ref = head.chunks[n]
        start = n * size
        data = bytes(ref.length) if ref.file == HOLE else load(ref)
        parts.append(data[max(lo - start, 0):min(hi - start, ref.length)])
    return b"".join(parts)


def change(head: Head, new_size: int, pos: int, data: bytes, load: LoadChunk,
           new_file: Callable[[], int]) -> NewVersion:
    """The version after writing data at pos (zero-filling any gap) and/or resizing to
    new_size; head is left untouched."""
    old_files = [c.file for c in head.chunks if c.file != HOLE]
    nxt = Head(head.oid, head.meta, new_size, CHUNK_SIZE)
    end = pos + len(data)
    if new_size <= INLINE_LIMIT:
        buf = bytearray(read_range(head, 0, new_size, load))
        buf.extend(bytes(new_size - len(buf)))
        buf[pos:end] = data
        nxt.inline = bytes(buf)
        return NewVersion(nxt, {}, old_files)
    reuse = bool(head.chunks) and head.chunk_size == CHUNK_SIZE
    new_chunks: dict[int, bytes] = {}
    for n in range((new_size + CHUNK_SIZE - 1) // CHUNK_SIZE):
        lo, hi = n * CHUNK_SIZE, min((n + 1) * CHUNK_SIZE, new_size)
        old = head.chunks[n] if reuse and n < len(head.chunks) else None
        touched = bool(data) and lo < end and pos < hi
        if old is not None and not touched and old.length == hi - lo:
            nxt.chunks.append(old)
            continue
        if not touched and lo >= head.size:
            nxt.chunks.append(ChunkRef(HOLE, HOLE_TAG, hi - lo))
            continue
        buf = bytearray(read_range(head, lo, hi, load))
        buf.extend(bytes(hi - lo - len(buf)))
        if touched:
            a, b = max(pos, lo), min(end, hi)
            buf[a - lo:b - lo] = data[a - pos:b - pos]
        if buf.count(0) == len(buf):
            nxt.chunks.append(ChunkRef(HOLE, HOLE_TAG, hi - lo))
            continue
        file_no = new_file()
        new_chunks[file_no] = bytes(buf)
        nxt.chunks.append(ChunkRef(file_no, HOLE_TAG, hi - lo))  # tag filled in when sealed
    kept = {c.file for c in nxt.chunks}
    return NewVersion(nxt, new_chunks, [f for f in old_files if f not in kept])
