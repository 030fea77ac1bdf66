"""Syscalls 41-53 called directly with a fake TA memory: the checks that come before any
storage is touched, and a TEE without storage."""
from __future__ import annotations

import pytest

from optee_litebox.abi import results as R
from optee_litebox.errors import GuestMemoryError
from optee_litebox.gp_api import registry
from optee_litebox.gp_api.context import SyscallContext, TeeServices
from optee_litebox.gp_api.pobj import check_access

from ..conftest import CODE, DATA, PARAM
from .conftest import (
    OVERWRITE,
    PRIVATE,
    READ,
    RPMB,
    RW,
    SHARE_READ,
    SHARE_WRITE,
    WRITE,
    WRITE_META,
)

call = {n: s.fn for n, s in registry.REGISTRY.items()}


def create(ctx: SyscallContext, oid: bytes, flags: int = RW, storage: int = PRIVATE) -> tuple[int, int]:
    ctx.mem.write(DATA, oid)
    res = call[42](ctx, storage, DATA, len(oid), flags, 0, 0, 0, DATA + 0x100)
    return res, ctx.mem.read_u32(DATA + 0x100)


def test_open_and_create_check_flags_storage_and_id_length_in_that_order(ctx: SyscallContext) -> None:
    assert call[41](ctx, 0x999, DATA, 100, 0x8, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    assert call[41](ctx, 0x999, DATA, 100, READ, DATA) == R.TEE_ERROR_ITEM_NOT_FOUND
    assert call[41](ctx, PRIVATE, DATA, 65, READ, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    assert call[42](ctx, PRIVATE, DATA, 1, 0x800, 0, 0, 0, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    assert call[42](ctx, 0x999, DATA, 100, OVERWRITE, 0, 0, 0, DATA) == R.TEE_ERROR_ITEM_NOT_FOUND
    assert call[42](ctx, PRIVATE, DATA, 1, RW, 0, 0, 1, DATA) == R.TEE_ERROR_BAD_PARAMETERS
    with pytest.raises(GuestMemoryError):  # the ID must be private: ACCESS_DENIED
        call[41](ctx, PRIVATE, PARAM, 4, READ, DATA)


def test_handles_go_to_private_memory(ctx: SyscallContext) -> None:
    res, handle = create(ctx, b"x")
    assert res == R.TEE_SUCCESS and call[28](ctx, handle) == R.TEE_SUCCESS
    ctx.mem.write(DATA, b"x")
    assert call[41](ctx, PRIVATE, DATA, 1, READ | SHARE_READ, PARAM) == R.TEE_ERROR_ACCESS_DENIED
    # the failed copy closed the handle again: an exclusive open works
    res = call[41](ctx, PRIVATE, DATA, 1, RW, DATA + 0x200)
    assert res == R.TEE_SUCCESS
    with pytest.raises(GuestMemoryError):
        call[45](ctx, PARAM)


def test_attributes_handle_must_exist_and_be_initialized(ctx: SyscallContext) -> None:
    ctx.mem.write(DATA, b"k")
    assert call[42](ctx, PRIVATE, DATA, 1, RW, 0x4242, 0, 0, DATA + 0x100) == R.TEE_ERROR_BAD_STATE
    assert call[27](ctx, 0xA0000010, 128, DATA + 0x300) == R.TEE_SUCCESS  # AES, not populated
    key = ctx.mem.read_u32(DATA + 0x300)
    assert call[42](ctx, PRIVATE, DATA, 1, RW, key, 0, 0, DATA + 0x100) == R.TEE_ERROR_BAD_PARAMETERS
    assert create(ctx, b"k")[0] == R.TEE_SUCCESS  # the ID was not left reserved


def test_next_enum_checks_both_buffers_first(ctx: SyscallContext) -> None:
    assert call[45](ctx, DATA) == R.TEE_SUCCESS
    e = ctx.mem.read_u32(DATA)
    assert call[49](ctx, e, CODE, DATA + 0x100, DATA + 0x200) == R.TEE_ERROR_ACCESS_DENIED
    assert call[49](ctx, e, DATA + 0x3FF0, DATA + 0x100, DATA + 0x200) == R.TEE_ERROR_ACCESS_DENIED
    assert call[49](ctx, e, DATA, DATA + 0x3FC0 + 1, DATA + 0x200) == R.TEE_ERROR_ACCESS_DENIED
    assert call[49](ctx, e, DATA, DATA + 0x100, DATA + 0x200) == R.TEE_ERROR_ITEM_NOT_FOUND
    assert call[49](ctx, e + 8, DATA, DATA + 0x100, DATA + 0x200) == R.TEE_ERROR_BAD_PARAMETERS


def test_a_tee_without_storage_has_no_storage_ids(ctx: SyscallContext) -> None:
    ctx.platform.storage = None
    ctx.services = TeeServices()
    assert create(ctx, b"x")[0] == R.TEE_ERROR_ITEM_NOT_FOUND
    assert call[41](ctx, RPMB, DATA, 1, READ, DATA) == R.TEE_ERROR_ITEM_NOT_FOUND
    assert call[45](ctx, DATA) == R.TEE_SUCCESS
    assert call[48](ctx, ctx.mem.read_u32(DATA), PRIVATE) == R.TEE_ERROR_ITEM_NOT_FOUND


def test_handle_calls_need_a_handle(ctx: SyscallContext) -> None:
    for nr, args in ((43, [0x99]), (44, [0x99, DATA, 1]), (50, [0x99, DATA, 1, DATA]),
                     (51, [0x99, DATA, 1]), (52, [0x99, 0]), (53, [0x99, 0, 0])):
        assert call[nr](ctx, *args) == R.TEE_ERROR_BAD_STATE, nr
    for nr in (46, 47, 48):
        assert call[nr](ctx, 0x99, *([PRIVATE] if nr == 48 else [])) == R.TEE_ERROR_BAD_PARAMETERS


# tee_pobj_check_access() against the rules it quotes from the GP specification.
ACCESS = (READ, WRITE, WRITE_META)
SHARE = (SHARE_READ, SHARE_WRITE)


def _reference(old: int, new: int) -> bool:
    if (old | new) & WRITE_META:
        return False
    for access, share in ((READ, SHARE_READ), (WRITE, SHARE_WRITE)):
        if (old | new) & access and not (old & share and new & share):
            return False
        if (old ^ new) & share:
            return False
    return True


@pytest.mark.parametrize("old", range(32))
def test_sharing_rules_match_the_specification(old: int) -> None:
    def flags(n: int) -> int:
        bits = ACCESS + SHARE
        return sum(b for i, b in enumerate(bits) if n >> i & 1)

    for new in range(32):
        expected = R.TEE_SUCCESS if _reference(flags(old), flags(new)) else R.TEE_ERROR_ACCESS_CONFLICT
        assert check_access(flags(old), flags(new)) == expected


def test_random_arguments_never_raise_anything_but_a_guest_memory_fault(ctx: SyscallContext) -> None:
    """Bad input gives a TEE_Result (or the access fault the engine reports as
    TEE_ERROR_ACCESS_DENIED), never a Python error out of a handler."""
    import random
    from collections import Counter

    rng = random.Random(7)
    fixed = [0, 1, 3, 4, 0x10, 0x37, 0x400, 0xFFFFFFFF, 1 << 31, 1 << 63, (1 << 64) - 1, DATA,
             DATA + 0x800, DATA + 0x3FFF, PARAM, CODE, 0x80000000, 0x80000100, 64, 65]
    outcomes: Counter[int] = Counter()
    for _ in range(4000):
        if rng.random() < 0.05:
            ctx.mem.write(DATA + 0x800, bytes(rng.randrange(256) for _ in range(64)))
            create(ctx, b"obj", rng.choice([RW, RW | SHARE_READ | SHARE_WRITE, READ, 0]))
            call[45](ctx, DATA + 0x400)
        ctx.mem.write(DATA, b"obj")
        handles = [ctx.cryp.objects.handle_of(o) for o in ctx.cryp.objects] + list(ctx.storage_enums)
        nr = rng.randrange(41, 54)
        args = [rng.choice(fixed + handles * 3) for _ in range(registry.REGISTRY[nr].nargs)]
        try:
            res = call[nr](ctx, *args)
        except GuestMemoryError:
            continue
        assert isinstance(res, int) and 0 <= res <= 0xFFFFFFFF, (nr, args)
        outcomes[res] += 1
    assert outcomes[R.TEE_SUCCESS] > 200 and len(outcomes) >= 6  # the calls got somewhere
