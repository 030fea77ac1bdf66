"""Syscalls 13-14: time (core/tee/tee_svc.c, core/tee/tee_time_generic.c)."""
from __future__ import annotations

from ..abi.params import TEE_TIME
from ..abi.props import UTEE_TIME_CAT_REE, UTEE_TIME_CAT_SYSTEM, UTEE_TIME_CAT_TA_PERSISTENT
from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_OVERFLOW,
                           TEE_ERROR_TIME_NOT_SET, TEE_SUCCESS)
from ..platform import Clock
from .context import SyscallContext, TeeServices
from .registry import syscall

_MAX_MS = (1 << 32) * 1000  # TEE_Time holds u32 seconds


def tee_system_time_ms(clock: Clock, services: TeeServices) -> int:
    """Milliseconds since this TEE started (upstream: CNTPCT / CNTFRQ since boot)."""
    return (clock.monotonic_ns() - services.boot_ns) // 1_000_000


def system_time_ms(ctx: SyscallContext) -> int:
    return tee_system_time_ms(ctx.platform.clock, ctx.services)


def _pack(ms: int) -> bytes:
    ms %= _MAX_MS
    return TEE_TIME.pack(ms // 1000, ms % 1000)


def ta_time_ms(ctx: SyscallContext) -> tuple[int, int]:
    """tee_time_get_ta_time(): (result, ms) with wrap-around reported as OVERFLOW."""
    with ctx.services.lock:
        entry = ctx.services.ta_time.get(ctx.ta.uuid)
    if entry is None:
        return TEE_ERROR_TIME_NOT_SET, 0
    offs, positive = entry
    now = system_time_ms(ctx)
    if positive:
        t = now + offs
        return (TEE_ERROR_OVERFLOW if t >= _MAX_MS else TEE_SUCCESS), t % _MAX_MS
    t = now - offs
    # Upstream: wrapped if the result is not strictly below the system time.
    return (TEE_ERROR_OVERFLOW if t < 0 or offs == 0 else TEE_SUCCESS), t % _MAX_MS


@syscall(13)
def syscall_get_time(ctx: SyscallContext, cat: int, mytime: int) -> int:
    """TEE_Result syscall_get_time(unsigned long cat, TEE_Time *mytime);

    The time is written (private TA memory only) on success and on TEE_ERROR_OVERFLOW.
    """
    if cat == UTEE_TIME_CAT_SYSTEM:
        res, ms = TEE_SUCCESS, system_time_ms(ctx)
    elif cat == UTEE_TIME_CAT_TA_PERSISTENT:
        res, ms = ta_time_ms(ctx)
    elif cat == UTEE_TIME_CAT_REE:
        res, ms = TEE_SUCCESS, ctx.platform.clock.ree_time_ns() // 1_000_000
    else:
        return TEE_ERROR_BAD_PARAMETERS
    if res in (TEE_SUCCESS, TEE_ERROR_OVERFLOW):
        ctx.mem.write(mytime, _pack(ms), private=True)
    return res


@syscall(14)
def syscall_set_ta_time(ctx: SyscallContext, mytime: int) -> int:
    """TEE_Result syscall_set_ta_time(const TEE_Time *mytime);

    Stores the offset from system time for this TA's UUID; millis must be below 1000.
    Kept in memory only, like upstream: a new TEE starts with TEE_ERROR_TIME_NOT_SET.
    """
    seconds, millis = TEE_TIME.unpack(ctx.mem.read(mytime, TEE_TIME.size, private=True))
    if millis >= 1000:
        return TEE_ERROR_BAD_PARAMETERS
    want = seconds * 1000 + millis
    now = system_time_ms(ctx)
    with ctx.services.lock:
        if now < want:
            ctx.services.ta_time[ctx.ta.uuid] = (want - now, True)
        else:
            ctx.services.ta_time[ctx.ta.uuid] = (now - want, False)
    return TEE_SUCCESS
