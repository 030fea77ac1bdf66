"""Syscalls 0-4, 8-14 and 33 called directly with a fake TA memory, against upstream's rules."""
from __future__ import annotations

import struct

import pytest

from optee_litebox.abi import props as P
from optee_litebox.abi import results as R
from optee_litebox.core.exits import TaPanic, TaReturn
from optee_litebox.gp_api import registry
from optee_litebox.gp_api.context import ClientIdentity, SyscallContext
from optee_litebox.errors import GuestMemoryError
from optee_litebox.keys import tee_device_id

from .conftest import CODE, DATA, PARAM, TEST_UUID

call = {n: s.fn for n, s in registry.REGISTRY.items()}


def u32(ctx: SyscallContext, addr: int) -> int:
    return ctx.mem.read_u32(addr)


# -- 0-2 -----------------------------------------------------------------------------------

def test_return_and_panic_unwind_with_their_codes(ctx: SyscallContext) -> None:
    with pytest.raises(TaReturn) as r:
        call[0](ctx, 0x1_FFFF0006)
    assert r.value.result == 0xFFFF0006
    with pytest.raises(TaPanic) as p:
        call[2](ctx, 0xDEAD, 0x1234)
    assert (p.value.code, p.value.frame) == (0xDEAD, 0x1234)


def test_log_copies_the_text_and_ignores_bad_buffers(ctx: SyscallContext) -> None:
    ctx.mem.write(DATA, b"I/TA: hello\n")
    call[1](ctx, DATA, 12)
    call[1](ctx, DATA, 0)          # empty: nothing
    call[1](ctx, 0x10, 5)          # unreadable: nothing, no error
    call[1](ctx, PARAM, 2)         # shared memory is readable (copy_from_user: any owner)
    assert ctx.logged == ["I/TA: hello\n", "\0\0"]  # type: ignore[attr-defined]


# -- 3-4 properties ------------------------------------------------------------------------

def name_to_index(ctx: SyscallContext, prop_set: int, name: bytes) -> tuple[int, int]:
    ctx.mem.write(DATA, name)
    res = call[4](ctx, prop_set, DATA, len(name), DATA + 0x100)
    return res, u32(ctx, DATA + 0x100)


def get_prop(ctx: SyscallContext, prop_set: int, index: int, blen: int = 64, nlen: int = 128):
    ctx.mem.write_u32(DATA + 0x200, blen)
    ctx.mem.write_u32(DATA + 0x204, nlen)
    res = call[3](ctx, prop_set, index, DATA + 0x400, DATA + 0x204, DATA + 0x300, DATA + 0x200,
                  DATA + 0x208)
    value = ctx.mem.read(DATA + 0x300, min(u32(ctx, DATA + 0x200), blen))
    name = ctx.mem.read(DATA + 0x400, min(u32(ctx, DATA + 0x204), nlen))
    return res, u32(ctx, DATA + 0x208), value, name, u32(ctx, DATA + 0x200)


def test_first_entry_memtag_probe_is_not_found(ctx: SyscallContext) -> None:
    # What libutee asks on every TA's first entry (54 bytes with the NUL): absent on a
    # default build, so libutee skips the get_property call.
    name = b"org.trustedfirmware.optee.cpu.feat_memtag_implemented\0"
    assert len(name) == 54
    assert name_to_index(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, name)[0] == R.TEE_ERROR_ITEM_NOT_FOUND


def test_property_by_name_then_index(ctx: SyscallContext) -> None:
    res, idx = name_to_index(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, b"gpd.tee.apiversion\0")
    assert (res, idx) == (R.TEE_SUCCESS, 0)
    res, ptype, value, name, size = get_prop(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, idx)
    assert res == R.TEE_SUCCESS and ptype == P.USER_TA_PROP_TYPE_STRING
    assert value == b"GPD-1.1-dev\0" and size == 12 and name == b"gpd.tee.apiversion\0"


