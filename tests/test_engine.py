"""The aarch64 core: EL0 execution, svc dispatch, faults with exact addresses, W^X."""
from __future__ import annotations

import struct
import threading
import time

import pytest

from optee_litebox.core.engine import Engine
from optee_litebox.core.exits import TaPanic, TaReturn
from optee_litebox.core.memory import PROT_EXEC, PROT_READ, PROT_WRITE

# Our own test snippets (aarch64-linux-gnu-as), one routine each; offsets below.
CODE = [
    0xAA0003E8, 0xAA0103E0, 0xAA0203E1, 0xD4000001, 0xD2800008, 0xD4000001,  # svc_args
    0xD2824689, 0xD51BD049, 0xD53BD04A, 0xD53BE041, 0xD53BE002, 0xD53B0023,  # sysregs
    0xAA0A03E0, 0xD28000E8, 0xD4000001, 0xD2800000, 0xD2800008, 0xD4000001,
    0x1E6F1000, 0x1E605001, 0x1E612802, 0x4F00E423, 0x4E238464, 0x0E013C85,  # fpu
    0x9E660040, 0x8B050000, 0xD2800008, 0xD4000001,
    0xF9400020, 0xD2800008, 0xD4000001,  # load_from_x1: x0 = [x1]
    0xF9000420, 0xD2800008, 0xD4000001,  # store_to_x1: [x1 + 8] = x0
    0xD61F0020,  # jump_x1: br x1
    0x00000000,  # udf_here
    0xD5381000, 0xD2800008, 0xD4000001,  # priv: mrs x0, sctlr_el1
    0xA9BF7BFD, 0x910003FD, 0x97FFFFFE,  # recurse: stp x29,x30,[sp,#-16]!; mov x29,sp; bl recurse
    0x14000000,  # loop_forever: b .
]
SVC_ARGS, SYSREGS, FPU, LOAD, STORE, JUMP, UDF, PRIV, RECURSE, LOOP = (
    0x00, 0x18, 0x48, 0x70, 0x7C, 0x88, 0x8C, 0x90, 0x9C, 0xA8)

TEXT, DATA, STACK = 0x40000000, 0x40010000, 0x70000000


def ret(code: int) -> int:
    raise TaReturn(code)


@pytest.fixture()
def engine() -> Engine:
    e = Engine()
    e.mem.map(TEXT, 0x1000, PROT_READ | PROT_EXEC, "text", data=struct.pack(f"<{len(CODE)}I", *CODE))
    e.mem.map(DATA, 0x1000, PROT_READ | PROT_WRITE, "data")
    e.mem.map(STACK, 0x4000, PROT_READ | PROT_WRITE, "stack")
    e.syscalls = [(ret, 1)] + [(lambda: 0xFFFF000A, 0)] * 70
    e.unknown_syscall = (lambda: 0xFFFF000A, 0)
    return e


def call(e: Engine, at: int, x0: int = 0, x1: int = 0, x2: int = 0):
    return e.call(TEXT + at, x0, x1, x2, 0, STACK + 0x4000)


def test_svc_dispatch_passes_arguments_and_returns_32_bits(engine: Engine) -> None:
    seen = []

    def handler(a: int, b: int) -> int:
        seen.append((a, b))
        return 0x1_2345_6789  # the kernel writes results as 32-bit values
    engine.syscalls = list(engine.syscalls)
    engine.syscalls[5] = (handler, 2)
    out = call(engine, SVC_ARGS, 5, 0xAAAA, 0xBBBB)
    assert out.kind == "return" and out.result == 0x23456789
    assert seen == [(0xAAAA, 0xBBBB)]


def test_numbers_past_the_table_use_the_unknown_entry(engine: Engine) -> None:
    out = call(engine, SVC_ARGS, 1000, 1, 2)
    assert (out.kind, out.result) == ("return", 0xFFFF000A)


def test_el0_can_read_tpidr_and_counters(engine: Engine) -> None:
    got = {}

    def probe(x0: int, x1: int, x2: int, x3: int) -> int:
        got.update(tpidr=x0, cntvct=x1, cntfrq=x2, ctr=x3)
        return 0
    engine.syscalls = list(engine.syscalls)
    engine.syscalls[7] = (probe, 4)
    out = call(engine, SYSREGS)
    assert out.kind == "return"
    assert got["tpidr"] == 0x1234 and got["cntfrq"] > 0 and got["ctr"] != 0
    assert got["cntvct"] > 0


def test_fp_and_neon_work_at_el0(engine: Engine) -> None:
    out = call(engine, FPU)
    assert out.kind == "return"
    assert out.result == (struct.unpack("<Q", struct.pack("<d", 3.75))[0] + 2) & 0xFFFFFFFF


def test_unmapped_read_reports_exact_address(engine: Engine) -> None:
    out = call(engine, LOAD, 0, 0x5234)
    assert out.kind == "fault" and out.fault is not None
    assert out.fault.kind == "data abort (read, unmapped)"
    assert out.fault.address == 0x5234 and out.fault.pc == TEXT + LOAD


def test_write_to_code_is_a_permission_fault_and_memory_is_unchanged(engine: Engine) -> None:
    before = engine.mem.peek(TEXT, 0x100)
    out = call(engine, STORE, 0xDEAD, TEXT + 0x10)
    assert out.fault is not None and out.fault.kind == "data abort (write, permission)"
    assert out.fault.address == TEXT + 0x18
    assert engine.mem.peek(TEXT, 0x100) == before


