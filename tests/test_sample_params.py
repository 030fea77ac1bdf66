"""Parameter marshalling both ways through the params sample TA."""
from __future__ import annotations

import struct

from optee_litebox.abi import params as T
from optee_litebox.abi import results as R
from optee_litebox.runtime import Param, SharedMemory

from .conftest import open_sample

ECHO, COPY, REVERSE, VALUES, NULL_MEMREF, CHECKSUM = range(6)
MAGIC, REPORT = 0x50524D53, 136


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def report(raw: bytes) -> tuple[int, int, list[tuple[int, int, int, int, int, int]]]:
    magic, types = struct.unpack_from("<II", raw)
    return magic, types, [struct.unpack_from("<IIIIQQ", raw, 8 + 32 * n) for n in range(4)]


def test_echo_reports_what_arrived_and_writes_outputs_back(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    params = [Param.value_inout(10, 0x0F0F0F0F), Param.memref_in(b"hello"), Param.value_out(),
              Param.memref_out(REPORT)]
    assert tee.invoke(s, ECHO, params) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP)
    magic, types, recs = report(params[3].data())
    assert magic == MAGIC and types == T.param_types(3, 5, 2, 6)
    assert recs[0][:3] == (3, 10, 0x0F0F0F0F)
    assert recs[1][0] == 5 and recs[1][3] == fnv1a(b"hello") and recs[1][5] == 5
    assert recs[1][4] & 0xFFF == 0  # a fresh temporary buffer starts on a page
    assert (params[0].a, params[0].b) == (11, 0xF0F0F0F0)
    assert (params[2].a, params[2].b) == (0xA0000002, 0xB0000002)


def test_copy_reports_short_buffer_with_the_needed_size(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    small = [Param.memref_in(b"x" * 100), Param.memref_out(10)]
    assert tee.invoke(s, COPY, small)[0] == R.TEE_ERROR_SHORT_BUFFER
    assert small[1].size == 100
    null = [Param.memref_in(b"x" * 7), Param.memref_null(T.TEE_PARAM_TYPE_MEMREF_OUTPUT, 0)]
    assert tee.invoke(s, COPY, null)[0] == R.TEE_ERROR_SHORT_BUFFER and null[1].size == 7
    ok = [Param.memref_in(b"abc"), Param.memref_out(16)]
    assert tee.invoke(s, COPY, ok)[0] == R.TEE_SUCCESS
    assert ok[1].size == 3 and ok[1].data() == b"abc"


def test_inout_memref_is_changed_in_place_and_can_shrink(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    p = [Param.memref_inout(b"abcdef")]
    assert tee.invoke(s, REVERSE, p)[0] == R.TEE_SUCCESS and p[0].data() == b"fedcba"
    p = [Param.memref_inout(b"abcdef"), Param.value_in(2)]
    assert tee.invoke(s, REVERSE, p)[0] == R.TEE_SUCCESS
    assert p[0].size == 2 and p[0].data() == b"fe"


def test_value_outputs_are_32_bit(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    p = [Param.value_in(0xFFFFFFFF, 3), Param.value_out(), Param.value_out(), Param.value_out()]
    assert tee.invoke(s, VALUES, p)[0] == R.TEE_SUCCESS
    assert (p[1].a, p[1].b) == (2, 0xFFFFFFFD)
    assert (p[2].a, p[3].a, p[3].b) == (0xFFFFFFFF, 0x80000000, 0x7FFFFFFF)


def test_null_memref_with_a_size(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    p = [Param.memref_null(T.TEE_PARAM_TYPE_MEMREF_OUTPUT, 77), Param.value_out()]
    assert tee.invoke(s, NULL_MEMREF, p)[0] == R.TEE_SUCCESS
    assert (p[1].a, p[1].b) == (1, 77)
    p = [Param.memref_in(b"12"), Param.value_out()]
    assert tee.invoke(s, NULL_MEMREF, p)[0] == R.TEE_SUCCESS and (p[1].a, p[1].b) == (0, 2)


def test_partial_memrefs_of_one_buffer_share_one_mapping(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    shm = SharedMemory.from_bytes(bytes(range(256)) * 40)  # 10 KiB, spans three pages
    a = Param(T.TEE_PARAM_TYPE_MEMREF_INPUT, shm=shm, offset=100, size=50)
    b = Param(T.TEE_PARAM_TYPE_MEMREF_INOUT, shm=shm, offset=5000, size=20)
    out = Param.memref_out(REPORT)
    assert tee.invoke(s, ECHO, [a, b, Param.none(), out])[0] == R.TEE_SUCCESS
    _, _, recs = report(out.data())
    assert recs[1][4] - recs[0][4] == 5000 - 100  # same mapping, consistent addresses
    assert recs[0][3] == fnv1a(shm.read(100, 50))
    assert shm.read(5000, 20) == bytes(x ^ 0xFF for x in (bytes(range(256)) * 40)[5000:5020])


def test_memref_outside_its_buffer_is_refused(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    shm = SharedMemory(64)
    bad = [Param(T.TEE_PARAM_TYPE_MEMREF_INPUT, shm=shm, offset=60, size=8), Param.value_out()]
    assert tee.invoke(s, CHECKSUM, bad) == (R.TEE_ERROR_BAD_PARAMETERS, R.TEE_ORIGIN_TEE)
    good = [Param(T.TEE_PARAM_TYPE_MEMREF_INPUT, shm=shm, offset=56, size=8), Param.value_out()]
    assert tee.invoke(s, CHECKSUM, good)[0] == R.TEE_SUCCESS


def test_big_memref_checksum(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "params")
    data = bytes((i * 7) & 0xFF for i in range(300_000))
    p = [Param.memref_in(data), Param.value_out()]
    assert tee.invoke(s, CHECKSUM, p)[0] == R.TEE_SUCCESS
    assert (p[1].a, p[1].b) == (fnv1a(data), len(data))
