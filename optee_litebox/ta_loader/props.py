"""Read a TA's GP properties (``ta_props[]``) statically, without running it.

``ta/user_ta_header.c`` builds ``const struct user_ta_property ta_props[]`` (24 bytes each on
aarch64: name pointer, u32 type, value pointer) and ``const size_t ta_num_props``. The
pointers need relocating, so we apply the plan's relocations at base 0 in a scratch copy
and read from that.

The symbols ``ta_props``/``ta_num_props`` are only in ``.symtab``, which the signed ``.ta``
payload (a stripped ELF) lacks. Then we find the array by its first entry, which
user_ta_header.c always makes ``gpd.ta.singleInstance`` (a bool), and read entries while
both pointers are relocated and the entry decodes as a property. That fallback is a
heuristic (checked against all 38 upstream-built TAs); docs/loader.md says so.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass
from typing import Union

from ..abi.props import PROP_TYPE_NAMES
from ..abi.ta import USER_TA_PROPERTY, uuid_from_tee
from ..errors import LoaderError
from ._errors import boundary
from .plan import R_AARCH64_RELATIVE, LoadPlan
from .relocate import relocated_image

PropValue = Union[bool, int, str, bytes, _uuid.UUID, tuple[int, _uuid.UUID]]
FIRST_PROP = b"gpd.ta.singleInstance\0"
MAX_PROPS = 1024
MAX_NAME = 255
MAX_STRING = 64 * 1024


@dataclass(frozen=True)
class TaProperty:
    """One ``ta_props[]`` entry. ``value`` by type: bool, u32/u64 int, uuid UUID,
    identity (login, UUID), string str, binary bytes (decoded from its base64 text)."""

    name: str
    type: str
    value: PropValue


class _Image:
    """Relocated segment bytes, readable by link-time address (zeros past file data)."""

    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        images = relocated_image(plan, 0, lambda _name: 0)
        self.parts = [(seg.vaddr, seg.vaddr + seg.memsz, bytes(images[i]))
                      for i, seg in enumerate(plan.segments)]

    def read(self, addr: int, size: int) -> bytes:
        for lo, hi, data in self.parts:
            if lo <= addr and addr + size <= hi:
                chunk = data[addr - lo:addr - lo + size]
                return chunk + bytes(size - len(chunk))
        raise LoaderError(f"property data at 0x{addr:x} is outside the image")

    def cstr(self, addr: int, limit: int) -> bytes:
        for lo, hi, data in self.parts:
            if lo <= addr < hi:
                end = data.find(b"\0", addr - lo, addr - lo + limit)
                if end < 0:
                    if len(data) < min(hi - lo, addr - lo + limit):
                        return data[addr - lo:]  # runs into zero-filled memory
                    raise LoaderError(f"unterminated string at 0x{addr:x}")
                return data[addr - lo:end]
        raise LoaderError(f"string pointer 0x{addr:x} is outside the image")

    def find(self, needle: bytes) -> list[int]:
        out = []
        for lo, _hi, data in self.parts:
            pos = data.find(needle)
            while pos >= 0:
                out.append(lo + pos)
                pos = data.find(needle, pos + 1)
        return out


def read_ta_props(plan: LoadPlan) -> list[TaProperty]:
    """The TA's ``ta_props[]`` entries, in order. Empty for a library (no ta_head)."""
    with boundary(plan.name):
        if plan.ta_head is None and plan.ta_props_vaddr is None:
            return []
        img = _Image(plan)
        if plan.ta_props_vaddr is not None and plan.ta_num_props_vaddr is not None:
            (count,) = struct.unpack("<Q", img.read(plan.ta_num_props_vaddr, 8))
            if count > MAX_PROPS:
                raise LoaderError(f"ta_num_props is {count}")
            return [_decode(img, plan.ta_props_vaddr + i * USER_TA_PROPERTY.size)
                    for i in range(count)]
        start = _find_array(plan, img)
        if start is None:
            return []
        # In a position-independent TA both pointers of every real entry carry a RELATIVE
        # relocation; the object after the array (whatever it is) almost never does.
        relocated = {r.offset for r in plan.relocations if r.type == R_AARCH64_RELATIVE}
        props = []
        for i in range(MAX_PROPS):
            at = start + i * USER_TA_PROPERTY.size
            if i and (at not in relocated or at + 16 not in relocated):
                break
            try:
                props.append(_decode(img, at, strict=True))
            except LoaderError:
                if i == 0:
                    raise
                break
        return props


_B64 = {c: i for i, c in enumerate(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def lenient_b64decode(text: bytes) -> bytes:
    """Base64 as libutils' base64_dec() reads it: characters outside the alphabet are
    skipped, the first '=' ends the data, a trailing partial group is dropped. This is
    what the TA itself gets from TEE_GetPropertyAsBinaryBlock (os_test relies on it)."""
    out = bytearray()
    state = byte = 0
    for ch in text:
        if ch == 0x3D:  # '='
            break
        idx = _B64.get(ch)
        if idx is None:
            continue
        if state == 0:
            byte = idx << 2
        elif state == 1:
            out.append(byte | idx >> 4)
            byte = (idx & 0xF) << 4
        elif state == 2:
            out.append(byte | idx >> 2)
            byte = (idx & 0x3) << 6
        else:
            out.append(byte | idx)
        state = (state + 1) % 4
    return bytes(out)


def _find_array(plan: LoadPlan, img: _Image) -> int | None:
    targets = set(img.find(FIRST_PROP))
    for rel in plan.relocations:
        if rel.type == R_AARCH64_RELATIVE and rel.addend in targets:
            entry = img.read(rel.offset, USER_TA_PROPERTY.size)
            if USER_TA_PROPERTY.unpack(entry)[1] == 0:  # USER_TA_PROP_TYPE_BOOL
                return rel.offset
    return None


def _decode(img: _Image, addr: int, strict: bool = False) -> TaProperty:
    name_ptr, ptype, value_ptr = USER_TA_PROPERTY.unpack(img.read(addr, USER_TA_PROPERTY.size))
    raw_name = img.cstr(name_ptr, MAX_NAME + 1)
    if strict and (not raw_name or len(raw_name) > MAX_NAME
                   or not all(0x21 <= b < 0x7F for b in raw_name)):
        raise LoaderError(f"no property name at 0x{name_ptr:x}")
    name = raw_name.decode("utf-8", "replace")
    if ptype not in PROP_TYPE_NAMES:
        raise LoaderError(f"property {name!r} has invalid type {ptype}")
    value: PropValue
    if ptype == 0:
        value = img.read(value_ptr, 1) != b"\0"
    elif ptype == 1:
        (value,) = struct.unpack("<I", img.read(value_ptr, 4))
    elif ptype == 2:
        value = uuid_from_tee(img.read(value_ptr, 16))
    elif ptype == 3:
        raw = img.read(value_ptr, 20)
        value = (struct.unpack_from("<I", raw)[0], uuid_from_tee(raw[4:]))
    elif ptype == 4:
        value = img.cstr(value_ptr, MAX_STRING).decode("utf-8", "replace")
    elif ptype == 5:
        value = lenient_b64decode(img.cstr(value_ptr, MAX_STRING))
    else:
        (value,) = struct.unpack("<Q", img.read(value_ptr, 8))
    return TaProperty(name, PROP_TYPE_NAMES[ptype], value)
