"""optee_litebox.client against the sample TAs: parameters, shared memory, errors, logins,
cancellation and lifecycle, with the results and origins of upstream libteec."""
from __future__ import annotations

import os
import struct
import threading
import time
import uuid

import pytest

from optee_litebox.client import (LOGIN_APPLICATION, LOGIN_GROUP, LOGIN_USER, MEM_INPUT,
                                  MEM_OUTPUT, MEMREF_PARTIAL_INOUT, MEMREF_PARTIAL_INPUT,
                                  MEMREF_PARTIAL_OUTPUT, MEMREF_TEMP_INOUT, MEMREF_TEMP_INPUT,
                                  ORIGIN_API, ORIGIN_COMMS, ORIGIN_TEE, ORIGIN_TRUSTED_APP,
                                  Context, Operation, RegisteredMemref, TeecError, TempMemref,
                                  Value)
from optee_litebox.samples import sample
from optee_litebox.server.identity import CLIENT_UUID_NS

from .conftest import ServerProc

HELLO, PARAMS, SYSCALLS = (str(sample(n).uuid) for n in ("hello_world", "params", "syscalls"))
PANIC, SHA256 = str(sample("panic").uuid), str(sample("sha256").uuid)
SINGLE, KEEPALIVE = str(sample("lifecycle_single").uuid), str(sample("lifecycle_keepalive").uuid)
BAD_PARAMETERS, ITEM_NOT_FOUND, BUSY = 0xFFFF0006, 0xFFFF0008, 0xFFFF000D
SHORT_BUFFER, TARGET_DEAD, CANCEL, GENERIC = 0xFFFF0010, 0xFFFF3024, 0xFFFF0002, 0xFFFF0000
ECHO, COPY, REVERSE, VALUES, NULL_MEMREF, CHECKSUM = range(6)


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


@pytest.fixture()
def ctx(server: ServerProc):
    with Context(socket_path=server.socket) as c:
        yield c


def raises(result: int, origin: int):  # type: ignore[no-untyped-def]
    class _Check:
        def __enter__(self) -> None:
            return None

        def __exit__(self, kind, exc, tb) -> bool:  # type: ignore[no-untyped-def]
            assert isinstance(exc, TeecError), f"expected TeecError, got {exc!r}"
            assert (exc.result, exc.origin) == (result, origin), str(exc)
            return True
    return _Check()


def test_values(ctx: Context) -> None:
    with ctx.open_session(HELLO) as s:
        op = Operation(Value.inout(41))
        s.invoke(0, op)
        assert op.params[0].a == 42
    with ctx.open_session(PARAMS) as s:
        op = Operation(Value.input(7, 5), Value.output(), Value.output(), Value.output())
        s.invoke(VALUES, op)
        assert [(v.a, v.b) for v in op.params[1:]] == [(12, 35), (0xFFFFFFFF, 0),
                                                       (0x80000000, 0x7FFFFFFF)]


def test_temporary_memrefs_and_short_buffer(ctx: Context) -> None:
    with ctx.open_session(PARAMS) as s:
        out = bytearray(b"#" * 16)
        op = Operation(TempMemref.input(b"hello"), TempMemref.output(out))
        s.invoke(COPY, op)
        assert op.params[1].size == 5 and bytes(out) == b"hello" + b"#" * 11
        small = Operation(TempMemref.input(b"hello"), TempMemref.output(2))
        with raises(SHORT_BUFFER, ORIGIN_TRUSTED_APP):
            s.invoke(COPY, small)
        assert small.params[1].size == 5
        inout = Operation(TempMemref.inout(b"abcdef"))
        s.invoke(REVERSE, inout)
        assert inout.params[0].data == b"fedcba"
        chk = Operation(TempMemref.input(b"checksum me"), Value.output())
        s.invoke(CHECKSUM, chk)
        assert (chk.params[1].a, chk.params[1].b) == (fnv1a(b"checksum me"), 11)


