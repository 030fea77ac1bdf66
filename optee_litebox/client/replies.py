"""Replies of the optee-litebox client protocol: results, output bytes, errors (pure).

The requests are in ``protocol``; docs/protocol.md is the specification.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import NamedTuple

from .frames import (CLOSE_REPLY, ERROR, INVOKE_REPLY, MAX_TEXT, NUM_PARAMS, OPEN_REPLY,
                     STATUS_REPLY, ProtocolError, at_end, exact, frame, unpack_at)

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_REPLY_HEAD = struct.Struct("<II")
_RESULTS = struct.Struct("<" + "QQ" * NUM_PARAMS)
_DATA_HEAD = struct.Struct("<IIQ")
_ERROR = struct.Struct("<II")


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
    result, origin = unpack_at(_REPLY_HEAD, view, 0, "reply")
    pos = _REPLY_HEAD.size
    key = 0
    if kind == OPEN_REPLY:
        (key,) = unpack_at(_U64, view, pos, "OPEN_REPLY")
        pos += 8
    elif kind != INVOKE_REPLY:
        raise ProtocolError("not a reply kind")
    raw = unpack_at(_RESULTS, view, pos, "reply parameters")
    pos += _RESULTS.size
    if any(raw[i] >> 32 for i in range(1, 2 * NUM_PARAMS, 2)):
        raise ProtocolError("reply value b wider than 32 bits")
    params = tuple(ParamResult(raw[2 * i], raw[2 * i + 1]) for i in range(NUM_PARAMS))
    (ndata,) = unpack_at(_U32, view, pos, "reply data count")
    pos += 4
    if ndata > NUM_PARAMS:
        raise ProtocolError("reply carries data for more than four parameters")
    data = []
    for _ in range(ndata):
        index, zero, dlen = unpack_at(_DATA_HEAD, view, pos, "reply data")
        pos += _DATA_HEAD.size
        if index >= NUM_PARAMS or zero or pos + dlen > len(view):
            raise ProtocolError("reply data out of range")
        data.append((index, view[pos:pos + dlen]))
        pos += dlen
    at_end(view, pos, "reply")
    return Reply(result, origin, params, tuple(data), key)


def encode_close_reply(result: int) -> bytes:
    return frame(CLOSE_REPLY, _U32.pack(result & 0xFFFFFFFF))


def decode_close_reply(payload: bytes | memoryview) -> int:
    exact(payload, 4, "CLOSE_REPLY")
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
