"""The optee-litebox client protocol: framing and messages as pure functions.

No socket code lives here: every function takes bytes (or a memoryview) and returns
frozen dataclasses, or the reverse, so the whole protocol is unit-tested and fuzzed
without I/O. The specification is ``docs/protocol.md``; this module is its reference
implementation and the C library (``optee_litebox/libteec``) speaks the same bytes.

Every frame is an 8-byte header ``{u32 length; u16 kind; u8 nfds; u8 zero}`` followed by
``length`` payload bytes; ``nfds`` file descriptors (memfds of shared memory, or a
session socket between server and worker) travel with the frame as SCM_RIGHTS.
All integers are little-endian. Every length is bounded; anything malformed raises
``ProtocolError``.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import LiteboxError

MAGIC = b"OLBX"
#: Protocol versions this implementation speaks.
VERSION_MIN = 1
VERSION_MAX = 1

HEADER = struct.Struct("<IHBB")
HEADER_SIZE = HEADER.size
#: Largest payload of one frame (temporary memrefs travel inline, so this bounds them).
MAX_PAYLOAD = 64 << 20
#: Largest number of file descriptors attached to one frame.
MAX_FDS = 8
#: Largest shared memory (memfd) a client may describe.
MAX_SHM_SIZE = 1 << 40
#: Largest number of shared-memory ids released in one request.
MAX_RELEASE = 4096
#: Largest STATUS text.
MAX_TEXT = 1 << 20
NUM_PARAMS = 4
#: A memref parameter's buffer index meaning "NULL buffer".
NO_BUFFER = 0xFFFFFFFF

# -- message kinds -------------------------------------------------------------------------
HELLO = 0x0001
OPEN = 0x0002
INVOKE = 0x0003
CLOSE = 0x0004
CANCEL = 0x0005
STATUS = 0x0006
HELLO_REPLY = 0x8001
OPEN_REPLY = 0x8002
INVOKE_REPLY = 0x8003
CLOSE_REPLY = 0x8004
STATUS_REPLY = 0x8006
ERROR = 0x80FF

#: HELLO roles: a context connection (cancellation, status) or a session connection.
ROLE_CONTEXT = 1
ROLE_SESSION = 2

# -- buffer kinds --------------------------------------------------------------------------
#: Bytes carried in the frame (temporary memrefs, registered memory): copied both ways.
BUF_INLINE = 1
#: Shared memory backed by a file descriptor (memfd), mapped by the worker: zero copy.
BUF_SHM = 2
#: BUF_SHM flag: this frame carries the shared memory's file descriptor.
BUF_FLAG_FD = 1

VALUE_PARAM_TYPES = frozenset({1, 2, 3})
MEMREF_PARAM_TYPES = frozenset({5, 6, 7})
OUTPUT_PARAM_TYPES = frozenset({2, 3, 6, 7})

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
_REPLY_HEAD = struct.Struct("<II")
_RESULTS = struct.Struct("<" + "QQ" * NUM_PARAMS)
_DATA_HEAD = struct.Struct("<IIQ")
_ERROR = struct.Struct("<II")


class ProtocolError(LiteboxError):
    """A frame or message that does not follow docs/protocol.md."""


# -- framing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Header:
    kind: int
    length: int
    nfds: int = 0


def encode_header(kind: int, length: int, nfds: int = 0) -> bytes:
    if not 0 <= length <= MAX_PAYLOAD:
        raise ProtocolError(f"payload of {length} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    if not 0 <= nfds <= MAX_FDS:
        raise ProtocolError(f"{nfds} file descriptors exceed the limit of {MAX_FDS}")
    return HEADER.pack(length, kind, nfds, 0)


def decode_header(data: bytes | bytearray | memoryview) -> Header:
    """The header at the start of data (which must hold at least HEADER_SIZE bytes)."""
    if len(data) < HEADER_SIZE:
        raise ProtocolError("truncated frame header")
    length, kind, nfds, zero = HEADER.unpack_from(data)
    check_header(length, nfds, zero)
    return Header(kind, length, nfds)


def check_header(length: int, nfds: int, zero: int) -> None:
    """Raise ProtocolError unless a header's fields are within the limits."""
    if zero:
        raise ProtocolError("reserved header byte is not zero")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"frame of {length} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    if nfds > MAX_FDS:
        raise ProtocolError(f"frame announces {nfds} file descriptors (limit {MAX_FDS})")


