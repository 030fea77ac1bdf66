"""The server: accepts clients, finds TAs by UUID and routes sessions to worker processes.

One thread, one selector. A new connection says HELLO; a context connection then only
sends CANCEL (and STATUS); a session connection sends OPEN, which the server answers
itself when no TA has that UUID, and otherwise hands, socket and all, to a worker
process: the worker of a single-instance TA (there is at most one), or a new worker for
each instance of a multi-instance TA. Workers are forked from this process, which has
already imported the engine and loaded the TA images, so a worker starts warm
(``workers.py``).
"""
from __future__ import annotations

import json
import os
import secrets
import selectors
import signal
import socket
import struct
import time
import traceback
import uuid as _uuid
from dataclasses import dataclass, field
from typing import Callable

from ..abi.results import (TEE_ERROR_BAD_FORMAT, TEE_ERROR_BAD_PARAMETERS,
                           TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_NOT_SUPPORTED,
                           TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_SECURITY, TEE_ERROR_TARGET_DEAD,
                           TEE_ORIGIN_COMMS, TEE_ORIGIN_TEE, TEE_SUCCESS)
from ..abi.props import TEE_LOGIN_GROUP
from ..abi.ta import TA_FLAG_SINGLE_INSTANCE
from ..client import protocol as p
from ..client.session_fsm import SessionFsm
from ..client.transport import Channel, close_fds
from ..errors import LoaderError, SignatureError
from ..pta import find as find_pta
from ..ta_loader import TaImage
from ..tools import server_toolbox
from . import channel as ch
from .config import ServerConfig, SharedServices
from .identity import PeerCred, client_identity, process_groups
from .listener import bind_socket, remove_socket
from .shared_state import SharedTaTime
from .ta_routes import TaOpenRouting
from .workers import WorkerHandle, WorkerSupervision, kill_worker

#: Seconds a connection may take from connect to OPEN (or to HELLO for a context).
HANDSHAKE_TIMEOUT = 30.0
#: Seconds after handing out the spare worker before forking the next one (so that the
#: fork does not compete for the CPU with the open session it was taken for).
SPARE_DELAY = 0.05
#: Seconds the server waits for workers to close their sessions at shutdown.
SHUTDOWN_WAIT = 3.0
_UCRED = struct.Struct("iII")  # struct ucred { pid_t pid; uid_t uid; gid_t gid; }


@dataclass(eq=False)
class Client:
    """A connection that has not been handed to a worker."""

    chan: Channel
    cred: PeerCred
    deadline: float
    fsm: SessionFsm = field(default_factory=SessionFsm)
    token: bytes = bytes(16)


@dataclass(frozen=True)
class Route:
    worker: WorkerHandle
    token: bytes


