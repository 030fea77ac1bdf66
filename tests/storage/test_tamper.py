"""Tampering at rest is detected: flipped bits, truncated files, files swapped between TAs,
a rolled-back RPMB store. "Detected" means TEE_ERROR_CORRUPT_OBJECT (CorruptObject);
the only other acceptable outcome of damage is none at all (the same objects, the same
bytes), e.g. a flip in an anchor slot that is not the current one.
"""
from __future__ import annotations

import random

import pytest

from optee_litebox.secure_storage import (
    CHUNK_SIZE,
    CorruptObject,
    MemoryStorage,
    ObjectMeta,
    SecureStorage,
    StorageError,
)

from .conftest import TA_A, TA_B, new_secure

Snapshot = dict[bytes, tuple[int, bytes]]


def build(namespace: str = "ree") -> tuple[MemoryStorage, SecureStorage, Snapshot]:
    memory, secure = new_secure()
    store = secure.store(TA_A, namespace)
    store.create(b"small", ObjectMeta(), b"small object data", overwrite=False)
    store.create(b"big", ObjectMeta(), random.Random(1).randbytes(2 * CHUNK_SIZE + 5), False)
    store.create(b"key", ObjectMeta(obj_type=0xA0000010, object_size=128, max_object_size=128,
                                    have_attrs=1, attrs=b"\0\0\0\x10" + bytes(16)), b"", False)
    store.write(b"small", 6, b"OBJECT")
    store.remove(b"key")
    store.create(b"later", ObjectMeta(), b"last commit", overwrite=False)
    return memory, secure, read_all(secure, namespace)


def read_all(secure: SecureStorage, namespace: str = "ree") -> Snapshot:
    store = secure.store(TA_A, namespace)
    return {oid: (store.open(oid).meta.usage, store.read(oid, 0, 1 << 24)) for oid in store.ids()}


def outcome(memory: MemoryStorage, namespace: str = "ree") -> Snapshot | None:
    """What a fresh process reads: the objects, or None if it detects corruption."""
    try:
        return read_all(new_secure(memory, seed=77)[1], namespace)
    except CorruptObject:
        return None


def log_name(memory: MemoryStorage, namespace: str = "ree") -> str:
    return next(n for n in memory.files if n.startswith(namespace + "-") and n.endswith("/log"))


def flip_each_byte(memory: MemoryStorage, name: str, namespace: str,
                   good: Snapshot) -> list[int]:
    """Flip one bit of every byte of a file in turn; the offsets where it was detected."""
    original = bytes(memory.files[name])
    rng = random.Random(5)
    detected = []
    for offset in range(len(original)):
        damaged = bytearray(original)
        damaged[offset] ^= 1 << rng.randrange(8)
        memory.files[name] = damaged
        result = outcome(memory, namespace)
        assert result in (None, good), f"flip at {offset} changed what is read, undetected"
        if result is None:
            detected.append(offset)
    memory.files[name] = bytearray(original)
    assert outcome(memory, namespace) == good
    return detected


@pytest.mark.parametrize("namespace", ["ree", "rpmb"])
def test_every_flipped_bit_in_the_log_is_detected_or_harmless(namespace: str) -> None:
    # with history: flips in superseded heads or in an anchor slot change nothing
    memory, _, good = build(namespace)
    flip_each_byte(memory, log_name(memory, namespace), namespace, good)


@pytest.mark.parametrize("namespace", ["ree", "rpmb"])
def test_every_flipped_bit_in_live_log_data_is_detected(namespace: str) -> None:
    memory, secure = new_secure()
    store = secure.store(TA_A, namespace)
    for n in range(3):
        store.create(b"obj%d" % n, ObjectMeta(), b"data %d" % n, overwrite=False)
    good = read_all(secure, namespace)
    name = log_name(memory, namespace)
    detected = flip_each_byte(memory, name, namespace, good)
    # everything after the two 64-byte anchor slots is header, live heads and commits
    assert detected[-1] == len(memory.files[name]) - 1
    assert [o for o in range(128, len(memory.files[name])) if o not in detected] == []


