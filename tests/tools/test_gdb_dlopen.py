"""gdb follows libraries a TA dlopens: the library list, the `library` stop, breakpoints.

First with gdb-multiarch in batch mode against `run --gdb` (tlib_user's command 2
dlopens tlib_dl and calls tlib_dl_scale through a dlsym'ed pointer), then packet by
packet against an in-process stub, which pins down what gdb is sent and when.
"""
from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable

import pytest

from optee_litebox.abi.pta import PTA_SYSTEM_DLOPEN
from optee_litebox.samples import sample
from optee_litebox.ta_loader import load_library
from optee_litebox.tools import Toolbox, ToolConfig
from optee_litebox.tools.gdbstub import protocol as rsp
from optee_litebox.tools.testing import Litebox, value_inout

from .gdbrun import GDB, debug_run

TLIB_DL = sample("tlib_dl")
DL_RUN = ["tlib_user", "--cmd", "2", "--param", "value-inout:5,0"]
needs_gdb = pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")


@needs_gdb
def test_pending_breakpoint_in_a_dlopened_library_hits_with_a_backtrace() -> None:
    out, run = debug_run(DL_RUN, [
        "set breakpoint pending on",
        "break tlib_dl_scale",            # not loaded yet: pending
        "info sharedlibrary",             # tlib (DT_NEEDED) only
        "set stop-on-solib-events 1",
        "continue",                       # stops at the dlopen: a shared library event
        "info sharedlibrary",
        "set stop-on-solib-events 0",
        "continue",
        "bt",
        "info registers x0",
        "continue",
    ])
    assert 'Breakpoint 1 (tlib_dl_scale) pending.' in out, out
    before, _, after = out.partition("Stopped due to shared library event")
    assert after, out
    assert str(TLIB_DL.uuid) not in before                # not in the first `info sharedlibrary`
    assert f"Inferior loaded {TLIB_DL.elf_path}" in after
    assert re.search(rf"0x[0-9a-f]+\s+0x[0-9a-f]+\s+Yes\s+{re.escape(str(TLIB_DL.elf_path))}", after), out
    # The pending breakpoint resolved in the library; bt crosses both modules with lines.
    assert re.search(r"Breakpoint 1(\.\d)?, tlib_dl_scale \(x=5\) at tlib_dl/tlib_dl.c:7", out), out
    assert re.search(r"#0 +tlib_dl_scale \(x=5\) at tlib_dl/tlib_dl.c:7", out), out
    assert re.search(r"#1 +0x[0-9a-f]+ in dl_call \(.*\) at tlib_user/tlib_user_ta.c:\d+", out), out
    assert re.search(r"#\d+ +.*__ta_entry \(func=2, .*\) at sdk/src/entry.c:\d+", out), out
    assert re.search(r"x0\s+0x5\s+5", out), out
    assert "return x * 3 + tlib_version();" in out         # its source, from `directory`
    assert "exited normally" in out
    assert run.returncode == 0 and "param 0: value-inout a=273 b=1" in run.stdout, run.stderr


@needs_gdb
def test_without_stop_on_solib_events_gdb_resumes_by_itself() -> None:
    out, run = debug_run(DL_RUN, [
        "set breakpoint pending on", "break tlib_dl_count", "continue", "info sharedlibrary",
        "finish", "continue"])
    assert "shared library event" not in out
    assert re.search(r"Breakpoint 1(\.\d)?, tlib_dl_count \(\) at tlib_dl/tlib_dl.c:12", out), out
    assert str(TLIB_DL.elf_path) in out                   # in `info sharedlibrary`
    # `finish` returns into the TA: tlib_dl_count() = tlib_count() = 1 (the first call).
    assert re.search(r"in dl_call \(.*\) at tlib_user/tlib_user_ta.c:\d+", out), out
    assert "Value returned is $1 = 1" in out
    assert "exited normally" in out and run.returncode == 0


# -- packet by packet ------------------------------------------------------------------------

