"""The optee-litebox client protocol: framing and messages as pure functions.

No socket code lives here: every function takes bytes (or a memoryview) and returns
frozen dataclasses, or the reverse, so the whole protocol is unit-tested and fuzzed
without I/O. The specification is ``docs/protocol.md``; this module is its reference
implementation and the C library (``optee_litebox/libteec``) speaks the same bytes.

The names of ``frames`` (header, limits, kinds) and ``replies`` are re-exported here,
so ``protocol`` is the one namespace users import. Every length is bounded; anything
malformed raises ``ProtocolError``.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass
from typing import NamedTuple

from .frames import (BUF_FLAG_FD, BUF_INLINE, BUF_SHM, CANCEL, CLOSE, CLOSE_REPLY, ERROR,
                     HEADER, HEADER_SIZE, HELLO, HELLO_REPLY, INVOKE, INVOKE_REPLY, INVOKE_TA,
                     MAGIC,
                     MAX_FDS, MAX_PAYLOAD, MAX_RELEASE, MAX_SHM_SIZE, MAX_TEXT,
                     MEMREF_PARAM_TYPES, NO_BUFFER, NUM_PARAMS, OPEN, OPEN_REPLY,
                     OUTPUT_PARAM_TYPES, ROLE_CONTEXT, ROLE_SESSION, STATUS, STATUS_REPLY,
                     VALUE_PARAM_TYPES, VERSION_MAX, VERSION_MIN, Header, ProtocolError,
                     at_end, check_header, decode_header, encode_header, exact, frame,
                     unpack_at)
from .replies import (NO_RESULTS, ErrorReply, ParamResult, Reply, decode_close_reply,
                      decode_error, decode_reply, decode_status_reply, encode_close_reply,
                      encode_error, encode_reply, encode_status_reply)

__all__ = [
    "BUF_FLAG_FD", "BUF_INLINE", "BUF_SHM", "CANCEL", "CLOSE", "CLOSE_REPLY", "Cancel",
    "EMPTY_OPERATION", "ERROR", "ErrorReply", "HEADER", "HEADER_SIZE", "HELLO",
    "HELLO_REPLY", "Header", "Hello", "HelloReply", "INVOKE", "INVOKE_REPLY", "INVOKE_TA",
    "InvokeRequest", "MAGIC", "MAX_FDS", "MAX_PAYLOAD", "MAX_RELEASE", "MAX_SHM_SIZE",
    "MAX_TEXT", "MEMREF_PARAM_TYPES", "NONE_PARAM", "NO_BUFFER", "NO_PARAMS", "NO_RESULTS",
    "NUM_PARAMS", "OPEN", "OPEN_REPLY", "OUTPUT_PARAM_TYPES", "OpenRequest", "Operation",
    "ParamResult", "ProtocolError", "ROLE_CONTEXT", "ROLE_SESSION", "Reply", "STATUS",
    "STATUS_REPLY", "VALUE_PARAM_TYPES", "VERSION_MAX", "VERSION_MIN", "WireBuffer",
    "WireParam", "at_end", "check_header", "decode_cancel", "decode_close",
    "decode_close_reply", "decode_error", "decode_header", "decode_hello",
    "decode_hello_reply", "decode_invoke", "decode_invoke_ta", "decode_open",
    "decode_operation", "encode_invoke_ta",
    "decode_reply", "decode_status_reply", "encode_cancel", "encode_close",
    "encode_close_reply", "encode_error", "encode_header", "encode_hello",
    "encode_hello_reply", "encode_invoke", "encode_open", "encode_operation",
    "encode_reply", "encode_status", "encode_status_reply", "exact", "frame", "negotiate",
    "unpack_at",
]

_HELLO = struct.Struct("<4sHHI16s")
_HELLO_REPLY = struct.Struct("<HHI16s")
_OPEN_HEAD = struct.Struct("<16sIII")
_INVOKE_HEAD = struct.Struct("<II")
_OP_HEAD = struct.Struct("<II")
_PARAMS = struct.Struct("<" + "IIQQ" * NUM_PARAMS)
_OP_FULL = struct.Struct("<II" + "IIQQ" * NUM_PARAMS)
_BUF_HEAD = struct.Struct("<IIQQQ")
_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")


# -- handshake -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Hello:
    """First frame of every connection: versions spoken and the connection's role."""

    role: int
    min_version: int = VERSION_MIN
    max_version: int = VERSION_MAX
    #: For a session connection: the token of the context it belongs to (or zeros).
    token: bytes = bytes(16)


@dataclass(frozen=True)
class HelloReply:
    version: int
    status: int
    #: For a context connection: the token that names this context.
    token: bytes = bytes(16)


def encode_hello(msg: Hello) -> bytes:
    return frame(HELLO, _HELLO.pack(MAGIC, msg.min_version, msg.max_version, msg.role, msg.token))


