"""GP data streams, enumerators, corrupt objects and a full medium through the storage sample
TA, with the results OP-TEE 4.10.0 gives (and the panics its libutee turns others into)."""
from __future__ import annotations

import struct

import pytest

from optee_litebox.abi.results import (
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_BAD_STATE,
    TEE_ERROR_CORRUPT_OBJECT,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_OVERFLOW,
    TEE_ERROR_STORAGE_NO_SPACE,
    TEE_ERROR_TARGET_DEAD,
    TEE_ORIGIN_TEE,
    TEE_SUCCESS,
)
from optee_litebox.deterministic import deterministic_platform
from optee_litebox.platform import Platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample
from optee_litebox.secure_storage import CHUNK_SIZE, MemoryStorage

from .conftest import (
    PRIV,
    PRIVATE,
    READ,
    RPMB,
    RW,
    SEEK_CUR,
    SEEK_END,
    SEEK_SET,
    SHARE_READ,
    SHARE_WRITE,
    WRITE,
    WRITE_META,
    StorageTa,
)

PERSISTENT, INITIALIZED = 0x10000, 0x20000


def new_object(ta: StorageTa, data: bytes, flags: int = RW, oid: bytes = b"s") -> int:
    res, h = ta.create(oid, flags, data=data)
    assert res == TEE_SUCCESS
    return h


def test_read_write_move_the_position_and_stop_at_the_end(ta: StorageTa) -> None:
    h = new_object(ta, b"0123456789")
    assert ta.read(h, 4) == (TEE_SUCCESS, b"0123")
    assert ta.read(h, 100) == (TEE_SUCCESS, b"456789")
    assert ta.read(h, 100) == (TEE_SUCCESS, b"")
    assert ta.info(h)[1].data_position == 10
    assert ta.write(h, b"AB") == TEE_SUCCESS
    assert ta.seek(h, 0, SEEK_SET) == TEE_SUCCESS
    assert ta.read(h, 100) == (TEE_SUCCESS, b"0123456789AB")


def test_seek_rules(ta: StorageTa) -> None:
    h = new_object(ta, b"0123456789")
    assert ta.seek(h, 3, SEEK_SET) == TEE_SUCCESS and ta.read(h, 2) == (TEE_SUCCESS, b"34")
    assert ta.seek(h, -1, SEEK_CUR) == TEE_SUCCESS and ta.read(h, 1) == (TEE_SUCCESS, b"4")
    assert ta.seek(h, -2, SEEK_END) == TEE_SUCCESS and ta.read(h, 9) == (TEE_SUCCESS, b"89")
    assert ta.seek(h, -100, SEEK_CUR) == TEE_SUCCESS  # before the start: position 0
    assert ta.info(h)[1].data_position == 0
    assert ta.seek(h, 5, SEEK_END) == TEE_SUCCESS  # past the end is fine
    assert ta.info(h)[1].data_position == 15 and ta.read(h, 4) == (TEE_SUCCESS, b"")
    # libutee's own overflow check of a positive offset against the 32-bit position
    assert ta.seek(h, 0x7FFFFFFF, SEEK_SET) == TEE_SUCCESS
    assert ta.seek(h, 0x7FFFFFFF, SEEK_CUR) == TEE_SUCCESS
    assert ta.info(h)[1].data_position == 0xFFFFFFFE
    assert ta.seek(h, 2, SEEK_CUR) == TEE_ERROR_OVERFLOW
    assert ta.info(h)[1].data_position == 0xFFFFFFFE
    # the kernel takes the offset as an int32_t and answers BAD_PARAMETERS past the maximum
    assert ta.syscall(53, [h, 0xFFFFFFFF, SEEK_SET])[0] == TEE_SUCCESS  # -1: clamped to 0
    assert ta.info(h)[1].data_position == 0
    assert ta.syscall(53, [h, 1 << 32 | 7, SEEK_SET])[0] == TEE_SUCCESS  # upper bits ignored
    assert ta.info(h)[1].data_position == 7
    assert ta.syscall(53, [h, 0x7FFFFFFF, SEEK_CUR])[0] == TEE_SUCCESS
    assert ta.syscall(53, [h, 0x7FFFFFFF, SEEK_CUR])[0] == TEE_ERROR_BAD_PARAMETERS
    assert ta.syscall(53, [h, 0, 3])[0] == TEE_ERROR_BAD_PARAMETERS
    # libutee answers an unknown whence with ITEM_NOT_FOUND, and panics on it
    res, origin = ta.tee.invoke(ta.session, 6, [Param.value_in(h, 3), Param.value_in(0, 0),
                                                Param.none(), Param.value_out()])
    assert (res, origin) == (TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE)


