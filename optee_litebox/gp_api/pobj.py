"""Open persistent objects shared by every TA instance of one TEE (core/tee/tee_pobj.c),
and the plumbing the storage syscalls share: storage IDs, the head reader.

Upstream keeps one ``struct tee_pobj`` per (TA UUID, object ID, file system) that some
handle has open, with the flags of the first opener, a reference count and the object's
usage. Every open, create, rename and enumeration goes through ``tee_pobj_get()``, which
applies the GP sharing rules; that is where TEE_ERROR_ACCESS_CONFLICT comes from.
``Pobj`` implements ``objects.PersistentLink``, so a persistent ``GpObject`` reads and
restricts its usage through it and releases it when its handle closes.
"""
from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field

from ..abi.crypto import (
    TEE_DATA_FLAG_ACCESS_READ,
    TEE_DATA_FLAG_ACCESS_WRITE,
    TEE_DATA_FLAG_ACCESS_WRITE_META,
    TEE_DATA_FLAG_OVERWRITE,
    TEE_DATA_FLAG_SHARE_READ,
    TEE_DATA_FLAG_SHARE_WRITE,
)
from ..abi.results import TEE_ERROR_ACCESS_CONFLICT, TEE_ERROR_BAD_STATE, TEE_SUCCESS
from ..platform import Platform
from ..secure_storage import REE, RPMB, SecureStorage, StorageError, TaStore
from .context import SyscallContext
from .objects import GpObject, attr_from_binary, set_type

TEE_STORAGE_PRIVATE = 0x00000001
TEE_STORAGE_PRIVATE_REE = 0x80000000
TEE_STORAGE_PRIVATE_RPMB = 0x80000100
#: tee_svc_storage_file_ops() of a build with CFG_REE_FS=y and CFG_RPMB_FS=y: the
#: namespace behind each storage ID (PRIVATE is the REE FS when both exist).
NAMESPACES = {TEE_STORAGE_PRIVATE: REE, TEE_STORAGE_PRIVATE_REE: REE, TEE_STORAGE_PRIVATE_RPMB: RPMB}


class PobjUsage(enum.Enum):
    """enum tee_pobj_usage."""

    OPEN = 0
    RENAME = 1
    CREATE = 2
    ENUM = 3


def check_access(oflags: int, nflags: int) -> int:
    """tee_pobj_check_access(): may an object open with oflags also be opened with nflags?"""
    if (oflags | nflags) & TEE_DATA_FLAG_ACCESS_WRITE_META:
        return TEE_ERROR_ACCESS_CONFLICT  # meta is exclusive
    if (oflags | nflags) & TEE_DATA_FLAG_ACCESS_READ and \
            not (nflags & oflags & TEE_DATA_FLAG_SHARE_READ):
        return TEE_ERROR_ACCESS_CONFLICT
    if (nflags ^ oflags) & TEE_DATA_FLAG_SHARE_READ:
        return TEE_ERROR_ACCESS_CONFLICT
    if (oflags | nflags) & TEE_DATA_FLAG_ACCESS_WRITE and \
            not (nflags & oflags & TEE_DATA_FLAG_SHARE_WRITE):
        return TEE_ERROR_ACCESS_CONFLICT
    if (nflags ^ oflags) & TEE_DATA_FLAG_SHARE_WRITE:
        return TEE_ERROR_ACCESS_CONFLICT
    return TEE_SUCCESS


@dataclass(eq=False)
class Pobj:
    """struct tee_pobj: one object that handles have open."""

    table: "PobjTable"
    store: TaStore
    oid: bytes
    flags: int
    refcnt: int = 1
    #: Set while the object is being created: any other access is a conflict.
    creating: bool = False
    #: obj_info_usage: the usage every handle on this object sees.
    usage: int = 0

    def write_usage(self, usage: int) -> int:
        """tee_svc_storage_write_usage(): store a new usage in the object's head."""
        try:
            self.store.set_usage(self.oid, usage & 0xFFFFFFFF)
        except StorageError as exc:
            return exc.result
        return TEE_SUCCESS

    def close(self) -> None:
        """A handle on the object went away (fops->close + tee_pobj_release)."""
        self.table.release(self)