def decode_hello(payload: bytes | memoryview) -> Hello:
    exact(payload, _HELLO.size, "HELLO")
    magic, lo, hi, role, token = _HELLO.unpack_from(payload)
    if magic != MAGIC:
        raise ProtocolError("bad magic in HELLO")
    if lo > hi:
        raise ProtocolError("HELLO version range is empty")
    if role not in (ROLE_CONTEXT, ROLE_SESSION):
        raise ProtocolError(f"unknown HELLO role {role}")
    return Hello(role, lo, hi, bytes(token))


def negotiate(msg: Hello) -> int | None:
    """The highest version both sides speak, or None."""
    best = min(msg.max_version, VERSION_MAX)
    return best if best >= max(msg.min_version, VERSION_MIN) else None


def encode_hello_reply(msg: HelloReply) -> bytes:
    return frame(HELLO_REPLY, _HELLO_REPLY.pack(msg.version, 0, msg.status, msg.token))


def decode_hello_reply(payload: bytes | memoryview) -> HelloReply:
    exact(payload, _HELLO_REPLY.size, "HELLO_REPLY")
    version, _, status, token = _HELLO_REPLY.unpack_from(payload)
    return HelloReply(version, status, bytes(token))


# -- operations ----------------------------------------------------------------------------

class WireParam(NamedTuple):
    """One parameter after the client's TEEC pre-processing, as a TEE_PARAM_TYPE_*.

    Values carry a and b; memrefs name a buffer of the operation (or NO_BUFFER for a
    NULL memref) and a window [offset, offset + size) inside it. (An immutable record:
    a NamedTuple, which is cheaper to build than a frozen dataclass on the hot path.)
    """

    type: int = 0
    a: int = 0
    b: int = 0
    buffer: int = NO_BUFFER
    offset: int = 0
    size: int = 0


class WireBuffer(NamedTuple):
    """A buffer memrefs point into: inline bytes, or a shared memory by id."""

    kind: int
    size: int
    id: int = 0
    #: BUF_INLINE: the bytes sent (at most size; the rest reads as zero).
    data: bytes | memoryview = b""
    flags: int = 0

    @property
    def has_fd(self) -> bool:
        return self.kind == BUF_SHM and bool(self.flags & BUF_FLAG_FD)


NONE_PARAM = WireParam()
NO_PARAMS = (NONE_PARAM,) * NUM_PARAMS


@dataclass(frozen=True)
class Operation:
    params: tuple[WireParam, ...] = NO_PARAMS
    buffers: tuple[WireBuffer, ...] = ()

    @property
    def types(self) -> int:
        t = 0
        for i, p in enumerate(self.params):
            t |= (p.type & 0xF) << (4 * i)
        return t

    @property
    def nfds(self) -> int:
        return sum(1 for b in self.buffers if b.has_fd)


EMPTY_OPERATION = Operation()


def encode_operation(op: Operation) -> bytes:
    if len(op.params) != NUM_PARAMS:
        raise ProtocolError("an operation has exactly four parameters")
    if len(op.buffers) > NUM_PARAMS:
        raise ProtocolError("an operation has at most four buffers")
    fields: list[int] = []
    for p in op.params:
        if p.type in MEMREF_PARAM_TYPES:
            fields += (p.buffer, 0, p.offset, p.size)
        else:
            fields += (p.a & 0xFFFFFFFF, p.b & 0xFFFFFFFF, 0, 0)
    parts = [_OP_HEAD.pack(op.types, len(op.buffers)), _PARAMS.pack(*fields)]
    for b in op.buffers:
        data = b.data if b.kind == BUF_INLINE else b""
        parts.append(_BUF_HEAD.pack(b.kind, b.flags, b.id, b.size, len(data)))
        if data:
            parts.append(bytes(data))
    return b"".join(parts)


def decode_operation(payload: memoryview, pos: int) -> tuple[Operation, int]:
    """Decode an operation at pos; returns it and the position after it."""
    raw = unpack_at(_OP_FULL, payload, pos, "operation")
    pos += _OP_FULL.size
    types, nbufs = raw[0], raw[1]
    if nbufs > NUM_PARAMS:
        raise ProtocolError(f"{nbufs} buffers in an operation (limit {NUM_PARAMS})")
    if types >> 16:
        raise ProtocolError("parameter types use more than four nibbles")
    buffers: list[WireBuffer] = []
    for _ in range(nbufs):
        kind, flags, bid, size, dlen = unpack_at(_BUF_HEAD, payload, pos, "buffer")
        pos += _BUF_HEAD.size
        if kind == BUF_INLINE:
            if flags or bid:
                raise ProtocolError("inline buffer with flags or an id")
            if size > MAX_PAYLOAD or dlen > size:
                raise ProtocolError("inline buffer sizes out of range")
            if pos + dlen > len(payload):
                raise ProtocolError("inline buffer data is truncated")
            buffers.append(WireBuffer(BUF_INLINE, size, 0, payload[pos:pos + dlen]))
            pos += dlen
        elif kind == BUF_SHM:
            if flags & ~BUF_FLAG_FD or dlen:
                raise ProtocolError("shared-memory buffer with unknown flags or inline data")
            if size > MAX_SHM_SIZE:
                raise ProtocolError("shared memory larger than the protocol allows")
            buffers.append(WireBuffer(BUF_SHM, size, bid, b"", flags))
        else:
            raise ProtocolError(f"unknown buffer kind {kind}")
    params: list[WireParam] = []
    for i in range(NUM_PARAMS):
        t = (types >> (4 * i)) & 0xF
        if not t:
            params.append(NONE_PARAM)
            continue
        x, y, offset, size = raw[2 + 4 * i:6 + 4 * i]
        if t < 4:
            params.append(WireParam(t, x, y))
        elif t > 4 and t < 8:
            if x == NO_BUFFER:
                if offset:
                    raise ProtocolError(f"parameter {i}: NULL memref with an offset")
            elif x >= nbufs:
                raise ProtocolError(f"parameter {i}: buffer {x} does not exist")
            elif offset + size > buffers[x].size:
                raise ProtocolError(f"parameter {i}: memref outside its buffer")
            params.append(WireParam(t, 0, 0, x, offset, size))
        else:
            raise ProtocolError(f"parameter {i}: invalid type {t}")
    return Operation(tuple(params), tuple(buffers)), pos


