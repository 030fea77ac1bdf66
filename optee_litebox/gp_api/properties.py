"""Syscalls 3-4: the kernel's property sets (core/tee/tee_svc.c).

Only what the kernel answers lives here; libutee answers the TA's own ta_props[] and
gpd.ta.* flags itself before it asks the kernel.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

from ..abi.props import (TEE_PROPSET_CURRENT_CLIENT, TEE_PROPSET_CURRENT_TA,
                         TEE_PROPSET_TEE_IMPLEMENTATION, USER_TA_PROP_TYPE_BOOL,
                         USER_TA_PROP_TYPE_IDENTITY, USER_TA_PROP_TYPE_STRING,
                         USER_TA_PROP_TYPE_U32, USER_TA_PROP_TYPE_UUID)
from ..abi.results import (TEE_ERROR_ACCESS_DENIED, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_ITEM_NOT_FOUND,
                           TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from ..errors import GuestMemoryError
from ..keys import tee_device_id
from .context import ClientIdentity, SyscallContext
from .registry import syscall

#: OP-TEE 4.10.0 defaults (mk/config.mk, core/crypto.mk; CFG_RPMB_FS=n, no BTI/PAUTH/MTE).
DEFAULT_TEE_CONFIG: dict[str, object] = {
    "gpd.tee.apiversion": "GPD-1.1-dev",
    "gpd.tee.description": "OPTEE",
    "gpd.tee.systemTime.protectionLevel": 1000,
    "gpd.tee.TAPersistentTime.protectionLevel": 100,
    "gpd.tee.cryptography.ecc": True,
    "gpd.tee.trustedStorage.antiRollback.protectionLevel": 100,
    "gpd.tee.trustedos.implementation.version": "4.10.0",
    "gpd.tee.trustedos.implementation.binaryversion": 0,
    "gpd.tee.trustedos.manufacturer": "LINARO",
    "gpd.tee.firmware.implementation.version": "FW_IMPL_UNDEF",
    "gpd.tee.firmware.implementation.binaryversion": 0,
    "gpd.tee.firmware.manufacturer": "FW_MAN_UNDEF",
}

#: Longest property name a TA may pass to syscall 4 before the kernel's malloc fails.
MAX_NAME_LEN = 1 << 20


@dataclass(frozen=True)
class Prop:
    name: str
    type: int
    value: Callable[[SyscallContext], bytes]


def _const(ctx_key: str, kind: int) -> Callable[[SyscallContext], bytes]:
    def value(ctx: SyscallContext) -> bytes:
        v = ctx.services.tee_config.get(ctx_key, DEFAULT_TEE_CONFIG[ctx_key])
        if kind == USER_TA_PROP_TYPE_STRING:
            return str(v).encode() + b"\0"
        if kind == USER_TA_PROP_TYPE_BOOL:
            return bytes([1 if v else 0])
        return struct.pack("<I", int(v))  # type: ignore[call-overload]
    return value


def _identity(ctx: SyscallContext) -> bytes:
    client = ctx.session.client if ctx.session else ClientIdentity()
    return client.pack()


_CLIENT = (
    Prop("gpd.client.identity", USER_TA_PROP_TYPE_IDENTITY, _identity),
    Prop("gpd.client.endian", USER_TA_PROP_TYPE_U32, lambda ctx: bytes(4)),
)
_TA = (
    Prop("gpd.ta.appID", USER_TA_PROP_TYPE_UUID, lambda ctx: ctx.ta.uuid.bytes_le),
)
_TEE = (
    Prop("gpd.tee.apiversion", USER_TA_PROP_TYPE_STRING, _const("gpd.tee.apiversion", 4)),
    Prop("gpd.tee.description", USER_TA_PROP_TYPE_STRING, _const("gpd.tee.description", 4)),
    Prop("gpd.tee.deviceID", USER_TA_PROP_TYPE_UUID, lambda ctx: tee_device_id(ctx.platform.huk)),
) + tuple(
    Prop(name, kind, _const(name, kind)) for name, kind in (
        ("gpd.tee.systemTime.protectionLevel", USER_TA_PROP_TYPE_U32),
        ("gpd.tee.TAPersistentTime.protectionLevel", USER_TA_PROP_TYPE_U32),
        ("gpd.tee.cryptography.ecc", USER_TA_PROP_TYPE_BOOL),
        ("gpd.tee.trustedStorage.antiRollback.protectionLevel", USER_TA_PROP_TYPE_U32),
        ("gpd.tee.trustedos.implementation.version", USER_TA_PROP_TYPE_STRING),
        ("gpd.tee.trustedos.implementation.binaryversion", USER_TA_PROP_TYPE_U32),
        ("gpd.tee.trustedos.manufacturer", USER_TA_PROP_TYPE_STRING),
        ("gpd.tee.firmware.implementation.version", USER_TA_PROP_TYPE_STRING),
        ("gpd.tee.firmware.implementation.binaryversion", USER_TA_PROP_TYPE_U32),
        ("gpd.tee.firmware.manufacturer", USER_TA_PROP_TYPE_STRING),
    ))

PROPERTY_SETS: dict[int, tuple[Prop, ...]] = {
    TEE_PROPSET_CURRENT_CLIENT: _CLIENT,
    TEE_PROPSET_CURRENT_TA: _TA,
    TEE_PROPSET_TEE_IMPLEMENTATION: _TEE,
}


def property_set(ctx: SyscallContext, prop_set: int) -> tuple[Prop, ...] | None:
    base = PROPERTY_SETS.get(prop_set)
    if base is None:
        return None
    vendor = ctx.services.vendor_props.get(prop_set, ())
    return base + tuple(Prop(n, t, _fixed(v)) for n, t, v in vendor)


def _fixed(value: bytes) -> Callable[[SyscallContext], bytes]:
    return lambda _ctx: value


def _copy_out(ctx: SyscallContext, addr: int, data: bytes) -> int:
    """copy_to_user() as a result code: the size is still written back after a failure."""
    try:
        ctx.mem.write(addr, data)
    except GuestMemoryError:
        return TEE_ERROR_ACCESS_DENIED
    return TEE_SUCCESS


@syscall(3)
def syscall_get_property(ctx: SyscallContext, prop_set: int, index: int, name: int, name_len: int,
                         buf: int, blen: int, prop_type: int) -> int:
    """TEE_Result syscall_get_property(unsigned long prop_set, unsigned long index, void *name, uint32_t *name_len, void *buf, uint32_t *blen, uint32_t *prop_type);

    Writes, in upstream's order and each only when its pointers are non-NULL: the type,
    the value (SHORT_BUFFER with the needed size), then the name including its NUL.
    """
    props = property_set(ctx, prop_set) or ()
    if index >= len(props):
        return TEE_ERROR_ITEM_NOT_FOUND
    prop = props[index]
    mem = ctx.mem
    if prop_type:
        mem.write_u32(prop_type, prop.type)
    res = TEE_SUCCESS
    if buf and blen:
        klen = mem.read_u32(blen)
        value = prop.value(ctx)
        res = TEE_ERROR_SHORT_BUFFER if klen < len(value) else _copy_out(ctx, buf, value)
        mem.write_u32(blen, len(value))
        if res != TEE_SUCCESS:
            return res
    if name and name_len:
        klen = mem.read_u32(name_len)
        encoded = prop.name.encode() + b"\0"
        res = TEE_ERROR_SHORT_BUFFER if klen < len(encoded) else _copy_out(ctx, name, encoded)
        mem.write_u32(name_len, len(encoded))
    return res


@syscall(4)
def syscall_get_property_name_to_index(ctx: SyscallContext, prop_set: int, name: int,
                                       name_len: int, index: int) -> int:
    """TEE_Result syscall_get_property_name_to_index(unsigned long prop_set, void *name, unsigned long name_len, uint32_t *index);

    name_len counts the terminating NUL: upstream overwrites the last byte with NUL.
    """
    props = property_set(ctx, prop_set)
    if props is None:
        return TEE_ERROR_ITEM_NOT_FOUND
    if not name or not name_len:
        return TEE_ERROR_BAD_PARAMETERS
    if name_len > MAX_NAME_LEN:
        return TEE_ERROR_OUT_OF_MEMORY
    raw = ctx.mem.read(name, name_len)[:-1]
    wanted = raw.split(b"\0", 1)[0]
    for i, prop in enumerate(props):
        if prop.name.encode() == wanted:
            ctx.mem.write_u32(index, i)
            return TEE_SUCCESS
    return TEE_ERROR_ITEM_NOT_FOUND
