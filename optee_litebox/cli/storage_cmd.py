"""`optee-litebox storage ls|cat|rm`: a developer's view of trusted storage.

Reads the device key from the state directory and decrypts what TAs stored there: list
TAs and their objects, print one object (info, attributes, data in hex), remove objects.
Safe to run next to a server: it takes the same locks.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid as _uuid
from pathlib import Path

from ..abi import crypto as c
from ..errors import LiteboxError
from ..gp_api.objects import GpObject, attr_from_binary, int_to_bytes, set_type
from ..secure_storage import REE, Head, SecureStorage, StorageError, TaStore
from ..south_linux.platform import STORAGE_SUBDIR, SystemRandom
from ..south_linux.state import HUK_FILE, default_state_dir, load_or_create_huk
from ..south_linux.storage import FileStorage

_NAMES = {"type": {v: k for k, v in vars(c).items() if k.startswith("TEE_TYPE_")},
          "attr": {v: k for k, v in vars(c).items() if k.startswith("TEE_ATTR_")
                   and not k.startswith("TEE_ATTR_FLAG_") and not k.startswith("TEE_ATTR_BIT_")}}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("storage", help="list, print or remove TAs' persistent objects",
                       description="Decrypt the trusted storage of a state directory.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--storage", metavar="DIR",
                        help="state directory (default: $XDG_DATA_HOME/optee-litebox)")
    common.add_argument("--ta", metavar="UUID", type=_uuid.UUID, help="only this TA")
    common.add_argument("--rpmb", action="store_true",
                        help="the TEE_STORAGE_PRIVATE_RPMB objects (default: the REE ones)")
    common.add_argument("--json", action="store_true", help="print JSON")
    ls = verbs.add_parser("ls", parents=[common], help="list TAs and their objects")
    ls.set_defaults(func=cmd_ls)
    cat = verbs.add_parser("cat", parents=[common], help="print one object")
    cat.add_argument("id", help="object ID as text, or hex:<bytes>")
    cat.set_defaults(func=cmd_cat)
    rm = verbs.add_parser("rm", parents=[common], help="remove objects of one TA")
    rm.add_argument("id", nargs="*", help="object IDs (text, or hex:<bytes>)")
    rm.add_argument("--all", action="store_true", help="every object of the TA")
    rm.add_argument("--wipe", action="store_true",
                    help="delete all of the TA's files, even if they no longer authenticate")
    rm.set_defaults(func=cmd_rm)


def _open(args: argparse.Namespace) -> SecureStorage | None:
    state = Path(args.storage) if args.storage else default_state_dir()
    if not (state / HUK_FILE).is_file():
        return None  # no device key: nothing was ever stored here
    huk = load_or_create_huk(state)
    return SecureStorage(FileStorage(os.path.join(state, STORAGE_SUBDIR)), huk, SystemRandom())


def _parse_id(text: str) -> bytes:
    if text.startswith("hex:"):
        try:
            return bytes.fromhex(text[4:])
        except ValueError:
            raise LiteboxError(f"bad hex object ID {text!r}") from None
    return text.encode()


def _show_id(oid: bytes) -> str:
    printable = oid and all(32 <= b < 127 for b in oid) and not oid.startswith(b"hex:")
    return oid.decode() if printable else "hex:" + oid.hex()


def _attributes(head: Head) -> list[dict[str, object]]:
    """The attributes a head stores, decoded with the object model."""
    obj = GpObject()
    if head.meta.obj_type == c.TEE_TYPE_DATA or \
            set_type(obj, head.meta.obj_type, head.meta.max_object_size) or \
            attr_from_binary(obj, head.meta.attrs) or obj.props is None:
        return []
    out: list[dict[str, object]] = []
    for n, attr in enumerate(obj.props.attrs):
        if head.meta.have_attrs & (1 << n):
            value = obj.values[n]
            raw = value if isinstance(value, bytes) else int_to_bytes(value)
            shown = f"{value:#x}" if isinstance(value, int) and attr.attr_id & c.TEE_ATTR_FLAG_VALUE \
                else raw.hex()
            out.append({"id": f"{attr.attr_id:#010x}",
                        "name": _NAMES["attr"].get(attr.attr_id, ""), "value": shown})
    return out


def _describe(oid: bytes, head: Head) -> dict[str, object]:
    m = head.meta
    return {"id": _show_id(oid), "size": head.size,
            "type": _NAMES["type"].get(m.obj_type, f"{m.obj_type:#010x}"),
            "object_size": m.object_size, "max_object_size": m.max_object_size,
            "usage": f"{m.usage:#010x}", "attributes": _attributes(head)}


def _listing(secure: SecureStorage, uuid: _uuid.UUID, namespace: str) -> dict[str, object]:
    """One TA's objects, or why they cannot be read."""
    store = secure.store(uuid, namespace)
    try:
        ids = store.ids()
    except StorageError as exc:
        return {"error": str(exc)}
    objects: list[dict[str, object]] = []
    for oid in ids:
        try:
            objects.append(_describe(oid, store.open(oid)))
        except StorageError as exc:
            objects.append({"id": _show_id(oid), "error": str(exc)})
    return {"objects": objects}


