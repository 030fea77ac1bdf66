"""Crash safety: after a crash at any point every object reads back as its old or its new
version, and the store keeps working.

Two tests: every crash point of every kind of change, injected in memory storage
(exhaustive and deterministic), and a writer process on the real file storage killed
with SIGKILL at random moments, 200+ times.
"""
from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path
from typing import Callable

import pytest

from optee_litebox.secure_storage import (
    CHUNK_SIZE,
    INLINE_LIMIT,
    ItemNotFound,
    MemoryStorage,
    ObjectMeta,
    SecureStorage,
    SimulatedCrash,
    TaStore,
)
from optee_litebox.secure_storage import store as store_module
from optee_litebox.south_linux import FileStorage, SystemRandom

from .conftest import HUK, TA_A, new_secure

State = dict[bytes, bytes]


def snapshot(store: TaStore) -> State:
    return {oid: store.read(oid, 0, 1 << 30) for oid in store.ids()}


def full_snapshot(store: TaStore) -> dict[bytes, tuple[ObjectMeta, bytes]]:
    return {oid: (store.open(oid).meta, store.read(oid, 0, 1 << 30)) for oid in store.ids()}


def pattern(tag: int, size: int) -> bytes:
    return random.Random(tag).randbytes(size)


# -- every crash point, in memory ------------------------------------------------------------

CHANGES: dict[str, Callable[[TaStore], object]] = {
    "create": lambda s: s.create(b"new", ObjectMeta(), b"fresh", overwrite=False),
    "create chunked": lambda s: s.create(b"new", ObjectMeta(), pattern(1, 3 * CHUNK_SIZE), False),
    "overwrite": lambda s: s.create(b"small", ObjectMeta(usage=1), pattern(2, 900), overwrite=True),
    "write small": lambda s: s.write(b"small", 10, b"patch"),
    "write into a chunk": lambda s: s.write(b"big", CHUNK_SIZE + 5, pattern(3, 70)),
    "write across chunks": lambda s: s.write(b"big", CHUNK_SIZE - 3, pattern(4, CHUNK_SIZE + 9)),
    "grow inline to chunks": lambda s: s.write(b"small", INLINE_LIMIT - 2, pattern(5, 40)),
    "truncate": lambda s: s.truncate(b"big", 1000),
    "extend": lambda s: s.truncate(b"small", 5 * CHUNK_SIZE),
    "rename": lambda s: s.rename(b"small", b"renamed"),
    "remove": lambda s: s.remove(b"big"),
    "usage": lambda s: s.set_usage(b"small", 0x10),
    "compacting write": lambda s: s.write(b"small", 0, b"compact"),
}


def populated(namespace: str) -> tuple[MemoryStorage, dict[bytes, tuple[ObjectMeta, bytes]]]:
    memory, secure = new_secure()
    store = secure.store(TA_A, namespace)
    store.create(b"small", ObjectMeta(), pattern(6, 300), overwrite=False)
    store.create(b"big", ObjectMeta(), pattern(7, 2 * CHUNK_SIZE + 77), overwrite=False)
    for n in range(40):  # some history in the log
        store.write(b"small", n, b"%d" % n)
    return memory, full_snapshot(store)


