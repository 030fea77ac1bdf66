"""Syscalls 0-2: return, log, panic (core/arch/arm/kernel/arch_scall_a64.S, tee_svc.c)."""
from __future__ import annotations

from ..core.exits import TaPanic, TaReturn
from ..errors import GuestMemoryError
from .context import SyscallContext
from .registry import syscall


@syscall(0)
def syscall_sys_return(ctx: SyscallContext, ret: int) -> int:
    """void syscall_sys_return(unsigned long ret) __noreturn;

    Ends the entry call; the 32-bit result becomes the TEE_Result of the operation.
    """
    raise TaReturn(ret)


@syscall(1)
def syscall_log(ctx: SyscallContext, buf: int, len: int) -> int:  # noqa: A002 - upstream's name
    """void syscall_log(const void *buf, size_t len);

    Upstream copies len bytes in (READ, any owner) and prints them; an empty or
    unreadable buffer prints nothing. The result register is not meaningful.
    """
    if not len or ctx.log is None:
        return 0
    try:
        data = ctx.mem.read(buf, len)
    except GuestMemoryError:
        return 0
    ctx.log(data.decode("utf-8", errors="replace"))
    return 0


@syscall(2)
def syscall_panic(ctx: SyscallContext, code: int, frame: int) -> int:
    """void syscall_panic(unsigned long code) __noreturn;

    libutee's _utee_panic passes a second argument: the address of a saved {x29, x30}
    frame, which we use for the backtrace.
    """
    raise TaPanic(code, "TEE_Panic", frame)
