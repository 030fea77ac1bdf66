"""The syscalls sample TA exercises syscalls 0-4, 8-14 and 33 through our SDK, end to end."""
from __future__ import annotations

import struct
import uuid

import pytest

from optee_litebox.abi import props as P
from optee_litebox.abi import results as R
from optee_litebox.gp_api import ClientIdentity
from optee_litebox.keys import tee_device_id
from optee_litebox.runtime import Param
from optee_litebox.samples import sample

from .conftest import open_sample

GET, GET_RAW, BY_INDEX, ENUMERATE, CHECK, CANCEL, WAIT, TIMES, SET_TIME, RANDOM, LOG, LOG_FMT, \
    PANIC, RAW = range(14)
AS_BOOL, AS_U32, AS_UUID, AS_IDENTITY, AS_STRING, AS_BINARY, AS_U64 = range(7)
TA, CLIENT, TEE = P.TEE_PROPSET_CURRENT_TA, P.TEE_PROPSET_CURRENT_CLIENT, P.TEE_PROPSET_TEE_IMPLEMENTATION


@pytest.fixture()
def s(tee):  # type: ignore[no-untyped-def]
    return open_sample(tee, "syscalls")


def get(tee, s, prop_set: int, getter: int, name: str, cap: int = 128) -> tuple[int, bytes, int]:  # type: ignore[no-untyped-def]
    params = [Param.value_in(prop_set, getter), Param.memref_in(name.encode()),
              Param.memref_out(cap), Param.value_out()]
    assert tee.invoke(s, GET, params)[0] == R.TEE_SUCCESS
    return params[3].a, params[2].data(), params[3].b


@pytest.mark.parametrize(("prop_set", "getter", "name", "expected"), [
    (TA, AS_BOOL, "org.litebox.sample.bool", b"\x01"),
    (TA, AS_U32, "org.litebox.sample.u32", struct.pack("<I", 0xC0FFEE42)),
    (TA, AS_U64, "org.litebox.sample.u64", struct.pack("<Q", 0x0123456789ABCDEF)),
    (TA, AS_UUID, "org.litebox.sample.uuid", uuid.UUID("9139dfc6-476a-496b-bcdb-176b4d0ae37b").bytes_le),
    (TA, AS_STRING, "org.litebox.sample.string", b"litebox syscalls sample\0"),
    (TA, AS_BINARY, "org.litebox.sample.binary", bytes([0, 1, 2, 3, 4, 5, 6, 7, 0xFF])),
    (TA, AS_UUID, "gpd.ta.appID", uuid.UUID("11dd3ede-b085-4343-a57d-5fbde91c168b").bytes_le),
    (TA, AS_U32, "gpd.ta.stackSize", struct.pack("<I", 4096)),
    (TEE, AS_STRING, "gpd.tee.apiversion", b"GPD-1.1-dev\0"),
    (TEE, AS_U32, "gpd.tee.systemTime.protectionLevel", struct.pack("<I", 1000)),
    (TEE, AS_BOOL, "gpd.tee.cryptography.ecc", b"\x01"),
    (CLIENT, AS_U32, "gpd.client.endian", bytes(4)),
])
def test_properties_of_every_type_and_set(tee, s, prop_set, getter, name, expected) -> None:  # type: ignore[no-untyped-def]
    res, value, _ = get(tee, s, prop_set, getter, name)
    assert res == R.TEE_SUCCESS and value == expected


def test_device_id_and_client_identity(tee, s, platform) -> None:  # type: ignore[no-untyped-def]
    assert get(tee, s, TEE, AS_UUID, "gpd.tee.deviceID")[1] == tee_device_id(platform.huk)
    res, value, _ = get(tee, s, CLIENT, AS_IDENTITY, "gpd.client.identity")
    assert res == R.TEE_SUCCESS and value == ClientIdentity().pack()  # public login, nil UUID


def test_client_identity_from_the_login(tee) -> None:  # type: ignore[no-untyped-def]
    who = ClientIdentity(P.TEE_LOGIN_USER, uuid.UUID("58ac9ca0-2086-4683-a1b8-ec4bc08e01b6"))
    _, _, s = tee.open_session(sample("syscalls").uuid, client=who)
    assert get(tee, s, CLIENT, AS_IDENTITY, "gpd.client.identity")[1] == who.pack()


def test_missing_property_and_wrong_type(tee, s) -> None:  # type: ignore[no-untyped-def]
    assert get(tee, s, TEE, AS_U32, "no.such.property")[0] == R.TEE_ERROR_ITEM_NOT_FOUND
    assert get(tee, s, TEE, AS_U32, "gpd.tee.apiversion")[0] == R.TEE_ERROR_BAD_FORMAT


