"""The Python client: TEEC contexts and sessions over the optee-litebox socket.

A ``Context`` is a connection to the server (used for cancellation); each ``Session``
has a connection of its own that the server hands to the worker hosting the TA, so an
invoke is one request and one reply between this process and the TA's process.
Results and origins are those of upstream libteec; failures raise ``TeecError``.
"""
from __future__ import annotations

import json
import socket
import threading
import uuid as _uuid

from ..abi.props import TEE_LOGIN_PUBLIC
from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_COMMUNICATION,
                           TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_API,
                           TEE_ORIGIN_COMMS, TEE_ORIGIN_TEE, TEE_SUCCESS)
from . import protocol as p
from .params import (MEM_INPUT, MEM_OUTPUT, Operation, SharedMemory, TeecError, apply,
                     bad_parameters, prepare)
from .paths import client_socket_path
from .session_fsm import SessionFsm
from .transport import Channel, PeerClosed


def _connect(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


class Context:
    """TEEC_Context: TEEC_InitializeContext on creation, TEEC_FinalizeContext on close()."""

    def __init__(self, name: str | None = None, *, socket_path: str | None = None) -> None:
        if name not in (None, "optee-tz"):
            raise TeecError(TEE_ERROR_ITEM_NOT_FOUND, TEE_ORIGIN_API, f"no TEE named {name!r}")
        self.socket_path = socket_path or client_socket_path()
        try:
            sock = _connect(self.socket_path)
        except OSError as exc:
            raise TeecError(TEE_ERROR_ITEM_NOT_FOUND, TEE_ORIGIN_API,
                            f"no optee-litebox server at {self.socket_path}: {exc.strerror}") from None
        self._chan = Channel(sock)
        self._lock = threading.Lock()
        self.sessions: set[Session] = set()
        self.closed = False
        try:
            self._chan.send(p.encode_hello(p.Hello(p.ROLE_CONTEXT)))
            reply = _hello_reply(self._chan)
        except (OSError, p.ProtocolError) as exc:
            self._chan.close()
            raise TeecError(TEE_ERROR_ITEM_NOT_FOUND, TEE_ORIGIN_API, f"handshake failed: {exc}") from None
        if reply.status != TEE_SUCCESS:
            self._chan.close()
            raise TeecError(TEE_ERROR_ITEM_NOT_FOUND, TEE_ORIGIN_API, "server refused the handshake")
        self.token = reply.token

    # -- sessions ----------------------------------------------------------------------------

    def open_session(self, uuid: _uuid.UUID | str, *, login: int = TEE_LOGIN_PUBLIC,
                     connection_data: int | None = None,
                     operation: Operation | None = None) -> "Session":
        """TEEC_OpenSession; raises TeecError with the result and origin on failure."""
        self._check_open()
        uuid = _uuid.UUID(str(uuid))
        sent: set[int] = set()
        prepared = prepare(operation, sent)
        try:
            sock = _connect(self.socket_path)
        except OSError as exc:
            raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS, str(exc)) from None
        chan = Channel(sock)
        fsm = SessionFsm()
        try:
            req = p.OpenRequest(uuid, login, connection_data, prepared.op)
            fsm.request(p.HELLO)
            fsm.hello(p.ROLE_SESSION, True)
            fsm.request(p.OPEN)
            try:
                chan.send(p.encode_hello(p.Hello(p.ROLE_SESSION, token=self.token)) + p.encode_open(req),
                          prepared.fds)
                hello = _hello_reply(chan)
            except (OSError, p.ProtocolError) as exc:
                raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS, str(exc)) from None
            if hello.status != TEE_SUCCESS:
                raise TeecError(hello.status, TEE_ORIGIN_COMMS, "server refused the session")
            reply = _expect_reply(chan, fsm, p.OPEN_REPLY)
        except BaseException:
            chan.close()
            raise
        apply(operation, prepared, reply)
        if reply.result != TEE_SUCCESS:
            chan.close()
            raise TeecError(reply.result, reply.origin, f"open session {uuid}")
        sent.update(b.id for b in prepared.op.buffers if b.kind == p.BUF_SHM)
        session = Session(self, uuid, chan, fsm, reply.session_key, sent)
        self.sessions.add(session)
        return session

    def allocate_shared_memory(self, size: int, flags: int = MEM_INPUT | MEM_OUTPUT) -> SharedMemory:
        """TEEC_AllocateSharedMemory: memory the TA maps directly (no copies)."""
        self._check_open()
        _check_flags(flags)
        if size < 0:
            raise bad_parameters("negative size")
        shm = SharedMemory.allocate(size, flags)
        shm.on_release.append(self._released)
        return shm

    def register_shared_memory(self, buffer: bytearray | memoryview | bytes,
                               flags: int = MEM_INPUT | MEM_OUTPUT) -> SharedMemory:
        """TEEC_RegisterSharedMemory: the buffer's bytes travel with each operation."""
        self._check_open()
        _check_flags(flags)
        if buffer is None:
            raise bad_parameters("NULL buffer")
        view = memoryview(buffer)
        if flags & MEM_OUTPUT and view.readonly:
            raise bad_parameters("an output buffer must be writable")
        return SharedMemory(view.nbytes, flags, buffer=view)

    def _released(self, shm: SharedMemory) -> None:
        for session in list(self.sessions):
            session._forget_shm(shm.id)

    def request_cancellation(self, operation: Operation) -> None:
        """TEEC_RequestCancellation: the TA sees the flag once it unmasks cancellation."""
        session = operation.session
        if session is None or session.closed or self.closed:
            return
        with self._lock:
            try:
                self._chan.send(p.encode_cancel(p.Cancel(session.key)))
            except OSError:
                pass

    def server_status(self) -> dict:
        """The server's view: its pid, socket and workers (not part of TEEC)."""
        self._check_open()
        with self._lock:
            self._chan.send(p.encode_status())
            kind, payload, fds = self._chan.recv()
            if kind != p.STATUS_REPLY:
                raise p.ProtocolError(f"unexpected frame 0x{kind:04x}")
            return json.loads(p.decode_status_reply(payload))

    def close(self) -> None:
        """TEEC_FinalizeContext: sessions still open are closed as when a client exits."""
        if self.closed:
            return
        self.closed = True
        for session in list(self.sessions):
            session._chan.close()
            session.closed = True
        self.sessions.clear()
        self._chan.close()

    def _check_open(self) -> None:
        if self.closed:
            raise bad_parameters("the context is finalized")

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Session:
    """TEEC_Session: invoke() commands; close() (or the with-block) closes it."""

    def __init__(self, ctx: Context, uuid: _uuid.UUID, chan: Channel, fsm: SessionFsm, key: int,
                 sent: set[int]) -> None:
        self.ctx = ctx
        self.uuid = uuid
        self._chan = chan
        self._fsm = fsm
        self.key = key
        self._sent = sent
        self._release: list[int] = []
        self._lock = threading.Lock()
        self.closed = False
        #: The connection broke (the TA's process is gone): every call is TARGET_DEAD.
        self.dead = False

    def invoke(self, cmd: int, operation: Operation | None = None) -> Operation | None:
        """TEEC_InvokeCommand; outputs land in the operation's parameters.

        Raises TeecError on any result but TEEC_SUCCESS (outputs are updated first, so a
        TEEC_ERROR_SHORT_BUFFER still tells the size needed).
        """
        if operation is not None:
            operation.session = self
        with self._lock:
            if self.closed:
                raise TeecError(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS, "session is closed")
            prepared = prepare(operation, self._sent)
            if self.dead:
                raise TeecError(TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, "the TA's process ended")
            release, self._release = tuple(self._release), []
            req = p.InvokeRequest(cmd, prepared.op, release)
            try:
                self._fsm.request(p.INVOKE)
                _send(self._chan, p.encode_invoke(req), prepared.fds)
                reply = _expect_reply(self._chan, self._fsm, p.INVOKE_REPLY)
            except TeecError:
                self._dead()
                raise
            self._sent.update(b.id for b in prepared.op.buffers if b.has_fd)
        apply(operation, prepared, reply)
        if reply.result != TEE_SUCCESS:
            raise TeecError(reply.result, reply.origin, f"invoke command {cmd:#x}")
        return operation

    def close(self) -> None:
        """TEEC_CloseSession: the TA's close entry has run when this returns."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self.ctx.sessions.discard(self)
            if self.dead:
                return
            try:
                self._fsm.request(p.CLOSE)
                self._chan.send(p.encode_close())
                kind, payload, fds = self._chan.recv()
                if kind == p.CLOSE_REPLY:
                    p.decode_close_reply(payload)
            except (OSError, p.ProtocolError):
                pass
            finally:
                self._chan.close()

    def _forget_shm(self, shm_id: int) -> None:
        with self._lock:
            if shm_id in self._sent:
                self._sent.discard(shm_id)
                self._release.append(shm_id)

    def _dead(self) -> None:
        self.dead = True
        self._chan.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_flags(flags: int) -> None:
    if not flags or flags & ~(MEM_INPUT | MEM_OUTPUT):
        raise bad_parameters(f"bad shared memory flags {flags:#x}")


def _hello_reply(chan: Channel) -> p.HelloReply:
    kind, payload, fds = chan.recv()
    if kind != p.HELLO_REPLY:
        raise p.ProtocolError(f"expected HELLO_REPLY, got 0x{kind:04x}")
    return p.decode_hello_reply(payload)


def _send(chan: Channel, frame: bytes, fds: tuple[int, ...] | list[int] = ()) -> None:
    """Send on a session's connection; a vanished worker means the TA is dead (origin TEE)."""
    try:
        chan.send(frame, fds)
    except ConnectionError:  # EPIPE or ECONNRESET: the TA's process is gone
        raise TeecError(TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, "the TA's process ended") from None
    except OSError as exc:
        raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS, str(exc)) from None


