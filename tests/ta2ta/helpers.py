"""Driving the ta2ta sample TAs (sample_tas/ta2ta/ta2ta_ta.h) from tests."""
from __future__ import annotations

from optee_litebox.runtime import Param, Tee
from optee_litebox.runtime.tee import Session
from optee_litebox.samples import sample

SERVER, SERVER2, CLIENT_T = 1, 2, 3
PING, IDENTITY, REVERSE, FILL, CHECKSUM, PANIC, FORWARD, WAIT = range(8)
C_OPEN, C_INVOKE, C_CLOSE, C_COPY, C_DERIVE, C_FORWARD = 0, 1, 2, 3, 4, 6


def client_open(tee: Tee, c: Session, target: int, *params: Param,
                timeout: int = 0) -> tuple[int, int, list[Param]]:
    """The client TA opens a session to target: (result, origin, parameters)."""
    p = [Param.value_inout(target, timeout), *params]
    res, _ = tee.invoke(c, C_OPEN, p)
    return res, p[0].a, p


def client_invoke(tee: Tee, c: Session, cmd: int, *params: Param,
                  timeout: int = 0) -> tuple[int, int, list[Param]]:
    """The client TA invokes cmd on its session, passing params as they are."""
    p = [Param.value_inout(cmd, timeout), *params]
    res, _ = tee.invoke(c, C_INVOKE, p)
    return res, p[0].a, p


def client_copy(tee: Tee, c: Session, cmd: int, data: bytes, out: int,
                n: int = 0) -> tuple[int, int, int, bytes, int]:
    """COPY: data goes through the client's private buffer. (result, origin, callee's
    size or checksum, bytes back, size reported)."""
    p = [Param.value_inout(cmd, n), Param.memref_in(data), Param.memref_out(out)]
    res, _ = tee.invoke(c, C_COPY, p)
    return res, p[0].a, p[0].b, p[2].shm.read(0, out) if p[2].shm else b"", p[2].size


def forward(tee: Tee, s: Session, hops: int, final: int = 0,
            cmd: int = FORWARD) -> tuple[int, int, int, int]:
    """FORWARD along hops: (result, payload after it, first failure, its origin)."""
    p = [Param.value_in(hops, final), Param.value_inout(5), Param.value_out()]
    res, _ = tee.invoke(s, cmd, p)
    return res, p[1].a, p[2].a, p[2].b


def uuid_of(name: str):  # type: ignore[no-untyped-def]
    return sample(name).uuid
