"""The GP TEE Sockets API through the socket pseudo-TA: TCP and UDP to loopback servers,
timeouts and error codes as tee-supplicant gives them."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from optee_litebox.abi import results as R
from optee_litebox.abi.pta import (TEE_ISOCKET_ERROR_HOSTNAME, TEE_ISOCKET_ERROR_PROTOCOL,
                                   TEE_ISOCKET_ERROR_TIMEOUT, TEE_ISOCKET_PROTOCOLID_TCP as TCP,
                                   TEE_ISOCKET_PROTOCOLID_UDP as UDP)
from optee_litebox.runtime import Param
from optee_litebox.south_linux import HostSockets

from ..conftest import open_sample

ECHO, RECV, OPEN = 1, 2, 3
HOST = b"127.0.0.1\0"


@pytest.fixture()
def tcp_server() -> Iterator[tuple[int, list[bytes]]]:
    """Accepts connections and echoes each one's first message upper-cased (a client that
    sends nothing hears nothing)."""
    srv = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                data = conn.recv(1024)
                if data:
                    seen.append(data)
                    conn.sendall(data.upper())
    threading.Thread(target=serve, daemon=True).start()
    yield srv.getsockname()[1], seen
    srv.close()


@pytest.fixture()
def udp_server() -> Iterator[int]:
    """Answers each datagram with it reversed; 'long?' gets a 10-byte answer."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                data, addr = srv.recvfrom(1024)
            except OSError:
                return
            srv.sendto(b"0123456789" if data == b"long?" else data[::-1], addr)
    threading.Thread(target=serve, daemon=True).start()
    yield srv.getsockname()[1]
    srv.close()


def _echo(tee, s, port: int, proto: int, data: bytes) -> tuple[int, int, bytes, int]:  # type: ignore[no-untyped-def]
    p = [Param.value_in(port, proto), Param.memref_in(HOST), Param.memref_inout(data),
         Param.value_out()]
    assert tee.invoke(s, ECHO, p)[0] == R.TEE_SUCCESS
    return p[3].a, p[3].b, p[2].shm.read(0, len(data)) if p[2].shm else b"", p[2].size


def test_tcp_round_trip(net_tee, tcp_server) -> None:  # type: ignore[no-untyped-def]
    port, seen = tcp_server
    s = open_sample(net_tee, "services")
    assert _echo(net_tee, s, port, TCP, b"hello over tcp") == (R.TEE_SUCCESS, 0, b"HELLO OVER TCP", 14)
    assert seen == [b"hello over tcp"]


def test_udp_round_trip_and_a_datagram_too_long(net_tee, udp_server) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(net_tee, "services")
    assert _echo(net_tee, s, udp_server, UDP, b"hello udp") == (R.TEE_SUCCESS, 0, b"pdu olleh", 9)
    # 10 bytes into a 5-byte buffer: what fits, and the datagram's real length.
    assert _echo(net_tee, s, udp_server, UDP, b"long?") == (R.TEE_SUCCESS, 0, b"01234", 10)


@pytest.mark.parametrize("proto", [TCP, UDP])
def test_recv_times_out(net_tee, tcp_server, udp_server, proto: int) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(net_tee, "services")
    port = tcp_server[0] if proto == TCP else udp_server
    p = [Param.value_in(port, proto), Param.memref_in(HOST), Param.value_in(300), Param.value_out()]
    start = time.monotonic()
    assert net_tee.invoke(s, RECV, p)[0] == R.TEE_SUCCESS
    assert (p[3].a, p[3].b) == (TEE_ISOCKET_ERROR_TIMEOUT, 3)
    assert 0.25 < time.monotonic() - start < 5


def test_open_errors(net_tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(net_tee, "services")
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nobody listens there now

    def open_(host: bytes, version: int = 0) -> tuple[int, int]:
        p = [Param.value_in(port, TCP), Param.memref_in(host), Param.value_in(version),
             Param.value_out()]
        assert net_tee.invoke(s, OPEN, p)[0] == R.TEE_SUCCESS
        return p[3].a, p[3].b
    assert open_(HOST) == (R.TEE_ERROR_COMMUNICATION, 0)
    assert open_(b"no-such-host.invalid\0") == (TEE_ISOCKET_ERROR_PROTOCOL, TEE_ISOCKET_ERROR_HOSTNAME)
    assert open_(HOST, version=2)[0] != R.TEE_SUCCESS  # IPv6 only: 127.0.0.1 is not one


def test_host_sockets_handles_and_peeking() -> None:
    sockets = HostSockets()
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    res, h0 = sockets.open(1, 1, HOST, port, UDP)
    res1, h1 = sockets.open(1, 1, HOST, port, UDP)
    assert (res, h0, res1, h1) == (R.TEE_SUCCESS, 0, R.TEE_SUCCESS, 1)
    assert sockets.open(2, 1, HOST, port, UDP) == (R.TEE_SUCCESS, 0)  # handles per instance
    assert sockets.close(1, h0) == R.TEE_SUCCESS
    assert sockets.close(1, h0) == R.TEE_ERROR_BAD_PARAMETERS
    assert sockets.open(1, 1, HOST, port, UDP) == (R.TEE_SUCCESS, 0)  # lowest free handle
    assert sockets.send(1, 0, b"ping", 1000) == (R.TEE_SUCCESS, 4)
    _, addr = srv.recvfrom(16)
    srv.sendto(b"pong!", addr)
    time.sleep(0.05)
    assert sockets.recv(1, 0, 0, 0xFFFFFFFF) == (R.TEE_SUCCESS, b"", 5)  # size 0: what is queued
    assert sockets.recv(1, 0, 16, 0) == (R.TEE_SUCCESS, b"pong!", 5)
    assert sockets.recv(1, 0, 16, 0) == (TEE_ISOCKET_ERROR_TIMEOUT, b"", 16)
    assert sockets.open(1, 1, b"127.0.0.1", port, UDP)[0] == TEE_ISOCKET_ERROR_HOSTNAME  # no NUL
    assert sockets.open(1, 9, HOST, port, UDP)[0] == R.TEE_ERROR_BAD_PARAMETERS
    assert sockets.open(1, 1, HOST, port, 0x67)[0] == R.TEE_ERROR_BAD_PARAMETERS
    assert sockets.close_all(1) == R.TEE_SUCCESS
    assert sockets.send(1, 0, b"x", 0)[0] == R.TEE_ERROR_BAD_PARAMETERS
    sockets.close_all(2)
    srv.close()


def test_no_socket_service(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "services")
    p = [Param.value_in(1, TCP), Param.memref_in(HOST), Param.value_in(0), Param.value_out()]
    assert tee.invoke(s, OPEN, p)[0] == R.TEE_SUCCESS
    assert p[3].a == R.TEE_ERROR_NOT_SUPPORTED
