#!/usr/bin/env python3
"""Trusted storage benchmarks (issue 5): prints one JSON object of medians.

Everything is driven from a TA (the storage sample's BENCH command loops over GP calls
inside one invoke) on the real file storage (fsync'd, in a temporary state directory on
the same file system as $TMPDIR):

- create_write_close_1k: TEE_CreatePersistentObject (empty, OVERWRITE) + TEE_WriteObjectData
  of 1 KiB + TEE_CloseObject; two durable commits each. Target >= 500/s.
- open_read_close_1k: TEE_OpenPersistentObject + TEE_ReadObjectData of 1 KiB +
  TEE_CloseObject. Target >= 5,000/s.
- write_1mib / read_1mib: the same with 1 MiB of data (one object).

Also, for context: the same operations on secure_storage directly (no TA, no syscalls),
and the fsync cost of the file system, since durable creates are bound by it.

Usage: python benchmarks/bench_storage.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid

from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample
from optee_litebox.secure_storage import ObjectMeta, SecureStorage
from optee_litebox.south_linux import FileStorage, SystemRandom, linux_platform

KIB, MIB = 1024, 1 << 20
WRITE, READ = 0, 1
TARGETS = {"create_write_close_1k_per_s": 500, "open_read_close_1k_per_s": 5000}


class BenchTa:
    def __init__(self, state: str) -> None:
        self.tee = Tee(linux_platform(state, quiet=True))
        self.tee.add(sample("storage").ta_path)
        res, _, session = self.tee.open_session(sample("storage").uuid)
        assert session is not None, hex(res)
        self.session = session

    def run(self, op: int, iterations: int, size: int, objects: int) -> float:
        """Seconds per iteration of one BENCH loop."""
        data = Param.memref_inout(bytes(range(256)) * (max(size, 1) // 256 + 1))
        params = [Param.value_in(op, iterations), Param.value_in(size, objects), data,
                  Param.value_out()]
        t0 = time.perf_counter()
        res, _ = self.tee.invoke(self.session, 18, params)
        elapsed = time.perf_counter() - t0
        assert res == 0 and params[3].a == iterations, (hex(res), params[3].a, hex(params[3].b))
        return elapsed / iterations

    def close(self) -> None:
        self.tee.close()


def median_rate(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(fn() for _ in range(runs))


def through_ta(runs: int, n_small: int, n_big: int) -> dict[str, float]:
    state = tempfile.mkdtemp(prefix="litebox-bench-storage-")
    try:
        ta = BenchTa(state)
        ta.run(WRITE, 20, KIB, 20)  # warm up: the engine's translations, the store's caches
        create = median_rate(lambda: ta.run(WRITE, n_small, KIB, n_small), runs)
        read = median_rate(lambda: ta.run(READ, n_small * 5, KIB, n_small), runs)
        ta.run(WRITE, 1, MIB, 1)
        write_big = median_rate(lambda: ta.run(WRITE, n_big, MIB, 1), runs)
        read_big = median_rate(lambda: ta.run(READ, n_big, MIB, 1), runs)
        ta.close()
    finally:
        shutil.rmtree(state, ignore_errors=True)
    return {
        "create_write_close_1k_per_s": round(1 / create),
        "create_write_close_1k_ms": round(create * 1e3, 3),
        "open_read_close_1k_per_s": round(1 / read),
        "open_read_close_1k_ms": round(read * 1e3, 4),
        "write_1mib_ms": round(write_big * 1e3, 2),
        "read_1mib_ms": round(read_big * 1e3, 2),
    }


def store_only(runs: int, n: int) -> dict[str, float]:
    root = tempfile.mkdtemp(prefix="litebox-bench-store-")
    try:
        store = SecureStorage(FileStorage(root), os.urandom(16), SystemRandom()).store(uuid.uuid4())
        data = os.urandom(KIB)

        def creates() -> float:
            t0 = time.perf_counter()
            for i in range(n):
                store.create(b"o%d" % i, ObjectMeta(), b"", overwrite=True)
                store.write(b"o%d" % i, 0, data)
            return (time.perf_counter() - t0) / n

        def reads() -> float:
            t0 = time.perf_counter()
            for i in range(n * 5):
                store.open(b"o%d" % (i % n))
                store.read(b"o%d" % (i % n), 0, KIB)
            return (time.perf_counter() - t0) / (n * 5)

        c, r = median_rate(creates, runs), median_rate(reads, runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"create_write_1k_ms": round(c * 1e3, 3), "open_read_1k_ms": round(r * 1e3, 4)}


def fsync_ms(runs: int) -> float:
    """One 1 KiB append + fdatasync on this file system: the floor of a durable commit."""
    root = tempfile.mkdtemp(prefix="litebox-bench-fsync-")
    try:
        fd = os.open(os.path.join(root, "f"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

        def once() -> float:
            t0 = time.perf_counter()
            for _ in range(50):
                os.write(fd, bytes(KIB))
                os.fdatasync(fd)
            return (time.perf_counter() - t0) / 50

        value = median_rate(once, runs)
        os.close(fd)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return round(value * 1e3, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    ta = through_ta(runs, 200 if args.quick else 500, 5 if args.quick else 20)
    result: dict[str, object] = {
        "through_ta": ta,
        "targets_met": {name: ta[name] >= target for name, target in TARGETS.items()},
        "store_only": store_only(runs, 200 if args.quick else 500),
        "fdatasync_1k_append_ms": fsync_ms(runs),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "tmpdir": tempfile.gettempdir()},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
