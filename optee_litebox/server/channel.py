"""Messages between the server and its worker processes (pure encode/decode).

They use the client protocol's framing (``protocol.frame``) on a socketpair; kinds live
in 0x01xx so they can never be confused with client frames.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass

from ..client import protocol as p
from ..gp_api import ClientIdentity

#: Server -> worker: a session connection (fd 0 of the frame) with its OPEN request.
ASSIGN = 0x0101
#: Server -> worker: TEEC_RequestCancellation for a session key.
CANCEL = 0x0102
#: Server -> worker: the server stops; close every session and exit.
SHUTDOWN = 0x0103
#: Server -> worker: no session is left or in flight; exit.
RETIRE = 0x0104
#: Server -> worker: where a TA_OPEN went (the token, result, origin, the callee's pid).
TA_ROUTED = 0x0105
#: Worker -> server: a session connection ended (open failed, closed, client gone).
SESSION_DONE = 0x0181
#: Worker -> server: a TA opens a session to a single-instance TA of another worker (the
#: frame carries the session socket's other end, as a client's connection).
TA_OPEN = 0x0182

_ASSIGN = struct.Struct("<QI16sII")
_TA_OPEN = struct.Struct("<Q16sI")
_TA_ROUTED = struct.Struct("<QIII")
_KEY = struct.Struct("<Q")
_DONE = struct.Struct("<QII")


@dataclass(frozen=True)
class Assign:
    key: int
    client: ClientIdentity
    #: The connecting process (for log lines; for a TA's session, the caller's worker).
    pid: int
    #: The client's OPEN payload, decoded again by the worker.
    open_payload: bytes
    #: The open's cancellation timeout in ms (TA callers; 0xFFFFFFFF: none).
    timeout: int = 0xFFFFFFFF


def encode_assign(msg: Assign, nfds: int) -> bytes:
    head = _ASSIGN.pack(msg.key, msg.client.login & 0xFFFFFFFF, msg.client.uuid.bytes, msg.pid,
                        msg.timeout & 0xFFFFFFFF)
    return p.frame(ASSIGN, head + msg.open_payload, nfds)


def decode_assign(payload: bytes | memoryview) -> Assign:
    if len(payload) < _ASSIGN.size:
        raise p.ProtocolError("ASSIGN is truncated")
    key, login, raw, pid, timeout = _ASSIGN.unpack_from(payload)
    return Assign(key, ClientIdentity(login, _uuid.UUID(bytes=bytes(raw))), pid,
                  bytes(payload[_ASSIGN.size:]), timeout)


@dataclass(frozen=True)
class TaOpen:
    """A TA's open session request: token (the caller's, for TA_ROUTED), the calling TA,
    the cancellation timeout and the OPEN payload (login TEE_LOGIN_TRUSTED_APP)."""

    token: int
    caller: _uuid.UUID
    timeout: int
    open_payload: bytes


def encode_ta_open(msg: TaOpen) -> bytes:
    head = _TA_OPEN.pack(msg.token, msg.caller.bytes, msg.timeout & 0xFFFFFFFF)
    return p.frame(TA_OPEN, head + msg.open_payload, 1)


def decode_ta_open(payload: bytes | memoryview) -> TaOpen:
    if len(payload) < _TA_OPEN.size:
        raise p.ProtocolError("TA_OPEN is truncated")
    token, raw, timeout = _TA_OPEN.unpack_from(payload)
    return TaOpen(token, _uuid.UUID(bytes=bytes(raw)), timeout, bytes(payload[_TA_OPEN.size:]))


@dataclass(frozen=True)
class TaRouted:
    """The server's answer to TA_OPEN: result 0 and the callee worker's pid, or a failure
    (no such TA, BUSY for a loop between workers) and its origin."""

    token: int
    result: int
    origin: int
    pid: int


def encode_ta_routed(msg: TaRouted) -> bytes:
    return p.frame(TA_ROUTED, _TA_ROUTED.pack(msg.token, msg.result & 0xFFFFFFFF,
                                              msg.origin, msg.pid))


def decode_ta_routed(payload: bytes | memoryview) -> TaRouted:
    if len(payload) != _TA_ROUTED.size:
        raise p.ProtocolError("bad TA_ROUTED")
    return TaRouted(*_TA_ROUTED.unpack_from(payload))


def encode_cancel(key: int) -> bytes:
    return p.frame(CANCEL, _KEY.pack(key))


def decode_key(payload: bytes | memoryview) -> int:
    if len(payload) != _KEY.size:
        raise p.ProtocolError("bad key message")
    return int(_KEY.unpack_from(payload)[0])


@dataclass(frozen=True)
class SessionDone:
    key: int
    #: TA instances still alive in the worker, and sessions still open there.
    instances: int
    sessions: int


def encode_done(msg: SessionDone) -> bytes:
    return p.frame(SESSION_DONE, _DONE.pack(msg.key, msg.instances, msg.sessions))


def decode_done(payload: bytes | memoryview) -> SessionDone:
    if len(payload) != _DONE.size:
        raise p.ProtocolError("bad SESSION_DONE")
    return SessionDone(*_DONE.unpack_from(payload))
