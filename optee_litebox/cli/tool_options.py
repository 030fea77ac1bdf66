"""The developer-tool options shared by `run`, `serve` and `host`: --trace, --gdb, --coverage."""
from __future__ import annotations

import argparse
import sys

from ..tools import Toolbox, ToolConfig
from ..tools.trace.tracer import LEVELS


def add_tool_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("developer tools (see docs/testing-tas.md)")
    g.add_argument("--trace", metavar="LEVEL",
                   help=f"trace TA activity: comma-separated {'|'.join(LEVELS)} "
                        "(calls:PATTERN, insn:FUNCTION[:N] or insn:0xSTART-0xEND[:N])")
    g.add_argument("--trace-format", choices=("text", "json"), default="text",
                   help="trace lines as text (default) or JSON")
    g.add_argument("--trace-out", metavar="FILE", help="append trace lines to FILE (default stderr)")
    g.add_argument("--gdb", metavar="PORT", type=int,
                   help="wait for gdb on 127.0.0.1:PORT at the TA's first entry (GDB remote "
                        "protocol; serve/host: the first TA instance to start)")
    g.add_argument("--coverage", metavar="FILE",
                   help="record the TA's basic blocks; write lcov to FILE and drcov beside it "
                        "(a FILE ending in .drcov: drcov only)")
    g.add_argument("--source-dir", metavar="DIR", action="append", default=[],
                   help="where to find TA sources named relatively in DWARF (coverage)")


def tool_config(args: argparse.Namespace) -> ToolConfig:
    """The tools asked for on the command line (possibly none: see ToolConfig.enabled)."""
    return ToolConfig(trace=args.trace, trace_format=args.trace_format, trace_out=args.trace_out,
                      gdb_port=args.gdb, coverage=args.coverage,
                      source_dirs=tuple(args.source_dir or ()))


def toolbox(args: argparse.Namespace) -> Toolbox | None:
    """The tools asked for on the command line, or None (nothing attached)."""
    config = tool_config(args)
    return Toolbox(config) if config.enabled else None


def finish(tools: Toolbox | None, status: int) -> None:
    """Write what the tools produced and say where."""
    if tools is None:
        return
    report(tools.finish(status))


def report(written: dict[str, object]) -> None:
    """Say where the tools wrote their reports."""
    for kind in ("lcov", "drcov"):
        if written.get(kind):
            print(f"optee-litebox: {kind} coverage written to {written[kind]}", file=sys.stderr)
