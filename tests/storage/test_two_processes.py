"""Two processes on one state directory: concurrent writers and a reader never see a torn or
mixed object, and every completed write is there at the end."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

from optee_litebox.runtime import Tee
from optee_litebox.samples import sample
from optee_litebox.secure_storage import ObjectMeta, SecureStorage
from optee_litebox.south_linux import FileStorage, SystemRandom, linux_platform

from .conftest import HUK, READ, RW, TA_A, StorageTa


def content(tag: str) -> bytes:
    """What the workers write: a SHA-256 of the body, then the body."""
    body = (tag * 400).encode()[:50 + zlib.crc32(tag.encode()) % 3000]
    return hashlib.sha256(body).digest() + body


WORKER = textwrap.dedent("""
    import hashlib, json, sys, zlib
    from optee_litebox.secure_storage import ObjectMeta, SecureStorage, StorageError
    from optee_litebox.south_linux import FileStorage, SystemRandom
    root, name, rounds, huk = sys.argv[1], sys.argv[2], int(sys.argv[3]), bytes.fromhex(sys.argv[4])
    store = SecureStorage(FileStorage(root), huk, SystemRandom()).store(
        __import__("uuid").UUID(sys.argv[5]))

    def content(tag):
        body = (tag * 400).encode()[: 50 + zlib.crc32(tag.encode()) % 3000]
        return hashlib.sha256(body).digest() + body

    def valid(data):
        return hashlib.sha256(data[32:]).digest() == data[:32]

    bad = reads = 0
    for i in range(rounds):
        if name == "reader":
            for oid in store.ids():
                try:
                    data = store.read(oid, 0, 1 << 20)
                except StorageError:
                    continue  # removed between listing and reading
                bad += not valid(data)
                reads += 1
            continue
        store.create(f"{name}-{i % 4}".encode(), ObjectMeta(), content(f"{name}:{i}"), True)
        store.create(b"shared", ObjectMeta(), content(f"{name}:{i}"), True)
        if i % 10 == 9:
            store.write(b"shared", 32, b"")  # a no-op write between the commits
    print(json.dumps({"bad": bad, "reads": reads}))
""")


def test_two_writers_and_a_reader_on_one_directory(tmp_path: Path) -> None:
    root = str(tmp_path / "storage")
    secure = SecureStorage(FileStorage(root), HUK, SystemRandom())
    secure.store(TA_A).create(b"shared", ObjectMeta(), content("initial"), overwrite=False)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, root, name, rounds, HUK.hex(), str(TA_A)],
                              stdout=subprocess.PIPE, text=True)
             for name, rounds in (("w1", "300"), ("w2", "300"), ("reader", "100"))]
    results = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert all(r["bad"] == 0 for r in results) and results[2]["reads"] >= 100
    store = SecureStorage(FileStorage(root), HUK, SystemRandom()).store(TA_A)
    assert sorted(store.ids()) == sorted([b"shared"] + [b"w%d-%d" % (w, n) for w in (1, 2)
                                                         for n in range(4)])
    for writer in ("w1", "w2"):
        for n in range(4):
            last = max(i for i in range(300) if i % 4 == n)
            assert store.read(f"{writer}-{n}".encode(), 0, 1 << 20) == content(f"{writer}:{last}")
    assert store.read(b"shared", 0, 1 << 20) in (content("w1:299"), content("w2:299"))


def test_a_ta_sees_objects_another_server_wrote(tmp_path: Path) -> None:
    state = tmp_path / "state"
    code = textwrap.dedent(f"""
        from optee_litebox.runtime import Param, Tee
        from optee_litebox.samples import sample
        from optee_litebox.south_linux import linux_platform
        tee = Tee(linux_platform({str(state)!r}, quiet=True))
        tee.add(sample("storage").ta_path)
        res, _, s = tee.open_session(sample("storage").uuid)
        p = [Param.memref_in(b"from-the-other-process"), Param.value_in(7, 1),
             Param.memref_in(b"written elsewhere"), Param.value_inout(0, 1)]
        tee.invoke(s, 0, p)
        print(p[3].a)
        tee.close()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "0", out.stderr
    tee = Tee(linux_platform(state, quiet=True))
    tee.add(sample("storage").ta_path)
    ta = StorageTa(tee)
    res, h = ta.open(b"from-the-other-process", READ)
    assert ta.read(h, 100) == (0, b"written elsewhere")
    assert ta.create(b"from-the-other-process", RW)[0] == 0xFFFF0003  # exists: no overwrite
    tee.close()