def test_data_is_not_executable(engine: Engine) -> None:
    out = call(engine, JUMP, 0, DATA + 0x40)
    assert out.fault is not None and out.fault.kind == "prefetch abort (permission)"
    assert out.fault.pc == DATA + 0x40


def test_undefined_and_privileged_instructions_trap_at_el0(engine: Engine) -> None:
    assert call(engine, UDF).fault.kind == "undefined instruction"  # type: ignore[union-attr]
    priv = call(engine, PRIV)
    assert priv.fault is not None and priv.fault.kind == "undefined instruction"
    assert priv.fault.pc == TEXT + PRIV


def test_stack_overflow_hits_the_unmapped_page_below(engine: Engine) -> None:
    out = call(engine, RECURSE)
    assert out.fault is not None and out.fault.kind == "data abort (write, unmapped)"
    assert STACK - 0x1000 <= out.fault.address < STACK


def test_engine_is_usable_after_a_fault(engine: Engine) -> None:
    assert call(engine, LOAD, 0, 0).kind == "fault"
    engine.mem.poke(DATA, struct.pack("<Q", 0x1122334455667788))
    out = call(engine, LOAD, 0, DATA)
    assert (out.kind, out.result) == ("return", 0x55667788)


def test_handler_exceptions_end_the_entry_not_the_process(engine: Engine) -> None:
    def broken(a: int, b: int) -> int:
        raise RuntimeError("bug in a handler")
    engine.syscalls = list(engine.syscalls)
    engine.syscalls[3] = (broken, 2)
    out = call(engine, SVC_ARGS, 3)
    assert out.kind == "fault" and "RuntimeError" in out.fault.detail  # type: ignore[union-attr]
    assert call(engine, SVC_ARGS, 0, 7).result == 7


def test_guest_memory_errors_answer_access_denied(engine: Engine) -> None:
    def copy_out(ptr: int, size: int) -> int:
        engine.mem.write(ptr, b"x" * size)
        return 0
    engine.syscalls = list(engine.syscalls)
    engine.syscalls[9] = (copy_out, 2)
    assert call(engine, SVC_ARGS, 9, TEXT, 4).result == 0xFFFF0001  # TEE_ERROR_ACCESS_DENIED
    assert call(engine, SVC_ARGS, 9, DATA, 4).result == 0


def test_panic_from_a_handler(engine: Engine) -> None:
    def panic(code: int) -> int:
        raise TaPanic(code)
    engine.syscalls = list(engine.syscalls)
    engine.syscalls[2] = (panic, 1)
    out = call(engine, SVC_ARGS, 2, 0xBEEF)
    assert (out.kind, out.result) == ("panic", 0xBEEF)


def test_registers_are_cleared_between_entries(engine: Engine) -> None:
    call(engine, FPU)
    regs = engine.registers()
    call(engine, SVC_ARGS, 0, 1)
    regs = engine.registers()
    assert regs["x5"] == 0 and regs["x9"] == 0


def test_interrupt_stops_a_runaway_loop(engine: Engine) -> None:
    timer = threading.Timer(0.2, engine.interrupt)
    timer.start()
    t0 = time.monotonic()
    out = call(engine, LOOP)
    assert out.kind == "fault" and "interrupted" in out.fault.kind  # type: ignore[union-attr]
    assert time.monotonic() - t0 < 5
    assert call(engine, SVC_ARGS, 0, 9).result == 9


def test_unmapped_parameters_are_gone_even_if_kept_for_reuse(engine: Engine) -> None:
    import mmap
    first, second = mmap.mmap(-1, 0x1000), mmap.mmap(-1, 0x1000)
    first[:8] = struct.pack("<Q", 0x1111)
    second[:8] = struct.pack("<Q", 0x2222)
    param = 0x80000000
    region = engine.mem.map(param, 0x1000, PROT_READ | PROT_WRITE, "[param]", shared=True, buf=first)
    assert call(engine, LOAD, 0, param).result == 0x1111
    engine.mem.unmap(region)
    out = call(engine, LOAD, 0, param)  # the TLB still knew the page: it must be forgotten
    assert out.fault is not None and out.fault.kind == "data abort (read, unmapped)"
    # the same buffer comes back at the same place, free of charge
    assert engine.mem.previous_place(first, 0, 0x1000, param, param + 0x100000) == param
    region = engine.mem.map(param, 0x1000, PROT_READ | PROT_WRITE, "[param]", shared=True, buf=first)
    assert call(engine, LOAD, 0, param).result == 0x1111
    engine.mem.unmap(region)
    # another buffer at that address must show its own bytes, not the parked ones
    region = engine.mem.map(param, 0x1000, PROT_READ | PROT_WRITE, "[param]", shared=True, buf=second)
    assert call(engine, LOAD, 0, param).result == 0x2222
    engine.mem.unmap(region)


def test_parked_parameters_are_bounded(engine: Engine) -> None:
    import mmap
    bufs = [mmap.mmap(-1, 0x1000) for _ in range(40)]
    for i, buf in enumerate(bufs):
        buf[:8] = struct.pack("<Q", i)
        addr = engine.mem.previous_place(buf, 0, 0x1000, 0x80000000, 0x90000000)
        region = engine.mem.map(addr, 0x1000, PROT_READ | PROT_WRITE, "[param]", shared=True, buf=buf)
        assert call(engine, LOAD, 0, addr).result == i
        engine.mem.unmap(region)
    assert len(engine._parked) <= 16
