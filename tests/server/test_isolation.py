"""One process per TA instance: a worker that dies, even natively, takes down only its
own sessions; the server and every other session go on."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from optee_litebox.client import ORIGIN_TEE, Context, Operation, TeecError, TempMemref, Value
from optee_litebox.samples import sample

from .conftest import ServerProc

HELLO, PARAMS, PANIC = (str(sample(n).uuid) for n in ("hello_world", "params", "panic"))
SHA256, KEEPALIVE = str(sample("sha256").uuid), str(sample("lifecycle_keepalive").uuid)
TARGET_DEAD = 0xFFFF3024


def workers_of(ctx: Context, uuid: str) -> list[dict]:
    return [w for w in ctx.server_status()["workers"] if w["uuid"] == uuid and not w["retiring"]]


def inc(session, value: int = 1) -> int:  # type: ignore[no-untyped-def]
    op = Operation(Value.inout(value))
    session.invoke(0, op)
    return op.params[0].a


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL])
def test_a_worker_killed_mid_call_leaves_other_sessions_working(fresh_server: ServerProc,
                                                                 sig: signal.Signals) -> None:
    with Context(socket_path=fresh_server.socket) as a, Context(socket_path=fresh_server.socket) as b:
        bystander = a.open_session(HELLO)
        victim = b.open_session(SHA256)
        [worker] = workers_of(b, SHA256)
        op = Operation(Value.input(1 << 20, 0xFFFFFFFF), TempMemref.output(32))
        errors: list[TeecError] = []

        def call() -> None:
            try:
                victim.invoke(1, op)
            except TeecError as exc:
                errors.append(exc)
        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.3)  # the TA is computing inside the engine now
        assert inc(bystander, 10) == 11
        os.kill(worker["pid"], sig)  # a native crash (or a hard kill) of that process
        t.join(10)
        assert [(e.result, e.origin) for e in errors] == [(TARGET_DEAD, ORIGIN_TEE)]
        with pytest.raises(TeecError) as again:
            victim.invoke(1, op)
        assert (again.value.result, again.value.origin) == (TARGET_DEAD, ORIGIN_TEE)
        assert inc(bystander, 20) == 21  # the other client's session never noticed
        fresh = b.open_session(SHA256)   # the TA itself can be used again: a new instance
        digest = Operation(Value.input(3, 1), TempMemref.output(32))
        fresh.invoke(1, digest)
        assert len(digest.params[1].data) == 32
        fresh.close()
        victim.close()
        bystander.close()
    deadline = time.monotonic() + 5
    while f"killed by {sig.name}" not in fresh_server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"worker {worker['pid']} for TA {SHA256} was killed by {sig.name}" in fresh_server.log()


def test_a_crashed_single_instance_worker_is_replaced(fresh_server: ServerProc) -> None:
    with Context(socket_path=fresh_server.socket) as ctx:
        s1 = ctx.open_session(KEEPALIVE)
        for _ in range(3):
            s1.invoke(0, Operation(Value.output()))
        [worker] = workers_of(ctx, KEEPALIVE)
        os.kill(worker["pid"], signal.SIGSEGV)
        with pytest.raises(TeecError) as dead:
            s1.invoke(0, Operation(Value.output()))
        assert (dead.value.result, dead.value.origin) == (TARGET_DEAD, ORIGIN_TEE)
        s2 = ctx.open_session(KEEPALIVE)
        op = Operation(Value.output())
        s2.invoke(0, op)
        assert op.params[0].a == 1  # a fresh instance: the counter starts again
        s2.close()


def test_each_multi_instance_session_has_its_own_process(fresh_server: ServerProc) -> None:
    with Context(socket_path=fresh_server.socket) as ctx:
        sessions = [ctx.open_session(PANIC) for _ in range(3)]
        pids = {w["pid"] for w in workers_of(ctx, PANIC)}
        assert len(pids) == 3
        with pytest.raises(TeecError) as panicked:  # one instance panics...
            sessions[0].invoke(0, Operation(Value.input(0x1234)))
        assert (panicked.value.result, panicked.value.origin) == (TARGET_DEAD, ORIGIN_TEE)
        for s in sessions[1:]:                   # ...the others answer
            op = Operation(Value.output())
            s.invoke(3, op)
            assert op.params[0].a == 0x9196
        single = [ctx.open_session(KEEPALIVE) for _ in range(2)]
        assert len(workers_of(ctx, KEEPALIVE)) == 1  # a single-instance TA: one process
        for s in sessions + single:
            s.close()
        deadline = time.monotonic() + 10
        while workers_of(ctx, PANIC) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers_of(ctx, PANIC) == []          # their processes are gone
        assert len(workers_of(ctx, KEEPALIVE)) == 1  # the kept-alive instance stays


def test_the_server_shuts_down_cleanly_on_sigterm(fresh_server: ServerProc) -> None:
    with Context(socket_path=fresh_server.socket) as ctx:
        s = ctx.open_session(HELLO)
        inc(s)
        pids = [w["pid"] for w in ctx.server_status()["workers"]]
        assert fresh_server.stop() == 0
    assert not os.path.exists(fresh_server.socket)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "I/TA: Goodbye" in fresh_server.log()  # the open session was closed properly


def test_invoke_after_the_worker_died_while_idle_is_target_dead(fresh_server: ServerProc) -> None:
    """The worker is gone before the request is sent: the send itself fails (EPIPE)."""
    with Context(socket_path=fresh_server.socket) as ctx:
        s = ctx.open_session(SHA256)
        [worker] = workers_of(ctx, SHA256)
        os.kill(worker["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 5
        while worker["pid"] in {w["pid"] for w in workers_of(ctx, SHA256)} and \
                time.monotonic() < deadline:
            time.sleep(0.02)
        for _ in range(2):  # the first call finds out, the second knows
            with pytest.raises(TeecError) as dead:
                s.invoke(1, Operation(Value.input(3, 1), TempMemref.output(32)))
            assert (dead.value.result, dead.value.origin) == (TARGET_DEAD, ORIGIN_TEE)
        s.close()
