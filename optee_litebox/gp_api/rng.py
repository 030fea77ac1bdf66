"""Syscall 33: random numbers (core/tee/tee_svc_cryp.c)."""
from __future__ import annotations

from ..abi.results import TEE_ERROR_OUT_OF_MEMORY, TEE_SUCCESS
from .context import SyscallContext
from .registry import syscall

#: Upstream copies syscall buffers through a per-call bounce buffer of this size
#: (BOUNCE_BUFFER_SIZE in core/kernel/ldelf_loader.c); larger requests fail.
BOUNCE_BUFFER_SIZE = 4096


@syscall(33)
def syscall_cryp_random_number_generate(ctx: SyscallContext, buf: int, blen: int) -> int:
    """TEE_Result syscall_cryp_random_number_generate(void *buf, size_t blen);

    The bytes go through the bounce buffer, so blen above 4096 answers
    TEE_ERROR_OUT_OF_MEMORY as upstream does (libutee then panics the TA).
    """
    if blen > BOUNCE_BUFFER_SIZE:
        return TEE_ERROR_OUT_OF_MEMORY
    ctx.mem.write(buf, ctx.platform.rng.random_bytes(blen))
    return TEE_SUCCESS
