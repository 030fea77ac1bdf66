"""TA-to-TA sessions in one process, through the ta2ta sample TAs: parameters both ways,
the identity a callee sees, single-instance callees shared with clients, dead callees,
loops, timeouts, and what happens to a caller's sessions when it goes."""
from __future__ import annotations

import hashlib
import hmac
import struct

from optee_litebox.abi import results as R
from optee_litebox.abi.props import TEE_LOGIN_TRUSTED_APP
from optee_litebox.runtime import Param

from ..conftest import open_sample
from .helpers import (C_CLOSE, C_DERIVE, C_INVOKE, C_FORWARD, CHECKSUM, FILL, FORWARD, IDENTITY, PANIC,
                      PING, REVERSE, SERVER, SERVER2, WAIT, client_copy, client_invoke,
                      client_open, forward, uuid_of)


def test_values_and_memrefs_at_open(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    res, origin, p = client_open(tee, c, SERVER, Param.value_inout(7, 8), Param.memref_inout(b"abcd"))
    assert (res, origin) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP)
    assert (p[1].a, p[1].b) == (1007, 8)      # the server's open entry added 1000
    assert p[2].data() == b"dcba"             # the client's own memref, reversed in place


def test_values_out_and_passed_through_memrefs(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    assert client_open(tee, c, SERVER)[0] == R.TEE_SUCCESS
    res, origin, p = client_invoke(tee, c, PING, Param.value_out())
    assert (res, origin, p[1].a, p[1].b) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP, SERVER, 1)
    res, _, p = client_invoke(tee, c, REVERSE, Param.memref_inout(b"hello world"))
    assert res == R.TEE_SUCCESS and p[1].data() == b"dlrow olleh"
    res, _, p = client_invoke(tee, c, CHECKSUM, Param.memref_in(b"abc"), Param.value_out())
    assert (p[2].a, p[2].b) == (0x1A47E90B, 3)  # FNV-1a("abc")
    res, _, p = client_invoke(tee, c, FILL, Param.memref_out(4), Param.value_in(6))
    assert (res, p[1].size) == (R.TEE_ERROR_SHORT_BUFFER, 6)


