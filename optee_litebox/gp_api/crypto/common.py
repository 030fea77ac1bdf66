"""User-memory helpers shared by the crypto syscalls (core/kernel/user_access.c).

- ``Bounce``: the per-syscall 4 KiB bounce buffer (bb_alloc/bb_free, 16-byte aligned,
  freed only in LIFO order); what does not fit answers TEE_ERROR_OUT_OF_MEMORY.
- ``check_read``/``check_rw``: vm_check_access_rights with READ (and WRITE), ANY_OWNER.
- ``get_u64``/``put_u64``: the ``uint64_t *`` length arguments (copy_from/to_user).
- ``UserBuf``: data a syscall reads in place after a successful access check (upstream
  runs the algorithm straight on user memory between enter/exit_user_access); a zero-copy
  memoryview when the range lies in one mapping.
- ``copy_in_attrs``: struct utee_attribute[] into ``Attr`` values with upstream's checks.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from ...abi import crypto as c
from ...abi.props import (TEE_MEMORY_ACCESS_ANY_OWNER, TEE_MEMORY_ACCESS_READ,
                          TEE_MEMORY_ACCESS_WRITE)
from ...abi.results import TEE_ERROR_ACCESS_DENIED, TEE_ERROR_OUT_OF_MEMORY, TEE_SUCCESS
from ...errors import GuestMemoryError
from ..access import vm_check_access_rights
from ..context import SyscallContext

BOUNCE_BUFFER_SIZE = 4096
BB_ALIGNMENT = 16
_U64 = struct.Struct("<Q")
#: struct utee_attribute { u64 a; u64 b; u32 attribute_id; } with padding: 24 bytes.
UTEE_ATTRIBUTE = struct.Struct("<QQI4x")

_READ = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_ANY_OWNER
_RW = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE | TEE_MEMORY_ACCESS_ANY_OWNER


class Bounce:
    """One syscall's bounce buffer: a bump allocator over 4 KiB (bb_alloc)."""

    def __init__(self, size: int = BOUNCE_BUFFER_SIZE) -> None:
        self.size = size
        self.offs = 0

    def alloc(self, length: int) -> int | None:
        """Reserve length bytes; returns the offset or None when they do not fit."""
        end = self.offs + length
        if end > self.size:
            return None
        start = self.offs
        self.offs = (end + BB_ALIGNMENT - 1) & ~(BB_ALIGNMENT - 1)
        return start

    def free(self, start: int, length: int) -> None:
        """bb_free(): only the most recent allocation gives its room back."""
        if start + ((length + BB_ALIGNMENT - 1) & ~(BB_ALIGNMENT - 1)) == self.offs:
            self.offs = start

    def memdup(self, ctx: SyscallContext, addr: int, length: int) -> tuple[int, bytes]:
        """bb_memdup_user(): (result, bytes); the room stays allocated."""
        if self.alloc(length) is None:
            return TEE_ERROR_OUT_OF_MEMORY, b""
        return TEE_SUCCESS, ctx.mem.read(addr, length) if length else b""


def check_read(ctx: SyscallContext, addr: int, length: int) -> int:
    return vm_check_access_rights(ctx.mem, _READ, addr, length)


def check_rw(ctx: SyscallContext, addr: int, length: int) -> int:
    return vm_check_access_rights(ctx.mem, _RW, addr, length)


def get_u64(ctx: SyscallContext, addr: int) -> int:
    """copy_from_user of a uint64_t (raises GuestMemoryError -> ACCESS_DENIED)."""
    return int(_U64.unpack(ctx.mem.read(addr, 8))[0])


def put_u64(ctx: SyscallContext, addr: int, value: int) -> int:
    """put_user_u64(): TEE_Result of the copy_to_user."""
    try:
        ctx.mem.write(addr, _U64.pack(value & 0xFFFFFFFFFFFFFFFF))
    except GuestMemoryError:
        return TEE_ERROR_ACCESS_DENIED
    return TEE_SUCCESS


