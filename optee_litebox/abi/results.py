"""TEE_Result codes and return origins (GP TEE Internal Core API 1.3, OP-TEE extensions).

Values from lib/libutee/include/tee_api_defines.h; the TEEC_* client values are identical.
"""
from __future__ import annotations

TEE_SUCCESS = 0x00000000
TEE_ERROR_CORRUPT_OBJECT = 0xF0100001
TEE_ERROR_CORRUPT_OBJECT_2 = 0xF0100002
TEE_ERROR_STORAGE_NOT_AVAILABLE = 0xF0100003
TEE_ERROR_STORAGE_NOT_AVAILABLE_2 = 0xF0100004
TEE_ERROR_UNSUPPORTED_VERSION = 0xF0100005
TEE_ERROR_CIPHERTEXT_INVALID = 0xF0100006
TEE_ERROR_GENERIC = 0xFFFF0000
TEE_ERROR_ACCESS_DENIED = 0xFFFF0001
TEE_ERROR_CANCEL = 0xFFFF0002
TEE_ERROR_ACCESS_CONFLICT = 0xFFFF0003
TEE_ERROR_EXCESS_DATA = 0xFFFF0004
TEE_ERROR_BAD_FORMAT = 0xFFFF0005
TEE_ERROR_BAD_PARAMETERS = 0xFFFF0006
TEE_ERROR_BAD_STATE = 0xFFFF0007
TEE_ERROR_ITEM_NOT_FOUND = 0xFFFF0008
TEE_ERROR_NOT_IMPLEMENTED = 0xFFFF0009
TEE_ERROR_NOT_SUPPORTED = 0xFFFF000A
TEE_ERROR_NO_DATA = 0xFFFF000B
TEE_ERROR_OUT_OF_MEMORY = 0xFFFF000C
TEE_ERROR_BUSY = 0xFFFF000D
TEE_ERROR_COMMUNICATION = 0xFFFF000E
TEE_ERROR_SECURITY = 0xFFFF000F
TEE_ERROR_SHORT_BUFFER = 0xFFFF0010
TEE_ERROR_EXTERNAL_CANCEL = 0xFFFF0011
TEE_ERROR_TIMEOUT = 0xFFFF3001
TEE_ERROR_OVERFLOW = 0xFFFF300F
TEE_ERROR_TARGET_DEAD = 0xFFFF3024
TEE_ERROR_STORAGE_NO_SPACE = 0xFFFF3041
TEE_ERROR_MAC_INVALID = 0xFFFF3071
TEE_ERROR_SIGNATURE_INVALID = 0xFFFF3072
TEE_ERROR_TIME_NOT_SET = 0xFFFF5000
TEE_ERROR_TIME_NEEDS_RESET = 0xFFFF5001

TEE_ORIGIN_API = 1
TEE_ORIGIN_COMMS = 2
TEE_ORIGIN_TEE = 3
TEE_ORIGIN_TRUSTED_APP = 4

RESULT_NAMES: dict[int, str] = {
    v: k for k, v in sorted(globals().items()) if k.startswith("TEE_ERROR_") or k == "TEE_SUCCESS"
}
# Prefer the primary names over the *_2 aliases.
RESULT_NAMES[TEE_ERROR_CORRUPT_OBJECT] = "TEE_ERROR_CORRUPT_OBJECT"
RESULT_NAMES[TEE_ERROR_STORAGE_NOT_AVAILABLE] = "TEE_ERROR_STORAGE_NOT_AVAILABLE"

ORIGIN_NAMES: dict[int, str] = {
    TEE_ORIGIN_API: "TEE_ORIGIN_API",
    TEE_ORIGIN_COMMS: "TEE_ORIGIN_COMMS",
    TEE_ORIGIN_TEE: "TEE_ORIGIN_TEE",
    TEE_ORIGIN_TRUSTED_APP: "TEE_ORIGIN_TRUSTED_APP",
}


def result_name(code: int) -> str:
    """Name of a TEE_Result, or its hex value when it has none."""
    return RESULT_NAMES.get(code & 0xFFFFFFFF, f"0x{code & 0xFFFFFFFF:08X}")


def origin_name(origin: int) -> str:
    return ORIGIN_NAMES.get(origin, f"origin {origin}")


def result_code(name_or_code: str | int) -> int:
    """Accept a TEE_Result by name (with or without the TEE_ prefix) or number."""
    if isinstance(name_or_code, int):
        return name_or_code & 0xFFFFFFFF
    key = name_or_code.strip().upper()
    if key.startswith("TEEC_"):
        key = "TEE_" + key[5:]
    if not key.startswith("TEE_"):
        key = "TEE_" + key
    if not key.startswith("TEE_ERROR_") and key != "TEE_SUCCESS":
        key = "TEE_ERROR_" + key[4:]
    for code, name in RESULT_NAMES.items():
        if name == key:
            return code
    raise KeyError(f"unknown TEE_Result name {name_or_code!r}")