def _expect_reply(chan: Channel, fsm: SessionFsm, want: int) -> p.Reply:
    """The reply to a request; a vanished worker means the TA is dead (origin TEE)."""
    try:
        kind, payload, fds = chan.recv()
    except (PeerClosed, ConnectionError):
        raise TeecError(TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, "the TA's process ended") from None
    except OSError as exc:
        raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS, str(exc)) from None
    except p.ProtocolError as exc:
        raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS, str(exc)) from None
    if kind == p.ERROR:
        err = p.decode_error(payload)
        fsm.reply(p.ERROR)
        raise TeecError(err.result, err.origin, err.text)
    try:
        reply = p.decode_reply(want, payload) if kind == want else None
    except p.ProtocolError as exc:
        raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS, str(exc)) from None
    if reply is None:
        raise TeecError(TEE_ERROR_COMMUNICATION, TEE_ORIGIN_COMMS,
                        f"unexpected frame 0x{kind:04x}")
    fsm.reply(want, reply.result == TEE_SUCCESS or want != p.OPEN_REPLY)
    # The reply's views point into the channel's buffer: copy what outlives the next read.
    return p.Reply(reply.result, reply.origin, reply.params,
                   tuple((i, bytes(d)) for i, d in reply.data), reply.session_key)