def test_short_buffer_reports_the_needed_size(tee, s) -> None:  # type: ignore[no-untyped-def]
    res, _, needed = get(tee, s, TEE, AS_STRING, "gpd.tee.description", cap=3)
    assert (res, needed) == (R.TEE_ERROR_SHORT_BUFFER, 6)  # "OPTEE" and its NUL


def test_raw_name_to_index_then_value(tee, s) -> None:  # type: ignore[no-untyped-def]
    params = [Param.value_inout(TEE), Param.memref_in(b"gpd.tee.trustedos.manufacturer"),
              Param.memref_out(64), Param.value_out()]
    assert tee.invoke(s, GET_RAW, params)[0] == R.TEE_SUCCESS
    assert (params[0].a, params[0].b) == (R.TEE_SUCCESS, 9)
    assert (params[3].a, params[3].b) == (R.TEE_SUCCESS, P.USER_TA_PROP_TYPE_STRING)
    assert params[2].data() == b"LINARO\0"
    params[0] = Param.value_inout(TEE)
    params[1] = Param.memref_in(b"org.trustedfirmware.optee.cpu.feat_memtag_implemented")
    assert tee.invoke(s, GET_RAW, params)[0] == R.TEE_SUCCESS
    assert params[0].a == R.TEE_ERROR_ITEM_NOT_FOUND and params[3].a == 0xFFFFFFFF


def test_property_by_index_past_the_end(tee, s) -> None:  # type: ignore[no-untyped-def]
    params = [Param.value_in(CLIENT, 2), Param.memref_out(64), Param.memref_out(64), Param.value_out()]
    assert tee.invoke(s, BY_INDEX, params)[0] == R.TEE_SUCCESS
    assert params[3].a == R.TEE_ERROR_ITEM_NOT_FOUND


def test_enumerate_the_tee_set(tee, s) -> None:  # type: ignore[no-untyped-def]
    params = [Param.value_in(TEE), Param.memref_out(4096), Param.none(), Param.value_out()]
    assert tee.invoke(s, ENUMERATE, params)[0] == R.TEE_SUCCESS
    assert (params[3].a, params[3].b) == (R.TEE_SUCCESS, 13)
    names = params[1].data().split(b"\0")[0::2]
    assert names[0] == b"gpd.tee.apiversion" and b"gpd.tee.firmware.manufacturer" in names


OK, DENIED = R.TEE_SUCCESS, R.TEE_ERROR_ACCESS_DENIED
RWA = P.TEE_MEMORY_ACCESS_READ | P.TEE_MEMORY_ACCESS_WRITE | P.TEE_MEMORY_ACCESS_ANY_OWNER


@pytest.mark.parametrize(("flags", "target", "kernel", "gp"), [
    (P.TEE_MEMORY_ACCESS_READ, 0, OK, OK),                 # .rodata
    (P.TEE_MEMORY_ACCESS_WRITE, 0, DENIED, DENIED),
    (P.TEE_MEMORY_ACCESS_WRITE, 1, OK, OK),                # .data
    (P.TEE_MEMORY_ACCESS_WRITE, 2, OK, OK),                # .bss
    (P.TEE_MEMORY_ACCESS_WRITE, 3, OK, OK),                # stack
    (P.TEE_MEMORY_ACCESS_WRITE, 4, DENIED, DENIED),        # .text
    (P.TEE_MEMORY_ACCESS_READ, 6, DENIED, DENIED),         # memref without ANY_OWNER
    # The kernel maps even an input memref read-write; the GP call then refuses WRITE
    # on an input parameter (libutee's check against the parameter types).
    (RWA, 6, OK, DENIED),
    (P.TEE_MEMORY_ACCESS_READ | P.TEE_MEMORY_ACCESS_ANY_OWNER, 6, OK, OK),
    (P.TEE_MEMORY_ACCESS_READ, 7, DENIED, DENIED),         # unmapped
])
def test_check_access_rights_against_real_mappings(tee, s, flags, target, kernel, gp) -> None:  # type: ignore[no-untyped-def]
    params = [Param.value_in(flags, target),
              Param.memref_in(b"client data" * 4) if target == 6 else Param.none(),
              Param.none(), Param.value_out()]
    assert tee.invoke(s, CHECK, params)[0] == R.TEE_SUCCESS
    assert (params[3].a, params[3].b) == (kernel, gp)


