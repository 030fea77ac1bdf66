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
    p.set_defaults(func=sign)


def sign(args: argparse.Namespace) -> int:
    elf = Path(args.elf).read_bytes()
    signed = sign_ta(elf, read_key(args.key) or b"", version=args.ta_version, algo=args.algo)
    from ..ta_loader import load_ta  # the result must load: check it like any TA
    image = load_ta(signed, name="signed output")
    out = Path(args.out) if args.out else Path(args.elf).with_name(f"{image.uuid}.ta")
    out.write_bytes(signed)
    print(out)
    return 0
