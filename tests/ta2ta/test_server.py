"""TA-to-TA calls under `serve`: a single-instance callee lives in its own worker, shared
by client applications and TAs; loops between workers answer BUSY; a dead callee or
callee worker is TARGET_DEAD; timeouts reach the callee; pseudo-TAs serve clients."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from optee_litebox.abi import results as R
from optee_litebox.abi.props import TEE_LOGIN_TRUSTED_APP
from optee_litebox.client import Context, Operation, TeecError, TempMemref, Value
from optee_litebox.samples import sample

from ..server.conftest import ServerProc, start_server
from .helpers import (C_COPY, C_FORWARD, C_INVOKE, C_OPEN, FILL, FORWARD, IDENTITY, PANIC, PING,
                      REVERSE, SERVER, SERVER2, WAIT)

CLIENT, SRV = sample("ta2ta_client").uuid, sample("ta2ta_server").uuid


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    srv = start_server(tmp_path_factory.mktemp("ta2ta"), "--cancel-grace", "0.5")
    yield srv
    srv.stop()


def _open(s, target: int) -> int:  # type: ignore[no-untyped-def]
    op = Operation(Value.inout(target, 0))
    s.invoke(C_OPEN, op)
    return op.params[0].a


def _invoke(s, cmd: int, *params, timeout: int = 0) -> Operation:  # type: ignore[no-untyped-def]
    op = Operation(Value.inout(cmd, timeout), *params)
    s.invoke(C_INVOKE, op)
    return op


def _workers(ctx: Context) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for w in ctx.server_status()["workers"]:
        out.setdefault(w["uuid"], []).append(w)
    return out


def test_a_single_instance_ta_is_shared_by_clients_and_tas(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as ctx:
        direct = ctx.open_session(SRV)
        c = ctx.open_session(CLIENT)
        assert _open(c, SERVER) == R.TEE_ORIGIN_TRUSTED_APP
        counts = []
        for via_ta in (False, True, False, True):
            if via_ta:
                counts.append(_invoke(c, PING, Value.output()).params[1].b)
            else:
                op = Operation(Value.output())
                direct.invoke(PING, op)
                counts.append(op.params[0].b)
        assert counts == [counts[0] + i for i in range(4)]
        workers = _workers(ctx)
        assert len(workers[str(SRV)]) == 1           # one worker hosts the one instance
        assert workers[str(SRV)][0]["sessions"] == 2  # the client's and the TA's
        assert workers[str(CLIENT)][0]["pid"] != workers[str(SRV)][0]["pid"]
        c.close()
        deadline = time.monotonic() + 10
        while _workers(ctx)[str(SRV)][0]["sessions"] != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _workers(ctx)[str(SRV)][0]["sessions"] == 1  # closed with its caller
        direct.close()


def test_parameters_and_identity_across_workers(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as ctx, ctx.open_session(CLIENT) as c:
        _open(c, SERVER)
        op = _invoke(c, REVERSE, TempMemref.inout(b"across"))
        assert op.params[1].data == b"ssorca"
        op = _invoke(c, IDENTITY, Value.output(), TempMemref.output(16))
        assert op.params[1].a == TEE_LOGIN_TRUSTED_APP and op.params[2].data == CLIENT.bytes_le
        op = Operation(Value.inout(FILL, 12), TempMemref.input(b""), TempMemref.output(16))
        c.invoke(C_COPY, op)
        assert (op.params[0].b, op.params[2].data[:12]) == (12, bytes(i ^ 0x5A for i in range(12)))
        op = Operation(Value.inout(FILL, 40), TempMemref.input(b""), TempMemref.output(16))
        with pytest.raises(TeecError) as err:
            c.invoke(C_COPY, op)
        assert err.value.result == R.TEE_ERROR_SHORT_BUFFER and op.params[0].b == 40


def test_loops_between_workers_answer_busy(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as ctx:
        s = ctx.open_session(SRV)
        op = Operation(Value.input(0x12, 0), Value.inout(5), Value.output())
        s.invoke(FORWARD, op)  # server -> server2 (its own worker) -> server: BUSY (hops: low nibble first)
        assert (op.params[2].a, op.params[2].b) == (R.TEE_ERROR_BUSY, R.TEE_ORIGIN_TEE)
        c = ctx.open_session(CLIENT)
        op = Operation(Value.input(0x3231, 1), Value.inout(5), Value.output())
        c.invoke(C_FORWARD, op)  # client -> server -> client' -> server2 -> client''
        assert (op.params[1].a, op.params[2].a) == (305, 0)
        op = Operation(Value.input(0x132, 1), Value.inout(5), Value.output())
        c.invoke(C_FORWARD, op)  # client -> server2 -> client' -> server -> ok
        assert (op.params[1].a, op.params[2].a) == (105, 0)
        s.invoke(FORWARD, op := Operation(Value.input(0x2, 0), Value.inout(5), Value.output()))
        assert (op.params[1].a, op.params[2].a) == (6, 0)  # nothing is left waiting
        s.close()
        c.close()


def test_cancellation_timeout_reaches_a_callee_in_another_worker(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as ctx, ctx.open_session(CLIENT) as c:
        _open(c, SERVER2)
        start = time.monotonic()
        with pytest.raises(TeecError) as err:
            _invoke(c, WAIT, Value.input(30_000), timeout=200)
        assert err.value.result == R.TEE_ERROR_CANCEL
        assert time.monotonic() - start < 10


def test_a_dead_callee_and_a_dead_callee_worker(server: ServerProc, tmp_path: Path) -> None:
    srv = start_server(tmp_path / "own", "--cancel-grace", "0.5")
    try:
        with Context(socket_path=srv.socket) as ctx:
            direct = ctx.open_session(SRV)
            c = ctx.open_session(CLIENT)
            _open(c, SERVER)
            op = Operation(Value.inout(PANIC, 0), Value.input(0x77))
            with pytest.raises(TeecError) as err:
                c.invoke(C_INVOKE, op)
            assert err.value.result == R.TEE_ERROR_TARGET_DEAD
            assert op.params[0].a == R.TEE_ORIGIN_TEE  # what the client TA saw
            with pytest.raises(TeecError) as err:
                direct.invoke(PING, Operation(Value.output()))
            assert (err.value.result, err.value.origin) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
            # A worker that dies under a TA-to-TA session: the caller gets TARGET_DEAD.
            c2 = ctx.open_session(CLIENT)
            _open(c2, SERVER2)
            pid = _workers(ctx)[str(sample("ta2ta_server2").uuid)][0]["pid"]
            os.kill(pid, signal.SIGKILL)
            op = Operation(Value.inout(PING, 0), Value.output())
            with pytest.raises(TeecError) as err:
                c2.invoke(C_INVOKE, op)
            assert err.value.result == R.TEE_ERROR_TARGET_DEAD
            assert op.params[0].a == R.TEE_ORIGIN_TEE
    finally:
        srv.stop()


def test_pseudo_tas_for_client_applications(server: ServerProc) -> None:
    with Context(socket_path=server.socket) as ctx:
        with pytest.raises(TeecError) as err:
            ctx.open_session("3a2f8978-5dc0-11e8-9c2d-fa7ae01bbebc")  # system: TAs only
        assert (err.value.result, err.value.origin) == (R.TEE_ERROR_ACCESS_DENIED,
                                                        R.TEE_ORIGIN_TRUSTED_APP)
        with pytest.raises(TeecError) as err:
            ctx.open_session("3b996a7d-2c2b-4a49-a896-e1fb5766d2f4")  # socket: TAs only
        assert err.value.result == R.TEE_ERROR_ACCESS_DENIED
        with pytest.raises(TeecError) as err:
            ctx.open_session("00000000-0000-0000-0000-0000000000aa")
        assert (err.value.result, err.value.origin) == (R.TEE_ERROR_ITEM_NOT_FOUND, R.TEE_ORIGIN_TEE)
