"""GP parameters and the TA entry ABI (lib/libutee/include/utee_types.h)."""
from __future__ import annotations

import struct

TEE_NUM_PARAMS = 4

TEE_PARAM_TYPE_NONE = 0
TEE_PARAM_TYPE_VALUE_INPUT = 1
TEE_PARAM_TYPE_VALUE_OUTPUT = 2
TEE_PARAM_TYPE_VALUE_INOUT = 3
TEE_PARAM_TYPE_MEMREF_INPUT = 5
TEE_PARAM_TYPE_MEMREF_OUTPUT = 6
TEE_PARAM_TYPE_MEMREF_INOUT = 7

VALUE_TYPES = frozenset({1, 2, 3})
MEMREF_TYPES = frozenset({5, 6, 7})
INPUT_TYPES = frozenset({1, 3, 5, 7})   # the TA reads them
OUTPUT_TYPES = frozenset({2, 3, 6, 7})  # copied back to the client

PARAM_TYPE_NAMES = {
    0: "NONE", 1: "VALUE_INPUT", 2: "VALUE_OUTPUT", 3: "VALUE_INOUT",
    5: "MEMREF_INPUT", 6: "MEMREF_OUTPUT", 7: "MEMREF_INOUT",
}

UTEE_ENTRY_FUNC_OPEN_SESSION = 0
UTEE_ENTRY_FUNC_CLOSE_SESSION = 1
UTEE_ENTRY_FUNC_INVOKE_COMMAND = 2
UTEE_ENTRY_FUNC_DUMP_MEMSTATS = 3

#: struct utee_params { u64 types; u64 vals[8]; }
UTEE_PARAMS = struct.Struct("<9Q")
#: struct utee_attribute { u64 a; u64 b; u32 attribute_id; } (24 bytes with padding)
UTEE_ATTRIBUTE = struct.Struct("<QQI4x")
#: struct utee_object_info: seven u32
UTEE_OBJECT_INFO = struct.Struct("<7I")
#: TEE_Time { u32 seconds; u32 millis; }
TEE_TIME = struct.Struct("<II")


def param_types(t0: int = 0, t1: int = 0, t2: int = 0, t3: int = 0) -> int:
    return (t0 & 0xF) | ((t1 & 0xF) << 4) | ((t2 & 0xF) << 8) | ((t3 & 0xF) << 12)


def param_type_get(types: int, index: int) -> int:
    return (types >> (index * 4)) & 0xF
