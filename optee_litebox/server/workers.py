"""The server's worker processes: forking, handing out, retiring and reaping them.

A mixin of ``Server`` (it uses the server's selector, configuration and tables). Workers
are forked from the server process, which has imported the engine and loaded the TA
images; one spare is kept forked so that opening a session does not wait for a fork.
"""
from __future__ import annotations

import os
import selectors
import signal
import socket
import traceback
import uuid as _uuid
from dataclasses import dataclass

from ..abi.ta import (TA_FLAG_INSTANCE_KEEP_ALIVE, TA_FLAG_INSTANCE_KEEP_CRASHED,
                      TA_FLAG_SINGLE_INSTANCE)
from ..client import protocol as p
from ..client.transport import Channel, close_fds
from . import channel as ch
from .worker import worker_main

_KEEP_CRASHED = TA_FLAG_SINGLE_INSTANCE | TA_FLAG_INSTANCE_KEEP_ALIVE | TA_FLAG_INSTANCE_KEEP_CRASHED


@dataclass(eq=False)
class WorkerHandle:
    pid: int
    chan: Channel
    #: The TA it hosts (None: a spare not assigned yet).
    uuid: _uuid.UUID | None
    flags: int
    #: How many TA images the server had loaded when it forked this worker.
    images: int = 0
    #: Sessions handed over and not yet reported done.
    sessions: int = 0
    retiring: bool = False
    status: int | None = None


class WorkerSupervision:
    """Worker management for ``Server``: uses its cfg, log, sel, listener, clients,
    workers, single, dead, routes, spare, stopping, shared and wake-up sockets."""

    def _take_worker(self, uuid: _uuid.UUID, flags: int) -> WorkerHandle | None:
        """The spare worker if it knows every TA image loaded so far, else a new one."""
        spare, self.spare = self.spare, None
        if spare is not None and spare.images == len(self.cfg.sources.images) \
                and spare.pid in self.workers and not spare.retiring:
            spare.uuid, spare.flags = uuid, flags
            return spare
        if spare is not None:
            self._retire(spare)
        return self._spawn(uuid, flags)

    def refill_spare(self) -> None:
        """Fork the next spare worker (after a session was handed over)."""
        if self.spare is None and not self.stopping and self.listener is not None:
            self.spare = self._spawn(None, 0)

    def _spawn(self, uuid: _uuid.UUID | None, flags: int) -> WorkerHandle | None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid = os.fork()
        except OSError as exc:
            self.log.tee_log("E", f"server: cannot start a worker: {exc}")
            parent.close()
            child.close()
            return None
        if pid == 0:  # the worker
            code = 70
            try:
                parent.close()
                self._become_worker()
                code = worker_main(child, self.cfg, self.shared)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            finally:
                os._exit(code)
        child.close()
        handle = WorkerHandle(pid, Channel(parent), uuid, flags, len(self.cfg.sources.images))
        self.workers[pid] = handle
        self.sel.register(handle.chan.fileno, selectors.EVENT_READ, lambda: self._from_worker(handle))
        return handle

    def _become_worker(self) -> None:
        """In a fresh fork: drop everything of the server's but what a worker needs."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C reaches the server, which stops us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _die_with_parent()
        if self.listener is not None:
            self.listener.close()  # the server keeps listening; only our copy goes
        for client in self.clients.values():
            client.chan.close()
        for w in self.workers.values():
            w.chan.close()
        for fd in self._watches:
            try:
                os.close(fd)
            except OSError:
                pass
        self.sel.close()
        self._wake_r.close()
        self._wake_w.close()

    def _from_worker(self, w: WorkerHandle) -> None:
        try:
            n = w.chan.fill()
        except (BlockingIOError, socket.timeout):
            return
        except (OSError, p.ProtocolError):
            n = 0
        if n == 0:
            self._worker_gone(w)
            return
        while True:
            try:
                got = w.chan.next_frame()
            except p.ProtocolError:
                self._worker_gone(w)
                return
            if got is None:
                return
            kind, payload, fds = got
            if kind == ch.TA_OPEN:
                self._ta_open(w, payload, fds)  # type: ignore[attr-defined]  # ta_routes.py
                continue
            close_fds(fds)
            if kind == ch.SESSION_DONE:
                done = ch.decode_done(payload)
                if self.routes.pop(done.key, None) is not None:
                    w.sessions -= 1
                if w.sessions == 0 and done.instances == 0:
                    self._retire(w)

    def _retire(self, w: WorkerHandle) -> None:
        """No session is open or in flight and no instance lives: the worker may go."""
        w.retiring = True
        if w.uuid is not None and self.single.get(w.uuid) is w:
            del self.single[w.uuid]
        try:
            w.chan.send(p.frame(ch.RETIRE))
        except OSError:
            pass

    def _worker_gone(self, w: WorkerHandle) -> None:
        self.shared.waits.done(w.pid)  # a dead worker waits for nothing
        try:
            self.sel.unregister(w.chan.fileno)
        except (KeyError, ValueError):
            pass
        w.chan.close()
        if self.spare is w:
            self.spare = None
        if w.uuid is not None and self.single.get(w.uuid) is w:
            del self.single[w.uuid]
        for key in [k for k, r in self.routes.items() if r.worker is w]:
            del self.routes[key]
        if not w.retiring and w.uuid is not None and w.flags & _KEEP_CRASHED == _KEEP_CRASHED:
            self.dead.add(w.uuid)  # a kept-crashed instance is never respawned
        w.retiring = True

    def _reap(self, block: bool = False) -> None:
        for pid, w in list(self.workers.items()):
            try:
                got, status = os.waitpid(pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                got, status = pid, 0
            if got == 0 or self.workers.pop(pid, None) is None:
                continue
            w.status = status
            if not w.retiring:
                self._worker_gone(w)
            if os.WIFSIGNALED(status) and not self.stopping:
                sig = signal.Signals(os.WTERMSIG(status)).name
                self.log.tee_log("E", f"worker {pid} for TA {w.uuid} was killed by {sig}; "
                                      "its sessions are dead")
            elif os.WIFEXITED(status) and os.WEXITSTATUS(status) and not self.stopping:
                self.log.tee_log("E", f"worker {pid} for TA {w.uuid} exited with status "
                                      f"{os.WEXITSTATUS(status)}")


def kill_worker(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: a worker never outlives its server."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
