"""A session's cancellation is forgotten when its operation ends, wake-up included.

Sessions in a server live long: after one cancelled call, a later TEE_Wait with
cancellation unmasked must sleep again (it used to see the stale wake-up and spin
without sleeping until its timeout, burning a CPU).
"""
from __future__ import annotations

from optee_litebox.deterministic import FixedClock
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample

from ..conftest import open_sample

WAIT, CANCEL = 6, 0xFFFF0002


def test_wait_after_a_cancelled_call_sleeps(tee: Tee) -> None:
    clock = tee.platform.clock
    assert isinstance(clock, FixedClock)
    session = open_sample(tee, "syscalls")
    tee.cancel(session)  # arrives before the call: the call sees it once it unmasks
    first = [Param.value_in(5000, 1), Param.value_out()]
    assert tee.invoke(session, WAIT, first) == (0, 4) and first[1].a == CANCEL
    assert not session.state.cancel and not session.state.wakeup.is_set()
    slept: list[int] = []
    sleep = clock.sleep_ns
    clock.sleep_ns = lambda ns: (slept.append(ns), sleep(ns))  # type: ignore[method-assign]
    second = [Param.value_in(100, 1), Param.value_out()]
    assert tee.invoke(session, WAIT, second) == (0, 4)
    assert second[1].a == 0 and second[1].b == 100
    assert sum(slept) == 100_000_000  # it slept the whole 100 ms instead of spinning
    assert str(sample("syscalls").uuid) == str(session.uuid)
