"""Developer tools on `serve` and `host`: coverage merged over worker processes and
sessions (closed, open at shutdown, killed), trace lines from workers, gdb on the first
TA instance to start."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from optee_litebox.client import Context, Operation, TeecError, Value
from optee_litebox.samples import sample
from optee_litebox.tools.coverage.lcov import parse_lcov

from .conftest import ServerProc, start_server

CLI = [sys.executable, "-m", "optee_litebox.cli"]
REPO = Path(__file__).resolve().parents[2]
HELLO = str(sample("hello_world").uuid)
HELLO_C, PARAMS_C = "hello_world/hello_world_ta.c", "params/params_ta.c"
# hello_world_ta.c, adjust(): line 39 answers wrong parameter types; 41-43 change the value.
BAD_TYPES_LINE, GOOD_LINE = 39, 41
# params_ta.c: the sum of command VALUES (which teec_check calls) and the checksum of
# command CHECKSUM (which it does not).
VALUES_LINE, CHECKSUM_LINE = 151, 176
BAD_PARAMETERS = 0xFFFF0006


def lines_of(report: Path, source: str) -> dict[int, int]:
    return next(v for k, v in parse_lcov(report.read_text()).items() if k.endswith(source))


def functions_of(report: Path, source: str) -> dict[str, int]:
    """function name -> times called, from the FNDA records of one source file."""
    out: dict[str, int] = {}
    current = False
    for line in report.read_text().splitlines():
        if line.startswith("SF:"):
            current = line.endswith(source)
        elif current and line.startswith("FNDA:"):
            count, name = line[5:].split(",", 1)
            out[name] = out.get(name, 0) + int(count)
    return out


def good(s) -> int:  # type: ignore[no-untyped-def]
    op = Operation(Value.inout(41))
    s.invoke(0, op)
    return int(op.params[0].a)


def hello_workers(ctx: Context) -> set[int]:
    return {w["pid"] for w in ctx.server_status()["workers"] if w["uuid"] == HELLO}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_coverage_merges_every_worker_and_session(tmp_path: Path, stop: int) -> None:
    report = tmp_path / "serve.info"
    srv = start_server(tmp_path / "srv", "--coverage", str(report))
    try:
        with Context(socket_path=srv.socket) as ctx:
            # hello_world is multi-instance: every session below has a worker of its own.
            closed = [ctx.open_session(HELLO) for _ in range(3)]
            assert good(closed[0]) == 42 and good(closed[1]) == 42
            with pytest.raises(TeecError) as bad:
                closed[2].invoke(0)  # no parameters: the wrong-types branch
            assert bad.value.result == BAD_PARAMETERS
            assert len(hello_workers(ctx)) == 3
            for s in closed:
                s.close()  # the instance goes, its worker retires and saves its part
            before = hello_workers(ctx)  # the closed ones may not be gone yet
            killed = ctx.open_session(HELLO)
            assert good(killed) == 42
            (victim,) = hello_workers(ctx) - before
            os.kill(victim, signal.SIGKILL)  # no part saved: its live counts remain
            open_at_stop = ctx.open_session(HELLO)
            assert good(open_at_stop) == 42 and good(open_at_stop) == 42
            srv.proc.send_signal(stop)  # the worker closes the session and saves its part
            assert srv.proc.wait(timeout=30) == 0, srv.log()
    finally:
        srv.stop()
    assert f"lcov coverage written to {report}" in srv.log()
    lines = lines_of(report, HELLO_C)
    # 2 (closed sessions) + 1 (killed worker) + 2 (session open at shutdown)
    assert lines[GOOD_LINE] == 5 and lines[BAD_TYPES_LINE] == 1, lines
    assert functions_of(report, HELLO_C)["TA_OpenSessionEntryPoint"] == 5
    assert not Path(f"{report}.parts").exists()
    assert report.with_suffix(".drcov").is_file()


def test_host_coverage_and_json_trace_from_c_and_python_clients(tmp_path: Path,
                                                                teec_check: Path) -> None:
    report, trace = tmp_path / "host.info", tmp_path / "trace.jsonl"
    bad_call = ("from optee_litebox.client import Context\n"
                f"with Context() as c, c.open_session({HELLO!r}) as s:\n"
                "    try: s.invoke(0)\n"
                "    except Exception as e: print('bad types:', e)\n")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = subprocess.run([*CLI, "host", "-q", "--storage", str(tmp_path / "state"),
                          "--coverage", str(report), "--trace", "syscalls",
                          "--trace-format", "json", "--trace-out", str(trace), "--",
                          "sh", "-c", '"$0" values && "$1" -c "$2"', str(teec_check),
                          sys.executable, bad_call],
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "values=12,35" in run.stdout and "bad types: " in run.stdout
    assert f"lcov coverage written to {report}" in run.stderr
    # The C client incremented and decremented once each, the Python one sent no value.
    lines = lines_of(report, HELLO_C)
    assert lines[GOOD_LINE] == 2 and lines[BAD_TYPES_LINE] == 1, lines
    params = lines_of(report, PARAMS_C)
    assert params[VALUES_LINE] == 1 and params[CHECKSUM_LINE] == 0, params
    records = [json.loads(line) for line in trace.read_text().splitlines()]
    pids = {r["pid"] for r in records}
    assert len(pids) == 3  # three instances: hello (C), params (C), hello (Python)
    logs = [r for r in records if r["ev"] == "syscall" and r["name"] == "log"]
    assert any("Got value: 42 from the client" in json.dumps(r) for r in logs)
    exits = [r["result"] for r in records if r["ev"] == "exit"]
    assert "TEE_ERROR_BAD_PARAMETERS" in exits and "TEE_SUCCESS" in exits


def test_text_trace_of_workers_goes_to_the_server_stderr(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "srv", "-q", "--trace", "log")
    try:
        with Context(socket_path=srv.socket) as ctx:
            for _ in range(2):
                with ctx.open_session(HELLO) as s:
                    assert good(s) == 42
    finally:
        assert srv.stop() == 0
    log = srv.log()
    pids = set(re.findall(r"^\[2a9145a6 pid=(\d+)\]    I/TA: Got value: 41 from the client$",
                          log, re.MULTILINE))
    assert len(pids) == 2, log
    assert re.search(r"^\[2a9145a6 pid=\d+\] >> invoke_command session=1 cmd=0$", log, re.MULTILINE)


GDB = shutil.which("gdb-multiarch")


@pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")
def test_gdb_debugs_the_first_ta_instance_under_serve(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "srv", "-q", "--gdb", "0")
    results: list[object] = []

    def client() -> None:
        try:
            with Context(socket_path=srv.socket) as ctx, ctx.open_session(HELLO) as s:
                results.append(good(s))  # waits while gdb holds the TA
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(exc)

    try:
        assert "the first TA instance to start will wait for gdb on a free port" in srv.log()
        thread = threading.Thread(target=client, daemon=True)
        thread.start()
        port = wait_for_port(srv)
        gdb = subprocess.run([GDB or "gdb-multiarch", "-nx", "-batch",
                              "-ex", f"directory {REPO / 'sample_tas'}",
                              "-ex", f"target remote 127.0.0.1:{port}",
                              "-ex", "break adjust",  # before the session opens
                              "-ex", "continue", "-ex", "bt", "-ex", "info registers x0",
                              "-ex", "print delta", "-ex", "set var delta = 5",
                              "-ex", "delete", "-ex", "continue"],
                             capture_output=True, text=True, timeout=120, check=False)
        out = gdb.stdout + gdb.stderr
        thread.join(60)
        assert results == [46], (results, out)  # the write to delta reached the TA
        assert re.search(r"Breakpoint 1(\.\d)?, adjust \(paramTypes=3, .*\) "
                         r"at hello_world/hello_world_ta.c:\d+", out), out
        assert re.search(r"#0 +adjust \(.*\) at hello_world/hello_world_ta.c:\d+", out), out
        assert re.search(r"#\d+ +0x[0-9a-f]+ in __ta_entry \(func=2, .*\) at sdk/src/entry.c:\d+", out), out
        assert re.search(r"x0\s+0x3\s+3", out), out
        assert "$1 = 1" in out, out
        assert "exited normally" in out, out  # the session closed, the worker ended
        # The next instance runs undebugged: nobody waits for gdb any more.
        with Context(socket_path=srv.socket) as ctx, ctx.open_session(HELLO) as s:
            assert good(s) == 42
        assert srv.log().count("waiting for gdb") == 1
    finally:
        assert srv.stop() == 0


def wait_for_port(srv: ServerProc, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"TA 2a9145a6-[0-9a-f-]+: waiting for gdb on port (\d+)", srv.log())
        if found:
            return int(found.group(1))
        time.sleep(0.05)
    raise AssertionError("no worker waited for gdb:\n" + srv.log())


def test_a_busy_gdb_port_is_refused_at_start(tmp_path: Path) -> None:
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        run = subprocess.run([*CLI, "serve", "--socket", str(tmp_path / "s.sock"),
                              "--gdb", str(port)], capture_output=True, text=True, timeout=60,
                             check=False)
    assert run.returncode != 0 and f"gdb port 127.0.0.1:{port}" in run.stderr, run.stderr
    assert not (tmp_path / "s.sock").exists()