class Server(WorkerSupervision, TaOpenRouting):
    def __init__(self, config: ServerConfig) -> None:
        self.cfg = config
        self.log = config.platform.log
        self.sel = selectors.DefaultSelector()
        self.listener: socket.socket | None = None
        self.clients: dict[int, Client] = {}
        self.workers: dict[int, WorkerHandle] = {}       # by pid
        self.single: dict[_uuid.UUID, WorkerHandle] = {}  # single-instance TA -> its worker
        self.dead: set[_uuid.UUID] = set()                # kept-crashed TAs whose worker died
        self.routes: dict[int, Route] = {}                # session key -> worker
        #: Developer tools of the serving process (made before any fork; see tools/).
        self.tools = server_toolbox(config.tools)
        #: What self.tools wrote when the server closed ({"lcov": path, "drcov": path}).
        self.tools_written: dict[str, object] = {}
        self.shared = SharedServices(config.platform.clock.monotonic_ns(), SharedTaTime(),
                                     tools=self.tools)
        self.stopping = False
        #: A worker forked ahead of time, so that opening a session does not wait for a fork.
        self.spare: WorkerHandle | None = None
        self._refill_at = 0.0
        self._watches: dict[int, Callable[[], None]] = {}
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._accept_pause = 0.0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Bind and listen; the server is ready for clients when this returns."""
        self.listener = bind_socket(self.cfg.socket_path)
        self.sel.register(self.listener, selectors.EVENT_READ, self._accept)
        self.sel.register(self._wake_r, selectors.EVENT_READ, self._drain_wake)

    def install_signal_handlers(self) -> None:
        """SIGINT/SIGTERM stop the server cleanly; SIGCHLD reaps workers (main thread only)."""
        signal.set_wakeup_fd(self._wake_w.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGINT, self._on_stop_signal)
        signal.signal(signal.SIGTERM, self._on_stop_signal)
        signal.signal(signal.SIGCHLD, lambda *_: None)

    def _on_stop_signal(self, signum: int, frame: object) -> None:
        self.stopping = True

    def watch(self, fd: int, callback: Callable[[], None]) -> None:
        """Call callback (in the loop) when fd becomes readable."""
        self._watches[fd] = callback
        self.sel.register(fd, selectors.EVENT_READ, callback)

    def wake(self) -> None:
        try:
            self._wake_w.send(b"!")
        except OSError:
            pass

    def serve_forever(self) -> None:
        self.refill_spare()
        try:
            while not self.stopping:
                timeout = 1.0
                if self._refill_at:
                    timeout = max(0.0, min(timeout, self._refill_at - time.monotonic()))
                for key, _ in self.sel.select(timeout):
                    try:
                        key.data()
                    except Exception:  # noqa: BLE001 - never a dead server
                        self.log.tee_log("E", "server: " + traceback.format_exc())
                    if self.stopping:
                        break
                self._housekeeping()
        finally:
            self.close()

    def close(self) -> None:
        """Stop accepting, shut the workers down and remove the socket."""
        if self.listener is not None:
            self.sel.unregister(self.listener)
            self.listener.close()
            remove_socket(self.cfg.socket_path)
            self.listener = None
        for client in list(self.clients.values()):
            self._drop(client)
        for w in list(self.workers.values()):
            try:
                w.chan.send(p.frame(ch.SHUTDOWN))
            except OSError:
                pass
        deadline = time.monotonic() + SHUTDOWN_WAIT
        while self.workers and time.monotonic() < deadline:
            self._reap()
            if self.workers:
                time.sleep(0.01)
        for w in list(self.workers.values()):
            kill_worker(w.pid)
        while self.workers:
            self._reap(block=True)
        if self.tools is not None:  # every worker has saved its coverage or left live files
            self.tools_written = self.tools.finish()
        self.sel.close()
        self._wake_r.close()
        self._wake_w.close()

    # -- the loop ----------------------------------------------------------------------------

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass
        self._reap()

    def _housekeeping(self) -> None:
        now = time.monotonic()
        for client in list(self.clients.values()):
            if client.fsm.role != p.ROLE_CONTEXT and now > client.deadline:
                self._drop(client)
        if self._refill_at and now >= self._refill_at:
            self._refill_at = 0.0
            self.refill_spare()
        if self._accept_pause and now > self._accept_pause and self.listener is not None:
            self._accept_pause = 0.0
            self.sel.register(self.listener, selectors.EVENT_READ, self._accept)
        self._reap()

    def _accept(self) -> None:
        assert self.listener is not None
        try:
            sock, _ = self.listener.accept()
        except BlockingIOError:
            return
        except OSError as exc:  # out of descriptors: pause accepting for a moment
            self.log.tee_log("E", f"server: accept: {exc}")
            self.sel.unregister(self.listener)
            self._accept_pause = time.monotonic() + 0.1
            return
        pid, uid, gid = _UCRED.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                      _UCRED.size))
        if uid not in (os.getuid(), 0):
            sock.close()
            return
        sock.settimeout(5.0)  # sends block at most this long; reads happen when readable
        client = Client(Channel(sock), PeerCred(pid, uid, gid), time.monotonic() + HANDSHAKE_TIMEOUT)
        self.clients[client.chan.fileno] = client
        self.sel.register(client.chan.fileno, selectors.EVENT_READ, lambda: self._readable(client))

    def _readable(self, client: Client) -> None:
        try:
            n = client.chan.fill()
        except (BlockingIOError, socket.timeout):
            return
        except p.ProtocolError as exc:
            self._refuse(client, str(exc))
            return
        except OSError:
            n = 0
        if n == 0:
            self._drop(client)
            return
        while client.chan.fileno in self.clients:
            try:
                got = client.chan.next_frame()
            except p.ProtocolError as exc:
                self._refuse(client, str(exc))
                return
            if got is None:
                return
            kind, payload, fds = got
            try:
                client.fsm.request(kind)
            except p.ProtocolError as exc:
                close_fds(fds)
                self._refuse(client, str(exc))
                return
            try:
                self._frame(client, kind, payload, fds)  # closes fds, whatever happens
            except p.ProtocolError as exc:
                self._refuse(client, str(exc))
                return
            except OSError:
                self._drop(client)
                return

    def _frame(self, client: Client, kind: int, payload: memoryview, fds: list[int]) -> None:
        if kind == p.OPEN:
            try:
                self._open(client, bytes(payload), fds)
            finally:
                close_fds(fds)  # a worker got its own copies with the session socket
            return
        close_fds(fds)
        if kind == p.HELLO:
            hello = p.decode_hello(payload)
            version = p.negotiate(hello)
            if version is None:
                client.fsm.hello(hello.role, False)
                client.chan.send(p.encode_hello_reply(p.HelloReply(0, TEE_ERROR_NOT_SUPPORTED)))
                self._drop(client)
                return
            client.token = secrets.token_bytes(16) if hello.role == p.ROLE_CONTEXT else hello.token
            client.fsm.hello(hello.role, True)
            client.chan.send(p.encode_hello_reply(p.HelloReply(version, TEE_SUCCESS, client.token)))
        elif kind == p.CANCEL:
            self._cancel(client, p.decode_cancel(payload).key)
        elif kind == p.STATUS:
            if len(payload):
                raise p.ProtocolError("STATUS carries no payload")
            client.fsm.reply(p.STATUS_REPLY)
            client.chan.send(p.encode_status_reply(json.dumps(self.status())))

    def _refuse(self, client: Client, why: str) -> None:
        try:
            client.chan.send(p.encode_error(p.ErrorReply(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS, why)))
        except OSError:
            pass
        self._drop(client)

    def _drop(self, client: Client) -> None:
        if self.clients.pop(client.chan.fileno, None) is not None:
            try:
                self.sel.unregister(client.chan.fileno)
            except (KeyError, ValueError):
                pass
        client.chan.close()

    # -- sessions ----------------------------------------------------------------------------

    def _open(self, client: Client, payload: bytes, fds: list[int]) -> None:
        req = p.decode_open(payload)
        if len(fds) != req.op.nfds or client.chan.buffered:
            raise p.ProtocolError("OPEN must be the last frame before its reply")
        groups = process_groups(client.cred.pid) if req.login == TEE_LOGIN_GROUP else frozenset()
        cred = PeerCred(client.cred.pid, client.cred.uid, client.cred.gid, groups)
        res, origin, identity = client_identity(req.login, req.gid, cred)
        worker = None
        if identity is not None:
            res, origin, worker = self._route(req)
        if identity is None or worker is None:
            client.fsm.reply(p.OPEN_REPLY, False)
            client.chan.send(p.encode_reply(p.OPEN_REPLY, p.Reply(res, origin)))
            self._drop(client)
            return
        key = secrets.randbits(63) | 1
        while key in self.routes:
            key = secrets.randbits(63) | 1
        msg = ch.Assign(key, identity, client.cred.pid, payload)
        try:
            worker.chan.send(ch.encode_assign(msg, 1 + len(fds)), [client.chan.fileno, *fds])
        except OSError:
            client.chan.send(p.encode_reply(p.OPEN_REPLY, p.Reply(TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE)))
            self._drop(client)
            return
        worker.sessions += 1
        self.routes[key] = Route(worker, client.token)
        self._drop(client)  # the worker holds the connection now
        if self.spare is None and not self._refill_at:
            self._refill_at = time.monotonic() + SPARE_DELAY

    def _route(self, req: p.OpenRequest) -> tuple[int, int, WorkerHandle | None]:
        pta = find_pta(req.uuid)  # pseudo-TAs come first, as in tee_ta_init_session()
        if pta is not None:
            flags = pta.flags
        else:
            image, res = self._find(req.uuid)
            if image is None:
                return res, TEE_ORIGIN_TEE, None
            head = image.plan.ta_head
            if head is None:
                self.log.tee_log("E", f"TA {req.uuid}: {image.name} is a TA library, not a TA")
                return TEE_ERROR_BAD_FORMAT, TEE_ORIGIN_TEE, None
            flags = head.flags
        if flags & TA_FLAG_SINGLE_INSTANCE:
            if req.uuid in self.dead:
                return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, None
            worker = self.single.get(req.uuid)
            if worker is not None:
                return TEE_SUCCESS, 0, worker
        worker = self._take_worker(req.uuid, flags)
        if worker is None:
            return TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_TEE, None
        if flags & TA_FLAG_SINGLE_INSTANCE:
            self.single[req.uuid] = worker
        return TEE_SUCCESS, 0, worker

    def _find(self, uuid: _uuid.UUID) -> tuple[TaImage | None, int]:
        """The TA image for uuid, loaded on first use (as tee-supplicant loads TAs)."""
        known = uuid in self.cfg.sources.images
        try:
            image = self.cfg.sources.find(uuid)
        except SignatureError as exc:
            self.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_SECURITY
        except LoaderError as exc:
            self.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_BAD_FORMAT
        if image is None:
            return None, TEE_ERROR_ITEM_NOT_FOUND
        if not known:
            self.log.tee_log("I", f"loaded TA {uuid} ({image.name})")
        return image, TEE_SUCCESS

    def _cancel(self, client: Client, key: int) -> None:
        route = self.routes.get(key)
        if route is None or route.token != client.token:
            return  # not this context's session (or already closed): nothing to cancel
        try:
            route.worker.chan.send(ch.encode_cancel(key))
        except OSError:
            pass

    def status(self) -> dict[str, object]:
        return {
            "pid": os.getpid(),
            "socket": self.cfg.socket_path,
            "workers": [{"pid": w.pid, "uuid": w.uuid and str(w.uuid), "flags": w.flags,
                         "sessions": w.sessions, "retiring": w.retiring}
                        for w in self.workers.values()],
        }

    # -- workers -----------------------------------------------------------------------------
