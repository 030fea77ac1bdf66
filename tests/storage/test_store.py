"""secure_storage below the syscalls: object semantics, layout, keys, files at rest."""
from __future__ import annotations

import errno
import hashlib
import hmac

import pytest

from optee_litebox.keys import HUK_SUBKEY_SSK, huk_subkey_derive
from optee_litebox.secure_storage import (
    CHUNK_SIZE,
    INLINE_LIMIT,
    CorruptObject,
    ItemExists,
    ItemNotFound,
    MemoryStorage,
    NoSpace,
    ObjectMeta,
    TaStore,
)
from optee_litebox.secure_storage.keys import StorageKeys

from .conftest import HUK, TA_A, TA_B, new_secure


def test_create_read_overwrite(store: TaStore) -> None:
    store.create(b"a", ObjectMeta(), b"hello", overwrite=False)
    assert store.read(b"a", 0, 100) == b"hello"
    assert store.read(b"a", 3, 100) == b"lo"
    assert store.read(b"a", 5, 10) == b"" and store.read(b"a", 99, 10) == b""
    with pytest.raises(ItemExists):
        store.create(b"a", ObjectMeta(), b"x", overwrite=False)
    store.create(b"a", ObjectMeta(usage=5), b"bye", overwrite=True)
    head = store.open(b"a")
    assert (head.size, head.meta.usage) == (3, 5)
    assert store.read(b"a", 0, 100) == b"bye"
    with pytest.raises(ItemNotFound):
        store.open(b"missing")


def test_write_fills_gaps_with_zeros_and_truncate_both_ways(store: TaStore) -> None:
    store.create(b"a", ObjectMeta(), b"abc", overwrite=False)
    store.write(b"a", 6, b"XY")
    assert store.read(b"a", 0, 100) == b"abc\0\0\0XY"
    store.write(b"a", 1, b"")  # nothing written, nothing changes
    assert store.open(b"a").size == 8
    store.truncate(b"a", 2)
    assert store.read(b"a", 0, 100) == b"ab"
    store.truncate(b"a", 5)
    assert store.read(b"a", 0, 100) == b"ab\0\0\0"


def test_large_objects_are_chunked_and_small_writes_touch_one_chunk(memory: MemoryStorage,
                                                                     store: TaStore) -> None:
    data = bytes((n * 7) & 0xFF for n in range(3 * CHUNK_SIZE + 100))
    store.create(b"big", ObjectMeta(), data, overwrite=False)
    head = store.open(b"big")
    assert len(head.chunks) == 4 and head.inline == b""
    before = dict(memory.files)
    store.write(b"big", CHUNK_SIZE + 10, b"ZZ")
    changed = [n for n in memory.files if memory.files[n] != before.get(n)]
    new_chunks = [n for n in changed if not n.endswith("/log")]
    assert len(new_chunks) == 1  # one chunk rewritten, the others shared
    expected = data[:CHUNK_SIZE + 10] + b"ZZ" + data[CHUNK_SIZE + 12:]
    assert store.read(b"big", 0, len(data)) == expected
    # the superseded chunk file is gone
    assert len([n for n in memory.files if not n.endswith("/log")]) == 4


def test_extending_makes_holes_that_read_as_zeros(memory: MemoryStorage, store: TaStore) -> None:
    store.create(b"s", ObjectMeta(), b"", overwrite=False)
    store.truncate(b"s", 64 * 1024 * 1024)
    assert memory.used() < 64 * 1024  # no data stored for the holes
    assert store.read(b"s", 5 * CHUNK_SIZE, 16) == bytes(16)
    store.write(b"s", 40 * 1024 * 1024, b"mid")
    assert store.read(b"s", 40 * 1024 * 1024 - 2, 7) == b"\0\0mid\0\0"
    store.truncate(b"s", INLINE_LIMIT)
    assert store.open(b"s").chunks == [] and store.read(b"s", 0, 4) == bytes(4)


def test_rename_and_remove_keep_enumeration_slots(store: TaStore) -> None:
    for name in (b"a", b"b", b"c"):
        store.create(name, ObjectMeta(), name, overwrite=False)
    store.remove(b"b")
    store.create(b"d", ObjectMeta(), b"d", overwrite=False)  # takes b's free slot
    assert store.ids() == [b"a", b"d", b"c"]
    store.rename(b"a", b"z")
    assert store.ids() == [b"z", b"d", b"c"] and store.read(b"z", 0, 9) == b"a"
    with pytest.raises(ItemExists):
        store.rename(b"z", b"d")
    with pytest.raises(ItemNotFound):
        store.remove(b"a")
    store.create(b"d", ObjectMeta(), b"D", overwrite=True)  # overwrite keeps the slot
    assert store.ids() == [b"z", b"d", b"c"]
    assert [store.next_after(-1), store.next_after(1), store.next_after(2)] == \
        [(0, b"z"), (2, b"c"), None]


