"""Faults end the TA like an OP-TEE abort: TARGET_DEAD/TEE, a report, and a usable runtime."""
from __future__ import annotations

import pytest

from optee_litebox.abi import results as R
from optee_litebox.runtime import Param

from .conftest import open_sample

# fault sample commands (sample_tas/fault/fault_ta.h) and the abort each must produce
FAULT_ALIVE_MAGIC = 0xA11CE

FAULTS = {
    0: "data abort (read, unmapped)",       # NULL read
    1: "data abort (write, permission)",    # write .rodata
    2: "data abort (write, permission)",    # write .text
    3: "prefetch abort (permission)",       # execute .data
    4: "undefined instruction",
    5: "data abort (write, unmapped)",      # stack overflow into the guard page
    6: "undefined instruction",             # msr vbar_el1 at EL0
    7: "data abort (write, unmapped)",      # NULL write
    8: "prefetch abort (permission)",       # execute the stack
    9: "breakpoint (brk)",
    10: "data abort (read, unmapped)",      # a kernel address
    11: "undefined instruction",            # mrs sctlr_el1 at EL0
}


@pytest.mark.parametrize("cmd", sorted(FAULTS))
def test_fault_kills_the_instance_with_a_report(tee, platform, cmd: int) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "fault")
    res, origin = tee.invoke(s, cmd, [])
    assert (res, origin) == (R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE)
    crash = s.crash
    assert crash is not None and crash.kind == "abort"
    assert crash.fault is not None and crash.fault.kind == FAULTS[cmd]
    assert "Call stack:" in crash.text and str(s.uuid) in crash.text
    assert crash.text in platform.log.tee_text()
    # the dead instance answers TARGET_DEAD; a new session works
    assert tee.invoke(s, 12, [Param.value_out()])[0] == R.TEE_ERROR_TARGET_DEAD
    tee.close_session(s)
    again = open_sample(tee, "fault")
    alive = [Param.value_out()]
    assert tee.invoke(again, 12, alive)[0] == R.TEE_SUCCESS
    assert alive[0].a == FAULT_ALIVE_MAGIC


def test_stack_overflow_is_named_in_the_report(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "fault")
    tee.invoke(s, 5, [])
    assert s.crash is not None and "stack overflow into the guard page" in s.crash.summary


def test_fault_addresses_are_exact(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "fault")
    tee.invoke(s, 0, [])
    assert s.crash is not None and s.crash.fault is not None
    assert s.crash.fault.address is not None and s.crash.fault.address < 0x1000


def test_backtrace_is_symbolized_from_the_unstripped_elf(platform) -> None:  # type: ignore[no-untyped-def]
    from optee_litebox.runtime import Tee
    from optee_litebox.samples import sample

    tee = Tee(platform)
    tee.add(sample("fault").elf_path)  # unstripped: has .symtab
    res, _, s = tee.open_session(sample("fault").uuid)
    assert s is not None
    tee.invoke(s, 5, [])
    assert s.crash is not None
    assert any("!" in frame for frame in s.crash.backtrace), s.crash.backtrace
    tee.close()


def test_panic_report_has_the_code_and_a_backtrace(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "panic")
    tee.invoke(s, 0, [Param.value_in(0xCAFE)])
    crash = s.crash
    assert crash is not None and crash.kind == "panic" and crash.code == 0xCAFE
    assert "TA panicked with code 0x0000cafe" in crash.text
    assert len(crash.backtrace) >= 2
