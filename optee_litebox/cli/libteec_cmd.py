"""`optee-litebox libteec`: build our libteec.so.2 (first use only) and print its directory."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("libteec", help="build the drop-in libteec.so.2 and print its directory",
                       description="Build optee-litebox's libteec.so.2 from its C source with the "
                                   "system C compiler ($CC or cc), once, into a per-user cache, and "
                                   "print the directory that holds it (headers in include/). Run an "
                                   "unmodified client with LD_LIBRARY_PATH=<that directory>.")
    p.add_argument("--include", action="store_true", help="print the header directory instead")
    p.add_argument("--rebuild", action="store_true", help="build again even if cached")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..libteec import ensure_built

    out = ensure_built(force=args.rebuild)
    print(out / "include" if args.include else out)
    return 0