def test_ids_and_data_are_not_visible_at_rest(memory: MemoryStorage, store: TaStore) -> None:
    store.create(b"my-secret-object-name", ObjectMeta(), b"TOP SECRET DATA" * 100, overwrite=False)
    blob = b"".join(memory.files.values())
    assert b"my-secret-object-name" not in blob and b"TOP SECRET" not in blob
    assert str(TA_A).encode() not in b"".join(n.encode() for n in memory.files)


def test_a_second_process_sees_commits_and_compaction(memory: MemoryStorage) -> None:
    _, one = new_secure(memory, seed=1)
    _, two = new_secure(memory, seed=2)
    a, b = one.store(TA_A), two.store(TA_A)
    a.create(b"x", ObjectMeta(), b"1", overwrite=False)
    assert b.read(b"x", 0, 1) == b"1"
    for n in range(2000):  # enough appends to compact the log more than once
        a.write(b"x", 0, b"%d" % n)
        if n % 500 == 0:
            assert b.read(b"x", 0, 4) == b"%d" % n
    log = [n for n in memory.files if n.endswith("/log")][0]
    assert len(memory.files[log]) < 300 * 1024
    assert b.read(b"x", 0, 4) == b"1999"
    b.remove(b"x")
    with pytest.raises(ItemNotFound):
        a.open(b"x")


def test_tas_and_namespaces_are_separate(memory: MemoryStorage) -> None:
    _, secure = new_secure(memory)
    secure.store(TA_A).create(b"o", ObjectMeta(), b"A", overwrite=False)
    secure.store(TA_B).create(b"o", ObjectMeta(), b"B", overwrite=False)
    secure.store(TA_A, "rpmb").create(b"o", ObjectMeta(), b"R", overwrite=False)
    assert secure.store(TA_A).read(b"o", 0, 1) == b"A"
    assert secure.store(TA_B).read(b"o", 0, 1) == b"B"
    assert secure.store(TA_A, "rpmb").read(b"o", 0, 1) == b"R"
    assert secure.tas() == [("ree", TA_A), ("rpmb", TA_A), ("ree", TA_B)]


def test_key_hierarchy_follows_upstream_for_ssk_and_tsk() -> None:
    keys = StorageKeys(HUK)
    ssk = huk_subkey_derive(HUK, HUK_SUBKEY_SSK, b"", 32)
    assert keys.ssk == ssk
    # tee_fs_key_manager.c: TSK = HMAC-SHA256(SSK, TEE_UUID as the TA sees it)
    assert keys.tsk(TA_A) == hmac.new(ssk, TA_A.bytes_le, hashlib.sha256).digest()
    assert keys.ta_of_dir_id(keys.ta_dir_id(TA_A)) == TA_A
    assert StorageKeys(bytes(16)).ta_dir_id(TA_A) != keys.ta_dir_id(TA_A)


def test_another_device_key_cannot_read(memory: MemoryStorage) -> None:
    new_secure(memory)[1].store(TA_A).create(b"o", ObjectMeta(), b"data", overwrite=False)
    _, other = new_secure(memory, huk=bytes(15) + b"\x01")
    assert other.tas() != [("ree", TA_A)]  # the directory names mean nothing to it
    stolen = MemoryStorage()
    dir_a = new_secure(memory)[1].store(TA_A).directory
    dir_other = other.store(TA_A).directory
    stolen.files = {n.replace(dir_a, dir_other): d for n, d in memory.files.items()}
    with pytest.raises(CorruptObject):
        new_secure(stolen, huk=bytes(15) + b"\x01")[1].store(TA_A).open(b"o")


def test_full_medium_is_no_space_and_leaves_the_old_version(memory: MemoryStorage) -> None:
    store = new_secure(memory)[1].store(TA_A)
    store.create(b"o", ObjectMeta(), b"old", overwrite=False)
    memory.capacity = memory.used() + 100
    with pytest.raises(NoSpace) as exc:
        store.write(b"o", 0, bytes(CHUNK_SIZE * 2))
    assert exc.value.result == 0xFFFF3041
    memory.capacity = None
    assert store.read(b"o", 0, 10) == b"old"
    store.write(b"o", 0, b"new")
    assert store.read(b"o", 0, 10) == b"new"


def test_host_errors_are_storage_not_available(memory: MemoryStorage) -> None:
    store = new_secure(memory)[1].store(TA_A)

    def broken(*args: object) -> None:
        raise OSError(errno.EIO, "I/O error")

    memory.replace = broken  # type: ignore[method-assign]
    with pytest.raises(Exception) as exc:
        store.create(b"o", ObjectMeta(), b"x", overwrite=False)
    assert getattr(exc.value, "result", None) == 0xF0100003
