"""The syscall table: one handler per number, each with its C prototype as docstring.

Numbers 0-70 always have an entry. A number without a handler of ours answers exactly
as upstream's ``syscall_not_supported`` does (TEE_ERROR_NOT_SUPPORTED), which is also
what upstream answers for 55-69 and for any number above TEE_SCN_MAX.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Callable

from ..abi.results import TEE_ERROR_NOT_SUPPORTED
from ..abi.syscalls import SYSCALL_NAMES, TEE_SCN_MAX
from .context import SyscallContext

Handler = Callable[..., int]


@dataclass(frozen=True)
class SyscallSpec:
    number: int
    name: str
    prototype: str  # the C prototype of upstream's kernel-side handler
    nargs: int  # register arguments read from x0..x7
    fn: Handler  # fn(ctx, *args) -> TEE_Result
    implemented: bool


REGISTRY: dict[int, SyscallSpec] = {}


def syscall(number: int) -> Callable[[Handler], Handler]:
    """Register fn as the handler for a syscall number; its docstring starts with the prototype."""

    def register(fn: Handler) -> Handler:
        if number in REGISTRY and REGISTRY[number].implemented:
            raise ValueError(f"syscall {number} registered twice")
        params = list(inspect.signature(fn).parameters)[1:]  # after ctx
        doc = (fn.__doc__ or "").strip().splitlines()
        if not doc or "(" not in doc[0]:
            raise ValueError(f"{fn.__name__}: the first docstring line must be the C prototype")
        if len(params) > 8:
            raise ValueError(f"{fn.__name__}: at most 8 register arguments")
        REGISTRY[number] = SyscallSpec(number, SYSCALL_NAMES[number], doc[0], len(params), fn, True)
        return fn

    return register


def syscall_not_supported(ctx: SyscallContext) -> int:
    """TEE_Result syscall_not_supported(void);

    What upstream's table holds for the retired secure-element calls (55-69), and what
    get_tee_syscall_func() returns for numbers above TEE_SCN_MAX.
    """
    return TEE_ERROR_NOT_SUPPORTED


def spec(number: int) -> SyscallSpec:
    """The entry for any number: a registered handler or the not-supported answer."""
    found = REGISTRY.get(number)
    if found is not None:
        return found
    name = SYSCALL_NAMES[number] if 0 <= number <= TEE_SCN_MAX else f"syscall_{number}"
    return SyscallSpec(number, name, "TEE_Result syscall_not_supported(void);", 0,
                       syscall_not_supported, False)


def implemented() -> dict[int, bool]:
    return {n: spec(n).implemented for n in range(TEE_SCN_MAX + 1)}


def build_table(ctx: SyscallContext) -> tuple[list[tuple[Handler, int]], tuple[Handler, int]]:
    """Bind every handler to one instance's context: (table for 0..70, entry for the rest)."""
    table: list[tuple[Handler, int]] = []
    for number in range(TEE_SCN_MAX + 1):
        entry = spec(number)
        table.append((functools.partial(entry.fn, ctx), entry.nargs))
    unknown: tuple[Handler, int] = (functools.partial(syscall_not_supported, ctx), 0)
    return table, unknown
