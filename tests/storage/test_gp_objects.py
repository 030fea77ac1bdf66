"""GP persistent objects through the storage sample TA: open/create flags, sharing rules,
delete, rename, object info, attributes, persistence; results as OP-TEE 4.10.0 gives them.
"""
from __future__ import annotations

import pytest

from optee_litebox.abi.results import (
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_BAD_STATE,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_TARGET_DEAD,
    TEE_ORIGIN_TEE,
    TEE_SUCCESS,
)
from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample
from optee_litebox.secure_storage import MemoryStorage

from .conftest import (
    OVERWRITE,
    PRIV,
    PRIVATE,
    READ,
    REE,
    RPMB,
    RW,
    SHARE_READ,
    SHARE_WRITE,
    SHARED,
    WRITE,
    WRITE_META,
    StorageTa,
)

PERSISTENT, INITIALIZED = 0x10000, 0x20000
TYPE_DATA, TYPE_AES = 0xA00000BF, 0xA0000010
ATTR_SECRET_VALUE = 0xC0000000


def dead(ta: StorageTa, cmd: int, params: list[Param]) -> None:
    """The command must panic the TA (what libutee does with an undocumented result)."""
    res, origin = ta.tee.invoke(ta.session, cmd, params)
    assert (res, origin) == (TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE)


def test_create_write_read_and_info(ta: StorageTa) -> None:
    res, h = ta.create(b"obj", RW, data=b"initial")
    assert res == TEE_SUCCESS and h
    res, info = ta.info(h)
    assert res == TEE_SUCCESS
    assert (info.obj_type, info.object_size, info.max_object_size, info.usage) == \
        (TYPE_DATA, 0, 0, 0xFFFFFFFF)
    assert (info.data_size, info.data_position) == (7, 0)
    assert info.handle_flags == PERSISTENT | INITIALIZED | RW
    assert ta.read(h, 100) == (TEE_SUCCESS, b"initial")
    assert ta.write(h, b"+more") == TEE_SUCCESS
    assert ta.info(h)[1].data_size == 12 and ta.info(h)[1].data_position == 12
    ta.close(h)
    res, h = ta.open(b"obj", READ)
    assert res == TEE_SUCCESS
    assert ta.read(h, 100) == (TEE_SUCCESS, b"initial+more")
    assert ta.info(h)[1].handle_flags == PERSISTENT | INITIALIZED | READ


def test_create_flags_and_overwrite(ta: StorageTa) -> None:
    res, h = ta.create(b"o", RW | OVERWRITE, data=b"one")
    assert res == TEE_SUCCESS
    assert ta.info(h)[1].handle_flags == PERSISTENT | INITIALIZED | RW | OVERWRITE
    ta.close(h)
    assert ta.create(b"o", RW) == (TEE_ERROR_ACCESS_CONFLICT, 0)
    res, h = ta.create(b"o", RW | OVERWRITE, data=b"two")
    assert res == TEE_SUCCESS and ta.read(h, 10) == (TEE_SUCCESS, b"two")
    ta.close(h)
    assert ta.create(b"none", RW, null_obj=True) == (TEE_SUCCESS, 0)  # created and closed
    assert ta.open(b"none", READ)[0] == TEE_SUCCESS


