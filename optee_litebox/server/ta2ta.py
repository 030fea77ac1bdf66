"""TA-to-TA calls from a worker to a single-instance TA that another worker hosts.

A single-instance TA is one instance for the whole TEE, shared by clients and TAs, so
a TA's session to it must reach the worker that hosts it. The calling worker makes a
socket pair, sends one end to the server with the OPEN (TA_OPEN on its control channel)
and waits; the server routes it like a client's session (the callee worker gets it with
ASSIGN, login TEE_LOGIN_TRUSTED_APP and the caller's UUID) and says where it went
(TA_ROUTED). From then on the caller speaks the client protocol on its end, directly to
the callee's worker: INVOKE_TA (INVOKE with the cancellation timeout) and CLOSE.

Memrefs travel as inline buffers: the callee works on a copy of the caller's window,
and output bytes come back (at most the window) as libteec's shadow buffers do. Before
each call the worker records in the shared WaitTable that it waits for the callee; a
call that would close a loop of waiting workers answers TEE_ERROR_BUSY at once.
"""
from __future__ import annotations

import itertools
import os
import queue
import socket
import threading
import uuid as _uuid
from typing import TYPE_CHECKING

from ..abi.params import MEMREF_TYPES
from ..abi.props import TEE_TIMEOUT_INFINITE
from ..abi.results import (
    TEE_ERROR_BUSY,
    TEE_ERROR_COMMUNICATION,
    TEE_ERROR_TARGET_DEAD,
    TEE_ORIGIN_TEE,
    TEE_SUCCESS,
)
from ..abi.ta import TA_FLAG_SINGLE_INSTANCE
from ..client import protocol as p
from ..client.transport import Channel, PeerClosed
from ..gp_api.ta_client import CallParam
from ..runtime import Param
from ..runtime.instance import TaInstance
from ..runtime.ta2ta import Callee, from_params, to_params
from . import channel as ch

if TYPE_CHECKING:
    from ..runtime import Tee
    from .waits import WaitTable

#: How long a caller waits for the server to route its open (it answers at once).
ROUTE_TIMEOUT = 30.0


def to_operation(params: list[Param]) -> p.Operation:
    """Each memref window becomes an inline buffer of its own (values as they are)."""
    wires = []
    buffers: list[p.WireBuffer] = []
    for prm in params:
        if prm.type in MEMREF_TYPES:
            if prm.shm is None:
                wires.append(p.WireParam(prm.type, 0, 0, p.NO_BUFFER, 0, prm.size))
                continue
            data = prm.shm.read(prm.offset, prm.size)
            buffers.append(p.WireBuffer(p.BUF_INLINE, prm.size, 0, data))
            wires.append(p.WireParam(prm.type, 0, 0, len(buffers) - 1, 0, prm.size))
        elif prm.type:
            wires.append(p.WireParam(prm.type, prm.a & 0xFFFFFFFF, prm.b & 0xFFFFFFFF))
        else:
            wires.append(p.NONE_PARAM)
    return p.Operation(tuple(wires), tuple(buffers))


def apply_reply(params: list[Param], reply: p.Reply) -> None:
    """Output values and sizes, and output bytes into the caller's windows."""
    for prm, res in zip(params, reply.params):
        if prm.type in (2, 3):
            prm.a, prm.b = res.a & 0xFFFFFFFF, res.b & 0xFFFFFFFF
        elif prm.type in (6, 7):
            prm.size = res.a
    for index, data in reply.data:
        prm = params[index]
        if prm.shm is not None and prm.type in (6, 7):
            window = max(0, min(len(data), prm.shm.size - prm.offset))
            prm.shm.write(bytes(data[:window]), prm.offset)


