"""Fuzzing a running server: garbage and mutated frames on new connections and on open
sessions. Afterwards the server, and the worker of the fuzzed session, still answer."""
from __future__ import annotations

import array
import os
import random
import socket
import struct
import time

from optee_litebox.client import Context, Operation, TempMemref, Value
from optee_litebox.client import protocol as p
from optee_litebox.samples import sample

from .conftest import ServerProc
from .test_protocol_fuzz import mutate

HELLO_TA, PARAMS = str(sample("hello_world").uuid), sample("params").uuid


def connect(path: str) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(2.0)
    return s


def drain(s: socket.socket, wait: float) -> bytes:
    """Whatever the peer sends within `wait` seconds (or until it closes)."""
    s.settimeout(wait)
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionError):
        pass
    return got


def recv_exact(s: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(s: socket.socket, wait: float = 10.0) -> tuple[int, bytes]:
    """Exactly one frame: (kind, payload); whatever follows stays in the socket."""
    s.settimeout(wait)
    header = p.decode_header(recv_exact(s, p.HEADER_SIZE))
    return header.kind, recv_exact(s, header.length)


def send_with_fd(s: socket.socket, data: bytes) -> None:
    fd = os.memfd_create("fuzz")
    try:
        os.ftruncate(fd, 4096)
        s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]).tobytes())])
    finally:
        os.close(fd)


def handshake_frames(rng: random.Random) -> list[bytes]:
    op = p.Operation((p.WireParam(1, 5), p.WireParam(5, buffer=0, size=4), p.NONE_PARAM,
                      p.NONE_PARAM), (p.WireBuffer(p.BUF_INLINE, 4, data=b"abcd"),))
    return [
        p.encode_hello(p.Hello(p.ROLE_CONTEXT)),
        p.encode_hello(p.Hello(p.ROLE_SESSION)) + p.encode_open(p.OpenRequest(PARAMS, 0, None, op)),
        p.encode_hello(p.Hello(p.ROLE_SESSION)) + p.encode_open(
            p.OpenRequest(PARAMS, rng.randrange(8), rng.choice([None, 0, 2**32 - 1]))),
        p.encode_hello(p.Hello(p.ROLE_CONTEXT)) + p.encode_cancel(p.Cancel(rng.getrandbits(64))),
        p.encode_hello(p.Hello(p.ROLE_CONTEXT)) + p.encode_status(),
    ]


def check_still_serving(path: str) -> None:
    with Context(socket_path=path) as ctx:
        with ctx.open_session(HELLO_TA) as s:
            op = Operation(Value.inout(99))
            s.invoke(0, op)
            assert op.params[0].a == 100
        assert ctx.server_status()["pid"] > 0


def test_garbage_and_mutated_handshakes(fresh_server: ServerProc) -> None:
    rng = random.Random(1234)
    path = fresh_server.socket
    for i in range(600):
        s = connect(path)
        try:
            kind = i % 4
            if kind == 0:
                data = rng.randbytes(rng.randrange(1, 200))
            elif kind == 1:
                data = mutate(rng, rng.choice(handshake_frames(rng)))
            elif kind == 2:  # an oversized frame announced in the header
                data = struct.pack("<IHBB", p.MAX_PAYLOAD + rng.randrange(1, 1 << 20), p.HELLO, 0, 0)
            else:
                data = rng.choice(handshake_frames(rng))
            if rng.random() < 0.2:
                send_with_fd(s, data)
            else:
                s.sendall(data)
            if rng.random() < 0.3:
                drain(s, 0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            s.close()
        if i % 150 == 149:
            check_still_serving(path)
    assert fresh_server.proc.poll() is None
    check_still_serving(path)


def test_mutated_requests_on_an_open_session(fresh_server: ServerProc) -> None:
    rng = random.Random(99)
    path = fresh_server.socket
    with Context(socket_path=path) as ctx:
        base = [
            p.encode_invoke(p.InvokeRequest(3, p.Operation(
                (p.WireParam(1, 2, 3), p.WireParam(2), p.WireParam(2), p.WireParam(2))))),
            p.encode_invoke(p.InvokeRequest(1, p.Operation(
                (p.WireParam(5, buffer=0, size=4), p.WireParam(6, buffer=1, size=8), p.NONE_PARAM,
                 p.NONE_PARAM),
                (p.WireBuffer(p.BUF_INLINE, 4, data=b"wxyz"), p.WireBuffer(p.BUF_INLINE, 8))))),
            p.encode_invoke(p.InvokeRequest(5, p.Operation(
                (p.WireParam(5, buffer=0, size=16), p.WireParam(2), p.NONE_PARAM, p.NONE_PARAM),
                (p.WireBuffer(p.BUF_SHM, 4096, id=7, flags=p.BUF_FLAG_FD),)))),
        ]
        replies = errors = 0
        for round_ in range(40):
            s = connect(path)
            s.sendall(p.encode_hello(p.Hello(p.ROLE_SESSION, token=ctx.token)) +
                      p.encode_open(p.OpenRequest(PARAMS)))
            try:
                assert read_frame(s)[0] == p.HELLO_REPLY
                assert read_frame(s)[0] == p.OPEN_REPLY
            except OSError as exc:
                raise AssertionError(f"round {round_}: {exc}\n{fresh_server.log()[-3000:]}") from exc
            try:
                for _ in range(15):
                    frame = mutate(rng, rng.choice(base)) if rng.random() < 0.8 else rng.choice(base)
                    if b"\x07\x00\x00\x00\x00\x00\x00\x00" in frame and rng.random() < 0.5:
                        send_with_fd(s, frame)
                    else:
                        s.sendall(frame)
                    got = drain(s, 0.03)
                    replies += p.INVOKE_REPLY.to_bytes(2, "little") in got
                    errors += p.ERROR.to_bytes(2, "little") in got
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                s.close()
        assert replies > 15 and errors > 10, (replies, errors)
        # the worker of a fuzzed session survives the fuzz too: a real session still works
        with ctx.open_session(PARAMS) as sess:
            op = Operation(TempMemref.input(b"still here"), Value.output())
            sess.invoke(5, op)
            assert op.params[1].b == 10
    time.sleep(0.2)
    assert fresh_server.proc.poll() is None
    assert "Traceback" not in fresh_server.log()
    check_still_serving(path)