def test_null_memrefs(ctx: Context) -> None:
    with ctx.open_session(PARAMS) as s:
        for kind in (MEMREF_TEMP_INPUT, MEMREF_TEMP_INOUT):
            op = Operation(TempMemref.null(kind), Value.output())
            s.invoke(NULL_MEMREF, op)
            assert (op.params[1].a, op.params[1].b) == (1, 0)
        with raises(BAD_PARAMETERS, ORIGIN_API):
            s.invoke(NULL_MEMREF, Operation(TempMemref(MEMREF_TEMP_INPUT, None, 4), Value.output()))
        need = Operation(TempMemref.input(b"abc"), TempMemref.null())
        with raises(SHORT_BUFFER, ORIGIN_TRUSTED_APP):
            s.invoke(COPY, need)
        assert need.params[1].size == 3


@pytest.mark.parametrize("kind", ["allocated", "registered"])
def test_shared_memory_whole_and_partial(ctx: Context, kind: str) -> None:
    backing = bytearray(64)
    shm = ctx.allocate_shared_memory(64) if kind == "allocated" else \
        ctx.register_shared_memory(backing)
    with shm, ctx.open_session(PARAMS) as s:
        shm.buffer[:] = bytes(range(64))
        whole = Operation(RegisteredMemref.whole(shm))
        s.invoke(REVERSE, whole)
        assert bytes(shm.buffer[:4]) == bytes([63, 62, 61, 60]) and whole.params[0].size == 64
        copy = Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_INPUT, 0, 8),
                         RegisteredMemref.partial(shm, MEMREF_PARTIAL_OUTPUT, 32, 16))
        s.invoke(COPY, copy)
        assert bytes(shm.buffer[32:40]) == bytes(shm.buffer[0:8]) and copy.params[1].size == 8
        # two windows of one shared memory: one mapping in the TA (addresses 36 apart)
        report = TempMemref.output(136)
        echo = Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_INPUT, 4, 16),
                         RegisteredMemref.partial(shm, MEMREF_PARTIAL_INOUT, 40, 8), None, report)
        s.invoke(ECHO, echo)
        raw = report.data
        addr0, addr1 = (struct.unpack_from("<Q", raw, 8 + 32 * i + 16)[0] for i in (0, 1))
        assert addr1 - addr0 == 36
        assert struct.unpack_from("<I", raw, 8 + 12)[0] == fnv1a(bytes(shm.buffer[4:20]))
        if kind == "registered":
            assert bytes(backing[:4]) == bytes([63, 62, 61, 60])  # the caller's own buffer
        with raises(BAD_PARAMETERS, ORIGIN_API):
            s.invoke(CHECKSUM, Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_INPUT, 60, 8),
                                         Value.output()))


def test_shared_memory_flags_are_checked(ctx: Context) -> None:
    with ctx.allocate_shared_memory(16, MEM_INPUT) as shm, ctx.open_session(PARAMS) as s:
        op = Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_OUTPUT, 0, 4), Value.output())
        with raises(BAD_PARAMETERS, ORIGIN_API):
            s.invoke(NULL_MEMREF, op)
    with raises(BAD_PARAMETERS, ORIGIN_API):
        ctx.allocate_shared_memory(16, 0)
    with raises(BAD_PARAMETERS, ORIGIN_API):
        ctx.register_shared_memory(bytearray(4), MEM_OUTPUT | 4)


def test_released_shared_memory_is_dropped_by_the_worker(ctx: Context) -> None:
    with ctx.open_session(PARAMS) as s:
        for round_ in range(3):
            shm = ctx.allocate_shared_memory(32)
            shm.buffer[:5] = b"round"
            op = Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_INPUT, 0, 5), Value.output())
            s.invoke(CHECKSUM, op)
            assert op.params[1].a == fnv1a(b"round")
            shm.release()
            assert s._release == [shm.id]  # goes with the next request
        s.invoke(VALUES, Operation(Value.input(1, 1), Value.output(), Value.output(), Value.output()))
        assert s._release == []


