"""TA shared libraries: functions found only in a DT_NEEDED library, and a second
library loaded at run time with dlopen/dlsym through the system pseudo-TA."""
from __future__ import annotations

from optee_litebox.abi import results as R
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample

from ..conftest import open_sample

CHECKSUM, COUNT, DL_CALL, DL_MISSING = range(4)
TLIB, TLIB_DL = sample("tlib").uuid, sample("tlib_dl").uuid


def _value(tee, s, cmd: int, a: int = 0) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    p = [Param.value_inout(a) if cmd == DL_CALL else Param.value_out()]
    res, _ = tee.invoke(s, cmd, p)
    return res, p[0].a, p[0].b


def test_functions_from_the_needed_library(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "tlib_user")
    p = [Param.memref_in(b"abc"), Param.value_out()]
    assert tee.invoke(s, CHECKSUM, p) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP)
    assert (p[1].a, p[1].b) == (0x1A47E90B, 0x0102)  # FNV-1a, tlib_version()
    assert [m.uuid for m in s.instance.modules] == [sample("tlib_user").uuid, TLIB]
    assert [_value(tee, s, COUNT)[1] for _ in range(3)] == [1, 2, 3]


def test_dlopen_maps_a_second_library_that_shares_the_first(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "tlib_user")
    assert _value(tee, s, COUNT) == (R.TEE_SUCCESS, 1, 0)
    # tlib_dl_scale(x) = 3x + tlib_version(); tlib_dl_count() moves the TA's own counter:
    # tlib_dl's DT_NEEDED tlib is the copy the TA already has.
    assert _value(tee, s, DL_CALL, 7) == (R.TEE_SUCCESS, 21 + 0x102, 2)
    assert [m.uuid for m in s.instance.modules] == [sample("tlib_user").uuid, TLIB, TLIB_DL]
    assert _value(tee, s, DL_CALL, 1) == (R.TEE_SUCCESS, 3 + 0x102, 3)
    assert len(s.instance.modules) == 3  # loaded once
    assert _value(tee, s, COUNT) == (R.TEE_SUCCESS, 4, 0)
    dl = s.instance.modules[2]
    assert dl.base > s.instance.modules[1].end
    assert sorted(r.prot for r in dl.regions) == [3, 5]  # rw- data, r-x code


def test_dlsym_and_dlopen_of_what_does_not_exist(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "tlib_user")
    assert _value(tee, s, DL_MISSING) == (R.TEE_SUCCESS, 1, 1)


def test_dlopen_in_one_instance_leaves_others_alone(tee) -> None:  # type: ignore[no-untyped-def]
    a, b = open_sample(tee, "tlib_user"), open_sample(tee, "tlib_user")
    _value(tee, a, DL_CALL, 1)
    assert len(a.instance.modules) == 3 and len(b.instance.modules) == 2
    assert _value(tee, b, COUNT)[1] == 1


def test_a_missing_needed_library_fails_the_open(platform) -> None:  # type: ignore[no-untyped-def]
    tee = Tee(platform)
    tee.add(sample("tlib_user").ta_path)
    res, origin, s = tee.open_session(sample("tlib_user").uuid)
    assert (res, origin, s) == (R.TEE_ERROR_GENERIC, R.TEE_ORIGIN_TEE, None)
    assert "needed TA library 2c18a0b8-5f1d-465b-b83a-5db27ff7800d not found" in \
        "".join(text for _, text in platform.log.lines)
    tee.add(sample("tlib").ta_path)
    assert tee.open_session(sample("tlib_user").uuid)[0] == R.TEE_SUCCESS
    tee.close()


def test_libraries_are_found_in_ta_directories(platform, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("tlib_user", "tlib", "tlib_dl"):
        (tmp_path / sample(name).ta_path.name).write_bytes(sample(name).ta_path.read_bytes())
    tee = Tee(platform)
    tee.add_dir(tmp_path)
    res, _, s = tee.open_session(sample("tlib_user").uuid)
    assert res == R.TEE_SUCCESS
    assert _value(tee, s, DL_CALL, 2) == (R.TEE_SUCCESS, 6 + 0x102, 1)
    tee.close()
