"""Syscalls 41-44 and 50-53: persistent objects and their data streams
(core/tee/tee_svc_storage.c); the enumerators (45-49) are in storage_enum.py.

A persistent object handle is a ``GpObject`` (objects.py) with TEE_HANDLE_FLAG_PERSISTENT,
its TEE_DATA_FLAG_* bits in ``handle_flags`` and a ``Pobj`` (pobj.py) naming the object in
trusted storage (secure_storage). ``data_size`` and ``data_position`` are per handle, as
upstream keeps them in each ``tee_obj``. Storage failures surface as the TEE_Result
upstream's file operations return; a corrupt object is deleted and its handle closed
unless the TA has TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT.
"""
from __future__ import annotations

from ..abi.crypto import (
    TEE_DATA_FLAG_ACCESS_READ,
    TEE_DATA_FLAG_ACCESS_WRITE,
    TEE_DATA_FLAG_ACCESS_WRITE_META,
    TEE_DATA_FLAG_OVERWRITE,
    TEE_DATA_FLAG_SHARE_READ,
    TEE_DATA_FLAG_SHARE_WRITE,
    TEE_HANDLE_FLAG_INITIALIZED,
    TEE_HANDLE_FLAG_PERSISTENT,
    TEE_TYPE_DATA,
)
from ..abi.results import (
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_BAD_STATE,
    TEE_ERROR_CORRUPT_OBJECT,
    TEE_ERROR_GENERIC,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_OVERFLOW,
    TEE_SUCCESS,
)
from ..abi.ta import TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT
from ..errors import GuestMemoryError
from ..secure_storage import ObjectMeta, StorageError
from .context import SyscallContext
from .objects import GpObject, attr_copy_from, attr_to_binary, set_type
from .pobj import Pobj, PobjUsage, file_ops, read_head
from .registry import syscall

TEE_OBJECT_ID_MAX_LEN = 64
TEE_DATA_MAX_POSITION = 0xFFFFFFFF
TEE_DATA_SEEK_SET, TEE_DATA_SEEK_CUR, TEE_DATA_SEEK_END = 0, 1, 2
TEE_HANDLE_NULL = 0
_OPEN_FLAGS = (TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE | TEE_DATA_FLAG_ACCESS_WRITE_META
               | TEE_DATA_FLAG_SHARE_READ | TEE_DATA_FLAG_SHARE_WRITE)
_CREATE_FLAGS = _OPEN_FLAGS | TEE_DATA_FLAG_OVERWRITE
#: Object data goes to the TA in steps of this size (upstream: one block at a time).
_READ_STEP = 1 << 20
_SIZE_MAX = 0xFFFFFFFFFFFFFFFF


def _uref(ctx: SyscallContext, addr: int, handle: int) -> None:
    """copy_kaddr_to_uref(): a u32 handle into memory private to the TA."""
    ctx.mem.write(addr, handle.to_bytes(4, "little"), private=True)


def remove_corrupt_obj(ctx: SyscallContext, o: GpObject) -> None:
    """Delete a corrupt object; close its handle unless the TA asked to keep it."""
    po = o.pobj
    assert isinstance(po, Pobj)
    try:
        po.store.remove(po.oid)
    except StorageError:
        pass
    if not ctx.ta.flags & TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT:
        ctx.cryp.objects.close(o)


def _persistent(ctx: SyscallContext, obj: int) -> GpObject | None:
    """tee_obj_get() of a persistent object handle."""
    o = ctx.cryp.objects.get(obj)
    return o if o is not None and o.persistent else None


def _pobj(o: GpObject) -> Pobj:
    assert isinstance(o.pobj, Pobj)
    return o.pobj


