"""Helpers shared by subcommands: resolving TA arguments, keys, parameter specs."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..abi.params import PARAM_TYPE_NAMES
from ..errors import LiteboxError
from ..runtime.params import Param
from ..samples import sample, sample_pubkey, samples

PARAM_SPEC_HELP = ("none | value-in:A,B | value-out | value-inout:A,B | memref-in:HEX | "
                   "memref-out:SIZE | memref-inout:HEX")


def resolve_ta(arg: str | None, default: str = "hello_world") -> tuple[Path, bytes | None]:
    """A path, or the name of a bundled sample; returns (file, the sample key or None)."""
    if arg is None or (not os.path.exists(arg) and arg.replace("-", "_") in samples()):
        s = sample(arg or default)
        return s.ta_path, sample_pubkey()
    path = Path(arg)
    if not path.is_file():
        raise LiteboxError(f"{arg}: no such file (and no bundled sample of that name)")
    return path, None


def read_key(path: str | None) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise LiteboxError(f"cannot read key {path}: {exc.strerror}") from exc


def _int(text: str) -> int:
    value = int(text, 0)
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError("value out of range for a 32-bit field")
    return value


def parse_param(spec: str) -> Param:
    """One --param SPEC as a Param (see PARAM_SPEC_HELP)."""
    kind, _, arg = spec.partition(":")
    kind = kind.strip().lower()
    try:
        if kind == "none":
            return Param.none()
        if kind in ("value-in", "value-inout"):
            a, _, b = arg.partition(",")
            a_val, b_val = _int(a or "0"), _int(b or "0")
            return Param.value_in(a_val, b_val) if kind == "value-in" else Param.value_inout(a_val, b_val)
        if kind == "value-out":
            return Param.value_out()
        if kind in ("memref-in", "memref-inout"):
            data = bytes.fromhex(arg)
            return Param.memref_in(data) if kind == "memref-in" else Param.memref_inout(data)
        if kind == "memref-out":
            return Param.memref_out(int(arg or "0", 0))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"bad parameter {spec!r}: {exc}") from None
    raise argparse.ArgumentTypeError(f"bad parameter {spec!r}: expected {PARAM_SPEC_HELP}")


def param_json(p: Param) -> dict[str, object]:
    out: dict[str, object] = {"type": PARAM_TYPE_NAMES.get(p.type, str(p.type)).lower().replace("_", "-")}
    if p.is_value:
        out.update(a=p.a, b=p.b)
    elif p.is_memref:
        out.update(data=p.data().hex(), size=p.size)
    return out


def param_text(i: int, p: Param) -> str:
    info = param_json(p)
    kind = info.pop("type")
    fields = " ".join(f"{k}={v}" for k, v in info.items())
    return f"param {i}: {kind} {fields}".rstrip()