class PobjTable:
    """The TEE's list of open persistent objects (tee_pobjs)."""

    def __init__(self) -> None:
        self._pobjs: dict[tuple[int, bytes], Pobj] = {}
        self._lock = threading.Lock()

    def get(self, store: TaStore, oid: bytes, flags: int,
            usage: PobjUsage) -> tuple[int, Pobj | None]:
        """tee_pobj_get(): a reference to the object's pobj, or ACCESS_CONFLICT."""
        key = (id(store), bytes(oid))
        with self._lock:
            po = self._pobjs.get(key)
            if po is not None:
                if usage == PobjUsage.ENUM:
                    po.refcnt += 1
                    return TEE_SUCCESS, po
                if po.creating or (usage == PobjUsage.CREATE and not flags & TEE_DATA_FLAG_OVERWRITE):
                    return TEE_ERROR_ACCESS_CONFLICT, None
                res = check_access(po.flags, flags)
                if res == TEE_SUCCESS:
                    po.refcnt += 1
                    return res, po
                return res, None
            po = Pobj(self, store, bytes(oid), flags, creating=usage == PobjUsage.CREATE)
            self._pobjs[key] = po
            return TEE_SUCCESS, po

    def create_final(self, po: Pobj) -> None:
        """tee_pobj_create_final(): the object exists; others may open it now."""
        with self._lock:
            po.creating = False

    def release(self, po: Pobj) -> None:
        """tee_pobj_release(): drop one reference; the last one forgets the object."""
        with self._lock:
            po.refcnt -= 1
            if po.refcnt == 0:
                key = (id(po.store), po.oid)
                if self._pobjs.get(key) is po:
                    del self._pobjs[key]

    def rename(self, po: Pobj, new_oid: bytes) -> int:
        """tee_pobj_rename(): only the sole reference may move the object to a new id."""
        with self._lock:
            if po.refcnt != 1:
                return TEE_ERROR_BAD_STATE
            old = (id(po.store), po.oid)
            if self._pobjs.get(old) is po:
                del self._pobjs[old]
            po.oid = bytes(new_oid)
            # The caller still holds the placeholder it reserved the new id with; that one
            # is released next and must not take this entry with it.
            self._pobjs[(id(po.store), po.oid)] = po
            return TEE_SUCCESS


@dataclass
class StorageServices:
    """Trusted storage of one TEE: the device's SecureStorage and the open objects."""

    secure: SecureStorage
    pobjs: PobjTable = field(default_factory=PobjTable)

    @classmethod
    def for_platform(cls, platform: Platform,
                     pobjs: PobjTable | None = None) -> "StorageServices | None":
        """Storage over the platform's South storage (None if it has none); pobjs: a
        table shared with other processes of the same TEE (pobj_shared.py)."""
        if platform.storage is None:
            return None
        secure = SecureStorage(platform.storage, platform.huk, platform.rng)
        return cls(secure) if pobjs is None else cls(secure, pobjs)


def storage_services(ctx: SyscallContext) -> StorageServices | None:
    """The TEE's trusted storage, created on first use (None: the platform has none)."""
    services = ctx.services.storage
    if services is None:
        with ctx.services.lock:
            if ctx.services.storage is None:
                ctx.services.storage = StorageServices.for_platform(ctx.platform)
            services = ctx.services.storage
    return services


def file_ops(ctx: SyscallContext, storage_id: int) -> tuple[StorageServices, TaStore] | None:
    """The TA's store behind a storage ID, or None (upstream: no file operations)."""
    namespace = NAMESPACES.get(storage_id)
    services = storage_services(ctx) if namespace is not None else None
    if services is None or namespace is None:
        return None
    return services, services.secure.store(ctx.ta.uuid, namespace)


def read_head(o: GpObject, po: Pobj) -> int:
    """tee_svc_storage_read_head(): type, attributes, sizes and usage from the head."""
    try:
        head = po.store.open(po.oid)
    except StorageError as exc:
        return exc.result
    res = set_type(o, head.meta.obj_type, head.meta.max_object_size)
    if res:
        return res
    res = attr_from_binary(o, head.meta.attrs)
    if res:
        return res
    o.data_size = head.size
    o.object_size = head.meta.object_size
    po.usage = head.meta.usage
    o.have_attrs = head.meta.have_attrs
    return TEE_SUCCESS


__all__ = ["storage_services", "file_ops", "read_head", "NAMESPACES", "Pobj", "PobjTable",
           "PobjUsage", "StorageServices", "check_access"]