@pytest.mark.parametrize("namespace", ["ree", "rpmb"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_crash_point_leaves_old_or_new(namespace: str, change: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    base, old = populated(namespace)
    if change == "compacting write":  # this commit also rewrites the log
        monkeypatch.setattr(store_module, "COMPACT_MIN", 0)
    done = MemoryStorage()
    done.files = {n: bytearray(d) for n, d in base.files.items()}
    CHANGES[change](new_secure(done, seed=9)[1].store(TA_A, namespace))
    new = full_snapshot(new_secure(done, seed=10)[1].store(TA_A, namespace))
    assert new != old
    step, outcomes = 0, set()
    while True:
        memory = MemoryStorage()
        memory.files = {n: bytearray(d) for n, d in base.files.items()}
        memory.crash_after(step)
        try:
            CHANGES[change](new_secure(memory, seed=20 + step)[1].store(TA_A, namespace))
            crashed = False
        except SimulatedCrash:
            crashed = True
        memory.crash_after(None)
        store = new_secure(memory, seed=50 + step)[1].store(TA_A, namespace)
        after = full_snapshot(store)
        assert after in (old, new), f"crash at step {step}: a mix of old and new"
        outcomes.add("new" if after == new else "old")
        store.create(b"probe", ObjectMeta(), b"usable", overwrite=True)  # still works
        assert store.read(b"probe", 0, 6) == b"usable"
        if not crashed:
            break
        step += 1
    assert outcomes == {"old", "new"} and step >= 2


# -- SIGKILL at random moments, real files ---------------------------------------------------

KILLS = 200
OBJECTS = [b"obj-%d" % n for n in range(4)]


def apply(model: State, op: list[str]) -> State:
    """The state after one of the writer's operations (see writer())."""
    out = dict(model)
    oid, kind, a, b = op[0].encode(), op[1], int(op[2]), int(op[3])
    if kind == "create":
        out[oid] = pattern(b, a)
    elif kind == "write":
        cur = bytearray(out[oid])
        patch = pattern(b, 1 + b % 5000)
        cur.extend(bytes(max(0, a + len(patch) - len(cur))))
        cur[a:a + len(patch)] = patch
        out[oid] = bytes(cur)
    elif kind == "trunc":
        out[oid] = out[oid][:a] + bytes(max(0, a - len(out[oid])))
    return out


def writer(root: str, fd: int, seed: int) -> None:
    """The child: tell the parent each operation, do it, tell it it is done; forever."""
    store = SecureStorage(FileStorage(root), HUK, SystemRandom()).store(TA_A, "ree")
    rng = random.Random(seed)
    while True:
        oid = rng.choice(OBJECTS)
        kind = rng.choice(["create", "create", "write", "write", "trunc"])
        tag = rng.randrange(1 << 30)
        size = rng.choice([50, 700, INLINE_LIMIT + 100, CHUNK_SIZE + 1000])
        if kind == "create":
            a = size
        elif kind == "write":
            a = rng.randrange(size)
        else:
            a = rng.randrange(2 * size)
        os.write(fd, f"{oid.decode()} {kind} {a} {tag}\n".encode())
        if kind == "create":
            store.create(oid, ObjectMeta(), pattern(tag, a), overwrite=True)
        elif kind == "write":
            store.write(oid, a, pattern(tag, 1 + tag % 5000))
        else:
            store.truncate(oid, a)
        os.write(fd, b"ok\n")


def test_sigkill_at_random_points(tmp_path: Path) -> None:
    root = str(tmp_path / "storage")
    secure = SecureStorage(FileStorage(root), HUK, SystemRandom())
    model: State = {oid: pattern(n, 100) for n, oid in enumerate(OBJECTS)}
    for oid, data in model.items():
        secure.store(TA_A).create(oid, ObjectMeta(), data, overwrite=False)
    rng = random.Random(1234)
    in_flight = 0
    started = time.monotonic()
    for cycle in range(KILLS):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(rfd)
            try:
                writer(root, wfd, cycle)
            finally:
                os._exit(0)
        os.close(wfd)
        time.sleep(rng.uniform(0.0005, 0.012))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines = b""
        while chunk := os.read(rfd, 65536):
            lines += chunk
        os.close(rfd)
        pending = None
        for line in lines.decode().splitlines():
            if line == "ok":
                model, pending = apply(model, pending), None  # type: ignore[arg-type]
            else:
                pending = line.split()
        store = SecureStorage(FileStorage(root), HUK, SystemRandom()).store(TA_A)
        found = snapshot(store)
        if pending is not None:
            in_flight += 1
            new = apply(model, pending)
            assert found in (model, new), f"cycle {cycle}: torn state after {pending}"
            model = found
        else:
            assert found == model, f"cycle {cycle}: lost a completed operation"
        store.write(OBJECTS[0], 0, b"parent")  # the store stays usable
        model[OBJECTS[0]] = b"parent" + model[OBJECTS[0]][6:]
        assert store.read(OBJECTS[0], 0, 1 << 30) == model[OBJECTS[0]]
    elapsed = time.monotonic() - started
    assert in_flight >= KILLS // 2, f"only {in_flight} kills hit an operation"
    assert elapsed < KILLS * 0.25
    # temporary and orphaned files of killed writers were swept by the parent's writes
    live = {f"{c.file:016x}" for oid in store.ids() for c in store.open(oid).chunks if c.file}
    on_disk = set(os.listdir(os.path.join(root, store.directory))) - {"log"}
    assert on_disk == live
    with pytest.raises(ItemNotFound):
        store.open(b"never-created")