# -- session requests ----------------------------------------------------------------------

@dataclass(frozen=True)
class OpenRequest:
    uuid: _uuid.UUID
    login: int = 0
    #: TEEC connectionData for group logins (a gid), None when the client passed none.
    gid: int | None = None
    op: Operation = EMPTY_OPERATION


@dataclass(frozen=True)
class InvokeRequest:
    cmd: int
    op: Operation = EMPTY_OPERATION
    #: Shared-memory ids the client released since its last request on this session.
    release: tuple[int, ...] = ()


def encode_open(msg: OpenRequest) -> bytes:
    head = _OPEN_HEAD.pack(msg.uuid.bytes, msg.login & 0xFFFFFFFF, int(msg.gid is not None),
                           (msg.gid or 0) & 0xFFFFFFFF)
    return frame(OPEN, head + encode_operation(msg.op), msg.op.nfds)


def decode_open(payload: bytes | memoryview) -> OpenRequest:
    view = memoryview(payload)
    raw_uuid, login, has_gid, gid = unpack_at(_OPEN_HEAD, view, 0, "OPEN")
    if has_gid > 1:
        raise ProtocolError("OPEN: bad connection-data flag")
    op, pos = decode_operation(view, _OPEN_HEAD.size)
    at_end(view, pos, "OPEN")
    return OpenRequest(_uuid.UUID(bytes=bytes(raw_uuid)), login, gid if has_gid else None, op)


def encode_invoke(msg: InvokeRequest) -> bytes:
    if len(msg.release) > MAX_RELEASE:
        raise ProtocolError("too many released shared-memory ids in one request")
    head = _INVOKE_HEAD.pack(msg.cmd & 0xFFFFFFFF, len(msg.release))
    rel = struct.pack(f"<{len(msg.release)}Q", *msg.release) if msg.release else b""
    return frame(INVOKE, head + rel + encode_operation(msg.op), msg.op.nfds)


def decode_invoke(payload: bytes | memoryview) -> InvokeRequest:
    view = memoryview(payload)
    cmd, nrel = unpack_at(_INVOKE_HEAD, view, 0, "INVOKE")
    if nrel > MAX_RELEASE:
        raise ProtocolError(f"INVOKE releases {nrel} ids (limit {MAX_RELEASE})")
    pos = _INVOKE_HEAD.size
    release: tuple[int, ...] = ()
    if nrel:
        if pos + 8 * nrel > len(view):
            raise ProtocolError("INVOKE release list is truncated")
        release = struct.unpack_from(f"<{nrel}Q", view, pos)
        pos += 8 * nrel
    op, pos = decode_operation(view, pos)
    at_end(view, pos, "INVOKE")
    return InvokeRequest(cmd, op, release)


def encode_invoke_ta(timeout: int, msg: InvokeRequest) -> bytes:
    """INVOKE_TA: a TA's invocation with its cancellation timeout (ms, 0xFFFFFFFF: none)."""
    inner = encode_invoke(msg)
    return frame(INVOKE_TA, _U32.pack(timeout & 0xFFFFFFFF) + inner[HEADER_SIZE:], msg.op.nfds)


def decode_invoke_ta(payload: bytes | memoryview) -> tuple[int, InvokeRequest]:
    view = memoryview(payload)
    (timeout,) = unpack_at(_U32, view, 0, "INVOKE_TA")
    return int(timeout), decode_invoke(view[4:])


def encode_close() -> bytes:
    return frame(CLOSE)


def decode_close(payload: bytes | memoryview) -> None:
    exact(payload, 0, "CLOSE")


@dataclass(frozen=True)
class Cancel:
    """TEEC_RequestCancellation for the session that the key names (context connection)."""

    key: int


def encode_cancel(msg: Cancel) -> bytes:
    return frame(CANCEL, _U64.pack(msg.key))


def decode_cancel(payload: bytes | memoryview) -> Cancel:
    exact(payload, 8, "CANCEL")
    return Cancel(_U64.unpack_from(payload)[0])


def encode_status() -> bytes:
    return frame(STATUS)