def test_cancellation_flags_as_seen_by_the_ta(tee, s) -> None:  # type: ignore[no-untyped-def]
    tee.cancel(s)
    params = [Param.value_out(), Param.value_out(), Param.value_out()]
    assert tee.invoke(s, CANCEL, params)[0] == R.TEE_SUCCESS
    # A request made before the entry stays pending during it: masked at entry (reads
    # 0), visible once unmasked (1). It is cleared when the entry ends.
    assert (params[0].a, params[0].b) == (0, R.TEE_SUCCESS)
    assert (params[1].a, params[1].b) == (1, 1)
    assert (params[2].a, params[2].b) == (0, 1)


def test_wait_and_cancelled_wait(tee, s, platform) -> None:  # type: ignore[no-untyped-def]
    params = [Param.value_in(250, 0), Param.value_out()]
    assert tee.invoke(s, WAIT, params)[0] == R.TEE_SUCCESS
    assert (params[1].a, params[1].b) == (R.TEE_SUCCESS, 250)
    tee.cancel(s)
    params = [Param.value_in(60_000, 1), Param.value_out()]
    assert tee.invoke(s, WAIT, params)[0] == R.TEE_SUCCESS
    assert params[1].a == R.TEE_ERROR_CANCEL


def test_invoke_timeout_cancels_an_unmasked_wait(tee, s) -> None:  # type: ignore[no-untyped-def]
    params = [Param.value_in(60_000, 1), Param.value_out()]
    assert tee.invoke(s, WAIT, params, timeout=100)[0] == R.TEE_SUCCESS
    assert params[1].a == R.TEE_ERROR_CANCEL and params[1].b < 1000


def test_times_and_ta_persistent_time(tee, s, platform) -> None:  # type: ignore[no-untyped-def]
    platform.clock.advance(7_500_000_000)
    params = [Param.value_out() for _ in range(4)]
    assert tee.invoke(s, TIMES, params)[0] == R.TEE_SUCCESS
    assert (params[0].a, params[0].b) == (7, 500)
    assert params[2].a == platform.clock.ree_time_ns() // 10**9
    assert params[3].a == R.TEE_ERROR_TIME_NOT_SET
    set_params = [Param.value_in(100_000, 250), Param.value_out(), Param.value_out()]
    assert tee.invoke(s, SET_TIME, set_params)[0] == R.TEE_SUCCESS
    assert (set_params[2].a, set_params[2].b) == (R.TEE_SUCCESS, R.TEE_SUCCESS)
    assert (set_params[1].a, set_params[1].b) == (100_000, 250)


def test_random_bytes_come_from_the_platform(tee, s) -> None:  # type: ignore[no-untyped-def]
    out = [Param.memref_out(64)]
    assert tee.invoke(s, RANDOM, out)[0] == R.TEE_SUCCESS
    assert len(out[0].data()) == 64 and out[0].data() != bytes(64)


def test_random_above_the_bounce_buffer_panics_as_libutee_does(tee, s) -> None:  # type: ignore[no-untyped-def]
    out = [Param.memref_out(8192)]
    assert tee.invoke(s, RANDOM, out)[0] == R.TEE_ERROR_TARGET_DEAD
    assert s.crash is not None and s.crash.code == R.TEE_ERROR_OUT_OF_MEMORY


def test_log_reaches_the_platform_tagged_with_the_uuid(tee, s, platform) -> None:  # type: ignore[no-untyped-def]
    assert tee.invoke(s, LOG, [Param.memref_in(b"raw text\n"), Param.value_in(0)])[0] == R.TEE_SUCCESS
    assert tee.invoke(s, LOG_FMT, [Param.value_out()])[0] == R.TEE_SUCCESS
    lines = [(src, text) for src, text in platform.log.lines if not src.startswith("tee:")]
    assert (str(sample("syscalls").uuid), "raw text\n") in lines
    assert "I/TA: fmt d=-42 u=42 x=beef X=BEEF\n" in platform.log.ta_text()


def test_panic_code_and_unknown_syscalls(tee, s) -> None:  # type: ignore[no-untyped-def]
    raw = [Param.value_in(200), Param.value_in(1, 2), Param.value_in(3, 4), Param.value_out()]
    assert tee.invoke(s, RAW, raw)[0] == R.TEE_SUCCESS
    assert raw[3].a == R.TEE_ERROR_NOT_SUPPORTED  # numbers above 70: not supported, no panic
    raw[0] = Param.value_in(60)  # a retired secure-element call
    assert tee.invoke(s, RAW, raw)[0] == R.TEE_SUCCESS and raw[3].a == R.TEE_ERROR_NOT_SUPPORTED
    assert tee.invoke(s, PANIC, [Param.value_in(0xFEED)])[0] == R.TEE_ERROR_TARGET_DEAD
    assert s.crash is not None and s.crash.code == 0xFEED