def test_private_buffers_are_copied_both_ways(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    assert client_copy(tee, c, REVERSE, b"private", 7) == \
        (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP, 7, b"etavirp", 7)
    res, _, size, data, reported = client_copy(tee, c, FILL, b"", 16, n=10)
    assert (res, size, reported) == (R.TEE_SUCCESS, 10, 10)
    assert data[:10] == bytes(i ^ 0x5A for i in range(10)) and data[10:] == bytes(6)
    # Too small: the needed size comes back, and no bytes beyond the buffer.
    res, origin, size, data, reported = client_copy(tee, c, FILL, b"", 4, n=9)
    assert (res, origin, size, reported, data) == \
        (R.TEE_ERROR_SHORT_BUFFER, R.TEE_ORIGIN_TRUSTED_APP, 9, 9, bytes(4))
    assert client_copy(tee, c, CHECKSUM, b"abc", 0)[2] == 0x1A47E90B


def test_the_callee_sees_the_calling_ta(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    res, _, p = client_invoke(tee, c, IDENTITY, Param.value_out(), Param.memref_out(16))
    assert res == R.TEE_SUCCESS
    assert p[1].a == TEE_LOGIN_TRUSTED_APP
    assert p[2].data() == uuid_of("ta2ta_client").bytes_le
    # A client application's session to the same TA has its own identity (public login).
    s = open_sample(tee, "ta2ta_server")
    p = [Param.value_out(), Param.memref_out(16)]
    assert tee.invoke(s, IDENTITY, p)[0] == R.TEE_SUCCESS
    assert (p[0].a, p[1].data()) == (0, bytes(16))


def test_single_instance_callee_is_shared_with_a_client_application(tee) -> None:  # type: ignore[no-untyped-def]
    direct = open_sample(tee, "ta2ta_server")
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    counts = []
    for who in ("ca", "ta", "ca", "ta"):
        if who == "ca":
            p = [Param.value_out()]
            tee.invoke(direct, PING, p)
            counts.append(p[0].b)
        else:
            counts.append(client_invoke(tee, c, PING, Param.value_out())[2][1].b)
    assert counts == [1, 2, 3, 4]
    servers = [i for i in tee.instances if i.uuid == uuid_of("ta2ta_server")]
    assert len(servers) == 1 and servers[0].ref_count == 2


def test_a_panicking_callee_is_dead_for_every_client(tee) -> None:  # type: ignore[no-untyped-def]
    direct = open_sample(tee, "ta2ta_server")
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    res, origin, _ = client_invoke(tee, c, PANIC, Param.value_in(0x1234))
    assert (res, origin) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
    assert tee.invoke(direct, PING, [Param.value_out()]) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
    # The caller lives on: its session to the dead TA keeps answering TARGET_DEAD.
    res, origin, _ = client_invoke(tee, c, PING, Param.value_out())
    assert (res, origin) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
    assert tee.invoke(c, C_CLOSE, [])[0] == R.TEE_SUCCESS
    # A new session gets a new instance of the single-instance TA.
    assert client_open(tee, c, SERVER)[0] == R.TEE_SUCCESS
    assert client_invoke(tee, c, PING, Param.value_out())[2][1].b == 1


def test_loops_answer_busy_and_chains_work(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "ta2ta_server")
    c = open_sample(tee, "ta2ta_client")
    assert forward(tee, s, 0x2, final=1) == (R.TEE_SUCCESS, 5 + 200, 0, 0)
    # server -> server2 -> server: the server is busy in this very call.
    assert forward(tee, s, 0x12) == (R.TEE_SUCCESS, 5, R.TEE_ERROR_BUSY, R.TEE_ORIGIN_TEE)
    assert forward(tee, s, 0x1) == (R.TEE_SUCCESS, 5, R.TEE_ERROR_BUSY, R.TEE_ORIGIN_TEE)
    # Hops are read lowest nibble first: client -> server -> client (a new instance)
    # -> server2 -> client -> server, which is busy.
    assert forward(tee, c, 0x13231, cmd=C_FORWARD) == \
        (R.TEE_SUCCESS, 5, R.TEE_ERROR_BUSY, R.TEE_ORIGIN_TEE)
    # A deep chain without a loop: client -> server -> client -> server2 -> client.
    assert forward(tee, c, 0x3231, final=1, cmd=C_FORWARD) == (R.TEE_SUCCESS, 305, 0, 0)
    # Nothing is left busy afterwards.
    assert forward(tee, s, 0x2) == (R.TEE_SUCCESS, 6, 0, 0)


def test_cancellation_timeout_reaches_the_callee(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    start = tee.platform.clock.monotonic_ns()
    res, origin, _ = client_invoke(tee, c, WAIT, Param.value_in(60_000), timeout=250)
    assert (res, origin) == (R.TEE_ERROR_CANCEL, R.TEE_ORIGIN_TRUSTED_APP)
    waited_ms = (tee.platform.clock.monotonic_ns() - start) // 1_000_000
    assert 250 <= waited_ms < 1000
    res, origin, _ = client_invoke(tee, c, WAIT, Param.value_in(30))  # no timeout: sleeps it out
    assert (res, origin) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP)


def test_a_callers_sessions_close_with_it(tee) -> None:  # type: ignore[no-untyped-def]
    keep = open_sample(tee, "ta2ta_server")
    server = next(i for i in tee.instances if i.uuid == uuid_of("ta2ta_server"))
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    assert server.ref_count == 2
    tee.close_session(c)                 # the client instance goes, and with it its session
    assert server.ref_count == 1
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    assert server.ref_count == 2
    # A NULL memref with a size: the kernel refuses it (origin TEE) and the client's
    # TEE_InvokeTACommand panics, as libutee does; the dead client's session is closed.
    p = [Param.value_inout(REVERSE, 0), Param.memref_null(size=8)]
    assert tee.invoke(c, C_INVOKE, p) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
    assert "TEE_InvokeTACommand" in c.instance.crash.text
    assert server.ref_count == 1 and keep in tee.sessions.values()


def _derive(tee, session, extra: bytes, size: int = 32, direct: bool = False):  # type: ignore[no-untyped-def]
    p = [Param.memref_in(extra), Param.memref_out(size), Param.value_in(int(direct))]
    res, _ = tee.invoke(session, C_DERIVE, p)
    return res, p[1].data()


def test_ta_unique_keys_from_the_device_key(tee, platform) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    res, key = _derive(tee, c, b"extra")
    # huk_subkey_derive(HUK_SUBKEY_UNIQUE_TA, uuid || extra): HMAC-SHA256 over the usage.
    data = struct.pack("<I", 3) + uuid_of("ta2ta_client").bytes_le + b"extra"
    assert res == R.TEE_SUCCESS and key == hmac.new(platform.huk, data, hashlib.sha256).digest()
    assert _derive(tee, c, b"extra") == (R.TEE_SUCCESS, key)
    assert _derive(tee, c, b"other")[1] != key
    assert _derive(tee, c, b"extra", 16) == (R.TEE_SUCCESS, key[:16])
    assert _derive(tee, c, b"extra", 15)[0] == R.TEE_ERROR_BAD_PARAMETERS
    # The key never goes to normal-world memory.
    assert _derive(tee, c, b"extra", direct=True)[0] == R.TEE_ERROR_SECURITY


def test_the_system_pta_is_for_tas_only(tee) -> None:  # type: ignore[no-untyped-def]
    res, origin, s = tee.open_session("3a2f8978-5dc0-11e8-9c2d-fa7ae01bbebc")
    assert (res, origin, s) == (R.TEE_ERROR_ACCESS_DENIED, R.TEE_ORIGIN_TRUSTED_APP, None)


def test_a_ta_opening_a_missing_ta_gets_item_not_found(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    tee.sources.images.pop(uuid_of("ta2ta_server2"))
    res, origin, _ = client_open(tee, c, SERVER2)
    assert (res, origin) == (R.TEE_ERROR_ITEM_NOT_FOUND, R.TEE_ORIGIN_TEE)


def test_forward_reports_on_every_hop(tee) -> None:  # type: ignore[no-untyped-def]
    c = open_sample(tee, "ta2ta_client")
    assert forward(tee, c, 0x1, cmd=C_FORWARD) == (R.TEE_SUCCESS, 6, 0, 0)
    assert forward(tee, c, 0x7, cmd=C_FORWARD)[0] == R.TEE_ERROR_BAD_PARAMETERS
    assert FORWARD == 6


def test_many_private_copies_in_a_row(tee) -> None:  # type: ignore[no-untyped-def]
    """Each copy maps and unmaps shareable memory from inside a syscall (the system PTA's
    MAP_ZI and UNMAP); the engine must put off the real unmapping until the entry ends."""
    c = open_sample(tee, "ta2ta_client")
    client_open(tee, c, SERVER)
    for i in range(40):
        data = bytes([i]) * (i + 1)
        assert client_copy(tee, c, REVERSE, data, len(data))[0] == R.TEE_SUCCESS
    assert len([r for r in c.instance.mem.regions() if r.name == "[zi]"]) == 0