@syscall(41)
def syscall_storage_obj_open(ctx: SyscallContext, storage_id: int, object_id: int,
                             object_id_len: int, flags: int, obj: int) -> int:
    """TEE_Result syscall_storage_obj_open(unsigned long storage_id, void *object_id, size_t object_id_len, unsigned long flags, uint32_t *obj);

    The object ID must be in memory private to the TA. On TEE_ERROR_CORRUPT_OBJECT the
    object is deleted; with TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT the handle that
    was never returned stays allocated, as upstream.
    """
    if flags & ~_OPEN_FLAGS:
        return TEE_ERROR_BAD_PARAMETERS
    found = file_ops(ctx, storage_id)
    if found is None:
        return TEE_ERROR_ITEM_NOT_FOUND
    if object_id_len > TEE_OBJECT_ID_MAX_LEN:
        return TEE_ERROR_BAD_PARAMETERS
    services, store = found
    oid = ctx.mem.read(object_id, object_id_len, private=True)
    res, po = services.pobjs.get(store, oid, flags, PobjUsage.OPEN)
    if po is None:
        return res
    o = GpObject()
    o.usage = 0  # a persistent handle's own objectUsage; the pobj holds the real one
    o.handle_flags = TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED | flags
    o.pobj = po
    handle = ctx.cryp.objects.add(o)
    res = read_head(o, po)
    if res == TEE_ERROR_CORRUPT_OBJECT:
        remove_corrupt_obj(ctx, o)
        return res
    if res == TEE_SUCCESS:
        try:
            _uref(ctx, obj, handle)
            return TEE_SUCCESS
        except GuestMemoryError:
            res = TEE_ERROR_ACCESS_DENIED
    ctx.cryp.objects.close(o)
    return res


def init_file(ctx: SyscallContext, o: GpObject, overwrite: bool, attr_o: GpObject | None,
              data: int, length: int) -> int:
    """tee_svc_storage_init_file(): give o its type and attributes and create the object."""
    po = _pobj(o)
    if attr_o is not None:
        if o is not attr_o:
            res = set_type(o, attr_o.obj_type, attr_o.max_object_size)
            if res:
                return res
            res = attr_copy_from(o, attr_o)
            if res:
                return res
            o.have_attrs = attr_o.have_attrs
            # upstream copies attr_o->info.objectUsage, which is 0 for a persistent handle
            po.usage = 0 if attr_o.persistent else attr_o.usage
            o.object_size = attr_o.object_size
        res, attrs = attr_to_binary(o)
        if res:
            return res
    else:
        res = set_type(o, TEE_TYPE_DATA, 0)
        if res:
            return res
        attrs = b""
    try:
        initial = ctx.mem.read(data, length)
    except GuestMemoryError:
        return TEE_ERROR_ACCESS_DENIED
    meta = ObjectMeta(o.obj_type, o.object_size, o.max_object_size, po.usage, o.have_attrs, attrs)
    try:
        po.store.create(po.oid, meta, initial, overwrite)
    except StorageError as exc:
        return exc.result
    o.data_size = length
    return TEE_SUCCESS


@syscall(42)
def syscall_storage_obj_create(ctx: SyscallContext, storage_id: int, object_id: int,
                               object_id_len: int, flags: int, attr: int, data: int,
                               length: int, obj: int) -> int:
    """TEE_Result syscall_storage_obj_create(unsigned long storage_id, void *object_id, size_t object_id_len, unsigned long flags, unsigned long attr, void *data, size_t len, uint32_t *obj);

    With obj NULL and a transient attr object, that object itself becomes the
    persistent handle (and its ID stays reserved until it is closed), as upstream.
    """
    if flags & ~_CREATE_FLAGS:
        return TEE_ERROR_BAD_PARAMETERS
    found = file_ops(ctx, storage_id)
    if found is None:
        return TEE_ERROR_ITEM_NOT_FOUND
    if object_id_len > TEE_OBJECT_ID_MAX_LEN:
        return TEE_ERROR_BAD_PARAMETERS
    if length and not data:
        return TEE_ERROR_BAD_PARAMETERS
    services, store = found
    oid = ctx.mem.read(object_id, object_id_len, private=True)
    res, po = services.pobjs.get(store, oid, flags, PobjUsage.CREATE)
    if po is None:
        return res
    attr_o = None
    if attr != TEE_HANDLE_NULL:
        attr_o = ctx.cryp.objects.get(attr)
        if attr_o is None or not attr_o.initialized:
            po.close()
            return TEE_ERROR_BAD_STATE if attr_o is None else TEE_ERROR_BAD_PARAMETERS
    overwrite = bool(flags & TEE_DATA_FLAG_OVERWRITE)
    if not obj and attr_o is not None and not attr_o.persistent:
        saved_flags, usage = attr_o.handle_flags, attr_o.usage
        attr_o.handle_flags = TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED | flags
        attr_o.pobj = po
        po.usage = usage
        res = init_file(ctx, attr_o, overwrite, attr_o, data, length)
        if res:
            attr_o.handle_flags, attr_o.pobj = saved_flags, None
            return _create_failed(po, res)
        return TEE_SUCCESS
    o = GpObject()
    o.usage = 0
    o.handle_flags = TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED | flags
    o.pobj = po
    res = init_file(ctx, o, overwrite, attr_o, data, length)
    if res:
        return _create_failed(po, res)
    handle = ctx.cryp.objects.add(o)
    if obj:
        try:
            _uref(ctx, obj, handle)
        except GuestMemoryError:
            ctx.cryp.objects.close(o)
            return TEE_ERROR_ACCESS_DENIED
    services.pobjs.create_final(po)
    if not obj:
        ctx.cryp.objects.close(o)
    return TEE_SUCCESS