def cmd_ls(args: argparse.Namespace) -> int:
    secure = _open(args)
    namespace = "rpmb" if args.rpmb else REE
    report: dict[str, dict[str, object]] = {}
    if secure is not None:
        tas = [args.ta] if args.ta else [u for ns, u in secure.tas() if ns == namespace]
        for uuid in tas:
            report[str(uuid)] = _listing(secure, uuid, namespace)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if not report:
        print(f"no {namespace} storage")
    for ta, listing in report.items():
        print(f"TA {ta} ({namespace})")
        if "error" in listing:
            print(f"  unreadable: {listing['error']}")
            continue
        for e in listing["objects"]:  # type: ignore[attr-defined]
            if "error" in e:
                print(f"  {e['id']}: {e['error']}")
            else:
                print(f"  {e['id']}  {e['size']} bytes  {e['type']}  usage {e['usage']}"
                      f"  {len(e['attributes'])} attributes")
    return 0


def _one_store(args: argparse.Namespace) -> TaStore:
    if args.ta is None:
        raise LiteboxError("--ta UUID is required")
    secure = _open(args)
    if secure is None:
        raise LiteboxError("no device key in the state directory: nothing is stored there")
    return secure.store(args.ta, "rpmb" if args.rpmb else REE)


def cmd_cat(args: argparse.Namespace) -> int:
    store = _one_store(args)
    oid = _parse_id(args.id)
    try:
        head = store.open(oid)
        data = store.read(oid, 0, head.size)
    except StorageError as exc:
        raise LiteboxError(f"{_show_id(oid)}: {exc}") from None
    info = _describe(oid, head)
    info["data"] = data.hex()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    for key in ("id", "size", "type", "object_size", "max_object_size", "usage"):
        print(f"{key}: {info[key]}")
    for attr in info["attributes"]:  # type: ignore[attr-defined]
        print(f"attribute {attr['id']} {attr['name']}: {attr['value']}")
    print(f"data: {data.hex()}")
    return 0


def cmd_rm(args: argparse.Namespace) -> int:
    store = _one_store(args)
    if args.wipe:
        try:
            store.wipe()
        except StorageError as exc:
            raise LiteboxError(str(exc)) from None
        print(f"wiped the storage of TA {args.ta}", file=sys.stderr)
        return 0
    try:
        ids = store.ids() if args.all else [_parse_id(i) for i in args.id]
        if not ids and not args.all:
            raise LiteboxError("name the objects to remove, or --all, or --wipe")
        for oid in ids:
            store.remove(oid)
            print(f"removed {_show_id(oid)}", file=sys.stderr)
    except StorageError as exc:
        raise LiteboxError(str(exc)) from None
    return 0

