"""The pytest plugin's public fixtures against the bundled sample TAs (docs/sdk.md).

These tests use only what a TA developer gets from the plugin: litebox, ta_session,
tee_clock, tee_seed, tee_platform and the testing helpers.
"""
from __future__ import annotations

import pytest

from optee_litebox.samples import sample
from optee_litebox.tools.testing import TaFailure, memref_inout, value_inout, value_out


def test_hello_world_increments_through_a_session(ta_session) -> None:  # type: ignore[no-untyped-def]
    s = ta_session("hello_world")
    res = s.invoke(0, value_inout(41))
    assert res == "TEE_SUCCESS"
    assert res.values[0] == (42, 0)
    assert "Got value: 41 from the client" in res.log


def test_results_compare_by_name_and_number(ta_session) -> None:  # type: ignore[no-untyped-def]
    s = ta_session("sha256")
    digest = bytearray(16)  # too small: the TA asks for 32
    res = s.invoke(0, b"abc", digest)
    assert res == "TEE_ERROR_SHORT_BUFFER"
    assert res == "SHORT_BUFFER" and res == 0xFFFF0010 and res != "TEE_SUCCESS"
    assert res.sizes[1] == 32
    assert digest == bytearray(16)  # untouched after SHORT_BUFFER
    digest = bytearray(32)
    assert s.invoke(0, b"abc", digest) == "TEE_SUCCESS"
    assert digest.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_value_and_memref_parameters_from_python_values(ta_session) -> None:  # type: ignore[no-untyped-def]
    s = ta_session("params")
    res = s.invoke(3, (6, 7), value_out(), value_out(), value_out())  # VALUES
    assert res.values[1:] == [(13, 42), (0xFFFFFFFF, 0), (0x80000000, 0x7FFFFFFF)]
    buf = bytearray(b"abcdef")
    assert s.invoke(2, memref_inout(buf)) == "TEE_SUCCESS"  # REVERSE in place
    assert buf == bytearray(b"fedcba")
    copy = bytearray(4)
    res = s.invoke(1, b"0123456789", copy)  # COPY into a smaller buffer
    assert res == "TEE_ERROR_SHORT_BUFFER" and res.sizes[1] == 10


def test_sessions_close_themselves(litebox) -> None:  # type: ignore[no-untyped-def]
    keep = litebox.open_session("lifecycle_keepalive")
    with litebox.open_session("lifecycle_keepalive") as second:
        assert second.invoke(1, value_out()).values[0][0] == 2  # sessions the TA counts
    assert keep.invoke(1, value_out()).values[0][0] == 1


def test_failed_open_reports_the_crash(litebox) -> None:  # type: ignore[no-untyped-def]
    s = litebox.open_session("panic", (1, 0xBADC0DE), check=False)
    assert not s.opened
    assert s.result == "TEE_ERROR_TARGET_DEAD"
    assert s.result.crash is not None and "0x0badc0de" in s.result.crash.summary
    with pytest.raises(TaFailure) as info:
        litebox.open_session("panic", (1, 0x1234))
    assert "TEE_ERROR_TARGET_DEAD" in str(info.value) and "crash report:" in str(info.value)


def test_invoke_check_raises_with_log_and_crash(ta_session) -> None:  # type: ignore[no-untyped-def]
    s = ta_session("fault")
    with pytest.raises(TaFailure) as info:
        s.invoke(0, check=True)  # NULL read
    text = str(info.value)
    assert "about to fault: command 0" in text
    assert "data abort (read, unmapped) at address 0x0" in text and "Call stack:" in text


def test_clock_moves_only_when_told(ta_session, tee_clock) -> None:  # type: ignore[no-untyped-def]
    s = ta_session("syscalls")
    first = s.invoke(7, value_out(), value_out(), value_out(), value_out()).values[0]
    tee_clock.advance(5 * 10**9 + 250 * 10**6)
    second = s.invoke(7, value_out(), value_out(), value_out(), value_out()).values[0]
    assert first is not None and second is not None
    assert (second[0] * 1000 + second[1]) - (first[0] * 1000 + first[1]) == 5250


def _random_bytes(litebox) -> bytes:  # type: ignore[no-untyped-def]
    out = bytearray(16)
    assert litebox.open_session("syscalls").invoke(9, out) == "TEE_SUCCESS"
    return bytes(out)


def test_seeded_rng_is_reproducible(litebox, tee_seed) -> None:  # type: ignore[no-untyped-def]
    from optee_litebox.tools.testing import Litebox

    again = Litebox(seed=tee_seed)
    try:
        assert _random_bytes(litebox) == _random_bytes(again)
        other = Litebox(seed=tee_seed + 1)
        assert _random_bytes(other) != _random_bytes(again)
        other.close()
    finally:
        again.close()


def test_load_from_path_and_ta_directory(litebox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hello = sample("hello_world")
    image = litebox.load(hello.ta_path)
    assert image.uuid == hello.uuid
    (tmp_path / f"{sample('params').uuid}.ta").write_bytes(sample("params").ta_path.read_bytes())
    litebox.add_dir(tmp_path)
    s = litebox.open_session(str(sample("params").uuid))
    assert s.invoke(5, b"x", value_out()) == "TEE_SUCCESS"


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_its_own_empty_store(tee_platform, run: int) -> None:  # type: ignore[no-untyped-def]
    store = tee_platform.storage
    assert store.listdir("") == []  # nothing left by the other run
    store.replace({"ta/object": b"run %d" % run})
    assert store.read("ta/object") == b"run %d" % run
