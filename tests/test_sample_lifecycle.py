"""Instances and sessions with OP-TEE's rules, observed through the lifecycle and panic samples."""
from __future__ import annotations

from optee_litebox.abi import results as R
from optee_litebox.runtime import Param
from optee_litebox.samples import sample

from .conftest import open_sample

INC, SESSIONS, CREATES, INSTANCE_ID, SESSION_COUNTER, STATE = range(6)


def value(tee, session, cmd: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    p = [Param.value_out()]
    res, origin = tee.invoke(session, cmd, p)
    assert (res, origin) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP)
    return p[0].a, p[0].b


def test_multi_instance_gives_each_session_its_own_memory(tee) -> None:  # type: ignore[no-untyped-def]
    a = open_sample(tee, "lifecycle_multi")
    b = open_sample(tee, "lifecycle_multi")
    assert value(tee, a, INC)[0] == 1 and value(tee, a, INC)[0] == 2
    assert value(tee, b, INC)[0] == 1
    assert value(tee, a, INSTANCE_ID)[0] != value(tee, b, INSTANCE_ID)[0]
    assert len(tee.instances) == 2


def test_single_instance_multi_session_shares_one_instance(tee) -> None:  # type: ignore[no-untyped-def]
    a = open_sample(tee, "lifecycle_keepalive")
    b = open_sample(tee, "lifecycle_keepalive")
    assert value(tee, a, INC)[0] == 1 and value(tee, b, INC)[0] == 2
    assert value(tee, a, SESSIONS)[0] == 2
    assert value(tee, a, INSTANCE_ID)[0] == value(tee, b, INSTANCE_ID)[0]
    assert value(tee, b, INSTANCE_ID)[1] == 2  # second session of the instance
    assert value(tee, a, CREATES) == (1, 0)


def test_keep_alive_keeps_the_instance_after_the_last_close(tee, platform) -> None:  # type: ignore[no-untyped-def]
    a = open_sample(tee, "lifecycle_keepalive")
    value(tee, a, INC)
    ident = value(tee, a, INSTANCE_ID)[0]
    tee.close_session(a)
    # libutee skips TA_DestroyEntryPoint for a keep-alive single instance
    assert "lifecycle destroy" not in platform.log.ta_text()
    assert len(tee.instances) == 1
    b = open_sample(tee, "lifecycle_keepalive")
    assert value(tee, b, INSTANCE_ID)[0] == ident  # same memory: same instance
    assert value(tee, b, INC)[0] == 2
    assert value(tee, b, CREATES) == (1, 0)


def test_single_instance_without_keep_alive_is_destroyed(tee, platform) -> None:  # type: ignore[no-untyped-def]
    a = open_sample(tee, "lifecycle_single")
    value(tee, a, INC)
    tee.close_session(a)
    assert tee.instances == []
    assert "lifecycle destroy" in platform.log.ta_text()  # last session: TA_DestroyEntryPoint
    b = open_sample(tee, "lifecycle_single")
    assert value(tee, b, INC)[0] == 1


def test_single_session_ta_is_busy_for_a_second_session(tee) -> None:  # type: ignore[no-untyped-def]
    a = open_sample(tee, "lifecycle_single")
    res, origin, s = tee.open_session(sample("lifecycle_single").uuid)
    assert (res, origin, s) == (R.TEE_ERROR_BUSY, R.TEE_ORIGIN_TEE, None)
    tee.close_session(a)
    assert tee.open_session(sample("lifecycle_single").uuid)[0] == R.TEE_SUCCESS


def test_unknown_uuid_is_item_not_found(tee) -> None:  # type: ignore[no-untyped-def]
    res, origin, s = tee.open_session("00000000-0000-0000-0000-000000000042")
    assert (res, origin, s) == (R.TEE_ERROR_ITEM_NOT_FOUND, R.TEE_ORIGIN_TEE, None)


def test_panic_kills_the_instance_and_all_its_sessions(tee, platform) -> None:  # type: ignore[no-untyped-def]
    a = open_sample(tee, "lifecycle_keepalive")
    b = open_sample(tee, "lifecycle_keepalive")
    p = open_sample(tee, "panic")
    res, origin = tee.invoke(p, 0, [Param.value_in(0xBADC0DE)])
    assert (res, origin) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
    assert p.crash is not None and p.crash.code == 0xBADC0DE
    assert "TA panicked with code 0x0badc0de" in platform.log.tee_text()
    assert tee.invoke(p, 3, [])[0] == R.TEE_ERROR_TARGET_DEAD  # dead stays dead
    assert tee.close_session(p) == R.TEE_SUCCESS
    # other TAs are untouched and a new panic-TA session gets a fresh instance
    assert value(tee, a, INC)[0] == 1 and value(tee, b, INC)[0] == 2
    q = open_sample(tee, "panic")
    assert tee.invoke(q, 3, [Param.value_out()])[0] == R.TEE_SUCCESS


def test_panic_in_open_session_and_in_create(tee) -> None:  # type: ignore[no-untyped-def]
    uuid = sample("panic").uuid
    res, origin, s = tee.open_session(uuid, [Param.value_in(1, 0x1234)])
    assert (res, origin, s) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE, None)
    res, origin, s = tee.open_session(uuid, [Param.value_in(2, R.TEE_ERROR_ACCESS_DENIED)])
    assert (res, origin, s) == (R.TEE_ERROR_ACCESS_DENIED, R.TEE_ORIGIN_TRUSTED_APP, None)
    res, origin, s = tee.open_session(sample("panic_create").uuid)
    assert (res, origin, s) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE, None)
    assert tee.instances == []


def test_panic_in_close_session_still_closes(tee, platform) -> None:  # type: ignore[no-untyped-def]
    p = open_sample(tee, "panic")
    assert tee.invoke(p, 1, [Param.value_in(0x77)])[0] == R.TEE_SUCCESS  # arm: panic on close
    assert tee.close_session(p) == R.TEE_SUCCESS
    assert "0x00000077" in platform.log.tee_text() and tee.instances == []


def test_stack_protector_panic_comes_from_the_ta(tee) -> None:  # type: ignore[no-untyped-def]
    p = open_sample(tee, "panic")
    assert tee.invoke(p, 2, [])[0] == R.TEE_ERROR_TARGET_DEAD
    assert p.crash is not None and p.crash.code == R.TEE_ERROR_SECURITY
