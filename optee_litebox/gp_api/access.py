"""Syscall 8: TEE_CheckMemoryAccessRights (core/mm/vm.c: vm_check_access_rights)."""
from __future__ import annotations

from ..abi.props import (TEE_MEMORY_ACCESS_ANY_OWNER, TEE_MEMORY_ACCESS_NONSECURE,
                         TEE_MEMORY_ACCESS_SECURE, TEE_MEMORY_ACCESS_WRITE)
from ..abi.results import TEE_ERROR_ACCESS_DENIED, TEE_SUCCESS
from ..core.memory import PAGE_SIZE, PROT_READ, PROT_WRITE, AddressSpace, page_down
from .context import SyscallContext
from .registry import syscall


def vm_check_access_rights(mem: AddressSpace, flags: int, addr: int, length: int) -> int:
    """Upstream's rules, in upstream's order.

    Overflow or SECURE together with NONSECURE: denied. Zero length: allowed, mapped or
    not. Without ANY_OWNER the range must lie inside one private mapping (not a memref
    parameter). Then every page must be mapped with the asked permissions and security.
    """
    end = addr + length
    if end > 0xFFFFFFFFFFFFFFFF:
        return TEE_ERROR_ACCESS_DENIED
    if flags & TEE_MEMORY_ACCESS_NONSECURE and flags & TEE_MEMORY_ACCESS_SECURE:
        return TEE_ERROR_ACCESS_DENIED
    if length == 0:
        return TEE_SUCCESS
    if not flags & TEE_MEMORY_ACCESS_ANY_OWNER:
        region = mem.region_at(addr)
        if region is None or region.shared or not region.user or end > region.end:
            return TEE_ERROR_ACCESS_DENIED
    cursor = page_down(addr)
    while cursor < end:  # region by region: bounded by what is mapped, whatever len says
        region = mem.region_at(cursor)
        if region is None or not region.user:
            return TEE_ERROR_ACCESS_DENIED
        if flags & TEE_MEMORY_ACCESS_NONSECURE and region.secure:
            return TEE_ERROR_ACCESS_DENIED
        if flags & TEE_MEMORY_ACCESS_SECURE and not region.secure:
            return TEE_ERROR_ACCESS_DENIED
        stop = min(end, region.end)
        pages = [cursor] if region.page_prot is None else range(cursor, stop, PAGE_SIZE)
        for page in pages:
            prot = region.prot_at(page)
            if not prot & PROT_READ:  # no user mapping of the page at all
                return TEE_ERROR_ACCESS_DENIED
            if flags & TEE_MEMORY_ACCESS_WRITE and not prot & PROT_WRITE:
                return TEE_ERROR_ACCESS_DENIED
        cursor = region.end
    return TEE_SUCCESS


@syscall(8)
def syscall_check_access_rights(ctx: SyscallContext, flags: int, buf: int, len: int) -> int:  # noqa: A002
    """TEE_Result syscall_check_access_rights(unsigned long flags, const void *buf, size_t len);"""
    return vm_check_access_rights(ctx.mem, flags, buf, len)
