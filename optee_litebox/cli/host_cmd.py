"""`optee-litebox host`: run a client program against a private server, in one command."""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from ..errors import LiteboxError
from .serve_cmd import add_server_options, announce_tools, build_config
from .tool_options import report

USAGE = "optee-litebox host [FILE]... [--ta-dir DIR]... [--storage DIR] -- PROGRAM [ARGS]..."


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("host", help="run a client program with a private server",
                       usage=USAGE,
                       description="Start a private server for the TAs given, run PROGRAM with "
                                   "our libteec.so.2 first on its library path and the socket in "
                                   "$OPTEE_LITEBOX_SOCKET, stop the server when PROGRAM ends and "
                                   "exit with PROGRAM's status (128+N if killed by signal N).")
    add_server_options(p, files=False)
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _split(args: argparse.Namespace) -> list[str]:
    rest = list(args.rest)
    if "--" not in rest:
        raise LiteboxError(f"no program to run; usage: {USAGE}")
    i = rest.index("--")
    before, program = rest[:i], rest[i + 1:]
    if not program:
        raise LiteboxError(f"no program after --; usage: {USAGE}")
    again = argparse.ArgumentParser(prog="optee-litebox host", usage=USAGE)
    add_server_options(again)
    again.parse_args(before, namespace=args)
    return program


def run(args: argparse.Namespace) -> int:
    from ..client.paths import SOCKET_ENV
    from ..libteec import ensure_built
    from ..server import Server

    program = _split(args)
    libdir = ensure_built()
    private = tempfile.mkdtemp(prefix="optee-litebox-host-")
    path = os.path.join(private, "optee-litebox.sock")
    server = Server(build_config(args, path))
    server.start()
    announce_tools(server.cfg.tools)
    env = dict(os.environ)
    env[SOCKET_ENV] = path
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(libdir), env.get("LD_LIBRARY_PATH")]))
    try:
        try:
            child = subprocess.Popen(program, env=env)
        except OSError as exc:
            print(f"optee-litebox host: {program[0]}: {exc.strerror}", file=sys.stderr)
            return 127 if isinstance(exc, FileNotFoundError) else 126
        pidfd = os.pidfd_open(child.pid)
        server.watch(pidfd, lambda: setattr(server, "stopping", True))
        server.install_signal_handlers()
        # The terminal's ^C reaches PROGRAM too: it decides; SIGTERM is passed on to it.
        signal.signal(signal.SIGINT, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
        server.serve_forever()
        os.close(pidfd)
        status = child.wait()
    finally:
        if server.listener is not None:
            server.close()
        shutil.rmtree(private, ignore_errors=True)
    report(server.tools_written)
    return status if status >= 0 else 128 - status