def test_errors_and_origins(ctx: Context) -> None:
    with raises(ITEM_NOT_FOUND, ORIGIN_TEE):
        ctx.open_session(uuid.UUID(int=0x1234))
    with raises(0xFFFF000B, ORIGIN_TRUSTED_APP):  # the TA refuses: open with (2, code)
        ctx.open_session(PANIC, operation=Operation(Value.input(2, 0xFFFF000B)))
    with ctx.open_session(PARAMS) as s:
        with raises(0xFFFF000A, ORIGIN_TRUSTED_APP):
            s.invoke(0x777)
        with raises(BAD_PARAMETERS, ORIGIN_TRUSTED_APP):
            s.invoke(VALUES, Operation(Value.input(1)))
    with ctx.open_session(PANIC) as s:
        with raises(TARGET_DEAD, ORIGIN_TEE):
            s.invoke(0, Operation(Value.input(0xBAD)))
        with raises(TARGET_DEAD, ORIGIN_TEE):
            s.invoke(3, Operation(Value.output()))
    fault = str(sample("fault").uuid)
    with ctx.open_session(fault) as s:  # a CPU fault (NULL read) inside the TA
        with raises(TARGET_DEAD, ORIGIN_TEE):
            s.invoke(0)
    with ctx.open_session(fault) as s:
        ok = Operation(Value.output())
        s.invoke(12, ok)
        assert ok.params[0].a == 0xA11CE
    with pytest.raises(TeecError) as info:
        Context("another-tee")
    assert (info.value.result, info.value.origin) == (ITEM_NOT_FOUND, ORIGIN_API)


def identity(ctx: Context, login: int, data: int | None = None) -> str:
    with ctx.open_session(SYSCALLS, login=login, connection_data=data) as s:
        name = b"gpd.client.identity"
        out = TempMemref.output(20)
        res = Value.output()
        s.invoke(0, Operation(Value.input(0xFFFFFFFE, 3), TempMemref.input(name), out, res))
        assert res.a == 0
        got_login = struct.unpack_from("<I", out.data)[0]
        return f"{got_login}:{uuid.UUID(bytes_le=out.data[4:20])}"


def test_login_identities(ctx: Context) -> None:
    assert identity(ctx, LOGIN_USER) == f"1:{uuid.uuid5(CLIENT_UUID_NS, f'uid={os.geteuid():x}')}"
    gid = os.getegid()
    assert identity(ctx, LOGIN_GROUP, gid) == f"2:{uuid.uuid5(CLIENT_UUID_NS, f'gid={gid:x}')}"
    with raises(GENERIC, ORIGIN_COMMS):
        identity(ctx, LOGIN_GROUP, 0x7FFFFFF0)
    with raises(BAD_PARAMETERS, ORIGIN_COMMS):
        identity(ctx, LOGIN_APPLICATION)


def test_cancellation_from_another_thread(ctx: Context) -> None:
    with ctx.open_session(SYSCALLS) as s:
        op = Operation(Value.input(0xFFFFFFFF, 1), Value.output())
        t = threading.Thread(target=s.invoke, args=(6, op))
        start = time.monotonic()
        t.start()
        time.sleep(0.3)
        with ctx.open_session(HELLO) as other:  # other sessions keep working meanwhile
            probe = Operation(Value.inout(1))
            other.invoke(0, probe)
            assert probe.params[0].a == 2
        ctx.request_cancellation(op)
        t.join(10)
        assert not t.is_alive() and time.monotonic() - start < 10
        assert op.params[1].a == CANCEL


