#!/usr/bin/env python3
"""Server benchmarks (issue 3): prints one JSON object of medians.

- c_invoke_us: round trip of a trivial command (the panic sample's PING: one value
  output, no log line) through our libteec.so.2 from a C client (tests/c_clients/
  bench_invoke.c); also hello_world's increment (three TA log lines per call) and the
  trivial command with reply polling switched off (OPTEE_LITEBOX_SPIN_US=0).
- python_invoke_us: the same trivial command through optee_litebox.client.
- open_session_ms: TEEC_OpenSession of a multi-instance TA (a new worker process and TA
  instance each time) from the Python client, with a pause between opens as an
  application would have; and back to back (no spare worker ready).
- serve_ready_s: from starting `optee-litebox serve` (a new Python process) until its
  socket answers a handshake.
- throughput: 32 concurrent C client processes, one session each, 500 invokes each;
  errors must be 0.

Targets (issue 3, on the 2-core reference machine): C invoke <= 100 us, Python invoke <=
150 us, ready <= 0.5 s, 32 x 500 invokes with no error.

Usage: python benchmarks/bench_server.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from optee_litebox.client import Context, Operation, Value
from optee_litebox.client import protocol as p
from optee_litebox.libteec import ensure_built
from optee_litebox.samples import sample

REPO = Path(__file__).resolve().parent.parent
PING = (str(sample("panic").uuid), 3, "out")
HELLO = (str(sample("hello_world").uuid), 0, "value")
MULTI = str(sample("params").uuid)


def handshake(path: str) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        s.sendall(p.encode_hello(p.Hello(p.ROLE_CONTEXT)))
        data = b""
        while len(data) < p.HEADER_SIZE + 24:
            chunk = s.recv(64)
            if not chunk:
                return False
            data += chunk
        return p.decode_header(data).kind == p.HELLO_REPLY
    except OSError:
        return False
    finally:
        s.close()


def start_server(path: str, state: str) -> tuple[subprocess.Popen, float]:
    """A `serve` process and the seconds from its start until a handshake succeeds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "optee_litebox.cli", "serve", "-q",
                             "--socket", path, "--storage", state],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not handshake(path):
        if proc.poll() is not None or time.perf_counter() - t0 > 30:
            raise RuntimeError("server did not start")
        time.sleep(0.002)
    return proc, time.perf_counter() - t0


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(30)


def build_client(out: Path) -> Path:
    lib = ensure_built()
    exe = out / "bench_invoke"
    subprocess.run(["cc", "-O2", "-I", str(lib / "include"), str(REPO / "tests/c_clients/bench_invoke.c"),
                    "-L", str(lib), "-lteec", f"-Wl,-rpath,{lib}", "-o", str(exe)], check=True)
    return exe


def c_invoke(exe: Path, env: dict[str, str], target: tuple[str, int, str], count: int,
             runs: int, **extra: str) -> tuple[float, float]:
    """(median invoke us, median open-session ms) over `runs` client processes."""
    invokes, opens = [], []
    for _ in range(runs):
        out = subprocess.run([str(exe), target[0], str(target[1]), str(count), target[2]],
                             env={**env, **extra}, capture_output=True, text=True, check=True)
        data = json.loads(out.stdout)
        invokes.append(statistics.median(data["invoke_us"][count // 10:]))
        opens.append(data["open_us"] / 1e3)
    return statistics.median(invokes), statistics.median(opens)


def python_invoke(path: str, count: int) -> float:
    with Context(socket_path=path) as ctx, ctx.open_session(PING[0]) as s:
        times = []
        for _ in range(count):
            op = Operation(Value.output())
            t0 = time.perf_counter()
            s.invoke(PING[1], op)
            times.append(time.perf_counter() - t0)
        assert op.params[0].a == 0x9196
    return statistics.median(times[count // 10:]) * 1e6


def open_session_ms(path: str, count: int, pause: float) -> float:
    times = []
    with Context(socket_path=path) as ctx:
        for _ in range(count):
            t0 = time.perf_counter()
            s = ctx.open_session(MULTI)
            times.append(time.perf_counter() - t0)
            s.close()
            time.sleep(pause)
    return statistics.median(times[1:]) * 1e3


def throughput(exe: Path, env: dict[str, str], clients: int, each: int) -> dict[str, object]:
    t0 = time.perf_counter()
    procs = [subprocess.Popen([str(exe), PING[0], str(PING[1]), str(each), PING[2]], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(clients)]
    outs = [proc.communicate(timeout=600) for proc in procs]
    wall = time.perf_counter() - t0
    errors = sum(proc.returncode != 0 for proc in procs)
    latencies = [us for out, _ in outs if out.strip() for us in json.loads(out)["invoke_us"]]
    return {"clients": clients, "invokes_each": each, "errors": errors,
            "invokes_done": len(latencies), "wall_s": round(wall, 2),
            "invokes_per_s": round(len(latencies) / wall), "median_invoke_us":
            round(statistics.median(latencies), 1) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs, count = (3, 1000) if args.quick else (5, 3000)
    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    try:
        exe = build_client(work)
        ready = []
        for i in range(runs):
            proc, seconds = start_server(str(work / f"ready{i}.sock"), str(work / "state"))
            ready.append(seconds)
            stop(proc)
        path = str(work / "s.sock")
        proc, _ = start_server(path, str(work / "state"))
        env = {**os.environ, "OPTEE_LITEBOX_SOCKET": path}
        try:
            c_ping, c_open = c_invoke(exe, env, PING, count, runs)
            c_hello, _ = c_invoke(exe, env, HELLO, count, runs)
            c_nospin, _ = c_invoke(exe, env, PING, count, runs, OPTEE_LITEBOX_SPIN_US="0")
            py = statistics.median(python_invoke(path, count) for _ in range(runs))
            opened = open_session_ms(path, 4 * runs, 0.1)
            opened_b2b = open_session_ms(path, 4 * runs, 0.0)
            tput = throughput(exe, env, 32, 500)
        finally:
            stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "c_invoke_us": round(c_ping, 1),
        "c_invoke_hello_world_us": round(c_hello, 1),
        "c_invoke_no_reply_polling_us": round(c_nospin, 1),
        "python_invoke_us": round(py, 1),
        "open_session_ms": round(opened, 2),
        "open_session_back_to_back_ms": round(opened_b2b, 2),
        "open_session_c_first_ms": round(c_open, 2),
        "serve_ready_s": round(statistics.median(ready), 3),
        "throughput": tput,
        "targets": {"c_invoke_us": 100, "python_invoke_us": 150, "serve_ready_s": 0.5,
                    "throughput_errors": 0},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