class RemoteCallee:
    """A session of this worker's TA to a TA in another worker (runtime.ta2ta.Callee)."""

    pseudo = False

    def __init__(self, remote: WorkerRemoteTas, chan: Channel, pid: int) -> None:
        self.remote, self.chan, self.pid = remote, chan, pid

    def _exchange(self, frame: bytes, kind: int) -> bytes | memoryview | None:
        """Send one request and read its reply; None if the callee's worker is gone."""
        self.remote.tee.push_running(self)
        try:
            self.chan.send(frame)
            got, payload, fds = self.chan.recv()
            for fd in fds:
                os.close(fd)
            return payload if got == kind else None
        except (OSError, PeerClosed, p.ProtocolError):
            return None
        finally:
            self.remote.tee.pop_running()

    def invoke(self, timeout: int, cmd: int, params: list[CallParam]) -> tuple[int, int]:
        done = to_params(params)
        frame = p.encode_invoke_ta(timeout, p.InvokeRequest(cmd, to_operation(done)))
        me = os.getpid()
        if not self.remote.waits.wait_for(me, self.pid):
            return TEE_ERROR_BUSY, TEE_ORIGIN_TEE  # the callee waits for us: a loop
        try:
            payload = self._exchange(frame, p.INVOKE_REPLY)
        finally:
            self.remote.waits.done(me)
        if payload is None:
            return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE
        try:
            reply = p.decode_reply(p.INVOKE_REPLY, payload)
        except p.ProtocolError:
            return TEE_ERROR_COMMUNICATION, TEE_ORIGIN_TEE
        apply_reply(done, reply)
        from_params(params, done)
        return reply.result, reply.origin

    def close(self) -> None:
        """CLOSE, and wait for the callee's close entry unless waiting would dead-lock:
        then the connection just ends, which closes the session all the same."""
        me = os.getpid()
        if self.remote.waits.wait_for(me, self.pid):
            try:
                self._exchange(p.encode_close(), p.CLOSE_REPLY)
            finally:
                self.remote.waits.done(me)
        self.chan.close()

    def interrupt(self) -> None:
        """Stop waiting for the callee (the caller is being stopped)."""
        try:
            self.chan.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class WorkerRemoteTas:
    """runtime.tee.RemoteTas for a worker: opens go through the server (TA_OPEN)."""

    def __init__(self, tee: Tee, ctl: Channel, waits: WaitTable,
                 send_lock: threading.Lock) -> None:
        self.tee, self.ctl, self.waits = tee, ctl, waits
        self.send_lock = send_lock
        self._tokens = itertools.count(1)
        self._pending: dict[int, queue.SimpleQueue[ch.TaRouted]] = {}
        self._lock = threading.Lock()

    def hosts(self, uuid: _uuid.UUID, flags: int) -> bool:
        return bool(flags & TA_FLAG_SINGLE_INSTANCE)

    def routed(self, msg: ch.TaRouted) -> None:
        """TA_ROUTED from the server (control thread): wake the caller waiting for it."""
        with self._lock:
            q = self._pending.get(msg.token)
        if q is not None:
            q.put(msg)

    def fail_all(self) -> None:
        """The server went away: every caller waiting for a route gets TARGET_DEAD."""
        with self._lock:
            pending = list(self._pending.items())
        for token, q in pending:
            q.put(ch.TaRouted(token, TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, 0))

    def open(self, caller: TaInstance, uuid: _uuid.UUID, params: list[Param],
             timeout: int = TEE_TIMEOUT_INFINITE) -> tuple[int, int, Callee | None] | None:
        """(result, origin, session), or None when this worker is the one to host the TA
        (the server has it down as ours): then the caller opens it here."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        chan = Channel(mine)
        token = next(self._tokens)
        q: queue.SimpleQueue[ch.TaRouted] = queue.SimpleQueue()
        with self._lock:
            self._pending[token] = q
        req = p.OpenRequest(uuid, 0, None, to_operation(params))
        payload = p.encode_open(req)[p.HEADER_SIZE:]
        try:
            try:
                with self.send_lock:
                    self.ctl.send(ch.encode_ta_open(ch.TaOpen(token, caller.uuid, timeout, payload)),
                                  [theirs.fileno()])
            except OSError:
                chan.close()
                return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, None
            finally:
                theirs.close()
            try:
                routed = q.get(timeout=ROUTE_TIMEOUT)
            except queue.Empty:
                routed = ch.TaRouted(token, TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, 0)
        finally:
            with self._lock:
                self._pending.pop(token, None)
        if routed.result != TEE_SUCCESS or routed.pid == os.getpid():
            chan.close()
            return None if routed.result == TEE_SUCCESS else (routed.result, routed.origin, None)
        callee = RemoteCallee(self, chan, routed.pid)
        self.tee.push_running(callee)
        try:
            kind, reply_payload, fds = chan.recv()
            for fd in fds:
                os.close(fd)
            reply = p.decode_reply(p.OPEN_REPLY, reply_payload) if kind == p.OPEN_REPLY else None
        except (OSError, PeerClosed, p.ProtocolError):
            reply = None
        finally:
            self.tee.pop_running()
            self.waits.done(os.getpid())  # the server recorded the wait when it routed
        if reply is None:
            chan.close()
            return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, None
        apply_reply(params, reply)
        if reply.result != TEE_SUCCESS:
            chan.close()
            return reply.result, reply.origin, None
        return reply.result, reply.origin, callee
