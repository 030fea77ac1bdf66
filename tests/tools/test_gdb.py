"""gdb-multiarch, in batch mode, debugging sample TAs through `run --gdb`.

The samples ship unstripped ELFs with DWARF 5 (built with -g); gdb gets the TA's ELF and
load address from the stub and relocates it by itself: no `file` or `add-symbol-file`.
"""
from __future__ import annotations

import re

import pytest

from .gdbrun import GDB, debug_run

pytestmark = pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")


def test_breakpoint_by_name_backtrace_registers_memory_and_continue() -> None:
    out, run = debug_run(["hello_world", "--param", "value-inout:41,0"], [
        "break *adjust",                 # the very first instruction: delta is still in w2
        "break adjust",                  # after the prologue, at the first line
        "continue",
        "info registers x0 x2",
        "set $x2 = 5",                   # register write: adjust by 5 instead of 1
        "x/2wx $x1",                     # memory read: params[0].value = {41, 0}
        "set {unsigned int}$x1 = 100",   # memory write: the client's value becomes 100
        "continue",
        "bt",
        "next",
        "continue",
    ])
    assert "Breakpoint 1, " in out and "adjust" in out
    assert re.search(r"x0\s+0x3\s+3", out), out          # paramTypes: VALUE_INOUT
    assert re.search(r"x2\s+0x1\s+1", out), out          # delta = +1 (command INC)
    assert re.search(r":\s+0x00000029\s+0x00000000", out), out  # 41, 0
    # Breakpoint 2 sees the register write; bt has function names and source lines.
    assert re.search(r"Breakpoint 2(\.\d)?, adjust \(paramTypes=3, .*delta=5.*\) "
                     r"at hello_world/hello_world_ta.c:\d+", out), out
    assert re.search(r"#0 +adjust \(.*\) at hello_world/hello_world_ta.c:\d+", out), out
    assert re.search(r"#\d+ +0x[0-9a-f]+ in __ta_entry \(func=2, .*\) at sdk/src/entry.c:\d+", out), out
    assert 'DMSG("adjust by %d", (int)delta);' in out     # the source itself, from `directory`
    assert "exited normally" in out
    assert run.returncode == 0, run.stderr
    assert "param 0: value-inout a=105 b=0" in run.stdout   # both writes took effect


def test_fault_is_a_sigsegv_stop_with_a_backtrace() -> None:
    out, run = debug_run(["fault", "--cmd", "0"], ["continue", "bt", "info registers pc", "continue"])
    assert "Program received signal SIGSEGV" in out, out
    assert re.search(r"#0 +provoke \(cmd=(cmd@entry=)?0\) at fault/fault_ta.c:\d+", out), out
    assert "sink = load32(null_address);" in out
    assert re.search(r"in __ta_entry .* at sdk/src/entry.c", out), out
    assert "exited with code 01" in out
    assert "TEE_ERROR_TARGET_DEAD" in run.stdout


def test_panic_is_a_sigabrt_stop_inside_tee_panic() -> None:
    out, run = debug_run(["panic", "--cmd", "0", "--param", "value-in:0x1234,0"],
                         ["continue", "bt", "info registers x0", "continue"])
    assert "Program received signal SIGABRT" in out, out
    assert re.search(r"#0 +sys_panic \(\) at sdk/src/syscalls.S:\d+", out), out
    assert re.search(r"#1 +0x[0-9a-f]+ in TEE_Panic \(.*\) at sdk/src/system.c:\d+", out), out
    assert re.search(r"x0\s+0x1234\s", out), out  # the panic code, as the TA passed it
    assert re.search(r"#\d+ +.*TA_InvokeCommandEntryPoint .* at panic/panic_ta.c:\d+", out), out
    assert "TEE_ERROR_TARGET_DEAD" in run.stdout


def test_stepping_instructions() -> None:
    out, run = debug_run(["hello_world", "--param", "value-inout:1,0"], [
        "break *TA_InvokeCommandEntryPoint", "continue", "stepi", "stepi", "info registers pc",
        "delete", "continue"])
    pcs = re.findall(r"pc\s+(0x[0-9a-f]+)", out)
    start = re.search(r"Breakpoint 1, (0x[0-9a-f]+ in )?TA_InvokeCommandEntryPoint", out)
    assert start and pcs, out
    assert "exited normally" in out and run.returncode == 0
