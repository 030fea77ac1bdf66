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
#: Worker -> server: a session connection ended (open failed, closed, client gone).
SESSION_DONE = 0x0181

_ASSIGN = struct.Struct("<QI16sI")
_KEY = struct.Struct("<Q")
_DONE = struct.Struct("<QII")


@dataclass(frozen=True)
class Assign:
    key: int
    client: ClientIdentity
    #: The connecting process (for log lines).
    pid: int
    #: The client's OPEN payload, decoded again by the worker.
    open_payload: bytes


def encode_assign(msg: Assign, nfds: int) -> bytes:
    head = _ASSIGN.pack(msg.key, msg.client.login & 0xFFFFFFFF, msg.client.uuid.bytes, msg.pid)
    return p.frame(ASSIGN, head + msg.open_payload, nfds)


def decode_assign(payload: bytes | memoryview) -> Assign:
    if len(payload) < _ASSIGN.size:
        raise p.ProtocolError("ASSIGN is truncated")
    key, login, raw, pid = _ASSIGN.unpack_from(payload)
    return Assign(key, ClientIdentity(login, _uuid.UUID(bytes=bytes(raw))), pid,
                  bytes(payload[_ASSIGN.size:]))


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