def test_writes_past_the_end_zero_fill_and_truncate(ta: StorageTa) -> None:
    h = new_object(ta, b"abc")
    assert ta.seek(h, 6, SEEK_SET) == TEE_SUCCESS and ta.write(h, b"Z") == TEE_SUCCESS
    assert ta.seek(h, 0, SEEK_SET) == TEE_SUCCESS
    assert ta.read(h, 100) == (TEE_SUCCESS, b"abc\0\0\0Z")
    assert ta.trunc(h, 2) == TEE_SUCCESS
    info = ta.info(h)[1]
    assert (info.data_size, info.data_position) == (2, 7)  # the position stays
    assert ta.trunc(h, 5) == TEE_SUCCESS
    assert ta.seek(h, 0, SEEK_SET) == TEE_SUCCESS and ta.read(h, 9) == (TEE_SUCCESS, b"ab\0\0\0")


def test_large_data_round_trips(ta: StorageTa) -> None:
    data = bytes((n * 31 + 7) & 0xFF for n in range(3 * CHUNK_SIZE + 1234))
    h = new_object(ta, data)
    assert ta.read(h, len(data) + 10) == (TEE_SUCCESS, data)
    assert ta.seek(h, CHUNK_SIZE - 2, SEEK_SET) == TEE_SUCCESS
    assert ta.write(h, b"XXXX") == TEE_SUCCESS
    assert ta.seek(h, CHUNK_SIZE - 4, SEEK_SET) == TEE_SUCCESS
    assert ta.read(h, 8) == (TEE_SUCCESS, data[CHUNK_SIZE - 4:CHUNK_SIZE - 2] + b"XXXX"
                             + data[CHUNK_SIZE + 2:CHUNK_SIZE + 4])


def test_access_rights_of_the_handle(ta: StorageTa) -> None:
    h = new_object(ta, b"data", flags=WRITE | WRITE_META)
    assert ta.syscall(50, [h, PRIV(0), 4, PRIV(64)])[0] == TEE_ERROR_ACCESS_CONFLICT
    ta.close(h)
    res, h = ta.open(b"s", READ)
    assert ta.syscall(51, [h, PRIV(0), 4])[0] == TEE_ERROR_ACCESS_CONFLICT
    assert ta.syscall(52, [h, 0])[0] == TEE_ERROR_ACCESS_CONFLICT
    # through the GP API those panic the TA
    res, origin = ta.tee.invoke(ta.session, 4, [Param.value_in(h, 0), Param.memref_in(b"x"),
                                                Param.none(), Param.value_out()])
    assert (res, origin) == (TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE)


def test_data_calls_on_a_transient_object_or_no_handle(ta: StorageTa) -> None:
    res, key = ta.key_create(b"k", bytes(16), transform=False)
    ta.close(key)
    # a transient object (allocated by the raw syscall 27: AES, 128 bits)
    res, out = ta.syscall(27, [0xA0000010, 128, PRIV(0)])
    assert res == TEE_SUCCESS
    transient = int.from_bytes(out[:4], "little")
    for nr, args in ((50, [transient, PRIV(8), 1, PRIV(64)]), (51, [transient, PRIV(8), 1]),
                     (52, [transient, 0]), (53, [transient, 0, SEEK_SET]), (44, [transient, PRIV(8), 1])):
        assert ta.syscall(nr, args)[0] == TEE_ERROR_BAD_STATE, nr
    assert ta.syscall(50, [0x5555, PRIV(8), 1, PRIV(64)])[0] == TEE_ERROR_BAD_STATE