def test_runaway_is_stopped_and_the_instance_is_dead(ctx: Context) -> None:
    with ctx.open_session(SHA256) as s:
        op = Operation(Value.input(1 << 20, 0xFFFFFFFF), TempMemref.output(32))
        errors: list[TeecError] = []

        def call() -> None:
            try:
                s.invoke(1, op)
            except TeecError as exc:
                errors.append(exc)
        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.3)
        ctx.request_cancellation(op)
        t.join(15)
        assert [(e.result, e.origin) for e in errors] == [(TARGET_DEAD, ORIGIN_TEE)]


def test_single_instance_busy_and_keep_alive_shared_across_contexts(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as a, Context(socket_path=server.socket) as b:
        first = a.open_session(SINGLE)
        with raises(BUSY, ORIGIN_TEE):
            b.open_session(SINGLE)
        first.close()
        b.open_session(SINGLE).close()
        sa, sb = a.open_session(KEEPALIVE), b.open_session(KEEPALIVE)
        counts = []
        for s in (sa, sb, sa):
            op = Operation(Value.output())
            s.invoke(0, op)
            counts.append(op.params[0].a)
        assert counts[1:] == [counts[0] + 1, counts[0] + 2]  # one instance for both clients
        sessions = Operation(Value.output())
        sa.invoke(1, sessions)
        assert sessions.params[0].a == 2
        sa.close()
        sb.close()


def test_closing_the_context_closes_its_sessions(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as watcher:
        obs = watcher.open_session(KEEPALIVE)
        c = Context(socket_path=server.socket)
        c.open_session(KEEPALIVE)
        count = Operation(Value.output())
        obs.invoke(1, count)
        assert count.params[0].a == 2
        c.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            obs.invoke(1, count)
            if count.params[0].a == 1:
                break
            time.sleep(0.02)
        assert count.params[0].a == 1
        obs.close()


def test_ta_persistent_time_is_tee_wide_across_instances(fresh_server: ServerProc) -> None:
    """Set in one instance (one worker process), read in another, as in one OP-TEE."""
    with Context(socket_path=fresh_server.socket) as ctx:
        first, second = ctx.open_session(SYSCALLS), ctx.open_session(SYSCALLS)
        before = Operation(Value.output(), Value.output(), Value.output(), Value.output())
        second.invoke(7, before)
        assert before.params[3].a == 0xFFFF5000  # TEE_ERROR_TIME_NOT_SET
        set_op = Operation(Value.input(1_000_000, 250), Value.output(), Value.output())
        first.invoke(8, set_op)
        assert set_op.params[2].a == 0
        after = Operation(Value.output(), Value.output(), Value.output(), Value.output())
        second.invoke(7, after)
        assert after.params[3].a == 0 and 1_000_000 <= after.params[1].a < 1_000_010
        first.close()
        second.close()


def test_open_session_with_shared_memory_goes_through_the_server(ctx: Context) -> None:
    """OPEN's memfd travels client -> server -> worker; the TA's open entry writes into it."""
    with ctx.allocate_shared_memory(32) as shm:
        shm.buffer[:] = bytes(range(32))
        report = TempMemref.output(136)
        op = Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_INOUT, 8, 8), Value.inout(5, 6),
                       None, report)
        with ctx.open_session(PARAMS, operation=op) as s:  # params' open session echoes
            assert bytes(shm.buffer[8:16]) == bytes(b ^ 0xFF for b in range(8, 16))
            assert bytes(shm.buffer[:8]) == bytes(range(8))  # outside the window: untouched
            assert (op.params[1].a, op.params[1].b) == (6, 0xFFFFFFF9)
            assert struct.unpack_from("<I", report.data, 8 + 12)[0] == fnv1a(bytes(range(8, 16)))
            # the worker kept the mapping: the next call names the memory by id only
            again = Operation(RegisteredMemref.partial(shm, MEMREF_PARTIAL_INPUT, 0, 4), Value.output())
            s.invoke(CHECKSUM, again)
            assert again.params[1].a == fnv1a(bytes(range(4)))
            assert s._sent == {shm.id}
