#!/usr/bin/env python3
"""Developer-tool costs (issue 7): prints one JSON object of medians and slowdowns.

Each workload runs in a fresh TEE without tools and with each tool on; a slowdown is the
tool's median divided by the uninstrumented median of the same workload.

- sha256_1mib: SHA-256 over 1 MiB in plain C inside the TA (tight loops, few calls);
- hello_invoke: hello_world's increment (3 log syscalls, printf-heavy, many calls).

Tools: coverage (native block counter), trace=log, trace=syscalls (decoded),
trace=calls:TA_* (the GP entry points only) and trace=calls (every function entry and
return). Trace output goes to /dev/null.

Usage: python benchmarks/bench_tools.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample
from optee_litebox.tools import Toolbox, ToolConfig

MIB = 1 << 20


def make_tee(config: ToolConfig | None, devnull) -> tuple[Tee, Toolbox | None]:  # type: ignore[no-untyped-def]
    tee = Tee(deterministic_platform())
    tools = None
    if config is not None:
        tools = Toolbox(config)
        if tools.tracer is not None:
            tools.tracer._out = devnull
        tools.attach(tee)
    return tee, tools


def sha256(config: ToolConfig | None, devnull, runs: int) -> float:  # type: ignore[no-untyped-def]
    tee, tools = make_tee(config, devnull)
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


def hello(config: ToolConfig | None, devnull, n: int) -> float:  # type: ignore[no-untyped-def]
    tee, tools = make_tee(config, devnull)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = 5 if args.quick else 11
    n = 200 if args.quick else 1000
    out_dir = tempfile.mkdtemp(prefix="litebox-bench-tools-")
    configs: dict[str, Callable[[], ToolConfig | None]] = {
        "none": lambda: None,
        "coverage": lambda: ToolConfig(coverage=os.path.join(out_dir, "bench.info")),
        "trace_log": lambda: ToolConfig(trace="log"),
        "trace_syscalls": lambda: ToolConfig(trace="syscalls"),
        "trace_calls_TA": lambda: ToolConfig(trace="calls:TA_*"),
        "trace_calls": lambda: ToolConfig(trace="calls"),
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
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
