"""Decoding syscall arguments and results for the tracer: names, not numbers.

``SIGNATURES`` is keyed by syscall number; each entry lists the register arguments of
upstream's ``_utee_*`` prototype (utee_syscalls.h) as ``name:kind`` strings. A kind says
how to show the value; kinds that point at guest memory read it after the call, so
output buffers and out-parameters show what the TEE wrote. Adding a decoder for a new
syscall is one line here; adding a kind is one function in ``_KINDS``.

Kinds: ``int``, ``hex``, ``handle``, ``size``, ``ptr`` (address only), ``str@N`` and
``buf@N`` (N names the argument holding the length), ``out@N`` (an output buffer whose
length is in the u64 or u32 that argument N points at), ``out32``/``out64`` (a pointer to
an out-parameter), ``uuid`` (pointer to a TEE_UUID), ``time`` (pointer to a TEE_Time),
``attrs@N`` (array of N struct utee_attribute), ``out_proptype`` (a property type
written back) and the name tables of ``names``.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from collections.abc import Callable
from typing import Any

from ...abi.syscalls import syscall_name
from ...core.memory import AddressSpace
from . import names

MAX_BYTES = 32  # bytes of a buffer shown
MAX_TEXT = 200  # characters of a string shown

SIGNATURES: dict[int, tuple[str, ...]] = {
    0: ("ret:result",),
    1: ("buf:str@len", "len:size"),
    2: ("code:result",),
    3: ("prop_set:propset", "index:int", "name:outstr@name_len", "name_len:out32",
        "buf:out@blen", "blen:out32", "prop_type:out_proptype"),
    4: ("prop_set:propset", "name:str@name_len", "name_len:size", "index:out32"),
    5: ("dest:uuid", "cancel_req_to:timeout", "params:ptr", "sess:out32", "ret_orig:origin_out"),
    6: ("sess:handle",),
    7: ("sess:handle", "cancel_req_to:timeout", "cmd_id:hex", "params:ptr", "ret_orig:origin_out"),
    8: ("flags:access", "buf:ptr", "len:size"),
    9: ("cancel:out32",),
    10: ("old_mask:out32",),
    11: ("old_mask:out32",),
    12: ("timeout:timeout",),
    13: ("cat:time_cat", "time:time"),
    14: ("time:time",),
    15: ("algo:alg", "op_mode:mode", "key1:handle", "key2:handle", "state:out32"),
    16: ("dst:handle", "src:handle"),
    17: ("state:handle",),
    18: ("state:handle", "iv:buf@iv_len", "iv_len:size"),
    19: ("state:handle", "chunk:buf@chunk_size", "chunk_size:size"),
    20: ("state:handle", "chunk:buf@chunk_size", "chunk_size:size", "hash:out@hash_len",
         "hash_len:out64"),
    21: ("state:handle", "iv:buf@iv_len", "iv_len:size"),
    22: ("state:handle", "src:buf@src_len", "src_len:size", "dest:out@dest_len", "dest_len:out64"),
    23: ("state:handle", "src:buf@src_len", "src_len:size", "dest:out@dest_len", "dest_len:out64"),
    24: ("obj:handle", "info:ptr"),
    25: ("obj:handle", "usage:usage"),
    26: ("obj:handle", "attr_id:attr", "buffer:out@size", "size:out64"),
    27: ("type:objtype", "max_size:int", "obj:out32"),
    28: ("obj:handle",),
    29: ("obj:handle",),
    30: ("obj:handle", "attrs:attrs@attr_count", "attr_count:int"),
    31: ("dst_obj:handle", "src_obj:handle"),
    32: ("state:handle", "params:attrs@param_count", "param_count:int", "derived_key:handle"),
    33: ("buf:out@blen", "blen:size"),
    34: ("state:handle", "nonce:buf@nonce_len", "nonce_len:size", "tag_len:size", "aad_len:size",
         "payload_len:size"),
    35: ("state:handle", "aad_data:buf@aad_data_len", "aad_data_len:size"),
    36: ("state:handle", "src_data:buf@src_len", "src_len:size", "dest_data:out@dest_len",
         "dest_len:out64"),
    37: ("state:handle", "src_data:buf@src_len", "src_len:size", "dest_data:out@dest_len",
         "dest_len:out64", "tag:out@tag_len", "tag_len:out64"),
    38: ("state:handle", "src_data:buf@src_len", "src_len:size", "dest_data:out@dest_len",
         "dest_len:out64", "tag:buf@tag_len", "tag_len:size"),
    39: ("state:handle", "params:attrs@num_params", "num_params:int", "src_data:buf@src_len",
         "src_len:size", "dest_data:out@dest_len", "dest_len:out64"),
    40: ("state:handle", "params:attrs@num_params", "num_params:int", "data:buf@data_len",
         "data_len:size", "sig:buf@sig_len", "sig_len:size"),
    41: ("storage_id:storage", "object_id:buf@object_id_len", "object_id_len:size",
         "flags:data_flags", "obj:out32"),
    42: ("storage_id:storage", "object_id:buf@object_id_len", "object_id_len:size",
         "flags:data_flags", "attr:handle", "data:buf@len", "len:size", "obj:out32"),
    43: ("obj:handle",),
    44: ("obj:handle", "new_obj_id:buf@new_obj_id_len", "new_obj_id_len:size"),
    45: ("obj_enum:out32",),
    46: ("obj_enum:handle",),
    47: ("obj_enum:handle",),
    48: ("obj_enum:handle", "storage_id:storage"),
    49: ("obj_enum:handle", "info:ptr", "obj_id:out@len", "len:out64"),
    50: ("obj:handle", "data:out@count", "len:size", "count:out64"),
    51: ("obj:handle", "data:buf@len", "len:size"),
    52: ("obj:handle", "len:size"),
    53: ("obj:handle", "offset:int32", "whence:whence"),
    54: ("obj:handle", "key_size:int", "params:attrs@param_count", "param_count:int"),
    70: ("va:ptr", "l:size", "op:cache_op"),
}

_UTEE_ATTRIBUTE = struct.Struct("<QQI4x")  # a, b, attribute_id
_NAMED: dict[str, Callable[[int], str]] = {
    "result": names.result, "propset": names.propset, "alg": names.algorithm,
    "objtype": names.object_type, "attr": names.attribute, "mode": names.mode,
    "usage": names.usage, "storage": names.storage_id, "data_flags": names.data_flags,
    "whence": names.whence, "time_cat": names.time_category, "access": names.access_flags,
    "cache_op": names.cache_op,
}


class _Reader:
    """Guest memory for decoders: never raises, shows a bad pointer as such."""

    def __init__(self, mem: AddressSpace) -> None:
        self.mem = mem

    def bytes(self, addr: int, size: int) -> bytes | None:
        if not addr or size < 0:
            return None
        try:
            return self.mem.peek(addr, size)
        except Exception:  # noqa: BLE001 - a bad pointer is shown, never raised
            return None

    def u32(self, addr: int) -> int | None:
        raw = self.bytes(addr, 4)
        return None if raw is None else int.from_bytes(raw, "little")

    def u64(self, addr: int) -> int | None:
        raw = self.bytes(addr, 8)
        return None if raw is None else int.from_bytes(raw, "little")


class Text(str):
    """A string the TA passed (shown quoted), as opposed to a symbolic name."""


def _text(raw: bytes) -> Text:
    text = raw.decode("utf-8", "backslashreplace")
    return Text(text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "...")


def _hexbytes(raw: bytes) -> str:
    shown = raw[:MAX_BYTES].hex()
    return shown if len(raw) <= MAX_BYTES else f"{shown}...({len(raw)} bytes)"


def _length(args: dict[str, int], kinds: dict[str, str], name: str, reader: _Reader) -> int | None:
    """The length named by an argument: its value, or what an out-pointer holds."""
    value = args.get(name)
    if value is None:
        return None
    kind = kinds.get(name, "")
    if kind in ("out64", "out32"):
        return reader.u64(value) if kind == "out64" else reader.u32(value)
    return value


def _decode_one(kind: str, value: int, args: dict[str, int], kinds: dict[str, str],
                reader: _Reader) -> Any:
    base, _, ref = kind.partition("@")
    if base in _NAMED:
        return _NAMED[base](value)
    if base in ("int", "size"):
        return value
    if base == "int32":
        return value - (1 << 32) if value & 0x80000000 else value & 0xFFFFFFFF
    if base in ("hex", "handle", "ptr"):
        return f"0x{value:x}"
    if base == "timeout":
        return "TEE_TIMEOUT_INFINITE" if value & 0xFFFFFFFF == 0xFFFFFFFF else value
    if base in ("str", "outstr", "buf", "out"):
        size = _length(args, kinds, ref, reader)
        raw = reader.bytes(value, min(size or 0, 1 << 16)) if size is not None else None
        if raw is None:
            return "NULL" if not value else f"0x{value:x}"
        if base == "outstr":
            raw = raw.split(b"\0", 1)[0]
        elif base == "str" and raw.endswith(b"\0"):  # a length that counts the NUL
            raw = raw[:-1]
        return _text(raw) if base in ("str", "outstr") else _hexbytes(raw)
    if base in ("out32", "out64", "origin_out", "out_proptype"):
        got = reader.u64(value) if base == "out64" else reader.u32(value)
        if got is None:
            return "NULL" if not value else f"0x{value:x}"
        if base == "out_proptype":
            return names.name_of(got, "USER_TA_PROP_TYPE_")
        return names.origin(got) if base == "origin_out" else got
    if base == "uuid":
        raw = reader.bytes(value, 16)
        if raw is None:
            return f"0x{value:x}"
        t, m, h = struct.unpack("<IHH", raw[:8])
        return str(_uuid.UUID(bytes=struct.pack(">IHH", t, m, h) + raw[8:]))
    if base == "time":
        raw = reader.bytes(value, 8)
        if raw is None:
            return f"0x{value:x}"
        seconds, millis = struct.unpack("<II", raw)
        return f"{seconds}.{millis:03d}s"
    if base == "attrs":
        count = min(args.get(ref, 0), 16)
        raw = reader.bytes(value, _UTEE_ATTRIBUTE.size * count)
        if raw is None:
            return f"0x{value:x}"
        return [names.attribute(_UTEE_ATTRIBUTE.unpack_from(raw, i * _UTEE_ATTRIBUTE.size)[2])
                for i in range(count)]
    return f"0x{value:x}"


def decode_syscall(num: int, args: tuple[int, ...], mem: AddressSpace) -> dict[str, Any]:
    """{"name", "args": {name: decoded value}} for one syscall, after it ran."""
    sig = SIGNATURES.get(num)
    if sig is None:
        return {"name": syscall_name(num), "args": {f"a{i}": f"0x{v:x}" for i, v in enumerate(args)}}
    reader = _Reader(mem)
    pairs = [spec.split(":", 1) for spec in sig]
    raw = {name: value for (name, _), value in zip(pairs, args)}
    kinds = dict(pairs)
    decoded = {name: _decode_one(kind, raw[name], raw, kinds, reader)
               for name, kind in pairs if name in raw}
    return {"name": syscall_name(num), "args": decoded}


def format_call(name: str, args: dict[str, Any]) -> str:
    """'log(buf="I/TA: hi\\n", len=10)': strings the TA passed are quoted, names are not."""
    parts = [f"{key}={_quote(value) if isinstance(value, Text) else value}"
             for key, value in args.items()]
    return f"{name}({', '.join(parts)})"


def _quote(text: str) -> str:
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
