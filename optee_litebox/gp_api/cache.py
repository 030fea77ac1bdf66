"""Syscall 70: cache maintenance on memref parameters (core/arch/arm/tee/svc_cache.c).

Caches are not modelled (the emulated memory is coherent), so a permitted operation only
does upstream's checks and succeeds.
"""
from __future__ import annotations

from ..abi.props import TEE_MEMORY_ACCESS_ANY_OWNER, TEE_MEMORY_ACCESS_READ
from ..abi.results import (TEE_ERROR_ACCESS_DENIED, TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS)
from ..abi.ta import TA_FLAG_CACHE_MAINTENANCE
from .access import vm_check_access_rights
from .context import SyscallContext
from .registry import syscall

TEE_CACHECLEAN, TEE_CACHEFLUSH, TEE_CACHEINVALIDATE = 0, 1, 2


def _intersects_private(ctx: SyscallContext, va: int, length: int) -> bool:
    end = va + max(length, 1)
    return any(r.user and not r.shared and r.start < end and va < r.end for r in ctx.mem.regions())


@syscall(70)
def syscall_cache_operation(ctx: SyscallContext, va: int, len: int, op: int) -> int:  # noqa: A002
    """TEE_Result syscall_cache_operation(void *va, size_t len, unsigned long op);

    Only for TAs flagged TA_FLAG_CACHE_MAINTENANCE, and only on memref parameters.
    """
    if not ctx.ta.flags & TA_FLAG_CACHE_MAINTENANCE:
        return TEE_ERROR_NOT_SUPPORTED
    if _intersects_private(ctx, va, len):
        return TEE_ERROR_ACCESS_DENIED
    if vm_check_access_rights(ctx.mem, TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_ANY_OWNER, va,
                              len) != TEE_SUCCESS:
        return TEE_ERROR_ACCESS_DENIED
    if ctx.mem.region_at(va) is None:  # virt_to_phys() of an unmapped address
        return TEE_ERROR_ACCESS_DENIED
    if op not in (TEE_CACHECLEAN, TEE_CACHEFLUSH, TEE_CACHEINVALIDATE):
        return TEE_ERROR_NOT_SUPPORTED
    return TEE_SUCCESS