def _create_failed(po: Pobj, res: int) -> int:
    if res == TEE_ERROR_CORRUPT_OBJECT:
        try:
            po.store.remove(po.oid)
        except StorageError:
            pass
    po.close()
    return res


@syscall(43)
def syscall_storage_obj_del(ctx: SyscallContext, obj: int) -> int:
    """TEE_Result syscall_storage_obj_del(unsigned long obj);

    Needs TEE_DATA_FLAG_ACCESS_WRITE_META (else TEE_ERROR_ACCESS_CONFLICT); the handle is
    closed whatever the removal answers.
    """
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if not o.handle_flags & TEE_DATA_FLAG_ACCESS_WRITE_META:
        return TEE_ERROR_ACCESS_CONFLICT
    if not isinstance(o.pobj, Pobj):
        return TEE_ERROR_BAD_STATE
    po = o.pobj
    try:
        po.store.remove(po.oid)
        res = TEE_SUCCESS
    except StorageError as exc:
        res = exc.result
    ctx.cryp.objects.close(o)
    return res


@syscall(44)
def syscall_storage_obj_rename(ctx: SyscallContext, obj: int, object_id: int,
                               object_id_len: int) -> int:
    """TEE_Result syscall_storage_obj_rename(unsigned long obj, void *object_id, size_t object_id_len);

    Needs TEE_DATA_FLAG_ACCESS_WRITE_META (else TEE_ERROR_BAD_STATE); an existing or open
    target is TEE_ERROR_ACCESS_CONFLICT.
    """
    if object_id_len > TEE_OBJECT_ID_MAX_LEN:
        return TEE_ERROR_BAD_PARAMETERS
    o = ctx.cryp.objects.get(obj)
    if o is None or not o.persistent or not o.handle_flags & TEE_DATA_FLAG_ACCESS_WRITE_META \
            or not isinstance(o.pobj, Pobj):
        return TEE_ERROR_BAD_STATE
    po = o.pobj
    new_oid = ctx.mem.read(object_id, object_id_len, private=True)
    services = po.table
    res, target = services.get(po.store, new_oid, TEE_DATA_FLAG_ACCESS_WRITE_META, PobjUsage.RENAME)
    if target is None:
        return res
    try:
        po.store.rename(po.oid, new_oid)
        res = services.rename(po, new_oid)
    except StorageError as exc:
        res = exc.result
    finally:
        target.close()
    return res


