"""Names for the numbers a TA passes through syscalls, gathered from ``optee_litebox.abi``.

The tables are built from the constants of the abi modules (``results``, ``props``,
``crypto``, and ``storage`` once it exists), so a constant added there is decoded here
with no change. A few GP constants that no abi module defines yet have fallbacks.
"""
from __future__ import annotations

import importlib
from functools import cache, lru_cache

from ...abi.results import ORIGIN_NAMES, result_name

_ABI_MODULES = ("results", "props", "crypto", "storage", "params", "ta")

#: GP constants used only for decoding until an abi module defines them (GP TEE Internal
#: Core API: storage identifiers, seek origins; libutee: cache operations).
_FALLBACK: dict[str, int] = {
    "TEE_STORAGE_PRIVATE": 0x00000001,
    "TEE_STORAGE_PRIVATE_REE": 0x80000000,
    "TEE_STORAGE_PRIVATE_RPMB": 0x80000100,
    "TEE_DATA_SEEK_SET": 0, "TEE_DATA_SEEK_CUR": 1, "TEE_DATA_SEEK_END": 2,
    "TEE_CACHECLEAN": 0, "TEE_CACHEFLUSH": 1, "TEE_CACHEINVALIDATE": 2,
}


@lru_cache(maxsize=1)
def _constants() -> dict[str, int]:
    found = dict(_FALLBACK)
    for mod_name in _ABI_MODULES:
        try:
            mod = importlib.import_module(f"optee_litebox.abi.{mod_name}")
        except ImportError:
            continue
        for key, value in vars(mod).items():
            if key.isupper() and isinstance(value, int) and not isinstance(value, bool):
                found[key] = value
    return found


@cache
def table(prefix: str, exclude: tuple[str, ...] = ()) -> dict[int, str]:
    """value -> name for constants starting with prefix (first name wins per value)."""
    out: dict[int, str] = {}
    for key, value in sorted(_constants().items()):
        if key.startswith(prefix) and not any(key.startswith(e) for e in exclude):
            out.setdefault(value, key)
    return out


def name_of(value: int, prefix: str, exclude: tuple[str, ...] = ()) -> str:
    name = table(prefix, exclude).get(value)
    return name if name is not None else f"0x{value:x}"


def flags_of(value: int, prefix: str, exclude: tuple[str, ...] = ()) -> str:
    """'A|B|0x40' for a bit set; '0' for none."""
    if value == 0:
        return "0"
    parts = []
    rest = value
    for bit, name in sorted(table(prefix, exclude).items()):
        if bit and bit & (bit - 1) == 0 and rest & bit:
            parts.append(name)
            rest &= ~bit
    if rest:
        parts.append(f"0x{rest:x}")
    return "|".join(parts)


def algorithm(value: int) -> str:
    return name_of(value, "TEE_ALG_")


def object_type(value: int) -> str:
    return name_of(value, "TEE_TYPE_")


def attribute(value: int) -> str:
    return name_of(value, "TEE_ATTR_", exclude=("TEE_ATTR_FLAG_", "TEE_ATTR_BIT_"))


def propset(value: int) -> str:
    return name_of(value, "TEE_PROPSET_")


def storage_id(value: int) -> str:
    return name_of(value, "TEE_STORAGE_")


def data_flags(value: int) -> str:
    return flags_of(value, "TEE_DATA_FLAG_")


def usage(value: int) -> str:
    return "TEE_USAGE_DEFAULT" if value == 0xFFFFFFFF else flags_of(value, "TEE_USAGE_", ("TEE_USAGE_DEFAULT",))


def mode(value: int) -> str:
    return name_of(value, "TEE_MODE_")


def whence(value: int) -> str:
    return name_of(value, "TEE_DATA_SEEK_")


def time_category(value: int) -> str:
    return name_of(value, "UTEE_TIME_CAT_")


def access_flags(value: int) -> str:
    return flags_of(value, "TEE_MEMORY_ACCESS_")


def cache_op(value: int) -> str:
    return name_of(value, "TEE_CACHE")


def origin(value: int) -> str:
    return ORIGIN_NAMES.get(value, f"0x{value:x}")


def result(value: int) -> str:
    return result_name(value)
