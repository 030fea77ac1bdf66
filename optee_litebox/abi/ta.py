"""TA header layout and flags (lib/libutee/include/user_ta_header.h)."""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass

TA_FLAG_SINGLE_INSTANCE = 1 << 2
TA_FLAG_MULTI_SESSION = 1 << 3
TA_FLAG_INSTANCE_KEEP_ALIVE = 1 << 4
TA_FLAG_SECURE_DATA_PATH = 1 << 5
TA_FLAG_CACHE_MAINTENANCE = 1 << 7
TA_FLAG_CONCURRENT = 1 << 8
TA_FLAG_DEVICE_ENUM = 1 << 9
TA_FLAG_DEVICE_ENUM_SUPP = 1 << 10
TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT = 1 << 11
TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE = 1 << 12
TA_FLAG_INSTANCE_KEEP_CRASHED = 1 << 13
TA_FLAGS_MASK = (1 << 14) - 1

TA_FLAG_NAMES: dict[int, str] = {
    TA_FLAG_SINGLE_INSTANCE: "SINGLE_INSTANCE",
    TA_FLAG_MULTI_SESSION: "MULTI_SESSION",
    TA_FLAG_INSTANCE_KEEP_ALIVE: "INSTANCE_KEEP_ALIVE",
    TA_FLAG_SECURE_DATA_PATH: "SECURE_DATA_PATH",
    TA_FLAG_CACHE_MAINTENANCE: "CACHE_MAINTENANCE",
    TA_FLAG_CONCURRENT: "CONCURRENT",
    TA_FLAG_DEVICE_ENUM: "DEVICE_ENUM",
    TA_FLAG_DEVICE_ENUM_SUPP: "DEVICE_ENUM_SUPP",
    TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT: "DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT",
    TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE: "DEVICE_ENUM_TEE_STORAGE_PRIVATE",
    TA_FLAG_INSTANCE_KEEP_CRASHED: "INSTANCE_KEEP_CRASHED",
}

#: struct ta_head { TEE_UUID uuid; u32 stack_size; u32 flags; u64 depr_entry; }
TA_HEAD = struct.Struct("<16sIIQ")
TA_FRAMEWORK_STACK_SIZE = 2048

#: struct user_ta_property { const char *name; u32 type; const void *value; } (aarch64)
USER_TA_PROPERTY = struct.Struct("<QI4xQ")


def flag_names(flags: int) -> list[str]:
    names = [name for bit, name in TA_FLAG_NAMES.items() if flags & bit]
    unknown = flags & ~sum(TA_FLAG_NAMES)
    if unknown:
        names.append(f"0x{unknown:x}")
    return names


def uuid_from_tee(raw: bytes) -> _uuid.UUID:
    """TEE_UUID as laid out in TA memory (little-endian fields on arm64) to a UUID."""
    time_low, time_mid, time_hi = struct.unpack_from("<IHH", raw, 0)
    return _uuid.UUID(fields=(time_low, time_mid, time_hi, raw[8], raw[9],
                              int.from_bytes(raw[10:16], "big")))


def uuid_to_tee(value: _uuid.UUID) -> bytes:
    """UUID to the TEE_UUID memory layout of an arm64 TA."""
    return value.bytes_le


@dataclass(frozen=True)
class TaHead:
    uuid: _uuid.UUID
    stack_size: int
    flags: int
    depr_entry: int

    @classmethod
    def parse(cls, raw: bytes) -> "TaHead":
        uuid_raw, stack_size, flags, depr = TA_HEAD.unpack_from(raw, 0)
        return cls(uuid_from_tee(uuid_raw), stack_size, flags, depr)

    def pack(self) -> bytes:
        return TA_HEAD.pack(uuid_to_tee(self.uuid), self.stack_size, self.flags, self.depr_entry)

    @property
    def single_instance(self) -> bool:
        return bool(self.flags & TA_FLAG_SINGLE_INSTANCE)

    @property
    def multi_session(self) -> bool:
        return bool(self.flags & TA_FLAG_MULTI_SESSION)

    @property
    def keep_alive(self) -> bool:
        return bool(self.flags & TA_FLAG_INSTANCE_KEEP_ALIVE)