class Client:
    """A minimal gdb: sends packets, reads replies (acks are not awaited)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.decoder = rsp.Decoder()
        self.pending: list[bytes] = []

    def send(self, payload: str) -> None:
        self.sock.sendall(rsp.frame(payload))

    def reply(self) -> str:
        while not self.pending:
            data = self.sock.recv(65536)
            assert data, "the stub hung up"
            self.pending += [p for p, _ in self.decoder.feed(data) if isinstance(p, bytes)]
        return self.pending.pop(0).decode("latin-1")

    def ask(self, payload: str) -> str:
        self.send(payload)
        return self.reply()

    def libraries(self) -> str:
        return self.ask("qXfer:libraries:read::0,3fff")

    def close(self) -> None:
        self.sock.close()


def debugged(body: Callable[[Litebox], None]) -> tuple[Client, threading.Thread]:
    """Run body (sessions to TAs) in a thread under a gdb stub; a client connected to it."""
    tools = Toolbox(ToolConfig(gdb_port=0))
    assert tools.gdb is not None
    box = Litebox()
    tools.attach(box.tee)

    def run() -> None:
        try:
            body(box)
        finally:
            box.close()
            tools.finish()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return Client(tools.gdb.port), thread


def tlib_dl_address(client: Client, name: str) -> int:
    base = int(re.search(rf'{TLIB_DL.uuid}\.elf"><segment address="0x([0-9a-f]+)"',
                         client.libraries()).group(1), 16)
    plan = load_library(TLIB_DL.elf_path).plan
    return base + next(s.value for s in plan.symbols if s.name == name)


def dl_call(box: Litebox) -> None:
    assert box.open_session("tlib_user").invoke(2, value_inout(5)) == "TEE_SUCCESS"


def test_the_dlopen_is_a_library_stop_before_the_library_runs() -> None:
    client, thread = debugged(dl_call)
    assert str(TLIB_DL.uuid) not in client.libraries()    # stopped at the first entry
    assert client.ask("c") == "T05thread:1;library:;"     # the dlopen, reported at once
    libs = client.libraries()
    assert f'<library name="{TLIB_DL.elf_path}">' in libs
    svr4 = client.ask("qXfer:libraries-svr4:read::0,3fff")
    assert f'name="{TLIB_DL.elf_path}"' in svr4
    pc = rsp.parse_hex_le(client.ask("p20"))
    scale = tlib_dl_address(client, "tlib_dl_scale")
    assert not scale <= pc < scale + 0x1000               # stopped in the TA, not the library
    assert client.ask(f"Z0,{scale:x},4") == "OK"
    assert client.ask("c") == "T05thread:1;"              # the breakpoint: a plain stop
    assert rsp.parse_hex_le(client.ask("p20")) == scale
    assert rsp.parse_hex_le(client.ask("p0")) == 5         # x0: its argument
    assert client.ask("c") == "W00"
    thread.join(30)
    client.close()


def test_a_step_over_the_dlopen_ends_there_and_the_library_stop_follows() -> None:
    client, thread = debugged(dl_call)
    plan = load_library(sample("tlib_user").elf_path).plan
    svc = next(s.value for s in plan.symbols if s.name == "sys_invoke_ta_command") + 4
    base = int(client.ask("qOffsets").split(";")[0].removeprefix("Text="), 16)
    assert client.ask(f"Z0,{base + svc:x},4") == "OK"
    # The system PTA's MAP_ZI (for the private UUID buffer) comes first, then DLOPEN.
    for _ in range(4):
        assert client.ask("c") == "T05thread:1;"
        if rsp.parse_hex_le(client.ask("p2")) == PTA_SYSTEM_DLOPEN:  # x2: the command
            break
    else:
        raise AssertionError("no DLOPEN")
    assert client.ask(f"z0,{base + svc:x},4") == "OK"
    assert client.ask("s") == "T05thread:1;"              # the step: right after the svc
    assert rsp.parse_hex_le(client.ask("p20")) == base + svc + 4
    assert rsp.parse_hex_le(client.ask("p0")) == 0         # TEE_SUCCESS written back
    assert str(TLIB_DL.uuid) in client.libraries()        # the list is current...
    assert client.ask("c") == "T05thread:1;library:;"     # ...and gdb hears of the change
    assert client.ask("c") == "W00"
    thread.join(30)
    client.close()


def test_a_new_instance_is_announced_at_its_entry_and_breakpoints_stay_plain() -> None:
    def two_instances(box: Litebox) -> None:
        dl_call(box)
        box.sessions[-1].close()                          # instance 1 (with tlib_dl) is gone
        s = box.open_session("tlib_user")
        assert s.invoke(2, value_inout(1)) == "TEE_SUCCESS"

    client, thread = debugged(two_instances)
    assert client.ask("c") == "T05thread:1;library:;"     # instance 1's dlopen
    scale = tlib_dl_address(client, "tlib_dl_scale")
    assert client.ask(f"Z0,{scale:x},4") == "OK"
    assert client.ask("c") == "T05thread:1;"              # instance 1 calls it
    assert client.ask("c") == "T05thread:1;library:;"     # instance 2 starts: tlib only
    assert str(TLIB_DL.uuid) not in client.libraries()
    assert client.ask("c") == "T05thread:1;library:;"     # instance 2's dlopen
    assert client.ask("c") == "T05thread:1;"              # same address: the breakpoint
    assert rsp.parse_hex_le(client.ask("p20")) == scale
    assert client.ask("c") == "W00"
    thread.join(30)
    client.close()
