"""The system pseudo-TA command by command, with a fake calling TA: parameter checks,
zero-initialized mappings, dlopen flags, and the commands a default build lacks."""
from __future__ import annotations

import uuid

import pytest

from optee_litebox.abi import results as R
from optee_litebox.abi.params import param_types
from optee_litebox.abi.pta import RTLD_GLOBAL, RTLD_NODELETE, RTLD_NOW
from optee_litebox.core.memory import PROT_READ, PROT_WRITE
from optee_litebox.gp_api.access import vm_check_access_rights
from optee_litebox.pta import PtaEnv, PtaParam, UserMemref
from optee_litebox.pta.system import SystemPta
from optee_litebox.runtime.dynamic import ZI_AREA, ZiMappings

from ..conftest import DATA, PARAM, TEST_UUID

VI, VO, VIO, MI, MO, MIO = 1, 2, 3, 5, 6, 7


class FakeCaller:
    """A calling TA: its memory and MAP_ZI; dlopen/dlsym record what they were asked."""

    def __init__(self, mem) -> None:  # type: ignore[no-untyped-def]
        self.uuid, self.mem, self.instance_id = TEST_UUID, mem, 1
        self.zi = ZiMappings(mem)
        self.asked: list[tuple] = []

    def dlopen(self, library, flags):  # type: ignore[no-untyped-def]
        self.asked.append(("dlopen", library, flags))
        return R.TEE_SUCCESS

    def dlsym(self, library, name):  # type: ignore[no-untyped-def]
        self.asked.append(("dlsym", library, name))
        return R.TEE_SUCCESS, 0x1_2345_6789

    def measured_regions(self):  # type: ignore[no-untyped-def]
        return []

    def map_zi(self, *args):  # type: ignore[no-untyped-def]
        return self.zi.map_zi(*args)

    def unmap(self, va, size):  # type: ignore[no-untyped-def]
        return self.zi.unmap(va, size)


@pytest.fixture()
def system(ctx):  # type: ignore[no-untyped-def]
    return SystemPta(PtaEnv(ctx.platform, ctx.services)), FakeCaller(ctx.mem)


def run(system, cmd: int, *params: PtaParam) -> tuple[int, list[PtaParam]]:  # type: ignore[no-untyped-def]
    pta, caller = system
    ps = list(params) + [PtaParam() for _ in range(4 - len(params))]
    types = param_types(*(p.type for p in ps))
    return pta.invoke(None, caller, cmd, types, ps), ps


def test_map_zi_and_unmap(system, ctx) -> None:  # type: ignore[no-untyped-def]
    res, p = run(system, 2, PtaParam(VI, 5000, 1), PtaParam(VIO), PtaParam(VI))
    assert res == R.TEE_SUCCESS
    va = (p[1].a << 32) | p[1].b
    assert ZI_AREA[0] <= va < ZI_AREA[1] and va % 4096 == 0
    region = ctx.mem.region_at(va)
    assert (region.size, region.prot, region.shared) == (8192, PROT_READ | PROT_WRITE, True)
    assert ctx.mem.read(va, 8192) == bytes(8192)
    # Shareable memory may go to another TA, so it is not the TA's private memory.
    assert vm_check_access_rights(ctx.mem, PROT_READ, va, 16) == R.TEE_ERROR_ACCESS_DENIED
    # Unmap the first page: the second stays, at its place, with its contents.
    ctx.mem.write(va + 4096, b"kept")
    assert run(system, 3, PtaParam(VI, 100, 0), PtaParam(VI, va >> 32, va & 0xFFFFFFFF))[0] == R.TEE_SUCCESS
    assert ctx.mem.region_at(va) is None and ctx.mem.read(va + 4096, 4) == b"kept"
    assert run(system, 3, PtaParam(VI, 4096, 0), PtaParam(VI, 0, va + 4096))[0] == R.TEE_SUCCESS
    assert ctx.mem.region_at(va + 4096) is None
    res, p = run(system, 2, PtaParam(VI, 1, 0), PtaParam(VIO), PtaParam(VI))  # private
    va2 = (p[1].a << 32) | p[1].b
    assert not ctx.mem.region_at(va2).shared


@pytest.mark.parametrize("params, expected", [
    ((PtaParam(VI, 0, 0), PtaParam(VIO), PtaParam(VI)), R.TEE_ERROR_BAD_PARAMETERS),  # 0 bytes
    ((PtaParam(VI, 10, 2), PtaParam(VIO), PtaParam(VI)), R.TEE_ERROR_BAD_PARAMETERS),  # flags
    ((PtaParam(VI, 10, 0), PtaParam(VI), PtaParam(VI)), R.TEE_ERROR_BAD_PARAMETERS),   # types
])
def test_map_zi_refuses(system, params, expected) -> None:  # type: ignore[no-untyped-def]
    assert run(system, 2, *params)[0] == expected


