"""Client sockets for the socket pseudo-TA, as tee-supplicant serves them (tee_socket.c).

Each TA instance has its own table of handles (the lowest free number, from 0). Sockets
connect at open and are non-blocking afterwards; send and recv wait with poll() for at
most the TA's timeout (0xFFFFFFFF: forever, 0: not at all) and answer
TEE_ISOCKET_ERROR_TIMEOUT when nothing happened. A name that does not resolve answers
TEE_ISOCKET_ERROR_HOSTNAME; a refused connection TEE_ERROR_COMMUNICATION. Datagrams
that do not fit the buffer report a length one more than received (or what a peek saw).
"""
from __future__ import annotations

import errno
import select
import socket
import struct
import threading
import time

from ..abi.pta import (PTA_SOCKET_TIMEOUT_BLOCKING, TEE_IP_VERSION_4, TEE_IP_VERSION_6,
                       TEE_IP_VERSION_DC, TEE_ISOCKET_ERROR_HOSTNAME,
                       TEE_ISOCKET_ERROR_OUT_OF_RESOURCES, TEE_ISOCKET_ERROR_TIMEOUT,
                       TEE_ISOCKET_PROTOCOLID_TCP, TEE_ISOCKET_PROTOCOLID_UDP,
                       TEE_TCP_SET_RECVBUF, TEE_TCP_SET_SENDBUF, TEE_UDP_CHANGEADDR,
                       TEE_UDP_CHANGEPORT)
from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_COMMUNICATION,
                           TEE_ERROR_GENERIC, TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS)

#: SUPP_MAX_PEEK_LEN: how far recv looks ahead to size a datagram.
MAX_PEEK = 4096
_FAMILIES = {TEE_IP_VERSION_DC: socket.AF_UNSPEC, TEE_IP_VERSION_4: socket.AF_INET,
             TEE_IP_VERSION_6: socket.AF_INET6}
_TYPES = {TEE_ISOCKET_PROTOCOLID_TCP: socket.SOCK_STREAM, TEE_ISOCKET_PROTOCOLID_UDP: socket.SOCK_DGRAM}


