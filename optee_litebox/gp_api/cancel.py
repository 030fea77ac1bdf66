"""Syscalls 9-12: cancellation and TEE_Wait (core/tee/tee_svc.c, tee_ta_manager.c)."""
from __future__ import annotations

from ..abi.results import TEE_ERROR_CANCEL, TEE_SUCCESS
from .context import SyscallContext
from .registry import syscall
from .time import system_time_ms

_WAIT_SLICE_MS = 20  # how often a long wait looks at the cancellation flag


def _flag(ctx: SyscallContext, ptr: int, value: bool) -> int:
    ctx.mem.write_u32(ptr, int(value))
    return TEE_SUCCESS


@syscall(9)
def syscall_get_cancellation_flag(ctx: SyscallContext, cancel: int) -> int:
    """TEE_Result syscall_get_cancellation_flag(uint32_t *cancel);"""
    sess = ctx.session
    cancelled = sess.is_cancelled(system_time_ms(ctx)) if sess else False
    return _flag(ctx, cancel, cancelled)


@syscall(10)
def syscall_unmask_cancellation(ctx: SyscallContext, old_mask: int) -> int:
    """TEE_Result syscall_unmask_cancellation(uint32_t *old_mask);"""
    sess = ctx.session
    old = sess.cancel_mask if sess else True
    if sess:
        sess.cancel_mask = False
    return _flag(ctx, old_mask, old)


@syscall(11)
def syscall_mask_cancellation(ctx: SyscallContext, old_mask: int) -> int:
    """TEE_Result syscall_mask_cancellation(uint32_t *old_mask);"""
    sess = ctx.session
    old = sess.cancel_mask if sess else True
    if sess:
        sess.cancel_mask = True
    return _flag(ctx, old_mask, old)


@syscall(12)
def syscall_wait(ctx: SyscallContext, timeout: int) -> int:
    """TEE_Result syscall_wait(unsigned long timeout);

    Waits timeout milliseconds (TEE_TIMEOUT_INFINITE is just a very long wait, as
    upstream). Ends early with TEE_ERROR_CANCEL once the session is cancelled and
    cancellation is unmasked; upstream notices this only when its sleep returns.
    """
    base = system_time_ms(ctx)
    sess = ctx.session
    while True:
        now = system_time_ms(ctx)
        if sess is not None and sess.is_cancelled(now):
            return TEE_ERROR_CANCEL
        elapsed = now - base
        if elapsed >= timeout:
            return TEE_SUCCESS
        step = min(timeout - elapsed, _WAIT_SLICE_MS)
        if sess is not None and not sess.cancel_mask and sess.wakeup.is_set():
            continue
        ctx.platform.clock.sleep_ns(step * 1_000_000)
