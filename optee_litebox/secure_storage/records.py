"""The plaintext inside sealed frames and files: object heads and commit records.

Object head (one HEAD frame per object version)::

    "OLXH" | u8 id length | id bytes
    u32 objectType | u32 objectSize | u32 maxObjectSize | u32 objectUsage | u32 have_attrs
    u32 attribute bytes | attributes (gp_api.objects.attr_to_binary format)
    u64 data size | u32 chunk size | u32 chunk count | count x (u64 file, 16-byte tag)
    inline data (when chunk count is 0: all of the data)

Commit (one COMMIT frame per change of a TA's storage)::

    "OLXC" | u64 version | 16-byte previous commit tag | u8 flags (1: snapshot) | u32 count
    count x op: u8 kind (1 put, 2 delete) | u8 id length | id bytes
                put only: u32 slot | u64 head frame offset | u32 head frame length | 16-byte tag

The id inside a head must equal the id its put names, so a head cannot be replayed under
another name. Data larger than INLINE_LIMIT lives in chunk files of CHUNK_SIZE bytes (the
last one shorter), each referenced by file number and tag (file 0: a hole of zeros).
``slot`` orders enumeration like upstream's directory file: a new object takes the lowest
free slot, an overwritten or renamed one keeps its slot.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..abi.crypto import TEE_TYPE_DATA, TEE_USAGE_DEFAULT
from .errors import CorruptObject

HEAD_MAGIC = b"OLXH"
COMMIT_MAGIC = b"OLXC"
#: Objects with at most this much data keep it inside their head.
INLINE_LIMIT = 16 * 1024
#: Size of a data chunk file of larger objects.
CHUNK_SIZE = 256 * 1024
#: TEE_OBJECT_ID_MAX_LEN
MAX_ID_LEN = 64
COMMIT_SNAPSHOT = 1
OP_PUT = 1
OP_DELETE = 2

_HEAD_META = struct.Struct("<IIIII")
_U32 = struct.Struct("<I")
_DATA_HDR = struct.Struct("<QII")
_CHUNK_REF = struct.Struct("<Q16s")
_COMMIT_HDR = struct.Struct("<4sQ16sBI")
_OP_HDR = struct.Struct("<BB")
_PUT = struct.Struct("<IQI16s")


@dataclass
class Entry:
    """An object in the index: its enumeration slot and where its current head is."""

    slot: int
    oid: bytes
    offset: int
    length: int
    tag: bytes


@dataclass
class Commit:
    version: int
    prev_tag: bytes
    snapshot: bool = False
    puts: list[Entry] = field(default_factory=list)
    deletes: list[bytes] = field(default_factory=list)


def encode_commit(commit: Commit) -> bytes:
    out = [_COMMIT_HDR.pack(COMMIT_MAGIC, commit.version, commit.prev_tag,
                            COMMIT_SNAPSHOT if commit.snapshot else 0,
                            len(commit.deletes) + len(commit.puts))]
    for oid in commit.deletes:
        out.append(_OP_HDR.pack(OP_DELETE, len(oid)) + oid)
    for e in commit.puts:
        out.append(_OP_HDR.pack(OP_PUT, len(e.oid)) + e.oid + _PUT.pack(e.slot, e.offset, e.length, e.tag))
    return b"".join(out)


def decode_commit(raw: bytes) -> Commit:
    try:
        magic, version, prev, flags, count = _COMMIT_HDR.unpack_from(raw)
        if magic != COMMIT_MAGIC:
            raise CorruptObject("commit: bad magic")
        commit = Commit(version, prev, bool(flags & COMMIT_SNAPSHOT))
        offs = _COMMIT_HDR.size
        for _ in range(count):
            kind, oid_len = _OP_HDR.unpack_from(raw, offs)
            offs += _OP_HDR.size
            oid = raw[offs:offs + oid_len]
            offs += oid_len
            if len(oid) != oid_len or oid_len > MAX_ID_LEN:
                raise CorruptObject("commit: bad object id")
            if kind == OP_DELETE:
                commit.deletes.append(oid)
            elif kind == OP_PUT:
                slot, offset, length, tag = _PUT.unpack_from(raw, offs)
                offs += _PUT.size
                commit.puts.append(Entry(slot, oid, offset, length, tag))
            else:
                raise CorruptObject("commit: bad operation")
    except struct.error:
        raise CorruptObject("commit: truncated") from None
    if offs != len(raw):
        raise CorruptObject("commit: trailing bytes")
    return commit


@dataclass
class ObjectMeta:
    """What upstream keeps in struct tee_svc_storage_head, plus the attributes."""

    obj_type: int = TEE_TYPE_DATA
    object_size: int = 0
    max_object_size: int = 0
    usage: int = TEE_USAGE_DEFAULT
    have_attrs: int = 0
    attrs: bytes = b""


@dataclass
class ChunkRef:
    file: int
    tag: bytes
    length: int


@dataclass
class Head:
    oid: bytes
    meta: ObjectMeta
    size: int = 0
    chunk_size: int = CHUNK_SIZE
    chunks: list[ChunkRef] = field(default_factory=list)
    inline: bytes = b""


def encode_head(head: Head) -> bytes:
    m = head.meta
    parts = [HEAD_MAGIC, bytes([len(head.oid)]), head.oid,
             _HEAD_META.pack(m.obj_type, m.object_size, m.max_object_size, m.usage, m.have_attrs),
             _U32.pack(len(m.attrs)), m.attrs,
             _DATA_HDR.pack(head.size, head.chunk_size, len(head.chunks))]
    parts += [_CHUNK_REF.pack(c.file, c.tag) for c in head.chunks]
    parts.append(head.inline)
    return b"".join(parts)


def decode_head(raw: bytes) -> Head:
    try:
        if raw[:4] != HEAD_MAGIC:
            raise CorruptObject("head: bad magic")
        oid_len = raw[4]
        offs = 5
        oid = raw[offs:offs + oid_len]
        offs += oid_len
        meta_fields = _HEAD_META.unpack_from(raw, offs)
        offs += _HEAD_META.size
        (attr_len,) = _U32.unpack_from(raw, offs)
        offs += 4
        attrs = raw[offs:offs + attr_len]
        offs += attr_len
        size, chunk_size, count = _DATA_HDR.unpack_from(raw, offs)
        offs += _DATA_HDR.size
        chunks = []
        for n in range(count):
            file_no, tag = _CHUNK_REF.unpack_from(raw, offs)
            offs += _CHUNK_REF.size
            chunks.append(ChunkRef(file_no, tag, min(chunk_size, size - n * chunk_size)))
    except (struct.error, IndexError):
        raise CorruptObject("head: truncated") from None
    inline = raw[offs:]
    if len(oid) != oid_len or len(attrs) != attr_len or chunk_size == 0:
        raise CorruptObject("head: truncated")
    expected_inline = 0 if count else size
    if len(inline) != expected_inline or (count and (count - 1) * chunk_size >= size) \
            or (count and count * chunk_size < size):
        raise CorruptObject("head: data layout does not match the size")
    obj_type, object_size, max_object_size, usage, have_attrs = meta_fields
    meta = ObjectMeta(obj_type, object_size, max_object_size, usage, have_attrs, attrs)
    return Head(oid, meta, size, chunk_size, chunks, inline)