def test_write_ending_past_the_maximum_position_overflows(ta: StorageTa) -> None:
    h = new_object(ta, b"")
    assert ta.seek(h, 0x7FFFFFFF, SEEK_SET) == TEE_SUCCESS
    assert ta.seek(h, 0x7FFFFFFF, SEEK_CUR) == TEE_SUCCESS  # 0xFFFFFFFE
    assert ta.write(h, b"A") == TEE_SUCCESS  # ends at the maximum: allowed (a hole before it)
    assert ta.info(h)[1].data_size == 0xFFFFFFFF
    assert ta.write(h, b"B") == TEE_ERROR_OVERFLOW


def test_each_handle_has_its_own_data_size(ta: StorageTa) -> None:
    share = SHARE_READ | SHARE_WRITE
    h1 = new_object(ta, b"12345", flags=READ | WRITE | share)
    res, h2 = ta.open(b"s", READ | WRITE | share)
    assert ta.seek(h1, 0, SEEK_END) == TEE_SUCCESS and ta.write(h1, b"678") == TEE_SUCCESS
    assert ta.info(h1)[1].data_size == 8
    assert ta.info(h2)[1].data_size == 5  # as upstream: the size h2 saw when it opened
    assert ta.seek(h2, 0, SEEK_END) == TEE_SUCCESS and ta.info(h2)[1].data_position == 5
    assert ta.read(h2, 10) == (TEE_SUCCESS, b"678")  # but reads see the object as it is


def test_enumeration(ta: StorageTa) -> None:
    e = ta.enum_alloc()
    assert ta.enum_start(e) == TEE_ERROR_ITEM_NOT_FOUND  # nothing stored yet
    assert ta.enum_next(e)[0] == TEE_ERROR_ITEM_NOT_FOUND
    for oid in (b"one", b"two", b"three"):
        ta.create(oid, RW, data=oid * 2, null_obj=True)
    res, h = ta.open(b"two", READ | SHARE_READ)
    assert ta.enum_next(e)[0] == TEE_ERROR_ITEM_NOT_FOUND  # not started since
    assert ta.enum_start(e) == TEE_SUCCESS
    seen = []
    while True:
        res, oid, info = ta.enum_next(e)
        if res != TEE_SUCCESS:
            assert res == TEE_ERROR_ITEM_NOT_FOUND
            break
        seen.append((oid, info.data_size, info.data_position, info.handle_flags, info.obj_type))
    assert seen == [(b"one", 6, 0, PERSISTENT | INITIALIZED, 0xA00000BF),
                    (b"two", 6, 0, PERSISTENT | INITIALIZED | READ | SHARE_READ, 0xA00000BF),
                    (b"three", 10, 0, PERSISTENT | INITIALIZED, 0xA00000BF)]
    ta.enum_reset(e)
    assert ta.enum_next(e)[0] == TEE_ERROR_ITEM_NOT_FOUND
    assert ta.enum_start(e) == TEE_SUCCESS and ta.enum_next(e)[1] == b"one"
    assert ta.enum_start(e, RPMB) == TEE_ERROR_ITEM_NOT_FOUND
    ta.enum_free(e)
    assert ta.syscall(48, [e, PRIVATE])[0] == TEE_ERROR_BAD_PARAMETERS  # freed
    assert ta.syscall(49, [h, PRIV(0), PRIV(64), PRIV(128)])[0] == TEE_ERROR_BAD_PARAMETERS
    assert ta.syscall(45, [0])[0] == TEE_ERROR_BAD_PARAMETERS


def test_enumeration_writes_the_id_into_the_buffer(ta: StorageTa) -> None:
    ta.create(b"x" * 64, RW, null_obj=True)
    res, out = ta.syscall(45, [PRIV(0)])
    e = int.from_bytes(out[:4], "little")
    assert ta.syscall(48, [e, PRIVATE])[0] == TEE_SUCCESS
    res, out = ta.syscall(49, [e, PRIV(8), PRIV(64), PRIV(200)])
    assert res == TEE_SUCCESS
    assert out[64:128] == b"x" * 64 and struct.unpack_from("<Q", out, 200)[0] == 64
    assert struct.unpack_from("<7I", out, 8)[0] == 0xA00000BF


def tamper_chunk(memory: MemoryStorage) -> None:
    name = next(n for n in memory.files if not n.endswith("/log") and not n.startswith("rpmb/"))
    memory.files[name][40] ^= 1