class HostSockets:
    """platform.Sockets on the host's network stack."""

    def __init__(self) -> None:
        self._tables: dict[int, list[socket.socket | None]] = {}
        self._lock = threading.Lock()

    # -- handles --------------------------------------------------------------------------

    def _put(self, instance: int, sock: socket.socket) -> int:
        with self._lock:
            table = self._tables.setdefault(instance, [])
            for i, slot in enumerate(table):
                if slot is None:
                    table[i] = sock
                    return i
            table.append(sock)
            return len(table) - 1

    def _get(self, instance: int, handle: int) -> socket.socket | None:
        with self._lock:
            table = self._tables.get(instance, [])
            return table[handle] if 0 <= handle < len(table) else None

    # -- the commands ---------------------------------------------------------------------

    def open(self, instance: int, ip_version: int, server: bytes, port: int,
             protocol: int) -> tuple[int, int]:
        family = _FAMILIES.get(ip_version)
        kind = _TYPES.get(protocol)
        if family is None or kind is None:
            return TEE_ERROR_BAD_PARAMETERS, 0
        if not server or server[-1:] != b"\0":
            return TEE_ISOCKET_ERROR_HOSTNAME, 0
        host = server.split(b"\0", 1)[0].decode("utf-8", "replace")
        try:
            infos = socket.getaddrinfo(host, str(port & 0xFFFF), family, kind)
        except (socket.gaierror, UnicodeError):
            return TEE_ISOCKET_ERROR_HOSTNAME, 0
        res = TEE_ERROR_GENERIC
        for fam, typ, proto, _, addr in infos:
            try:
                sock = socket.socket(fam, typ, proto)
            except OSError as exc:
                no_memory = exc.errno in (errno.ENOMEM, errno.ENOBUFS)
                res = TEE_ISOCKET_ERROR_OUT_OF_RESOURCES if no_memory else TEE_ERROR_GENERIC
                continue
            try:
                sock.connect(addr)
            except OSError as exc:
                sock.close()
                res = TEE_ISOCKET_ERROR_TIMEOUT if exc.errno == errno.ETIMEDOUT else \
                    TEE_ERROR_COMMUNICATION
                continue
            sock.setblocking(False)
            return TEE_SUCCESS, self._put(instance, sock)
        return res, 0

    def close(self, instance: int, handle: int) -> int:
        with self._lock:
            table = self._tables.get(instance, [])
            sock = table[handle] if 0 <= handle < len(table) else None
            if sock is None:
                return TEE_ERROR_BAD_PARAMETERS
            table[handle] = None
        sock.close()
        return TEE_SUCCESS

    def close_all(self, instance: int) -> int:
        with self._lock:
            table = self._tables.pop(instance, [])
        for sock in table:
            if sock is not None:
                sock.close()
        return TEE_SUCCESS

    def send(self, instance: int, handle: int, data: bytes, timeout_ms: int) -> tuple[int, int]:
        sock = self._get(instance, handle)
        if sock is None:
            return TEE_ERROR_BAD_PARAMETERS, 0
        res = _poll(sock, select.POLLOUT, timeout_ms)
        if res != TEE_SUCCESS:
            return res, 0
        try:
            return TEE_SUCCESS, sock.send(data)
        except (BlockingIOError, InterruptedError):
            return TEE_ISOCKET_ERROR_TIMEOUT, 0
        except OSError:
            return TEE_ERROR_BAD_PARAMETERS, 0

    def recv(self, instance: int, handle: int, size: int, timeout_ms: int) -> tuple[int, bytes, int]:
        sock = self._get(instance, handle)
        if sock is None:
            return TEE_ERROR_BAD_PARAMETERS, b"", size
        datagram = sock.type == socket.SOCK_DGRAM
        if size:  # with nothing to receive into, the timeout does not apply
            res = _poll(sock, select.POLLIN, timeout_ms)
            if res != TEE_SUCCESS:
                return res, b"", size
        peek = 0
        try:
            if (datagram and size < MAX_PEEK) or not size:
                got, _, flags, _ = sock.recvmsg(MAX_PEEK, 0, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                peek = len(got) + (1 if flags & socket.MSG_TRUNC else 0)
                if not size:
                    return TEE_SUCCESS, b"", peek
            got, _, flags, _ = sock.recvmsg(size, 0, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return (TEE_SUCCESS, b"", 0) if not size else (TEE_ISOCKET_ERROR_TIMEOUT, b"", size)
        except OSError:
            return TEE_ERROR_BAD_PARAMETERS, b"", size
        length = len(got)
        if datagram and flags & socket.MSG_TRUNC:
            length = peek if peek > len(got) else len(got) + 1
        return TEE_SUCCESS, got, length

    def ioctl(self, instance: int, handle: int, command: int, data: bytes) -> tuple[int, bytes]:
        sock = self._get(instance, handle)
        if sock is None:
            return TEE_ERROR_BAD_PARAMETERS, data
        if sock.type == socket.SOCK_STREAM:
            option = {TEE_TCP_SET_RECVBUF: socket.SO_RCVBUF,
                      TEE_TCP_SET_SENDBUF: socket.SO_SNDBUF}.get(command)
            if option is None:
                return TEE_ERROR_NOT_SUPPORTED, data
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, data)
            except OSError:
                return TEE_ERROR_BAD_PARAMETERS, data
            return TEE_SUCCESS, data
        return _udp_ioctl(sock, command, data), data


def _udp_ioctl(sock: socket.socket, command: int, data: bytes) -> int:
    try:
        peer = sock.getpeername()
    except OSError:
        return TEE_ERROR_BAD_PARAMETERS
    if command == TEE_UDP_CHANGEADDR:
        if not data or data[-1:] != b"\0":
            return TEE_ISOCKET_ERROR_HOSTNAME
        host = data.split(b"\0", 1)[0].decode("utf-8", "replace")
        try:
            infos = socket.getaddrinfo(host, str(peer[1]), sock.family, socket.SOCK_DGRAM)
        except (socket.gaierror, UnicodeError):
            return TEE_ISOCKET_ERROR_HOSTNAME
        res = TEE_ISOCKET_ERROR_HOSTNAME
        for *_, addr in infos:
            try:
                sock.connect(addr)
            except OSError as exc:
                res = TEE_ISOCKET_ERROR_TIMEOUT if exc.errno == errno.ETIMEDOUT else \
                    TEE_ERROR_COMMUNICATION
                continue
            return TEE_SUCCESS
        return res
    if command == TEE_UDP_CHANGEPORT:
        if len(data) != 2:
            return TEE_ERROR_BAD_PARAMETERS
        (port,) = struct.unpack("=H", data)
        try:
            sock.connect((peer[0], port) + tuple(peer[2:]))
        except OSError:
            return TEE_ERROR_GENERIC
        return TEE_SUCCESS
    return TEE_ERROR_NOT_SUPPORTED


def _poll(sock: socket.socket, events: int, timeout_ms: int) -> int:
    """poll_with_timeout(): TEE_SUCCESS when ready, TEE_ISOCKET_ERROR_TIMEOUT when not."""
    poller = select.poll()
    poller.register(sock, events)
    deadline = None if timeout_ms == PTA_SOCKET_TIMEOUT_BLOCKING else \
        time.monotonic() + timeout_ms / 1000
    while True:
        wait = None if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
        try:
            ready = poller.poll(wait)
        except InterruptedError:
            continue
        except OSError:
            return TEE_ERROR_BAD_PARAMETERS
        return TEE_SUCCESS if ready else TEE_ISOCKET_ERROR_TIMEOUT