def test_item_not_found_and_unknown_storage(ta: StorageTa) -> None:
    assert ta.open(b"nope", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    assert ta.open(b"nope", READ, storage=0x12345678) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    assert ta.create(b"x", RW, storage=2) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    e = ta.enum_alloc()
    assert ta.enum_start(e, 0x7) == TEE_ERROR_ITEM_NOT_FOUND


def test_kernel_rejects_bad_flags_and_long_ids(ta: StorageTa) -> None:
    scratch = b"id" + bytes(254)
    assert ta.syscall(41, [PRIVATE, PRIV(0), 2, 0x8, PRIV(128)], scratch)[0] == TEE_ERROR_BAD_PARAMETERS
    assert ta.syscall(41, [PRIVATE, PRIV(0), 2, OVERWRITE, PRIV(128)], scratch)[0] == \
        TEE_ERROR_BAD_PARAMETERS  # OVERWRITE is for create only
    assert ta.syscall(42, [PRIVATE, PRIV(0), 65, RW, 0, 0, 0, PRIV(128)], scratch)[0] == \
        TEE_ERROR_BAD_PARAMETERS
    assert ta.syscall(42, [PRIVATE, PRIV(0), 64, RW, 0, 0, 5, PRIV(128)], scratch)[0] == \
        TEE_ERROR_BAD_PARAMETERS  # data length without data
    res, out = ta.syscall(42, [PRIVATE, PRIV(0), 64, RW, 0, 0, 0, PRIV(128)], scratch)
    assert res == TEE_SUCCESS and int.from_bytes(out[128:132], "little") != 0
    # the ID must be in memory private to the TA: a client buffer is refused
    assert ta.syscall(41, [PRIVATE, SHARED(0), 2, READ, PRIV(128)], scratch)[0] == TEE_ERROR_ACCESS_DENIED
    # a bad flag through the GP API panics the TA, as libutee does
    dead(ta, 1, [Param.memref_in(b"id"), Param.value_in(0x8, PRIVATE), Param.none(), Param.value_out()])


@pytest.mark.parametrize(("first", "second", "ok"), [
    (READ | SHARE_READ, READ | SHARE_READ, True),
    (READ, READ | SHARE_READ, False),
    (READ | SHARE_READ, READ, False),
    (SHARE_READ, SHARE_READ, True),
    (SHARE_READ, 0, False),
    (0, 0, True),  # no access, no sharing: nothing to conflict with
    (0, READ, False),
    (WRITE | SHARE_WRITE, WRITE | SHARE_WRITE, True),
    (WRITE | SHARE_WRITE | SHARE_READ, READ | SHARE_READ | SHARE_WRITE, True),
    (WRITE | SHARE_WRITE, READ | SHARE_READ | SHARE_WRITE, False),
    (READ | SHARE_READ | SHARE_WRITE, WRITE | SHARE_WRITE, False),
    (WRITE_META | SHARE_READ | SHARE_WRITE, SHARE_READ | SHARE_WRITE, False),
    (SHARE_READ | SHARE_WRITE, WRITE_META | SHARE_READ | SHARE_WRITE, False),
])
def test_sharing_rules(ta: StorageTa, first: int, second: int, ok: bool) -> None:
    ta.create(b"shared", RW, data=b"x", null_obj=True)
    res, h1 = ta.open(b"shared", first)
    assert res == TEE_SUCCESS
    res, h2 = ta.open(b"shared", second)
    assert res == (TEE_SUCCESS if ok else TEE_ERROR_ACCESS_CONFLICT)
    assert (h2 != 0) == ok
    ta.close(h1)
    if ok:
        ta.close(h2)
    res, h3 = ta.open(b"shared", second)  # once the first handle is closed, anything goes
    assert res == TEE_SUCCESS


def test_create_while_open(ta: StorageTa) -> None:
    ta.create(b"c", RW, data=b"old", null_obj=True)
    res, h = ta.open(b"c", READ | SHARE_READ | SHARE_WRITE)
    assert res == TEE_SUCCESS
    assert ta.create(b"c", RW | SHARE_READ | SHARE_WRITE)[0] == TEE_ERROR_ACCESS_CONFLICT
    assert ta.create(b"c", READ | OVERWRITE)[0] == TEE_ERROR_ACCESS_CONFLICT  # no SHARE_READ
    res, h2 = ta.create(b"c", READ | SHARE_READ | SHARE_WRITE | OVERWRITE, data=b"new")
    assert res == TEE_SUCCESS
    assert ta.read(h2, 10) == (TEE_SUCCESS, b"new")


def test_delete_needs_write_meta_and_closes_the_handle(ta: StorageTa) -> None:
    ta.create(b"d", RW, data=b"x", null_obj=True)
    res, h = ta.open(b"d", READ)
    assert ta.syscall(43, [h])[0] == TEE_ERROR_ACCESS_CONFLICT  # the handle stays open
    ta.close(h)
    res, h = ta.open(b"d", READ | WRITE_META)
    assert ta.delete(h) == TEE_SUCCESS
    assert ta.open(b"d", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    assert ta.syscall(28, [h])[0] == TEE_ERROR_BAD_STATE  # closed by the delete
    assert ta.delete(0) == TEE_SUCCESS  # TEE_HANDLE_NULL: nothing to do
    res, h = ta.open(b"missing-too", READ)
    ta.create(b"d2", RW, null_obj=True)
    res, h = ta.open(b"d2", READ)
    dead(ta, 7, [Param.value_in(h, 0), Param.none(), Param.none(), Param.value_out()])


def test_rename(ta: StorageTa) -> None:
    ta.create(b"a", RW, data=b"A", null_obj=True)
    ta.create(b"b", RW, data=b"B", null_obj=True)
    res, h = ta.open(b"a", RW)
    assert ta.rename(h, b"b") == TEE_ERROR_ACCESS_CONFLICT  # exists
    assert ta.rename(h, b"a") == TEE_ERROR_ACCESS_CONFLICT  # itself: reserved by this handle
    assert ta.rename(h, b"c") == TEE_SUCCESS
    assert ta.open(b"a", READ)[0] == TEE_ERROR_ITEM_NOT_FOUND
    assert ta.info(h)[0] == TEE_SUCCESS and ta.read(h, 5) == (TEE_SUCCESS, b"A")
    ta.close(h)
    res, h = ta.open(b"c", READ | SHARE_READ)
    assert ta.read(h, 5) == (TEE_SUCCESS, b"A")
    res, h2 = ta.open(b"b", RW)
    assert ta.rename(h2, b"c") == TEE_ERROR_ACCESS_CONFLICT  # target open elsewhere
    ta.close(h2)
    res, h3 = ta.open(b"b", READ | SHARE_READ)
    assert ta.syscall(44, [h3, PRIV(0), 1], b"z")[0] == TEE_ERROR_BAD_STATE  # no WRITE_META
    assert ta.syscall(44, [h3, PRIV(0), 65], bytes(65))[0] == TEE_ERROR_BAD_PARAMETERS
    # no handle: libutee makes that TEE_ERROR_ITEM_NOT_FOUND, which it then panics on
    dead(ta, 8, [Param.value_in(0, 0), Param.memref_in(b"x"), Param.none(), Param.value_out()])


def test_storage_ids_private_and_ree_share_rpmb_is_separate(ta: StorageTa) -> None:
    ta.create(b"p", RW, storage=PRIVATE, data=b"private", null_obj=True)
    res, h = ta.open(b"p", READ, storage=REE)
    assert res == TEE_SUCCESS and ta.read(h, 20) == (TEE_SUCCESS, b"private")
    assert ta.open(b"p", READ, storage=RPMB) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    ta.create(b"p", RW, storage=RPMB, data=b"rpmb", null_obj=True)
    res, h2 = ta.open(b"p", READ, storage=RPMB)  # no conflict with the REE object
    assert res == TEE_SUCCESS and ta.read(h2, 20) == (TEE_SUCCESS, b"rpmb")
    assert ta.enumerate(RPMB) == [b"p"]


def test_objects_are_private_to_their_ta(tee_storage: Tee) -> None:
    one, two = StorageTa(tee_storage), StorageTa(tee_storage, "storage_keep")
    one.create(b"mine", RW, data=b"secret", null_obj=True)
    assert two.open(b"mine", READ) == (TEE_ERROR_ITEM_NOT_FOUND, 0)
    assert two.enumerate() == []
    two.create(b"mine", RW, data=b"other", null_obj=True)  # same ID, another TA: no conflict
    res, h = one.open(b"mine", READ)
    assert one.read(h, 10) == (TEE_SUCCESS, b"secret")


def test_instances_share_open_objects_and_release_them_when_they_die(tee_storage: Tee) -> None:
    one, two = StorageTa(tee_storage), StorageTa(tee_storage)  # multi-instance TA
    one.create(b"x", RW, data=b"1", null_obj=True)
    res, h = one.open(b"x", RW)
    assert two.open(b"x", READ) == (TEE_ERROR_ACCESS_CONFLICT, 0)
    dead(one, 2, [Param.value_in(0x7777, 0), Param.none(), Param.none(), Param.none()])
    # as upstream releases a panicked TA's state at once, its client need not close it first
    assert two.open(b"x", RW)[0] == TEE_SUCCESS


def test_persistent_key_object_keeps_type_size_and_attributes(ta: StorageTa) -> None:
    key = bytes(range(32))
    res, h = ta.key_create(b"key", key)
    assert res == TEE_SUCCESS
    ta.close(h)
    res, h = ta.open(b"key", READ)
    res, info = ta.info(h)
    assert (info.obj_type, info.object_size, info.max_object_size) == (TYPE_AES, 256, 256)
    assert info.usage == 0xFFFFFFFF and info.data_size == 0
    assert ta.get_attr(h, ATTR_SECRET_VALUE) == (TEE_SUCCESS, key)
    # the usage is stored with the object: restricting it through one handle persists
    assert ta.syscall(25, [h, 0x2])[0] == TEE_SUCCESS
    ta.close(h)
    res, h = ta.open(b"key", READ)
    assert ta.info(h)[1].usage == 0x2
    # a key created with restricted usage keeps it too
    res, h2 = ta.key_create(b"key2", key[:16], usage=0x6)
    assert ta.info(h2)[1].usage == 0x6 and ta.info(h2)[1].object_size == 128


def test_transient_key_becomes_the_persistent_object_with_a_null_handle(ta: StorageTa) -> None:
    res, key = ta.key_create(b"k", bytes(16), transform=True)
    assert res == TEE_SUCCESS
    res, info = ta.info(key)
    assert info.handle_flags & PERSISTENT and info.handle_flags & RW == RW
    assert ta.open(b"k", READ) == (TEE_ERROR_ACCESS_CONFLICT, 0)  # still being created
    ta.close(key)
    res, h = ta.open(b"k", READ)
    assert res == TEE_SUCCESS and ta.info(h)[1].obj_type == TYPE_AES


def test_objects_survive_a_tee_restart() -> None:
    memory = MemoryStorage()
    for round_ in range(2):
        tee = Tee(deterministic_platform(seed=round_, storage=memory))
        tee.add(sample("storage").ta_path)
        ta = StorageTa(tee)
        if round_ == 0:
            ta.create(b"keep", RW, data=b"across restarts", null_obj=True)
            ta.key_create(b"key", bytes(range(16)))
        else:
            res, h = ta.open(b"keep", READ)
            assert ta.read(h, 100) == (TEE_SUCCESS, b"across restarts")
            res, h = ta.open(b"key", READ)
            assert ta.get_attr(h, ATTR_SECRET_VALUE) == (TEE_SUCCESS, bytes(range(16)))
        tee.close()
