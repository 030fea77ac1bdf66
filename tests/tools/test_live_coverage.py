"""Coverage of processes that do not own the report: live counter files that survive a
killed process, parts that replace them, and the claim that gives gdb to one worker."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from optee_litebox.errors import LiteboxError
from optee_litebox.samples import sample
from optee_litebox.ta_loader import load_library
from optee_litebox.tools import (
    ForkClaim,
    Toolbox,
    ToolConfig,
    server_toolbox,
    worker_toolbox,
)
from optee_litebox.tools.coverage.data import load_parts
from optee_litebox.tools.coverage.lcov import parse_lcov
from optee_litebox.tools.coverage.live import SUFFIX

HELLO_C = "hello_world/hello_world_ta.c"
GOOD_LINE = 41  # hello_world_ta.c: adjust() with the right parameter types

# A worker process: count `n` good invokes, then end as told (save, die, half-save).
WORKER = """
import os, signal, sys
from optee_litebox.tools import ToolConfig, worker_toolbox
from optee_litebox.tools.testing import Litebox, value_inout
report, n, end = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tools = worker_toolbox(ToolConfig(coverage=report))
box = Litebox()
tools.attach(box.tee)
s = box.open_session("hello_world")
for _ in range(n):
    s.invoke(0, value_inout(1))
if end == "save":
    box.close()
    tools.finish()
elif end == "half-save":  # the part is written, the live files are not removed yet
    from optee_litebox.tools.coverage.data import save_part
    rec = tools.coverage
    save_part(report, rec.collect(), [st.live.path.name for st in rec._stores.values()])
os.kill(os.getpid(), signal.SIGKILL)
"""


def worker(report: Path, n: int, end: str) -> int:
    run = subprocess.run([sys.executable, "-c", WORKER, str(report), str(n), end], timeout=60,
                         check=False)
    return run.returncode


def good_hits(report: Path) -> int:
    owner = Toolbox(ToolConfig(coverage=str(report)), owner=False)  # merge without clearing
    owner.owner = True
    owner.finish()
    lines = next(v for k, v in parse_lcov(report.read_text()).items() if k.endswith(HELLO_C))
    return lines[GOOD_LINE]


def test_a_killed_process_keeps_its_counts(tmp_path: Path) -> None:
    report = tmp_path / "k.info"
    assert worker(report, 3, "die") == -signal.SIGKILL
    lives = list(Path(f"{report}.parts").glob(f"*{SUFFIX}"))
    assert lives and not list(Path(f"{report}.parts").glob("*.json"))
    assert good_hits(report) == 3
    assert not Path(f"{report}.parts").exists()  # merged and removed


def test_saved_parts_replace_live_files_and_nothing_counts_twice(tmp_path: Path) -> None:
    report = tmp_path / "s.info"
    assert worker(report, 1, "save") == -signal.SIGKILL  # killed after saving: nothing lost
    assert worker(report, 2, "half-save") == -signal.SIGKILL
    assert worker(report, 4, "die") == -signal.SIGKILL
    parts = Path(f"{report}.parts")
    assert len(list(parts.glob("*.json"))) == 2
    assert len(list(parts.glob(f"*{SUFFIX}"))) >= 2  # the half-saved one's and the killed one's
    assert good_hits(report) == 1 + 2 + 4


def test_instances_of_a_module_share_one_live_file(tmp_path: Path) -> None:
    from optee_litebox.tools.testing import Litebox, value_inout

    report = tmp_path / "i.info"
    tools = worker_toolbox(ToolConfig(coverage=str(report)))
    assert tools is not None
    box = Litebox()
    tools.attach(box.tee)
    for _ in range(3):  # hello_world is multi-instance: three instances, one after another
        with box.open_session("hello_world") as s:
            s.invoke(0, value_inout(1))
    live = list(Path(f"{report}.parts").glob(f"*{SUFFIX}"))
    plan = load_library(str(sample("hello_world").elf_path)).plan
    code_ranges = sum(1 for seg in plan.segments if seg.executable)
    assert len(live) == code_ranges
    box.close()
    tools.finish()
    mod, = load_parts(report).modules.values()
    assert max(count for _, count in mod.blocks.values()) >= 3


def test_the_first_process_to_claim_wins_for_good() -> None:
    claim = ForkClaim()
    pids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            os._exit(0 if claim.claim() else 1)
        pids.append(pid)
    codes = [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids]
    assert sorted(codes) == [0, 1, 1, 1]
    assert claim.holder in pids
    assert not claim.claim()  # its holder has exited: the claim stays taken


def test_worker_without_the_claim_gets_no_gdb_stub() -> None:
    from optee_litebox.tools.testing import Litebox

    server = server_toolbox(ToolConfig(gdb_port=0))
    assert server is not None and server.gdb_claim is not None and server.gdb is None
    pid = os.fork()
    if pid == 0:  # the first worker takes the claim
        os._exit(0 if server.gdb_claim.claim() else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    # A later worker runs its TA undebugged (with a stub, the open would wait for gdb).
    tools = worker_toolbox(ToolConfig(gdb_port=0), server)
    assert tools is not None
    box = Litebox()
    tools.attach(box.tee)
    s = box.open_session("hello_world")
    assert s.result == "TEE_SUCCESS" and tools.gdb is None
    box.close()
    tools.finish()


def test_server_toolbox_checks_the_gdb_port_and_the_report_directory(tmp_path: Path) -> None:
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        with pytest.raises(LiteboxError, match="gdb port"):
            server_toolbox(ToolConfig(gdb_port=busy.getsockname()[1]))
    with pytest.raises(LiteboxError, match="no such directory"):
        server_toolbox(ToolConfig(coverage=str(tmp_path / "missing" / "c.info")))
    assert server_toolbox(ToolConfig(trace="log")) is None  # workers trace; the server does not
