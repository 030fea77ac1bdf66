"""The `optee-litebox` command: the one place where the pieces are assembled."""
from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import LiteboxError
from . import host_cmd, inspect_cmd, libteec_cmd, run_cmd, serve_cmd, sign_cmd, storage_cmd

COMMANDS = (run_cmd, inspect_cmd, sign_cmd, serve_cmd, host_cmd, libteec_cmd, storage_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="optee-litebox",
        description="Run unmodified OP-TEE trusted applications without Arm hardware.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LiteboxError as exc:
        print(f"optee-litebox: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