def test_name_length_counts_the_nul_like_upstream(ctx: SyscallContext) -> None:
    # Upstream overwrites the last byte with NUL: without it the last letter is lost.
    assert name_to_index(ctx, P.TEE_PROPSET_CURRENT_TA, b"gpd.ta.appID")[0] == R.TEE_ERROR_ITEM_NOT_FOUND
    assert name_to_index(ctx, P.TEE_PROPSET_CURRENT_TA, b"gpd.ta.appID\0") == (R.TEE_SUCCESS, 0)
    assert call[4](ctx, P.TEE_PROPSET_CURRENT_TA, 0, 5, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    assert call[4](ctx, P.TEE_PROPSET_CURRENT_TA, DATA, 0, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    assert call[4](ctx, 0x1234, DATA, 4, DATA) == R.TEE_ERROR_ITEM_NOT_FOUND


def test_each_property_set_and_its_types(ctx: SyscallContext) -> None:
    ctx.session.client = ClientIdentity(P.TEE_LOGIN_USER, TEST_UUID)  # type: ignore[union-attr]
    res, ptype, value, name, _ = get_prop(ctx, P.TEE_PROPSET_CURRENT_CLIENT, 0)
    assert (res, ptype, name) == (R.TEE_SUCCESS, P.USER_TA_PROP_TYPE_IDENTITY, b"gpd.client.identity\0")
    assert value == struct.pack("<I", 1) + TEST_UUID.bytes_le
    assert get_prop(ctx, P.TEE_PROPSET_CURRENT_CLIENT, 1)[2] == bytes(4)  # endian: little
    assert get_prop(ctx, P.TEE_PROPSET_CURRENT_TA, 0)[2] == TEST_UUID.bytes_le
    tee = [get_prop(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, i) for i in range(13)]
    names = [t[3].rstrip(b"\0").decode() for t in tee]
    assert names[2] == "gpd.tee.deviceID" and tee[2][2] == tee_device_id(ctx.platform.huk)
    assert tee[5][2] == b"\x01" and tee[5][1] == P.USER_TA_PROP_TYPE_BOOL  # ecc
    assert get_prop(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, 13)[0] == R.TEE_ERROR_ITEM_NOT_FOUND


def test_device_id_is_a_version_5_uuid(ctx: SyscallContext) -> None:
    raw = tee_device_id(ctx.platform.huk)
    assert (raw[7] >> 4) == 5 and (raw[8] & 0xC0) == 0x80
    assert tee_device_id(bytes(16)) != raw


def test_short_buffers_report_the_needed_size(ctx: SyscallContext) -> None:
    res, _, _, _, size = get_prop(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, 0, blen=4)
    assert (res, size) == (R.TEE_ERROR_SHORT_BUFFER, 12)
    res, _, _, _, _ = get_prop(ctx, P.TEE_PROPSET_TEE_IMPLEMENTATION, 0, nlen=3)
    assert res == R.TEE_ERROR_SHORT_BUFFER and u32(ctx, DATA + 0x204) == 19


def test_null_pointers_skip_parts_of_get_property(ctx: SyscallContext) -> None:
    # Only the type: no value, no name.
    assert call[3](ctx, P.TEE_PROPSET_CURRENT_TA, 0, 0, 0, 0, 0, DATA) == R.TEE_SUCCESS
    assert u32(ctx, DATA) == P.USER_TA_PROP_TYPE_UUID
    # Unwritable type pointer: the copy fails.
    with pytest.raises(GuestMemoryError):
        call[3](ctx, P.TEE_PROPSET_CURRENT_TA, 0, 0, 0, 0, 0, CODE)


# -- 8 access rights -----------------------------------------------------------------------

R_, W_, ANY, NS, S = (P.TEE_MEMORY_ACCESS_READ, P.TEE_MEMORY_ACCESS_WRITE, P.TEE_MEMORY_ACCESS_ANY_OWNER,
                      P.TEE_MEMORY_ACCESS_NONSECURE, P.TEE_MEMORY_ACCESS_SECURE)


@pytest.mark.parametrize(("flags", "addr", "size", "expected"), [
    (R_, CODE, 16, R.TEE_SUCCESS),
    (R_ | W_, CODE, 16, R.TEE_ERROR_ACCESS_DENIED),     # text is read-only
    (R_ | W_, DATA, 0x4000, R.TEE_SUCCESS),
    (R_, DATA + 0x3FF0, 0x20, R.TEE_ERROR_ACCESS_DENIED),  # runs off the mapping
    (R_, PARAM, 16, R.TEE_ERROR_ACCESS_DENIED),         # memref needs ANY_OWNER
    (R_ | ANY, PARAM, 16, R.TEE_SUCCESS),
    (R_ | ANY | S, PARAM, 16, R.TEE_ERROR_ACCESS_DENIED),   # client memory is non-secure
    (R_ | ANY | NS, PARAM, 16, R.TEE_SUCCESS),
    (R_ | NS, DATA, 16, R.TEE_ERROR_ACCESS_DENIED),
    (R_ | S | NS, DATA, 16, R.TEE_ERROR_ACCESS_DENIED),
    (R_, 0, 0, R.TEE_SUCCESS),                          # zero length: always allowed
    (R_, 0x1000, 1, R.TEE_ERROR_ACCESS_DENIED),
    (R_, 0xFFFFFFFFFFFFFFF0, 0x20, R.TEE_ERROR_ACCESS_DENIED),  # overflow
    (R_ | ANY, CODE, 0x2000 + (DATA - CODE - 0x2000) + 16, R.TEE_ERROR_ACCESS_DENIED),  # gap
    (R_ | ANY, DATA, 1 << 62, R.TEE_ERROR_ACCESS_DENIED),  # huge: answered quickly
])
def test_check_access_rights(ctx: SyscallContext, flags: int, addr: int, size: int, expected: int) -> None:
    assert call[8](ctx, flags, addr, size) == expected


def test_access_across_two_private_mappings_needs_any_owner(ctx: SyscallContext) -> None:
    ctx.mem.map(DATA + 0x4000, 0x1000, 3, "bss")  # adjacent, separate mapping
    assert call[8](ctx, R_, DATA + 0x3FF0, 0x20) == R.TEE_ERROR_ACCESS_DENIED
    assert call[8](ctx, R_ | ANY, DATA + 0x3FF0, 0x20) == R.TEE_SUCCESS


# -- 9-12 cancellation and wait ------------------------------------------------------------

def test_cancellation_is_masked_until_unmasked(ctx: SyscallContext) -> None:
    sess = ctx.session
    assert sess is not None
    sess.request_cancel()
    assert call[9](ctx, DATA) == R.TEE_SUCCESS and u32(ctx, DATA) == 0  # masked at entry
    assert call[10](ctx, DATA) == R.TEE_SUCCESS and u32(ctx, DATA) == 1  # old mask
    call[9](ctx, DATA)
    assert u32(ctx, DATA) == 1
    assert call[11](ctx, DATA) == R.TEE_SUCCESS and u32(ctx, DATA) == 0


def test_cancellation_flag_to_read_only_memory_fails(ctx: SyscallContext) -> None:
    # copy_to_user fails; the engine turns this into TEE_ERROR_ACCESS_DENIED (test_engine).
    with pytest.raises(GuestMemoryError):
        call[9](ctx, CODE)


def test_wait_sleeps_on_the_platform_clock(ctx: SyscallContext) -> None:
    clock = ctx.platform.clock
    t0 = clock.monotonic_ns()
    assert call[12](ctx, 1500) == R.TEE_SUCCESS
    assert clock.monotonic_ns() - t0 >= 1_500_000_000


def test_wait_is_cancelled_only_when_unmasked(ctx: SyscallContext) -> None:
    sess = ctx.session
    assert sess is not None
    sess.request_cancel()
    assert call[12](ctx, 100) == R.TEE_SUCCESS  # masked: full wait
    sess.cancel_mask = False
    assert call[12](ctx, 10_000) == R.TEE_ERROR_CANCEL


def test_timeout_cancels_a_wait(ctx: SyscallContext) -> None:
    sess = ctx.session
    assert sess is not None
    sess.cancel_mask = False
    sess.cancel_time_ms = 500
    assert call[12](ctx, 10_000) == R.TEE_ERROR_CANCEL


# -- 13-14 time ----------------------------------------------------------------------------

def time_of(ctx: SyscallContext, cat: int) -> tuple[int, int, int]:
    res = call[13](ctx, cat, DATA + 0x40)
    sec, ms = struct.unpack("<II", ctx.mem.read(DATA + 0x40, 8))
    return res, sec, ms


def test_system_and_ree_time(ctx: SyscallContext) -> None:
    ctx.platform.clock.advance(3_250_000_000)
    assert time_of(ctx, P.UTEE_TIME_CAT_SYSTEM) == (R.TEE_SUCCESS, 3, 250)
    res, sec, _ = time_of(ctx, P.UTEE_TIME_CAT_REE)
    assert res == R.TEE_SUCCESS and sec >= 1_767_225_600
    assert call[13](ctx, 3, DATA) == R.TEE_ERROR_BAD_PARAMETERS


def test_ta_time_not_set_then_set_then_follows_system_time(ctx: SyscallContext) -> None:
    assert call[13](ctx, P.UTEE_TIME_CAT_TA_PERSISTENT, DATA) == R.TEE_ERROR_TIME_NOT_SET
    ctx.mem.write(DATA, struct.pack("<II", 1000, 500))
    assert call[14](ctx, DATA) == R.TEE_SUCCESS
    ctx.platform.clock.advance(2_000_000_000)
    assert time_of(ctx, P.UTEE_TIME_CAT_TA_PERSISTENT) == (R.TEE_SUCCESS, 1002, 500)


def test_ta_time_rejects_unnormalized_and_reports_overflow(ctx: SyscallContext) -> None:
    ctx.mem.write(DATA, struct.pack("<II", 5, 1000))
    assert call[14](ctx, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    ctx.mem.write(DATA, struct.pack("<II", 0xFFFFFFFF, 999))
    assert call[14](ctx, DATA) == R.TEE_SUCCESS
    ctx.platform.clock.advance(5_000_000_000)
    res, sec, _ = time_of(ctx, P.UTEE_TIME_CAT_TA_PERSISTENT)
    assert res == R.TEE_ERROR_OVERFLOW and sec < 10  # the wrapped time is still written


def test_time_goes_to_private_memory_only(ctx: SyscallContext) -> None:
    with pytest.raises(GuestMemoryError):
        call[13](ctx, P.UTEE_TIME_CAT_SYSTEM, PARAM)


# -- 33 random -----------------------------------------------------------------------------

def test_random_fills_the_buffer_and_respects_the_bounce_buffer(ctx: SyscallContext) -> None:
    assert call[33](ctx, DATA, 32) == R.TEE_SUCCESS
    assert ctx.mem.read(DATA, 32) != bytes(32)
    assert call[33](ctx, DATA, 4096) == R.TEE_SUCCESS
    assert call[33](ctx, DATA, 4097) == R.TEE_ERROR_OUT_OF_MEMORY
    assert call[33](ctx, 0, 0) == R.TEE_SUCCESS
    with pytest.raises(GuestMemoryError):
        call[33](ctx, CODE, 8)


# -- 70 cache maintenance ------------------------------------------------------------------

def test_cache_operation_needs_the_flag_and_a_memref(ctx: SyscallContext) -> None:
    from dataclasses import replace

    from optee_litebox.abi.ta import TA_FLAG_CACHE_MAINTENANCE
    assert call[70](ctx, PARAM, 16, 1) == R.TEE_ERROR_NOT_SUPPORTED  # TA lacks the flag
    ctx.ta = replace(ctx.ta, flags=TA_FLAG_CACHE_MAINTENANCE)
    assert call[70](ctx, PARAM, 16, 0) == R.TEE_SUCCESS
    assert call[70](ctx, PARAM, 16, 3) == R.TEE_ERROR_NOT_SUPPORTED    # unknown operation
    assert call[70](ctx, DATA, 16, 0) == R.TEE_ERROR_ACCESS_DENIED     # private memory
    assert call[70](ctx, 0x9000_0000, 16, 0) == R.TEE_ERROR_ACCESS_DENIED  # unmapped
