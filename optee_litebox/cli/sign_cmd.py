"""`optee-litebox sign`: make a signed <uuid>.ta from a TA ELF and an RSA key."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..ta_loader.sign import sign_ta
from .common import read_key


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sign", help="sign a TA ELF into a .ta file (bootstrap TA, as the dev kit does)")
    p.add_argument("elf", help="the TA ELF (stripped or not)")
    p.add_argument("--key", required=True, metavar="PEM", help="RSA private key")
    p.add_argument("--out", metavar="FILE", help="output (default: <uuid>.ta next to the ELF)")
    p.add_argument("--algo", choices=("pss", "pkcs1v15"), default="pss",
                   help="signature scheme (default: pss, as upstream)")
    p.add_argument("--ta-version", type=int, default=0, help="TA version in the header")
    p.add_argument("--uuid", help="the UUID to sign for (required for a TA library, which has "
                                  "no ta_head; a TA's must match its ta_head)")
    p.set_defaults(func=sign)


def sign(args: argparse.Namespace) -> int:
    from ..errors import LiteboxError
    from ..ta_loader import load_library  # the result must load: check it like any TA

    elf = Path(args.elf).read_bytes()
    try:
        signed = sign_ta(elf, read_key(args.key) or b"", uuid=getattr(args, "uuid", None),
                         version=args.ta_version, algo=args.algo)
    except ValueError as exc:
        raise LiteboxError(f"{args.elf}: {exc}") from None
    image = load_library(signed, name="signed output")
    head = image.plan.ta_head
    if head is not None and head.uuid != image.uuid:
        raise LiteboxError(f"{args.elf}: --uuid {image.uuid} is not the TA's UUID {head.uuid}")
    out = Path(args.out) if args.out else Path(args.elf).with_name(f"{image.uuid}.ta")
    out.write_bytes(signed)
    print(out)
    return 0