def test_unmap_refuses(system) -> None:  # type: ignore[no-untyped-def]
    assert run(system, 3, PtaParam(VI, 4096, 1), PtaParam(VI, 0, DATA))[0] == R.TEE_ERROR_BAD_PARAMETERS
    assert run(system, 3, PtaParam(VI, 4096, 0), PtaParam(VI, 0, DATA + 8))[0] == R.TEE_ERROR_BAD_PARAMETERS
    assert run(system, 3, PtaParam(VI, 4096, 0), PtaParam(VI, 0, 0x1230_0000))[0] == R.TEE_ERROR_BAD_PARAMETERS
    # Mapped, but not by MAP_ZI: this runtime does not let a TA unmap its own image.
    assert run(system, 3, PtaParam(VI, 4096, 0), PtaParam(VI, 0, DATA))[0] == R.TEE_ERROR_ACCESS_DENIED
    assert run(system, 3, PtaParam(VI, 4096, 0), PtaParam(VI, 0xFFFFFFFF, 0xFFFFF000))[0] == \
        R.TEE_ERROR_BAD_PARAMETERS


def test_dlopen_and_dlsym_parameters(system, ctx) -> None:  # type: ignore[no-untyped-def]
    lib = uuid.UUID("2c18a0b8-5f1d-465b-b83a-5db27ff7800d")
    ctx.mem.write(DATA, lib.bytes_le + b"tlib_count\0")
    flags = RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE
    res, _ = run(system, 10, PtaParam(MI, 0, 16, UserMemref(ctx.mem, DATA, 16)), PtaParam(VI, flags))
    assert res == R.TEE_SUCCESS
    res, p = run(system, 11, PtaParam(MI, 0, 16, UserMemref(ctx.mem, DATA, 16)),
                 PtaParam(MI, 0, 11, UserMemref(ctx.mem, DATA + 16, 11)), PtaParam(VO))
    assert res == R.TEE_SUCCESS and (p[2].a, p[2].b) == (1, 0x23456789)
    assert system[1].asked == [("dlopen", lib, flags), ("dlsym", lib, "tlib_count")]
    res, _ = run(system, 10, PtaParam(MI, 0, 15, UserMemref(ctx.mem, DATA, 15)), PtaParam(VI, flags))
    assert res == R.TEE_ERROR_BAD_PARAMETERS
    assert run(system, 11, PtaParam(MI, 0, 16, UserMemref(ctx.mem, DATA, 16)), PtaParam(MI),
               PtaParam(VO))[0] == R.TEE_ERROR_BAD_PARAMETERS


def test_commands_a_default_build_does_not_have(system, ctx) -> None:  # type: ignore[no-untyped-def]
    assert run(system, 12, PtaParam(MO, 0, 16, UserMemref(ctx.mem, DATA, 16)))[0] == \
        R.TEE_ERROR_NOT_SUPPORTED  # TPM event log
    assert run(system, 4)[0] == R.TEE_ERROR_NOT_IMPLEMENTED  # ldelf's, not the system PTA's
    assert run(system, 99)[0] == R.TEE_ERROR_NOT_IMPLEMENTED


def test_entropy_and_key_checks(system, ctx) -> None:  # type: ignore[no-untyped-def]
    assert run(system, 0, PtaParam(MI, 0, 8, UserMemref(ctx.mem, DATA, 8)))[0] == R.TEE_SUCCESS
    assert run(system, 0, PtaParam(MI, 0, 0, None))[0] == R.TEE_ERROR_BAD_PARAMETERS
    extra = PtaParam(MI, 0, 0, None)
    # Shared but non-secure (a client's memref mapped into the TA): refused.
    res, _ = run(system, 1, extra, PtaParam(MO, 0, 32, UserMemref(ctx.mem, PARAM, 32)))
    assert res == R.TEE_ERROR_SECURITY
    res, _ = run(system, 1, extra, PtaParam(MO, 0, 32, UserMemref(ctx.mem, DATA, 32)))
    assert res == R.TEE_SUCCESS and ctx.mem.read(DATA, 32) != bytes(32)
    res, _ = run(system, 1, PtaParam(MI, 0, 1025, UserMemref(ctx.mem, DATA, 1025)),
                 PtaParam(MO, 0, 32, UserMemref(ctx.mem, DATA, 32)))
    assert res == R.TEE_ERROR_BAD_PARAMETERS


def test_only_tas_open_it(system) -> None:  # type: ignore[no-untyped-def]
    pta, caller = system
    assert pta.open_session(caller, 0, [PtaParam()] * 4)[0] == R.TEE_SUCCESS
    caller.uuid = None
    assert pta.open_session(caller, 0, [PtaParam()] * 4)[0] == R.TEE_ERROR_ACCESS_DENIED
