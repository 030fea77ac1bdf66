"""A worker process: one TA instance (or one shared single-instance TA) and its sessions.

The server forks a worker and hands it each session connection (with the client's OPEN
request) over a socketpair. From then on the client talks to the worker directly: an
INVOKE reaches the TA without another hop. The worker's ``Tee`` applies the lifecycle
rules (BUSY, keep-alive, TARGET_DEAD), so they are exactly the in-process ones.

Threads: the main thread serves session connections and runs the TA; a control thread
reads the server's messages, delivering cancellations at once (the TA may be running)
and queueing the rest for the main thread; a watchdog stops TAs that ignore a
cancellation or run past the entry timeout.
"""
from __future__ import annotations

import os
import select
import signal
import socket
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field

from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS,
                           TEE_ORIGIN_TEE, TEE_ORIGIN_TRUSTED_APP, TEE_SUCCESS)
from ..abi.props import TEE_LOGIN_TRUSTED_APP, TEE_TIMEOUT_INFINITE
from ..client import protocol as p
from ..client.session_fsm import SessionFsm, State
from ..client.transport import Channel, PeerClosed, close_fds
from ..core.engine import Engine
from ..runtime import Session, Tee
from ..tools import worker_toolbox
from . import channel as ch
from .config import ServerConfig, SharedServices, make_tee
from .marshal import MarshalError, ShmCache, results, to_params
from .ta2ta import WorkerRemoteTas

#: After interrupting a runaway TA, how long to wait before ending the whole process.
_INTERRUPT_WAIT = 1.0
#: How long the worker polls its only connection for the next request after a reply.
_SPIN_S = 50e-6


@dataclass(eq=False)
class Conn:
    """One session connection."""

    chan: Channel
    key: int
    pid: int
    fsm: SessionFsm = field(default_factory=SessionFsm)
    cache: ShmCache = field(default_factory=ShmCache)
    session: Session | None = None
    #: Entries started on this session (for the cancellation watchdog).
    ops: int = 0
    #: Polls for a next request that found nothing, in a row (see Worker._spin).
    spin_misses: int = 0
    polls: int = 0
    #: The client's login (TEE_LOGIN_TRUSTED_APP: a TA's session, which may INVOKE_TA).
    login: int = 0


