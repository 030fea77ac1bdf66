#!/usr/bin/env python3
"""Developer-tool costs (issue 7): prints one JSON object of medians and slowdowns.

Each workload runs in a fresh TEE without tools and with each tool on; a slowdown is the
tool's median divided by the uninstrumented median of the same workload.

- sha256_1mib: SHA-256 over 1 MiB in plain C inside the TA (tight loops, few calls);
- hello_invoke: hello_world's increment (3 log syscalls, printf-heavy, many calls).

Tools: coverage (native block counter; coverage_live: counting into a live file, as a
server worker does), trace=log, trace=syscalls (decoded), trace=calls:TA_* (the GP entry
points only) and trace=calls (every function entry and return). Trace output goes to
/dev/null.

Under `serve` (section "serve", through optee_litebox.client): hello_world's increment
round trip, open session of a multi-instance TA (a new worker each time: the tools attach
to its instance; coverage makes its live files) and close session (the worker saves its
coverage part as it retires), without tools and with --coverage, --trace log and --trace
syscalls.

Usage: python benchmarks/bench_tools.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample
from optee_litebox.tools import Toolbox, ToolConfig

MIB = 1 << 20


#: A tool configuration, and whether this process owns the reports (False: a worker).
Setup = tuple[ToolConfig | None, bool]


def make_tee(setup: Setup, devnull) -> tuple[Tee, Toolbox | None]:  # type: ignore[no-untyped-def]
    tee = Tee(deterministic_platform())
    tools = None
    config, owner = setup
    if config is not None:
        tools = Toolbox(config, owner=owner)
        if tools.tracer is not None:
            tools.tracer._out = devnull
        tools.attach(tee)
    return tee, tools


def sha256(setup: Setup, devnull, runs: int) -> float:  # type: ignore[no-untyped-def]
    tee, tools = make_tee(setup, devnull)
    _, _, session = tee.open_session(tee.add(sample("sha256").ta_path).uuid)
    assert session is not None
    tee.invoke(session, 2, [])  # build the 1 MiB buffer outside the timing
    params = [Param.value_in(MIB, 1), Param.memref_out(32)]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        res, _ = tee.invoke(session, 1, params)
        times.append(time.perf_counter() - t0)
        assert res == 0
    tee.close()
    if tools is not None:
        tools.finish()
    return statistics.median(times) * 1e3  # ms


def hello(setup: Setup, devnull, n: int) -> float:  # type: ignore[no-untyped-def]
    tee, tools = make_tee(setup, devnull)
    _, _, session = tee.open_session(tee.add(sample("hello_world").ta_path).uuid)
    assert session is not None
    params = [Param.value_inout(1)]
    for _ in range(50):
        tee.invoke(session, 0, params)
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(n):
            tee.invoke(session, 0, params)
        samples.append((time.perf_counter() - t0) / n * 1e6)
    tee.close()
    if tools is not None:
        tools.finish()
    return statistics.median(samples)  # us


def serve_section(out_dir: str, invokes: int, opens: int) -> dict[str, object]:
    """Round trips and session set-up through `serve` with each tool on."""
    from optee_litebox.client import Context, Operation, Value

    hello = str(sample("hello_world").uuid)
    options = {"none": [], "coverage": ["--coverage", os.path.join(out_dir, "serve.info")],
               "trace_log": ["--trace", "log", "--trace-out", os.devnull],
               "trace_syscalls": ["--trace", "syscalls", "--trace-out", os.devnull]}
    invoke_us: dict[str, float] = {}
    open_ms: dict[str, float] = {}
    close_ms: dict[str, float] = {}
    for name, extra in options.items():
        path = os.path.join(out_dir, f"{name}.sock")
        proc = subprocess.Popen([sys.executable, "-m", "optee_litebox.cli", "serve", "-q",
                                 "--socket", path, "--storage", os.path.join(out_dir, "state"),
                                 *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ready(path, proc)
            with Context(socket_path=path) as ctx:
                with ctx.open_session(hello) as s:
                    times = []
                    for _ in range(invokes):
                        op = Operation(Value.inout(1))
                        t0 = time.perf_counter()
                        s.invoke(0, op)
                        times.append(time.perf_counter() - t0)
                invoke_us[name] = statistics.median(times[invokes // 10:]) * 1e6
                opened, closed = [], []
                for _ in range(opens):
                    t0 = time.perf_counter()
                    s = ctx.open_session(hello)
                    t1 = time.perf_counter()
                    s.close()
                    closed.append(time.perf_counter() - t1)
                    opened.append(t1 - t0)
                    time.sleep(0.1)  # as an application would: the spare worker is ready
                open_ms[name] = statistics.median(opened) * 1e3
                close_ms[name] = statistics.median(closed) * 1e3
        finally:
            proc.terminate()
            proc.wait(60)
    base = invoke_us["none"]
    return {"hello_invoke_median_us": {k: round(v, 1) for k, v in invoke_us.items()},
            "hello_invoke_slowdown": {k: round(v / base, 2) for k, v in invoke_us.items() if k != "none"},
            "open_session_median_ms": {k: round(v, 2) for k, v in open_ms.items()},
            "close_session_median_ms": {k: round(v, 2) for k, v in close_ms.items()}}


def ready(path: str, proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    t0 = time.perf_counter()
    while True:
        if proc.poll() is not None or time.perf_counter() - t0 > 30:
            raise RuntimeError("server did not start")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return
        except OSError:
            time.sleep(0.01)
        finally:
            s.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = 5 if args.quick else 11
    n = 200 if args.quick else 1000
    out_dir = tempfile.mkdtemp(prefix="litebox-bench-tools-")
    configs: dict[str, Callable[[], Setup]] = {
        "none": lambda: (None, True),
        "coverage": lambda: (ToolConfig(coverage=os.path.join(out_dir, "bench.info")), True),
        "coverage_live": lambda: (ToolConfig(coverage=os.path.join(out_dir, "live.info")), False),
        "trace_log": lambda: (ToolConfig(trace="log"), True),
        "trace_syscalls": lambda: (ToolConfig(trace="syscalls"), True),
        "trace_calls_TA": lambda: (ToolConfig(trace="calls:TA_*"), True),
        "trace_calls": lambda: (ToolConfig(trace="calls"), True),
    }
    result: dict[str, object] = {}
    with open(os.devnull, "w") as devnull:
        for workload, fn, arg, unit in (("sha256_1mib", sha256, runs, "ms"),
                                        ("hello_invoke", hello, n, "us")):
            medians = {name: fn(make(), devnull, arg) for name, make in configs.items()}
            base = medians["none"]
            result[workload] = {
                f"median_{unit}": {k: round(v, 2) for k, v in medians.items()},
                "slowdown": {k: round(v / base, 2) for k, v in medians.items() if k != "none"},
            }
    result["serve"] = serve_section(out_dir, 500 if args.quick else 2000, 10 if args.quick else 30)
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
