"""`optee-litebox run`: open a session, invoke one command, close, print the results."""
from __future__ import annotations

import argparse
import json
import sys

from ..abi.results import TEE_SUCCESS, origin_name, result_name
from ..errors import LiteboxError
from ..runtime import Tee
from ..south_linux import linux_platform
from .common import PARAM_SPEC_HELP, param_json, param_text, parse_param, read_key, resolve_ta
from .tool_options import add_tool_options, finish, toolbox


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run one command of a TA in-process",
                       description="Open a session to a TA, invoke one command, close it. "
                                   "Exit status 0 on TEE_SUCCESS, 1 otherwise.")
    p.add_argument("file", nargs="?", help="signed .ta, TA ELF, or a bundled sample name "
                                           "(default: the hello_world sample with value-inout:41,0)")
    p.add_argument("--cmd", type=lambda s: int(s, 0), default=0, help="command ID (default 0)")
    p.add_argument("--param", action="append", type=parse_param, default=None, metavar="SPEC",
                   help=f"up to four, in order: {PARAM_SPEC_HELP}")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--ta-pubkey", metavar="PEM", help="verify the TA's signature with this key")
    p.add_argument("--ta-enc-key", metavar="HEX", help="AES key of an encrypted TA")
    p.add_argument("--storage", metavar="DIR", help="state directory (default: $XDG_DATA_HOME/optee-litebox)")
    p.add_argument("--ta-dir", action="append", default=[], metavar="DIR",
                   help="where other TAs (TA-to-TA calls) and TA libraries are found as "
                        "<uuid>.ta / <uuid>.elf, after the TA's own directory (repeatable)")
    p.add_argument("--plugin-dir", metavar="DIR",
                   help="load tee-supplicant plugins (*.plugin shared objects) from DIR")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print TA log output")
    add_tool_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path, sample_key = resolve_ta(args.file)
    params = args.param
    if params is None:
        params = [parse_param("value-inout:41,0")] if args.file is None else []
    if len(params) > 4:
        raise SystemExit("optee-litebox run: at most four --param")
    pubkey = read_key(args.ta_pubkey) or sample_key
    platform = linux_platform(args.storage, quiet=args.quiet, plugin_dir=args.plugin_dir)
    tee = Tee(platform)
    tools = toolbox(args)
    if tools is not None:
        tools.attach(tee)
    if args.ta_enc_key:
        tee.sources.enc_key = bytes.fromhex(args.ta_enc_key)
    tee.sources.pubkey_pem = pubkey
    for directory in [str(path.parent), *args.ta_dir]:
        tee.add_dir(directory)
    image = tee.add(path)
    if image.plan.ta_head is None:
        raise LiteboxError(f"{path}: a TA library (no ta_head): it cannot be run on its own")
    res, origin, session = tee.open_session(image.plan.ta_head.uuid)
    stage = "open session"
    if session is not None:
        stage = f"invoke command {args.cmd}"
        res, origin = tee.invoke(session, args.cmd, params)
        tee.close_session(session)
    tee.close()
    finish(tools, 0 if res == TEE_SUCCESS else 1)
    if args.json:
        print(json.dumps({"result": res, "origin": origin,
                          "params": [param_json(p) for p in params]}))
    else:
        verified = image.signed.verified if image.signed else None
        how = {True: "signature verified", False: "signature INVALID",
               None: "signature not verified"}[verified]
        print(f"TA {image.uuid} ({path.name}), {how}")
        print(f"{stage}: {result_name(res)} (origin {origin_name(origin)})")
        for i, p in enumerate(params):
            print(param_text(i, p))
    sys.stdout.flush()
    return 0 if res == TEE_SUCCESS else 1