def get_u64_ref(ctx: SyscallContext, addr: int) -> tuple[int, memoryview | None]:
    """get_u64() for a length the syscall writes back later: (value, a view to write it
    through with put_u64_ref, or None when the word is not in one writable mapping)."""
    view = ctx.mem.view(addr, 8, write=True)
    if view is not None:
        return int(_U64.unpack_from(view)[0]), view
    return get_u64(ctx, addr), None


def put_u64_ref(ctx: SyscallContext, addr: int, view: memoryview | None, value: int) -> int:
    """put_u64() through the view get_u64_ref gave (same result codes)."""
    if view is None:
        return put_u64(ctx, addr, value)
    _U64.pack_into(view, 0, value & 0xFFFFFFFFFFFFFFFF)
    return TEE_SUCCESS


def checked_view(ctx: SyscallContext, addr: int, length: int,
                 write: bool = False) -> tuple[int, memoryview | None]:
    """check_read (or check_rw) and, when it passes, a zero-copy view of the range.

    The common case is decided by one lookup: a range inside one user mapping whose
    pages all allow the access is exactly what vm_check_access_rights accepts with
    ANY_OWNER, and what AddressSpace.view() hands out. Anything else takes the full
    check; the view is then None when the range spans mappings (use read/write) or
    is empty.
    """
    if length:
        view = ctx.mem.view(addr, length, write=write)
        if view is not None:
            return TEE_SUCCESS, view
    res = vm_check_access_rights(ctx.mem, _RW if write else _READ, addr, length)
    if res != TEE_SUCCESS or not length:
        return res, None
    return res, ctx.mem.view(addr, length, write=write)


def user_bytes(ctx: SyscallContext, addr: int, length: int) -> bytes | memoryview:
    """Input data already access-checked: a read-only view when possible, else a copy."""
    if length == 0:
        return b""
    view = ctx.mem.view(addr, length)
    return view if view is not None else ctx.mem.read(addr, length)


def user_out(ctx: SyscallContext, addr: int, length: int) -> memoryview | None:
    """A writable view of an access-checked output range, or None (use ctx.mem.write)."""
    if length == 0:
        return None
    return ctx.mem.view(addr, length, write=True)


def overlaps(a: int, alen: int, b: int, blen: int) -> bool:
    return alen > 0 and blen > 0 and a < b + blen and b < a + alen


@dataclass(frozen=True)
class Attr:
    """A TEE_Attribute after copy_in_attrs: a value (a, b) or a checked reference."""

    attr_id: int
    a: int
    b: int

    @property
    def is_value(self) -> bool:
        return bool(self.attr_id & c.TEE_ATTR_FLAG_VALUE)

    @property
    def buffer(self) -> int:
        return self.a

    @property
    def length(self) -> int:
        return self.b

    def data(self, ctx: SyscallContext) -> bytes:
        """The referenced bytes (upstream copies them when it uses them)."""
        return ctx.mem.read(self.a, self.b) if self.b else b""


def copy_in_attrs(ctx: SyscallContext, bb: Bounce, addr: int,
                  count: int) -> tuple[int, list[Attr]]:
    """copy_in_attrs(): read count attributes through the bounce buffer.

    References must be readable by the TA (any owner). The bounce-buffer room is
    released before returning, as upstream frees it at the end of the function.
    """
    size = UTEE_ATTRIBUTE.size * count
    start = bb.alloc(size)
    if start is None:
        return TEE_ERROR_OUT_OF_MEMORY, []
    try:
        raw = ctx.mem.read(addr, size) if size else b""
        attrs: list[Attr] = []
        for n in range(count):
            a, b, attr_id = UTEE_ATTRIBUTE.unpack_from(raw, n * UTEE_ATTRIBUTE.size)
            attr = Attr(attr_id, a, b)
            if not attr.is_value:
                res = vm_check_access_rights(ctx.mem, _READ, a, b)
                if res != TEE_SUCCESS:
                    return res, []
            attrs.append(attr)
        return TEE_SUCCESS, attrs
    finally:
        bb.free(start, size)
