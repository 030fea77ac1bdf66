"""Key derivation from the device's hardware-unique key (core/kernel/huk_subkey.c).

OP-TEE derives every device-bound secret as HMAC-SHA256(HUK, usage [|| data]). The
default build sets CFG_CORE_HUK_SUBKEY_COMPAT=y, which changes only the SSK and RPMB
derivations; both are reproduced here so values match a default upstream build.
"""
from __future__ import annotations

import hashlib
import hmac
import struct

HUK_SUBKEY_RPMB = 0
HUK_SUBKEY_SSK = 1
HUK_SUBKEY_DIE_ID = 2
HUK_SUBKEY_UNIQUE_TA = 3
HUK_SUBKEY_TA_ENC = 4
HUK_SUBKEY_SE050 = 5
HUK_SUBKEY_MAX_LEN = 32
HW_UNIQUE_KEY_LENGTH = 16
TEE_FS_KM_CHIP_ID_LENGTH = 32


def huk_subkey_derive(huk: bytes, usage: int, const_data: bytes = b"", length: int = 32,
                      *, compat: bool = True) -> bytes:
    """__huk_subkey_derive() with the default configuration."""
    if length > HUK_SUBKEY_MAX_LEN:
        raise ValueError("subkey longer than 32 bytes")
    mac = hmac.new(huk, digestmod=hashlib.sha256)
    if compat and usage == HUK_SUBKEY_SSK:
        chip_id = (b"BEEF" * (TEE_FS_KM_CHIP_ID_LENGTH // 4))[:TEE_FS_KM_CHIP_ID_LENGTH]
        mac.update(chip_id)
        mac.update(b"ONLY_FOR_tee_fs_ssk\0")
    elif not (compat and usage == HUK_SUBKEY_RPMB):
        mac.update(struct.pack("<I", usage))
    if const_data:
        mac.update(const_data)
    return mac.digest()[:length]


def die_id(huk: bytes) -> bytes:
    """tee_otp_get_die_id() default: a HUK subkey, 12 bytes (FVR_DIE_ID_NUM_REGS u32s)."""
    return huk_subkey_derive(huk, HUK_SUBKEY_DIE_ID, b"", 12)


def tee_device_id(huk: bytes) -> bytes:
    """gpd.tee.deviceID as TEE_UUID bytes: SHA-256("OPTEE" || die id) made an RFC 4122 v5 UUID."""
    raw = bytearray(hashlib.sha256(b"OPTEE" + die_id(huk)).digest()[:16])
    hi = struct.unpack_from("<H", raw, 6)[0]
    struct.pack_into("<H", raw, 6, (hi & 0x0FFF) | (5 << 12))
    raw[8] = (raw[8] & 0x3F) | 0x80
    return bytes(raw)
