#!/usr/bin/env python3
"""TA-to-TA and pseudo-TA benchmarks (issue 6): prints one JSON object of medians (us).

In one process (runtime.Tee, the deterministic platform):
- direct_ping_us: a client's invoke of the server sample's PING (the baseline);
- ta2ta_ping_us: the same PING reached through the client TA (client entry, syscall 7,
  the server's entry, back);
- ta2ta_private_copy_us: the client TA passes a 64-byte private buffer (libutee's way:
  a MAP_ZI mapping from the system PTA, the call, the copy back, UNMAP);
- ta2ta_open_close_us: the client TA opens and closes a session to a multi-instance TA
  (a new instance each time: TA mapping, relocation and entries);
- derive_key_us: a 32-byte TA-unique key (two system PTA calls);
- dl_call_us: dlopen (already mapped), two dlsym, two calls and dlclose.

Under `serve` (one worker per TA):
- remote_ping_us: a client application's invoke of the client TA, whose PING goes to the
  server TA in another worker (INVOKE_TA over a socket pair);
- server_direct_ping_us: the client application's own PING to the server TA.

Usage: python benchmarks/bench_ta2ta.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample, samples

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.server.conftest import start_server  # noqa: E402


def median_us(fn: Callable[[], object], n: int) -> float:
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1e6, 1)


def in_process(n: int) -> dict[str, float]:
    tee = Tee(deterministic_platform(seed=1))
    for s in samples().values():
        tee.add(s.ta_path)
    _, _, direct = tee.open_session(sample("ta2ta_server").uuid)
    _, _, c = tee.open_session(sample("ta2ta_client").uuid)
    tee.invoke(c, 0, [Param.value_inout(1, 0)])
    _, _, other = tee.open_session(sample("ta2ta_client").uuid)
    _, _, lib = tee.open_session(sample("tlib_user").uuid)
    out = {
        "direct_ping_us": median_us(lambda: tee.invoke(direct, 0, [Param.value_out()]), n),
        "ta2ta_ping_us": median_us(
            lambda: tee.invoke(c, 1, [Param.value_inout(0, 0), Param.value_out()]), n),
        "ta2ta_private_copy_us": median_us(
            lambda: tee.invoke(c, 3, [Param.value_inout(2, 0), Param.memref_in(bytes(64)),
                                      Param.memref_out(64)]), n),
        "ta2ta_open_close_us": median_us(
            lambda: tee.invoke(other, 6, [Param.value_in(0x3, 0), Param.value_inout(1),
                                          Param.value_out()]), max(n // 10, 5)),
        "derive_key_us": median_us(
            lambda: tee.invoke(c, 4, [Param.memref_in(b"x"), Param.memref_out(32),
                                      Param.value_in(0)]), n),
        "dl_call_us": median_us(lambda: tee.invoke(lib, 2, [Param.value_inout(3)]), n),
    }
    tee.close()
    return out


def served(n: int) -> dict[str, float]:
    from optee_litebox.client import Context, Operation, Value

    srv = start_server(Path(tempfile.mkdtemp(prefix="bench-ta2ta-")), "-q")
    try:
        with Context(socket_path=srv.socket) as ctx:
            direct = ctx.open_session(sample("ta2ta_server").uuid)
            c = ctx.open_session(sample("ta2ta_client").uuid)
            c.invoke(0, Operation(Value.inout(1, 0)))
            return {
                "remote_ping_us": median_us(
                    lambda: c.invoke(1, Operation(Value.inout(0, 0), Value.output())), n),
                "server_direct_ping_us": median_us(
                    lambda: direct.invoke(0, Operation(Value.output())), n),
            }
    finally:
        srv.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    n = 50 if ap.parse_args().quick else 500
    print(json.dumps({**in_process(n), **served(n)}, indent=2))


if __name__ == "__main__":
    main()