class Worker:
    def __init__(self, ctl: socket.socket, config: ServerConfig, shared: SharedServices) -> None:
        self.ctl = Channel(ctl)
        self.cfg = config
        self.shared = shared
        self.log = config.platform.log
        self.by_key: dict[int, Conn] = {}
        self.inbox: deque[tuple[int, bytes, list[int]]] = deque()
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        #: The entry running now: (conn, its op number, monotonic start), or None.
        self.running: tuple[Conn, int, float] | None = None
        self.stopping = False
        self.tee: Tee = make_tee(config, shared)
        #: Frames to the server come from the main thread and TA-to-TA callers.
        self.send_lock = threading.Lock()
        self.tee.remote = WorkerRemoteTas(self.tee, self.ctl, shared.waits, self.send_lock)
        #: Tracing, coverage (saved at _shutdown; live files cover a killed worker), gdb.
        self.tools = worker_toolbox(config.tools, shared.tools)
        if self.tools is not None:
            self.tools.attach(self.tee)
        self.poller = select.epoll()
        #: Edge-triggered hang-up notices, watched while the main thread runs a TA.
        self.hangups = select.epoll()
        self.by_fd: dict[int, Conn] = {}

    # -- main thread -------------------------------------------------------------------------

    def run(self) -> int:
        _warm_up()
        threading.Thread(target=self._control_loop, name="control", daemon=True).start()
        threading.Thread(target=self._hangup_loop, name="hangups", daemon=True).start()
        if self.cfg.entry_timeout:
            threading.Thread(target=self._timeout_loop, name="watchdog", daemon=True).start()
        self.poller.register(self.wake_r, select.EPOLLIN)
        wake, by_fd, poll = self.wake_r, self.by_fd, self.poller.poll
        while not self.stopping:
            for fd, _ in poll():
                if fd == wake:
                    self._drain_inbox()
                else:
                    conn = by_fd.get(fd)
                    if conn is not None:
                        self._serve(conn)
                if self.stopping:
                    break
        self._shutdown()
        return 0

    def _drain_inbox(self) -> None:
        try:
            while os.read(self.wake_r, 4096):
                pass
        except BlockingIOError:
            pass
        while self.inbox:
            kind, payload, fds = self.inbox.popleft()
            if kind == ch.ASSIGN:
                self._assign(payload, fds)
            else:  # SHUTDOWN, RETIRE, or the server went away
                close_fds(fds)
                self.stopping = True

    def _assign(self, payload: bytes, fds: list[int]) -> None:
        """A session connection from the server (fds[0]) with the client's OPEN request."""
        if not fds:
            return
        extra = deque(fds[1:])  # the OPEN's shared memory; buffers take what they map
        try:
            try:
                msg = ch.decode_assign(payload)
            except p.ProtocolError:
                os.close(fds[0])
                return
            conn = Conn(Channel(socket.socket(fileno=fds[0])), msg.key, msg.pid,
                        login=msg.client.login)
            conn.fsm.state = State.AWAIT_OPEN
            try:
                conn.fsm.request(p.OPEN)
                self._open(conn, msg, extra)
            except p.ProtocolError as exc:
                self._error(conn, str(exc))
        finally:
            close_fds(list(extra))

    def _open(self, conn: Conn, msg: ch.Assign, extra: deque[int]) -> None:
        req = p.decode_open(msg.open_payload)
        try:
            params = to_params(req.op, extra, conn.cache)
        except MarshalError as exc:
            self.log.tee_log("E", f"open session: {exc}")
            self._reply_open(conn, p.Reply(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS))
            return
        self._begin(conn)
        try:
            res, origin, session = self.tee.open_session(req.uuid, params, client=msg.client,
                                                         timeout=msg.timeout)
        except Exception:  # noqa: BLE001 - a worker survives its own bugs
            self.log.tee_log("E", "open session failed:\n" + traceback.format_exc())
            res, origin, session = TEE_ERROR_GENERIC, TEE_ORIGIN_TEE, None
        finally:
            self.running = None
        out, data = results(req.op, params, origin == TEE_ORIGIN_TRUSTED_APP)
        conn.session = session
        if session is not None:
            self.by_key[conn.key] = conn
            self.by_fd[conn.chan.fileno] = conn
            self.poller.register(conn.chan.fileno, select.EPOLLIN)
            self.hangups.register(conn.chan.fileno, select.EPOLLRDHUP | select.EPOLLET)
            self.log.tee_log("I", f"session {session.id} opened to TA {req.uuid} "
                                  f"(client pid {conn.pid}, login {msg.client.login})")
        self._reply_open(conn, p.Reply(res, origin, out, data, conn.key))

    def _reply_open(self, conn: Conn, reply: p.Reply) -> None:
        """Send OPEN_REPLY; a failed open (or a client already gone) ends the connection."""
        ok = conn.session is not None
        conn.fsm.reply(p.OPEN_REPLY, ok)
        try:
            conn.chan.send(p.encode_reply(p.OPEN_REPLY, reply))
        except OSError:
            self._drop(conn)
            return
        if not ok:
            self._forget(conn)

    def _serve(self, conn: Conn) -> None:
        """The connection is readable: handle what came, then poll briefly for more."""
        try:
            n = conn.chan.fill()
        except BlockingIOError:
            return
        except p.ProtocolError as exc:
            self._error(conn, str(exc))
            return
        except OSError:
            n = 0
        while True:
            if n == 0:
                self._drop(conn)
                return
            if not self._frames(conn):
                return
            conn.polls += 1
            if len(self.by_fd) != 1 or (conn.spin_misses >= 2 and conn.polls % 16):
                return
            n = self._spin(conn)
            if n is None:
                return
            conn.spin_misses = 0

    def _spin(self, conn: Conn) -> int | None:
        """Poll the only connection for the next request for a moment before sleeping in
        epoll: a request that comes meanwhile needs no wake-up (which costs more than the
        call itself when client and worker run on different CPUs). None: nothing came."""
        deadline = time.perf_counter() + _SPIN_S
        while True:
            try:
                return conn.chan.fill(nowait=True)
            except BlockingIOError:
                if time.perf_counter() > deadline:
                    conn.spin_misses += 1
                    return None
            except p.ProtocolError as exc:
                self._error(conn, str(exc))
                return None
            except OSError:
                return 0

    def _frames(self, conn: Conn) -> bool:
        """Handle every complete frame buffered; False once the connection is gone."""
        while not conn.fsm.closed:
            try:
                got = conn.chan.next_frame()
                if got is None:
                    return True
                kind, payload, fds = got
                queue = deque(fds)  # descriptors a buffer takes are closed there
                try:
                    conn.fsm.request(kind)
                    if kind == p.INVOKE:
                        self._invoke(conn, payload, queue)
                    elif kind == p.INVOKE_TA:
                        if conn.login != TEE_LOGIN_TRUSTED_APP:
                            raise p.ProtocolError("INVOKE_TA on a client's session")
                        timeout, req = p.decode_invoke_ta(payload)
                        self._invoke(conn, payload, queue, req, timeout)
                    else:
                        p.decode_close(payload)
                        self._close(conn)
                finally:
                    close_fds(list(queue))
            except p.ProtocolError as exc:
                self._error(conn, str(exc))
                return False
            except OSError:
                self._drop(conn)
                return False
        return False

    def _invoke(self, conn: Conn, payload: memoryview, fds: deque[int],
                req: p.InvokeRequest | None = None, timeout: int = TEE_TIMEOUT_INFINITE) -> None:
        if req is None:
            req = p.decode_invoke(payload)
        if req.release:
            conn.cache.release(req.release)
        assert conn.session is not None
        try:
            params = to_params(req.op, fds, conn.cache)
        except MarshalError as exc:
            self.log.tee_log("E", f"session {conn.session.id}: {exc}")
            reply = p.Reply(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS)
        else:
            self._begin(conn)
            try:
                res, origin = self.tee.invoke(conn.session, req.cmd, params, timeout=timeout)
            except Exception:  # noqa: BLE001
                self.log.tee_log("E", "invoke failed:\n" + traceback.format_exc())
                res, origin = TEE_ERROR_GENERIC, TEE_ORIGIN_TEE
            finally:
                self.running = None
            out, data = results(req.op, params, origin == TEE_ORIGIN_TRUSTED_APP)
            reply = p.Reply(res, origin, out, data)
        conn.fsm.reply(p.INVOKE_REPLY)
        conn.chan.send(p.encode_reply(p.INVOKE_REPLY, reply))

    def _close(self, conn: Conn) -> None:
        self._end_session(conn)
        conn.fsm.reply(p.CLOSE_REPLY)
        try:
            conn.chan.send(p.encode_close_reply(TEE_SUCCESS))
        except OSError:
            pass
        self._forget(conn)

    def _begin(self, conn: Conn) -> None:
        conn.ops += 1
        self.running = (conn, conn.ops, time.monotonic())

    def _end_session(self, conn: Conn) -> None:
        session, conn.session = conn.session, None
        if session is None:
            return
        self._begin(conn)
        try:
            self.tee.close_session(session)
        except Exception:  # noqa: BLE001
            self.log.tee_log("E", "close session failed:\n" + traceback.format_exc())
        finally:
            self.running = None
        self.log.tee_log("I", f"session {session.id} to TA {session.uuid} closed")

    def _error(self, conn: Conn, why: str) -> None:
        try:
            conn.chan.send(p.encode_error(p.ErrorReply(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS, why)))
        except OSError:
            pass
        self.log.tee_log("E", f"client pid {conn.pid}: protocol error: {why}")
        self._drop(conn)

    def _drop(self, conn: Conn) -> None:
        """The connection ends: close its session as upstream does when a client dies."""
        self._end_session(conn)
        self._forget(conn)

    def _forget(self, conn: Conn) -> None:
        conn.fsm.state = State.CLOSED
        if self.by_key.get(conn.key) is conn:
            del self.by_key[conn.key]
        if self.by_fd.pop(conn.chan.fileno, None) is conn:
            for poller in (self.poller, self.hangups):
                try:
                    poller.unregister(conn.chan.fileno)
                except (OSError, ValueError):
                    pass
        conn.cache.clear()
        conn.chan.close()
        done = ch.SessionDone(conn.key, len(self.tee.instances), len(self.tee.sessions))
        try:
            with self.send_lock:
                self.ctl.send(ch.encode_done(done))
        except OSError:
            self.stopping = True

    def _shutdown(self) -> None:
        for conn in list(self.by_key.values()):
            self._drop(conn)
        try:
            self.tee.close()
        except Exception:  # noqa: BLE001
            self.log.tee_log("E", "shutdown:\n" + traceback.format_exc())
        if self.tools is not None:
            try:
                self.tools.finish()
            except Exception:  # noqa: BLE001
                self.log.tee_log("E", "developer tools:\n" + traceback.format_exc())

    # -- control thread ----------------------------------------------------------------------

    def _control_loop(self) -> None:
        while True:
            try:
                kind, payload, fds = self.ctl.recv()
            except (PeerClosed, OSError, p.ProtocolError):
                self._remote().fail_all()
                self._post(ch.SHUTDOWN, b"", [])
                return
            if kind == ch.TA_ROUTED:
                close_fds(fds)
                try:
                    self._remote().routed(ch.decode_ta_routed(payload))
                except p.ProtocolError:
                    pass
            elif kind == ch.CANCEL:
                close_fds(fds)
                try:
                    self._cancel(ch.decode_key(payload))
                except p.ProtocolError:
                    pass
            else:
                self._post(kind, bytes(payload), fds)

    def _remote(self) -> WorkerRemoteTas:
        remote = self.tee.remote
        assert isinstance(remote, WorkerRemoteTas)
        return remote

    def _post(self, kind: int, payload: bytes, fds: list[int]) -> None:
        self.inbox.append((kind, payload, fds))
        try:
            os.write(self.wake_w, b"!")
        except BlockingIOError:
            pass

    def _hangup_loop(self) -> None:
        """A client that goes away during a call: its operation is cancelled.

        (Upstream, the dying client waits for the call to end; here the TA sees the
        cancellation flag, and one that ignores it is stopped after the grace period,
        so its session can then be closed.) Idle connections are closed by the main
        loop when it reads their end.
        """
        while True:
            try:
                events = self.hangups.poll()
            except OSError:
                return
            running = self.running
            for fd, _ in events:
                conn = self.by_fd.get(fd)
                if conn is not None and running is not None and running[0] is conn:
                    self.log.tee_log("I", f"client pid {conn.pid} went away during a call: "
                                          "cancelling it")
                    self._cancel(conn.key)

    def _cancel(self, key: int) -> None:
        """TEEC_RequestCancellation: set the flag the TA sees (tee_ta_cancel_command)."""
        conn = self.by_key.get(key)
        session = conn.session if conn else None
        if conn is None or session is None:
            return
        self.tee.cancel(session)
        grace = self.cfg.cancel_grace
        if grace is None:
            return
        running = self.running
        target = conn.ops if running is not None and running[0] is conn else conn.ops + 1
        timer = threading.Timer(grace, self._stop_runaway,
                                (conn, target, f"still running {grace:g} s after a cancellation"))
        timer.daemon = True
        timer.start()

    # -- watchdog ----------------------------------------------------------------------------

    def _timeout_loop(self) -> None:
        limit = float(self.cfg.entry_timeout or 0)
        step = min(max(limit / 4, 0.01), 0.25)
        while True:
            time.sleep(step)
            running = self.running
            if running is not None and time.monotonic() - running[2] > limit:
                self._stop_runaway(running[0], running[1], f"entry ran longer than {limit:g} s")

    def _stop_runaway(self, conn: Conn, op: int, why: str) -> None:
        """Stop the TA entry `op` of conn if it is still running: the instance dies."""
        running = self.running
        if running is None or running[0] is not conn or running[1] != op:
            return
        session = conn.session
        name = f"TA {session.uuid}" if session else "TA"
        self.log.tee_log("E", f"{name}: {why}: stopping it")
        if session is not None:
            self.tee.interrupt(session.instance)
        deadline = time.monotonic() + _INTERRUPT_WAIT
        while time.monotonic() < deadline:
            if self.running is not running:
                return
            time.sleep(0.01)
        self.log.tee_log("E", f"{name}: did not stop; ending its worker process")
        os.kill(os.getpid(), signal.SIGKILL)


def _warm_up() -> None:
    """Create (and drop) one engine: the first engine of a fresh process pays for
    process-wide set-up in the emulator (about twice the cost of a later one), which a
    spare worker thus pays before any client waits for it."""
    Engine().close()


def worker_main(ctl: socket.socket, config: ServerConfig, shared: SharedServices) -> int:
    """Entry point of a freshly forked worker (the server closed everything else)."""
    return Worker(ctl, config, shared).run()
