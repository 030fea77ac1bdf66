"""The socket side of the gdb stub: listen, accept one debugger, exchange packets.

While the TA runs, a watcher thread reads the socket for gdb's interrupt byte (Ctrl-C)
and nothing else; it is stopped before the stub reads packets again.
"""
from __future__ import annotations

import select
import socket
import sys
import threading
from collections.abc import Callable

from .protocol import INTERRUPT, Decoder, frame


class Connection:
    """A listening socket and, once gdb connected, its connection."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        #: Who waits for gdb, for the announcement (e.g. a server worker and its TA).
        self.label = ""
        self.sock: socket.socket | None = None
        self.decoder = Decoder()
        self._pending: list[object] = []
        self._watch: threading.Thread | None = None
        self._watch_stop = threading.Event()

    @property
    def connected(self) -> bool:
        return self.sock is not None

    def accept(self, announce: bool = True) -> None:
        if announce:
            who = f"{self.label}: " if self.label else ""
            print(f"optee-litebox: {who}waiting for gdb on port {self.port} "
                  f"(gdb-multiarch -ex 'target remote :{self.port}')", file=sys.stderr, flush=True)
        sock, _ = self.listener.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock

    def send(self, payload: str | bytes) -> None:
        if self.sock is None:
            return
        try:
            self.sock.sendall(frame(payload))
        except OSError:
            self.drop()

    def receive(self) -> object | None:
        """The next packet payload (bytes) or INTERRUPT; None when gdb went away."""
        while not self._pending:
            if self.sock is None:
                return None
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.drop()
                return None
            for payload, ack in self.decoder.feed(data):
                if ack:
                    try:
                        self.sock.sendall(ack)
                    except OSError:
                        self.drop()
                        return None
                if payload is not None:
                    self._pending.append(payload)
        return self._pending.pop(0)

    def watch(self, on_interrupt: Callable[[], None]) -> None:
        """Until unwatch(): call on_interrupt when gdb sends Ctrl-C."""
        if self.sock is None or self._watch is not None:
            return
        self._watch_stop.clear()
        sock = self.sock

        def run() -> None:
            while not self._watch_stop.is_set():
                try:
                    ready, _, _ = select.select([sock], [], [], 0.05)
                    if not ready:
                        continue
                    data = sock.recv(1, socket.MSG_PEEK)
                    if not data:
                        return
                    if data == b"\x03":
                        sock.recv(1)
                        on_interrupt()
                    else:
                        return  # anything else is read by the stub at the next stop
                except OSError:
                    return
        self._watch = threading.Thread(target=run, name="gdb-interrupt", daemon=True)
        self._watch.start()

    def unwatch(self) -> None:
        if self._watch is not None:
            self._watch_stop.set()
            self._watch.join()
            self._watch = None

    def drop(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def close(self) -> None:
        self.unwatch()
        self.drop()
        self.listener.close()


__all__ = ["INTERRUPT", "Connection"]
