"""`optee-litebox inspect`: what a TA file is, without running it."""
from __future__ import annotations

import argparse
import json
import uuid as _uuid

from ..abi.ta import flag_names
from ..ta_loader import TaImage, load_library, read_ta_props
from ..ta_loader.plan import PF_R, PF_W, PF_X
from .common import read_key, resolve_ta


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="describe a TA file: header, properties, segments, signature",
                       description="Parse a signed .ta or TA ELF and print what it declares.")
    p.add_argument("file", help="signed .ta, TA ELF, or a bundled sample name")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--ta-pubkey", metavar="PEM", help="verify the signature with this public key")
    p.add_argument("--ta-enc-key", metavar="HEX", help="AES key of an encrypted TA")
    p.set_defaults(func=inspect)


def _jsonable(value: object) -> object:
    if isinstance(value, _uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def describe(image: TaImage) -> dict[str, object]:
    plan = image.plan
    head = plan.ta_head
    signed = image.signed
    info: dict[str, object] = {
        "file": image.path or image.name,
        "uuid": str(image.uuid),
        "kind": "TA" if head else "TA library",
        "flags": head.flags if head else None,
        "flag_names": flag_names(head.flags) if head else [],
        "stack_size": head.stack_size if head else None,
        "entry": plan.entry,
        "needed": list(plan.needed),
        "properties": [{"name": p.name, "type": p.type, "value": _jsonable(p.value)}
                       for p in read_ta_props(plan)],
        "segments": [{"vaddr": s.vaddr, "memsz": s.memsz, "filesz": len(s.data),
                      "perms": ("r" if s.flags & PF_R else "-") + ("w" if s.flags & PF_W else "-")
                      + ("x" if s.flags & PF_X else "-")} for s in plan.segments],
        "relocations": len(plan.relocations),
        "symbols": len(plan.symbols),
        "debug_info": plan.has_debug_info,
        "build_id": plan.build_id,
    }
    if signed is None:
        info["signature"] = {"signed": False, "verified": None, "reason": "raw ELF: no signed header"}
    else:
        info["signature"] = {
            "signed": True, "img_type": signed.img_type_name, "algo": signed.algo,
            "hash": signed.hash, "verified": signed.verified, "reason": signed.reason,
            "ta_version": signed.ta_version, "encrypted": signed.encrypted,
            "chain": [{"name": s.name, "uuid": str(s.uuid), "next_uuid": str(s.next_uuid),
                       "max_depth": s.max_depth, "key": s.key_fingerprint, "verified": s.verified}
                      for s in signed.subkeys],
        }
    return info


def inspect(args: argparse.Namespace) -> int:
    path, sample_key = resolve_ta(args.file)
    # A TA library (DT_NEEDED target, no ta_head) is described too.
    image = load_library(path, pubkey_pem=read_key(args.ta_pubkey) or sample_key,
                         enc_key=bytes.fromhex(args.ta_enc_key) if args.ta_enc_key else None,
                         strict=False)
    info = describe(image)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    sig = info["signature"]
    assert isinstance(sig, dict)
    verified = {True: "verified", False: "INVALID", None: "not verified"}[sig["verified"]]
    print(f"file:        {info['file']}")
    print(f"uuid:        {info['uuid']}")
    print(f"flags:       0x{info['flags'] or 0:x} {' '.join(info['flag_names'])}")  # type: ignore[arg-type]
    print(f"stack size:  {info['stack_size']}")
    print(f"signature:   {sig.get('img_type', 'none')} {sig.get('algo', '')} - {verified}"
          f" ({sig['reason']})")
    for link in sig.get("chain", []):
        print(f"  subkey {link['uuid']} name={link['name']!r} max_depth={link['max_depth']} "
              f"verified={link['verified']}")
    if info["needed"]:
        print(f"needs:       {', '.join(info['needed'])}")  # type: ignore[arg-type]
    print("segments:")
    for s in info["segments"]:  # type: ignore[attr-defined]
        print(f"  0x{s['vaddr']:08x} memsz 0x{s['memsz']:x} {s['perms']}")
    print("properties:")
    for p in info["properties"]:  # type: ignore[attr-defined]
        print(f"  {p['name']} ({p['type']}) = {p['value']!r}")
    return 0
