#!/usr/bin/env python3
"""Core benchmarks (issue 2): prints one JSON object of medians.

- cold_open_ms: a new TEE reads a sample .ta from disk, verifies nothing, creates an
  engine and runs the first entry (open session) - translation caches cold.
- cold_process_ms: the same from a fresh Python process, imports included.
- invoke_us: warm in-process invoke of a trivial command (params VALUES: no log output)
  and of hello_world's increment (three log lines per invoke, like upstream's example).
- sha256: SHA-256 over 1 MiB in plain C inside the TA versus the same C code as a static
  Linux binary under qemu-aarch64; both are timed at two repeat counts and the slope is
  used, so start-up and buffer generation cancel out.

Usage: python benchmarks/bench_core.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample

REPO = Path(__file__).resolve().parent.parent
MIB = 1 << 20


def median_of(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(fn() for _ in range(runs))


def cold_open_ms() -> float:
    path = sample("hello_world").ta_path
    t0 = time.perf_counter()
    tee = Tee(deterministic_platform())
    image = tee.add(path)
    res, _, session = tee.open_session(image.uuid)
    elapsed = (time.perf_counter() - t0) * 1e3
    assert session is not None, hex(res)
    tee.close()
    return elapsed


def cold_process_ms() -> float:
    code = ("import time; t=time.perf_counter(); from optee_litebox.runtime import Tee; "
            "from optee_litebox.deterministic import deterministic_platform as d; "
            "from optee_litebox.samples import sample; tee=Tee(d()); "
            "i=tee.add(sample('hello_world').ta_path); r=tee.open_session(i.uuid); "
            "print((time.perf_counter()-t)*1e3)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())  # from the start of the import to the first entry done


def invoke_us(name: str, cmd: int, make_params, n: int) -> float:  # type: ignore[no-untyped-def]
    tee = Tee(deterministic_platform())
    image = tee.add(sample(name).ta_path)
    _, _, session = tee.open_session(image.uuid)
    assert session is not None
    params = make_params()
    for _ in range(200):
        tee.invoke(session, cmd, params)
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(n):
            tee.invoke(session, cmd, params)
        samples.append((time.perf_counter() - t0) / n * 1e6)
    tee.close()
    return statistics.median(samples)


def ta_sha256_s_per_mib(repeat: int) -> float:
    tee = Tee(deterministic_platform())
    image = tee.add(sample("sha256").ta_path)
    _, _, session = tee.open_session(image.uuid)
    assert session is not None
    tee.invoke(session, 2, [])  # generate the buffer outside the timing

    def once() -> float:
        t0 = time.perf_counter()
        res, _ = tee.invoke(session, 1, [Param.value_in(MIB, repeat), Param.memref_out(32)])
        assert res == 0
        return time.perf_counter() - t0
    value = median_of(once, 5)
    tee.close()
    return value


def qemu_binary() -> Path | None:
    """Build the Linux twin of the sha256 sample into a temp dir (needs the cross compiler)."""
    if not shutil.which("qemu-aarch64") or not shutil.which("aarch64-linux-gnu-gcc"):
        return None
    out = Path(tempfile.mkdtemp(prefix="litebox-bench-"))
    subprocess.run(["make", "-s", "-C", str(REPO / "sample_tas"), f"O={out}", "bench"],
                   check=True, capture_output=True)
    return out / "sha256_bench_linux"


def qemu_s(binary: Path, repeat: int) -> float:
    def once() -> float:
        t0 = time.perf_counter()
        subprocess.run(["qemu-aarch64", str(binary), str(MIB), str(repeat)], check=True,
                       capture_output=True)
        return time.perf_counter() - t0
    return median_of(once, 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    n = 500 if args.quick else 2000
    result: dict[str, object] = {
        "cold_open_ms": round(median_of(cold_open_ms, runs), 2),
        "cold_process_ms": round(median_of(cold_process_ms, 3 if args.quick else 7), 1),
        "invoke_us": {
            "trivial_no_log": round(invoke_us("params", 3, lambda: [
                Param.value_in(2, 3), Param.value_out(), Param.value_out(), Param.value_out()], n), 1),
            "hello_world_3_logs": round(invoke_us("hello_world", 0, lambda: [Param.value_inout(1)], n), 1),
        },
    }
    lo, hi = 1, 5
    ta = (ta_sha256_s_per_mib(hi) - ta_sha256_s_per_mib(lo)) / (hi - lo)
    sha: dict[str, object] = {"ta_ms_per_mib": round(ta * 1e3, 2)}
    binary = qemu_binary()
    if binary is not None:
        q = (qemu_s(binary, hi) - qemu_s(binary, lo)) / (hi - lo)
        sha.update(qemu_user_ms_per_mib=round(q * 1e3, 2), ta_over_qemu=round(ta / q, 2))
        shutil.rmtree(binary.parent, ignore_errors=True)
    else:
        sha["qemu_user_ms_per_mib"] = None
        sha["note"] = "qemu-aarch64 or aarch64-linux-gnu-gcc missing: no qemu comparison"
    result["sha256_1mib"] = sha
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