@syscall(50)
def syscall_storage_obj_read(ctx: SyscallContext, obj: int, data: int, length: int,
                             count: int) -> int:
    """TEE_Result syscall_storage_obj_read(unsigned long obj, void *data, size_t len, uint64_t *count);

    Reads from the data position (nothing past the end of the data), advances it, then
    writes the byte count (a u64 in memory private to the TA).
    """
    o = _persistent(ctx, obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if not o.handle_flags & TEE_DATA_FLAG_ACCESS_READ:
        return TEE_ERROR_ACCESS_CONFLICT
    if o.data_position + length > _SIZE_MAX:
        return TEE_ERROR_OVERFLOW
    po = _pobj(o)
    done = 0
    try:
        while done < length:
            chunk = po.store.read(po.oid, o.data_position + done, min(length - done, _READ_STEP))
            if not chunk:
                break
            ctx.mem.write(data + done, chunk)
            done += len(chunk)
    except StorageError as exc:
        if exc.result == TEE_ERROR_CORRUPT_OBJECT:
            remove_corrupt_obj(ctx, o)
        return exc.result
    o.data_position += done
    ctx.mem.write(count, done.to_bytes(8, "little"), private=True)
    return TEE_SUCCESS


@syscall(51)
def syscall_storage_obj_write(ctx: SyscallContext, obj: int, data: int, length: int) -> int:
    """TEE_Result syscall_storage_obj_write(unsigned long obj, void *data, size_t len);

    Writes at the data position (a gap beyond the end reads back as zeros), advances it
    and grows this handle's data size. Data ending past TEE_DATA_MAX_POSITION is
    TEE_ERROR_OVERFLOW (see docs/deviations.md).
    """
    o = _persistent(ctx, obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if not o.handle_flags & TEE_DATA_FLAG_ACCESS_WRITE:
        return TEE_ERROR_ACCESS_CONFLICT
    if o.data_position + length > _SIZE_MAX:
        return TEE_ERROR_OVERFLOW
    if length and o.data_position + length > TEE_DATA_MAX_POSITION:
        return TEE_ERROR_OVERFLOW
    buf = ctx.mem.read(data, length)
    po = _pobj(o)
    try:
        po.store.write(po.oid, o.data_position, buf)
    except StorageError as exc:
        if exc.result == TEE_ERROR_CORRUPT_OBJECT:
            remove_corrupt_obj(ctx, o)
        return exc.result
    o.data_position += length
    if o.data_position > o.data_size:
        o.data_size = o.data_position
    return TEE_SUCCESS


@syscall(52)
def syscall_storage_obj_trunc(ctx: SyscallContext, obj: int, length: int) -> int:
    """TEE_Result syscall_storage_obj_trunc(unsigned long obj, size_t len);

    Cuts or zero-extends the data; the data position stays. Failures other than a
    corrupt object are reported as TEE_ERROR_GENERIC, as upstream.
    """
    o = _persistent(ctx, obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if not o.handle_flags & TEE_DATA_FLAG_ACCESS_WRITE:
        return TEE_ERROR_ACCESS_CONFLICT
    res, _ = attr_to_binary(o)
    if res:
        return res
    po = _pobj(o)
    try:
        po.store.truncate(po.oid, length)
    except StorageError as exc:
        if exc.result == TEE_ERROR_CORRUPT_OBJECT:
            remove_corrupt_obj(ctx, o)
            return exc.result
        return TEE_ERROR_GENERIC
    o.data_size = length
    return TEE_SUCCESS


@syscall(53)
def syscall_storage_obj_seek(ctx: SyscallContext, obj: int, offset: int, whence: int) -> int:
    """TEE_Result syscall_storage_obj_seek(unsigned long obj, int32_t offset, unsigned long whence);

    The offset is the low 32 bits of the register, signed. A negative result clamps to
    0; beyond TEE_DATA_MAX_POSITION is TEE_ERROR_BAD_PARAMETERS.
    """
    o = _persistent(ctx, obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    offset &= 0xFFFFFFFF
    if offset & 0x80000000:
        offset -= 1 << 32
    if whence == TEE_DATA_SEEK_SET:
        new_pos = offset
    elif whence == TEE_DATA_SEEK_CUR:
        new_pos = o.data_position + offset
    elif whence == TEE_DATA_SEEK_END:
        new_pos = o.data_size + offset
    else:
        return TEE_ERROR_BAD_PARAMETERS
    new_pos = max(new_pos, 0)
    if new_pos > TEE_DATA_MAX_POSITION:
        return TEE_ERROR_BAD_PARAMETERS
    o.data_position = new_pos
    return TEE_SUCCESS