def frame(kind: int, payload: bytes = b"", nfds: int = 0) -> bytes:
    """A complete frame: header then payload."""
    return encode_header(kind, len(payload), nfds) + payload


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
    _exact(payload, _HELLO.size, "HELLO")
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
    _exact(payload, _HELLO_REPLY.size, "HELLO_REPLY")
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
    raw = _unpack(_OP_FULL, payload, pos, "operation")
    pos += _OP_FULL.size
    types, nbufs = raw[0], raw[1]
    if nbufs > NUM_PARAMS:
        raise ProtocolError(f"{nbufs} buffers in an operation (limit {NUM_PARAMS})")
    if types >> 16:
        raise ProtocolError("parameter types use more than four nibbles")
    buffers: list[WireBuffer] = []
    for _ in range(nbufs):
        kind, flags, bid, size, dlen = _unpack(_BUF_HEAD, payload, pos, "buffer")
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
    raw_uuid, login, has_gid, gid = _unpack(_OPEN_HEAD, view, 0, "OPEN")
    if has_gid > 1:
        raise ProtocolError("OPEN: bad connection-data flag")
    op, pos = decode_operation(view, _OPEN_HEAD.size)
    _end(view, pos, "OPEN")
    return OpenRequest(_uuid.UUID(bytes=bytes(raw_uuid)), login, gid if has_gid else None, op)


def encode_invoke(msg: InvokeRequest) -> bytes:
    if len(msg.release) > MAX_RELEASE:
        raise ProtocolError("too many released shared-memory ids in one request")
    head = _INVOKE_HEAD.pack(msg.cmd & 0xFFFFFFFF, len(msg.release))
    rel = struct.pack(f"<{len(msg.release)}Q", *msg.release) if msg.release else b""
    return frame(INVOKE, head + rel + encode_operation(msg.op), msg.op.nfds)


def decode_invoke(payload: bytes | memoryview) -> InvokeRequest:
    view = memoryview(payload)
    cmd, nrel = _unpack(_INVOKE_HEAD, view, 0, "INVOKE")
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
    _end(view, pos, "INVOKE")
    return InvokeRequest(cmd, op, release)


def encode_close() -> bytes:
    return frame(CLOSE)


def decode_close(payload: bytes | memoryview) -> None:
    _exact(payload, 0, "CLOSE")


@dataclass(frozen=True)
class Cancel:
    """TEEC_RequestCancellation for the session that the key names (context connection)."""

    key: int


def encode_cancel(msg: Cancel) -> bytes:
    return frame(CANCEL, _U64.pack(msg.key))


def decode_cancel(payload: bytes | memoryview) -> Cancel:
    _exact(payload, 8, "CANCEL")
    return Cancel(_U64.unpack_from(payload)[0])


def encode_status() -> bytes:
    return frame(STATUS)


# -- replies -------------------------------------------------------------------------------

class ParamResult(NamedTuple):
    """What came back for one parameter: value a and b, or a memref's new size in a."""

    a: int = 0
    b: int = 0


NO_RESULTS = (ParamResult(),) * NUM_PARAMS


@dataclass(frozen=True)
class Reply:
    """OPEN_REPLY or INVOKE_REPLY: result, origin, parameters and output bytes."""

    result: int
    origin: int
    params: tuple[ParamResult, ...] = NO_RESULTS
    #: (parameter index, bytes of that memref's window) for memrefs into inline buffers.
    data: tuple[tuple[int, bytes | memoryview], ...] = ()
    #: OPEN_REPLY only: the key that names the session in CANCEL.
    session_key: int = 0


def encode_reply(kind: int, msg: Reply) -> bytes:
    if kind not in (OPEN_REPLY, INVOKE_REPLY):
        raise ProtocolError("not a reply kind")
    fields: list[int] = []
    for r in msg.params:
        fields += (r.a & 0xFFFFFFFFFFFFFFFF, r.b & 0xFFFFFFFF)
    parts = [_REPLY_HEAD.pack(msg.result & 0xFFFFFFFF, msg.origin & 0xFFFFFFFF)]
    if kind == OPEN_REPLY:
        parts.append(_U64.pack(msg.session_key))
    parts.append(_RESULTS.pack(*fields))
    parts.append(_U32.pack(len(msg.data)))
    for index, data in msg.data:
        parts.append(_DATA_HEAD.pack(index, 0, len(data)))
        parts.append(bytes(data))
    return frame(kind, b"".join(parts))