def test_corrupt_object_is_deleted_and_its_handle_closed() -> None:
    memory = MemoryStorage()
    tee = Tee(deterministic_platform(storage=memory))
    tee.add(sample("storage").ta_path)
    ta = StorageTa(tee)
    h = new_object(ta, bytes(range(256)) * (CHUNK_SIZE // 64))
    tamper_chunk(memory)
    assert ta.seek(h, 0, SEEK_SET) == TEE_SUCCESS
    assert ta.read(h, 16)[0] == TEE_ERROR_CORRUPT_OBJECT
    assert ta.open(b"s", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)  # removed
    assert ta.syscall(24, [h, PRIV(0)])[0] == TEE_ERROR_BAD_STATE  # handle closed
    tee.close()


def test_corrupt_object_handle_stays_with_dont_close_flag() -> None:
    memory = MemoryStorage()
    tee = Tee(deterministic_platform(storage=memory))
    tee.add(sample("storage_keep").ta_path)
    ta = StorageTa(tee, "storage_keep")
    h = new_object(ta, bytes(range(256)) * (CHUNK_SIZE // 64))
    tamper_chunk(memory)
    assert ta.read(h, 16)[0] == TEE_ERROR_CORRUPT_OBJECT
    assert ta.info(h)[0] == TEE_SUCCESS  # still a valid handle, still holding the ID
    assert ta.open(b"s", READ) == (TEE_ERROR_ACCESS_CONFLICT, 0)
    assert ta.read(h, 16)[0] == TEE_ERROR_CORRUPT_OBJECT  # its object is gone
    ta.close(h)
    assert ta.open(b"s", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)  # deleted
    tee.close()


def test_corrupt_head_on_open(tee_storage: Tee, storage_platform: Platform) -> None:
    ta = StorageTa(tee_storage)
    ta.create(b"victim", RW, data=b"x" * 100, null_obj=True)
    memory = storage_platform.storage
    assert isinstance(memory, MemoryStorage)
    log = next(n for n in memory.files if n.endswith("/log"))
    memory.files[log][-200] ^= 0x10  # inside the head of the last commit's object
    fresh = Tee(deterministic_platform(seed=8, storage=memory))  # a new process: no cache
    fresh.add(sample("storage").ta_path)
    other = StorageTa(fresh)
    assert other.open(b"victim", READ) == (TEE_ERROR_CORRUPT_OBJECT, 0)
    assert other.open(b"victim", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    fresh.close()


@pytest.mark.parametrize("how", ["create", "write"])
def test_full_storage_is_storage_no_space(how: str) -> None:
    memory = MemoryStorage()
    tee = Tee(deterministic_platform(storage=memory))
    tee.add(sample("storage").ta_path)
    ta = StorageTa(tee)
    h = new_object(ta, b"first")
    memory.capacity = memory.used() + 1000
    big = bytes(range(256)) * 1024
    if how == "create":
        assert ta.create(b"big", RW, data=big) == (TEE_ERROR_STORAGE_NO_SPACE, 0)
        assert ta.open(b"big", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    else:
        assert ta.write(h, big) == TEE_ERROR_STORAGE_NO_SPACE
        assert ta.info(h)[1].data_size == 5
    memory.capacity = None
    assert ta.seek(h, 0, SEEK_SET) == TEE_SUCCESS and ta.read(h, 10) == (TEE_SUCCESS, b"first")
    tee.close()


def test_benchmark_command_round_trips(ta: StorageTa) -> None:
    data = bytes(range(256)) * 4
    assert ta.bench(0, 5, 1024, 3, data) == (5, TEE_SUCCESS)
    assert ta.enumerate() == [b"bench-0", b"bench-1", b"bench-2"]
    assert ta.bench(1, 6, 1024, 3, bytes(1024)) == (6, TEE_SUCCESS)
    assert ta.bench(2, 3, 0, 3, b"") == (3, TEE_SUCCESS)
    assert ta.enumerate() == []
    assert ta.bench(1, 1, 16, 1, bytes(16)) == (0, TEE_ERROR_ITEM_NOT_FOUND)
