"""Driving gdb-multiarch in batch mode against `optee-litebox run --gdb` (test helper)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GDB = shutil.which("gdb-multiarch")


def debug_run(run_args: list[str], gdb_commands: list[str]) -> tuple[str, subprocess.CompletedProcess[str]]:
    """Run `optee-litebox run ... --gdb 0` and a batch gdb against it; (gdb output, run)."""
    run = subprocess.Popen([sys.executable, "-m", "optee_litebox.cli", "run", *run_args,
                            "--gdb", "0", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        assert run.stderr is not None
        port = None
        for line in run.stderr:
            found = re.search(r"waiting for gdb on port (\d+)", line)
            if found:
                port = int(found.group(1))
                break
        assert port, "the stub never listened"
        args = [GDB or "gdb-multiarch", "-nx", "-batch",
                "-ex", f"directory {REPO / 'sample_tas'}", "-ex", f"target remote 127.0.0.1:{port}"]
        for cmd in gdb_commands:
            args += ["-ex", cmd]
        gdb = subprocess.run(args, check=False, capture_output=True, text=True, timeout=120)
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    return gdb.stdout + gdb.stderr, subprocess.CompletedProcess(run.args, run.returncode, out, err)