def decode_reply(kind: int, payload: bytes | memoryview) -> Reply:
    view = memoryview(payload)
    result, origin = _unpack(_REPLY_HEAD, view, 0, "reply")
    pos = _REPLY_HEAD.size
    key = 0
    if kind == OPEN_REPLY:
        (key,) = _unpack(_U64, view, pos, "OPEN_REPLY")
        pos += 8
    elif kind != INVOKE_REPLY:
        raise ProtocolError("not a reply kind")
    raw = _unpack(_RESULTS, view, pos, "reply parameters")
    pos += _RESULTS.size
    if any(raw[i] >> 32 for i in range(1, 2 * NUM_PARAMS, 2)):
        raise ProtocolError("reply value b wider than 32 bits")
    params = tuple(ParamResult(raw[2 * i], raw[2 * i + 1]) for i in range(NUM_PARAMS))
    (ndata,) = _unpack(_U32, view, pos, "reply data count")
    pos += 4
    if ndata > NUM_PARAMS:
        raise ProtocolError("reply carries data for more than four parameters")
    data = []
    for _ in range(ndata):
        index, zero, dlen = _unpack(_DATA_HEAD, view, pos, "reply data")
        pos += _DATA_HEAD.size
        if index >= NUM_PARAMS or zero or pos + dlen > len(view):
            raise ProtocolError("reply data out of range")
        data.append((index, view[pos:pos + dlen]))
        pos += dlen
    _end(view, pos, "reply")
    return Reply(result, origin, params, tuple(data), key)


def encode_close_reply(result: int) -> bytes:
    return frame(CLOSE_REPLY, _U32.pack(result & 0xFFFFFFFF))


def decode_close_reply(payload: bytes | memoryview) -> int:
    _exact(payload, 4, "CLOSE_REPLY")
    return int(_U32.unpack_from(payload)[0])


@dataclass(frozen=True)
class ErrorReply:
    """The peer broke the protocol (or the server refuses): the connection closes next."""

    result: int
    origin: int
    text: str = ""


def encode_error(msg: ErrorReply) -> bytes:
    text = msg.text.encode("utf-8", "replace")[:1024]
    return frame(ERROR, _ERROR.pack(msg.result & 0xFFFFFFFF, msg.origin & 0xFFFFFFFF) + text)


def decode_error(payload: bytes | memoryview) -> ErrorReply:
    if not _ERROR.size <= len(payload) <= _ERROR.size + 1024:
        raise ProtocolError("ERROR frame of a bad length")
    result, origin = _ERROR.unpack_from(payload)
    return ErrorReply(result, origin, bytes(payload[_ERROR.size:]).decode("utf-8", "replace"))


def encode_status_reply(text: str) -> bytes:
    data = text.encode()
    if len(data) > MAX_TEXT:
        raise ProtocolError("status text too long")
    return frame(STATUS_REPLY, data)


def decode_status_reply(payload: bytes | memoryview) -> str:
    if len(payload) > MAX_TEXT:
        raise ProtocolError("status text too long")
    try:
        return bytes(payload).decode()
    except UnicodeDecodeError as exc:
        raise ProtocolError("status text is not UTF-8") from exc


# -- helpers -------------------------------------------------------------------------------

def _unpack(st: struct.Struct, view: memoryview | bytes, pos: int, what: str) -> tuple:
    if pos + st.size > len(view):
        raise ProtocolError(f"{what} is truncated")
    return st.unpack_from(view, pos)


def _exact(payload: bytes | memoryview, size: int, what: str) -> None:
    if len(payload) != size:
        raise ProtocolError(f"{what} payload is {len(payload)} bytes, expected {size}")


def _end(view: memoryview, pos: int, what: str) -> None:
    if pos != len(view):
        raise ProtocolError(f"{len(view) - pos} stray bytes after {what}")
