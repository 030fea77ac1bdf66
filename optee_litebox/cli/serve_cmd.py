"""`optee-litebox serve`: serve TAs to normal-world clients over a Unix socket."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import LiteboxError
from ..tools import ToolConfig
from .tool_options import add_tool_options, report, tool_config


def _seconds_or_never(text: str) -> float | None:
    if text.strip().lower() in ("never", "none", "off"):
        return None
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0 (or 'never')")
    return value


def add_server_options(p: argparse.ArgumentParser, *, files: bool = True) -> None:
    """Options shared by `serve` and `host`."""
    if files:
        p.add_argument("files", nargs="*", metavar="FILE",
                       help="TA files (.ta or ELF) to serve; with no FILE and no --ta-dir, "
                            "the bundled sample TAs")
    p.add_argument("--ta-dir", action="append", default=[], metavar="DIR",
                   help="serve <uuid>.ta / <uuid>.elf files found here, loaded on first use "
                        "(repeatable)")
    p.add_argument("--storage", metavar="DIR",
                   help="state directory (default: $XDG_DATA_HOME/optee-litebox)")
    p.add_argument("--ta-pubkey", metavar="PEM", help="verify TA signatures with this key")
    p.add_argument("--samples", action="store_true",
                   help="also serve the bundled sample TAs when FILEs or --ta-dir are given")
    p.add_argument("--cancel-grace", type=_seconds_or_never, default=argparse.SUPPRESS,
                   metavar="SECONDS",
                   help="stop a TA still running this long after TEEC_RequestCancellation "
                        "(default 2; 'never' keeps running it, as OP-TEE does)")
    p.add_argument("--entry-timeout", type=_seconds_or_never, default=None, metavar="SECONDS",
                   help="stop any TA entry running longer than this (default: never)")
    p.add_argument("--plugin-dir", metavar="DIR",
                   help="load tee-supplicant plugins (*.plugin shared objects) from DIR")
    p.add_argument("-q", "--quiet", action="store_true", help="no TA log output or session notes")
    add_tool_options(p)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve TAs to client applications over a Unix socket",
                       description="Serve TAs by UUID to client applications (our libteec.so.2 "
                                   "or optee_litebox.client). Stops on SIGINT/SIGTERM.")
    add_server_options(p)
    p.add_argument("--socket", metavar="PATH",
                   help="socket path (default: $XDG_RUNTIME_DIR/optee-litebox.sock)")
    p.set_defaults(func=run)


def build_config(args: argparse.Namespace, socket_path: str):  # type: ignore[no-untyped-def]
    """A ServerConfig from parsed options (imports the runtime only now)."""
    from ..cli.common import read_key
    from ..runtime import TaSources
    from ..samples import SAMPLE_DIR, sample_pubkey
    from ..server import DEFAULT_CANCEL_GRACE, ServerConfig
    from ..south_linux import linux_platform

    files = list(getattr(args, "files", []) or [])
    dirs = list(args.ta_dir)
    samples = args.samples or (not files and not dirs)
    pubkey = read_key(args.ta_pubkey)
    sources = TaSources(pubkey_pem=pubkey)
    for f in files:
        if not Path(f).is_file():
            raise LiteboxError(f"{f}: no such file")
        sources.add_file(f)
    for d in dirs:
        if not Path(d).is_dir():
            raise LiteboxError(f"{d}: no such directory")
        sources.add_dir(d)
    if samples:
        if pubkey is None:
            sources.pubkey_pem = sample_pubkey()
        sources.add_dir(SAMPLE_DIR)
    platform = linux_platform(args.storage, quiet=args.quiet, plugin_dir=args.plugin_dir)
    grace = getattr(args, "cancel_grace", DEFAULT_CANCEL_GRACE)
    tools = tool_config(args)
    return ServerConfig(socket_path, platform, sources, cancel_grace=grace,
                        entry_timeout=args.entry_timeout, tools=tools if tools.enabled else None)


def announce_tools(tools: ToolConfig | None) -> None:
    """Say that a TA will wait for gdb (its worker says where when it does)."""
    if tools is not None and tools.gdb_port is not None:
        port = f"port {tools.gdb_port}" if tools.gdb_port else "a free port"
        print(f"optee-litebox: the first TA instance to start will wait for gdb on {port}",
              file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from ..client.paths import default_socket_path
    from ..server import Server

    path = os.path.abspath(args.socket or default_socket_path())
    server = Server(build_config(args, path))
    server.start()
    server.install_signal_handlers()
    print(f"optee-litebox: serving on {path}", file=sys.stderr, flush=True)
    announce_tools(server.cfg.tools)
    server.serve_forever()
    report(server.tools_written)
    return 0
