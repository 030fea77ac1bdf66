"""Syscalls 45-49: persistent object enumerators (core/tee/tee_svc_storage.c).

An enumerator belongs to one TA instance (upstream: utc->storage_enums). Started on a
storage ID it walks that storage's objects of the TA in directory order; each step reads
the next object's head for its info, as upstream does.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from ..abi.crypto import TEE_HANDLE_FLAG_INITIALIZED, TEE_HANDLE_FLAG_PERSISTENT
from ..abi.props import TEE_MEMORY_ACCESS_WRITE
from ..abi.results import (
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_SUCCESS,
)
from ..secure_storage import StorageError, TaStore
from .access import vm_check_access_rights
from .context import SyscallContext
from .objects import GpObject
from .pobj import PobjUsage, StorageServices, file_ops, read_head
from .registry import syscall

TEE_OBJECT_ID_MAX_LEN = 64
#: struct utee_object_info: obj_type, obj_size, max_obj_size, obj_usage, data_size,
#: data_pos, handle_flags.
UTEE_OBJECT_INFO = struct.Struct("<7I")


@dataclass
class StorageEnum:
    """struct tee_storage_enum: no storage (fresh or reset), or a position in one."""

    services: StorageServices | None = None
    store: TaStore | None = None
    #: Directory slot of the last object returned (-1: before the first).
    slot: int = -1
    #: False when the start found no object (upstream keeps no directory then).
    open: bool = False


def _enum(ctx: SyscallContext, handle: int) -> StorageEnum | None:
    """tee_svc_storage_get_enum()."""
    found = ctx.storage_enums.get(handle)
    return found if isinstance(found, StorageEnum) else None


@syscall(45)
def syscall_storage_alloc_enum(ctx: SyscallContext, obj_enum: int) -> int:
    """TEE_Result syscall_storage_alloc_enum(uint32_t *obj_enum);"""
    if not obj_enum:
        return TEE_ERROR_BAD_PARAMETERS
    handle = ctx.cryp.new_handle()
    ctx.storage_enums[handle] = StorageEnum()
    ctx.mem.write(obj_enum, handle.to_bytes(4, "little"), private=True)
    return TEE_SUCCESS


@syscall(46)
def syscall_storage_free_enum(ctx: SyscallContext, obj_enum: int) -> int:
    """TEE_Result syscall_storage_free_enum(unsigned long obj_enum);"""
    if _enum(ctx, obj_enum) is None:
        return TEE_ERROR_BAD_PARAMETERS
    del ctx.storage_enums[obj_enum]
    return TEE_SUCCESS


@syscall(47)
def syscall_storage_reset_enum(ctx: SyscallContext, obj_enum: int) -> int:
    """TEE_Result syscall_storage_reset_enum(unsigned long obj_enum);"""
    e = _enum(ctx, obj_enum)
    if e is None:
        return TEE_ERROR_BAD_PARAMETERS
    ctx.storage_enums[obj_enum] = StorageEnum()
    return TEE_SUCCESS


@syscall(48)
def syscall_storage_start_enum(ctx: SyscallContext, obj_enum: int, storage_id: int) -> int:
    """TEE_Result syscall_storage_start_enum(unsigned long obj_enum, unsigned long storage_id);

    TEE_ERROR_ITEM_NOT_FOUND for an unknown storage ID or a storage with no object of
    this TA (then every next answers TEE_ERROR_ITEM_NOT_FOUND).
    """
    e = _enum(ctx, obj_enum)
    if e is None:
        return TEE_ERROR_BAD_PARAMETERS
    e.open = False
    e.slot = -1
    found = file_ops(ctx, storage_id)
    if found is None:
        return TEE_ERROR_ITEM_NOT_FOUND
    e.services, e.store = found
    try:
        if e.store.next_after(-1) is None:
            return TEE_ERROR_ITEM_NOT_FOUND
    except StorageError as exc:
        return exc.result
    e.open = True
    return TEE_SUCCESS


@syscall(49)
def syscall_storage_next_enum(ctx: SyscallContext, obj_enum: int, info: int, obj_id: int,
                              id_len: int) -> int:
    """TEE_Result syscall_storage_next_enum(unsigned long obj_enum, struct utee_object_info *info, void *obj_id, uint64_t *len);

    Both output buffers must be writable (the ID buffer for TEE_OBJECT_ID_MAX_LEN bytes)
    before anything else; the ID length goes to memory private to the TA.
    """
    e = _enum(ctx, obj_enum)
    if e is None:
        return TEE_ERROR_BAD_PARAMETERS
    res = vm_check_access_rights(ctx.mem, TEE_MEMORY_ACCESS_WRITE, info, UTEE_OBJECT_INFO.size)
    if res:
        return res
    res = vm_check_access_rights(ctx.mem, TEE_MEMORY_ACCESS_WRITE, obj_id, TEE_OBJECT_ID_MAX_LEN)
    if res:
        return res
    if e.services is None or e.store is None or not e.open:
        return TEE_ERROR_ITEM_NOT_FOUND
    try:
        nxt = e.store.next_after(e.slot)
    except StorageError as exc:
        return exc.result
    if nxt is None:
        return TEE_ERROR_ITEM_NOT_FOUND
    e.slot, oid = nxt
    res, po = e.services.pobjs.get(e.store, oid, 0, PobjUsage.ENUM)
    if po is None:
        return res
    try:
        o = GpObject()
        o.usage = 0
        o.handle_flags = po.flags | TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED
        o.pobj = po
        res = read_head(o, po)
        packed = UTEE_OBJECT_INFO.pack(o.obj_type, o.object_size, o.max_object_size, po.usage,
                                       o.data_size & 0xFFFFFFFF, o.data_position, o.handle_flags)
    finally:
        po.close()
    if res:
        return res
    ctx.mem.write(info, packed)
    ctx.mem.write(obj_id, oid)
    ctx.mem.write(id_len, len(oid).to_bytes(8, "little"), private=True)
    return TEE_SUCCESS