def test_flipped_bit_in_a_chunk_file_is_detected_on_read() -> None:
    memory, _, good = build()
    chunks = [n for n in memory.files if not n.endswith("/log")]
    assert len(chunks) == 3
    for name in chunks:
        original = bytes(memory.files[name])
        for offset in (0, 5, 20, len(original) // 2, len(original) - 1):
            memory.files[name][offset] ^= 0x40
            store = new_secure(memory, seed=3)[1].store(TA_A)
            assert store.read(b"small", 0, 100) == good[b"small"][1]  # others unaffected
            with pytest.raises(CorruptObject):
                store.read(b"big", 0, 3 * CHUNK_SIZE)
            memory.files[name] = bytearray(original)


@pytest.mark.parametrize("namespace", ["ree", "rpmb"])
def test_truncated_files_are_detected(namespace: str) -> None:
    memory, _, good = build(namespace)
    for name in sorted(n for n in memory.files if n.startswith(namespace + "-")):
        original = bytes(memory.files[name])
        for size in sorted({0, 1, 20, 127, 128, len(original) // 2, len(original) - 1}):
            if size >= len(original):
                continue
            memory.files[name] = bytearray(original[:size])
            result = outcome(memory, namespace)
            if result is not None:  # the log is fine: then this chunk's object must fail
                store = new_secure(memory, seed=4)[1].store(TA_A, namespace)
                with pytest.raises(CorruptObject):
                    store.read(b"big", 0, 3 * CHUNK_SIZE)
        memory.files[name] = bytearray(original)
    assert outcome(memory, namespace) == good


def test_files_swapped_between_two_tas_fail_authentication() -> None:
    memory, secure, good = build()
    other = secure.store(TA_B)
    other.create(b"small", ObjectMeta(), b"B's small object", overwrite=False)
    other.create(b"big", ObjectMeta(), random.Random(2).randbytes(2 * CHUNK_SIZE + 5), False)
    dir_a, dir_b = secure.store(TA_A).directory, other.directory
    # B's whole log in A's place
    saved = bytes(memory.files[f"{dir_a}/log"])
    memory.files[f"{dir_a}/log"] = bytearray(memory.files[f"{dir_b}/log"])
    assert outcome(memory) is None
    memory.files[f"{dir_a}/log"] = bytearray(saved)
    # one of B's chunk files in place of one of A's (same kind of file, same name space)
    a_chunk = sorted(n for n in memory.files if n.startswith(dir_a) and not n.endswith("/log"))[0]
    b_chunk = sorted(n for n in memory.files if n.startswith(dir_b) and not n.endswith("/log"))[0]
    saved = bytes(memory.files[a_chunk])
    memory.files[a_chunk] = bytearray(memory.files[b_chunk])
    with pytest.raises(CorruptObject):
        new_secure(memory, seed=5)[1].store(TA_A).read(b"big", 0, 3 * CHUNK_SIZE)
    memory.files[a_chunk] = bytearray(saved)
    assert outcome(memory) == good


def test_chunks_swapped_within_a_ta_are_detected() -> None:
    memory, secure, _ = build()
    store = secure.store(TA_A)
    chunks = sorted(n for n in memory.files if n.startswith(store.directory) and not n.endswith("/log"))
    memory.files[chunks[0]], memory.files[chunks[1]] = memory.files[chunks[1]], memory.files[chunks[0]]
    with pytest.raises(CorruptObject):
        new_secure(memory, seed=6)[1].store(TA_A).read(b"big", 0, 3 * CHUNK_SIZE)


def test_rolled_back_rpmb_store_is_detected() -> None:
    memory, secure, _ = build("rpmb")
    store = secure.store(TA_A, "rpmb")
    old = memory.snapshot(store.directory + "/")
    store.write(b"small", 0, b"newer")
    store.create(b"newest", ObjectMeta(), b"x", overwrite=False)
    memory.restore(old, store.directory + "/")  # every file of the TA back as it was
    assert outcome(memory, "rpmb") is None
    # deleting the TA's files is a rollback to nothing: also detected
    memory.restore({}, store.directory + "/")
    assert outcome(memory, "rpmb") is None


def test_rolled_back_rpmb_partition_is_detected_while_running() -> None:
    memory, secure, _ = build("rpmb")
    store = secure.store(TA_A, "rpmb")
    old = memory.snapshot("rpmb/")
    files = memory.snapshot(store.directory + "/")
    store.write(b"small", 0, b"newer")
    memory.restore(old, "rpmb/")
    memory.restore(files, store.directory + "/")
    with pytest.raises(CorruptObject):
        store.read(b"small", 0, 5)  # this TEE saw a later partition write counter


def test_forged_rpmb_partition_is_detected() -> None:
    memory, _, _ = build("rpmb")
    memory.files["rpmb/partition"][12] ^= 1
    assert outcome(memory, "rpmb") is None


def test_ree_rollback_while_running_is_detected() -> None:
    memory, secure, _ = build()
    store = secure.store(TA_A)
    old = memory.snapshot(store.directory + "/")
    store.write(b"small", 0, b"newer")
    memory.restore(old, store.directory + "/")
    with pytest.raises(CorruptObject):
        store.read(b"small", 0, 5)


def test_damaged_storage_is_never_swept() -> None:
    memory, secure, good = build()
    name = log_name(memory)
    original = bytes(memory.files[name])
    memory.files[name][-5] ^= 0xFF  # inside the last commit
    files = set(memory.files)
    store = new_secure(memory, seed=8)[1].store(TA_A)
    with pytest.raises(StorageError):
        store.create(b"new", ObjectMeta(), b"x", overwrite=False)
    assert set(memory.files) == files  # nothing deleted while the index cannot be read
    memory.files[name] = bytearray(original)
    assert outcome(memory) == good
