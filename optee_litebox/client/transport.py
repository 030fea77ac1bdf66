"""Frame I/O over a connected AF_UNIX stream socket, with file descriptors (SCM_RIGHTS).

The only socket code of the protocol; encoding and decoding stay in ``protocol``.
A ``Channel`` reads into one buffer and hands out complete frames. File descriptors
that arrive are queued in order, and each frame takes as many as its header announces,
so descriptors stay attached to the frame they were sent with.
"""
from __future__ import annotations

import array
import os
import socket
from collections import deque

from . import protocol as p

_ANC_SPACE = socket.CMSG_SPACE(p.MAX_FDS * 4)
_CHUNK = 1 << 16


class PeerClosed(ConnectionError):
    """The other end closed the connection (EOF)."""


class Channel:
    """Frames in and out of one socket. Not thread-safe: one reader, one writer."""

    __slots__ = ("sock", "_buf", "_start", "_end", "_fds", "fileno")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buf = bytearray(_CHUNK)
        self._start = 0
        self._end = 0
        self._fds: deque[int] = deque()
        self.fileno = sock.fileno()

    # -- sending ---------------------------------------------------------------------------

    def send(self, data: bytes, fds: list[int] | tuple[int, ...] = ()) -> None:
        """Send one or more whole frames; fds go with the first byte."""
        if fds:
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds).tobytes())]
            sent = self.sock.sendmsg([data], anc)
            if sent < len(data):
                self.sock.sendall(memoryview(data)[sent:])
        else:
            self.sock.sendall(data)

    # -- receiving -------------------------------------------------------------------------

    @property
    def buffered(self) -> int:
        """Bytes received but not yet handed out as a frame."""
        return self._end - self._start

    def fill(self, nowait: bool = False) -> int:
        """One read from the socket into the buffer; returns the byte count (0 = EOF).

        Raises BlockingIOError when nothing is there and the socket is non-blocking or
        nowait is set.
        """
        free = len(self._buf) - self._end
        if free < 4096:
            self._make_room(4096)
        view = memoryview(self._buf)[self._end:]
        try:
            n, anc, flags, _ = self.sock.recvmsg_into([view], _ANC_SPACE,
                                                      socket.MSG_DONTWAIT if nowait else 0)
        finally:
            view.release()
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(data[: len(data) - len(data) % 4])
                self._fds.extend(fds)
        if flags & socket.MSG_CTRUNC:
            raise p.ProtocolError("too many file descriptors in one message")
        self._end += n
        return n

    def _make_room(self, need: int) -> None:
        size = self._end - self._start
        if self._start and len(self._buf) - size >= need:
            self._buf[:size] = self._buf[self._start:self._end]
        else:
            new = bytearray(max(len(self._buf) * 2, size + need))
            new[:size] = self._buf[self._start:self._end]
            self._buf = new
        self._start, self._end = 0, size

    def next_frame(self) -> tuple[int, memoryview, list[int]] | None:
        """The next complete frame already buffered, as (kind, payload, fds), or None.

        The payload view is valid until the next call that reads; the caller owns the
        returned file descriptors.
        """
        start = self._start
        avail = self._end - start
        if avail < p.HEADER_SIZE:
            return None
        length, kind, nfds, zero = p.HEADER.unpack_from(self._buf, start)
        p.check_header(length, nfds, zero)
        total = p.HEADER_SIZE + length
        if avail < total:
            if len(self._buf) - start < total:
                self._make_room(total - avail)
            return None
        if nfds > len(self._fds):
            raise p.ProtocolError(f"frame announces {nfds} file descriptors, "
                                  f"{len(self._fds)} arrived")
        begin = start + p.HEADER_SIZE
        payload = memoryview(self._buf)[begin:begin + length]
        self._start = start + total
        if self._start == self._end:
            self._start = self._end = 0
        fds = [self._fds.popleft() for _ in range(nfds)] if nfds else []
        return kind, payload, fds

    def recv(self) -> tuple[int, memoryview, list[int]]:
        """Block until a whole frame is here (raises PeerClosed at EOF)."""
        while True:
            got = self.next_frame()
            if got is not None:
                return got
            if self.fill() == 0:
                raise PeerClosed("connection closed by the peer")

    def close(self) -> None:
        while self._fds:
            try:
                os.close(self._fds.popleft())
            except OSError:
                pass
        try:
            self.sock.close()
        except OSError:
            pass


def close_fds(fds: list[int]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
