"""Following the modules a TA dlopens: each tool learns of one before the TA runs it.

The runtime announces every module that the system PTA's DLOPEN maps into a running
instance (``Tee.on_module``), from inside the TA's syscall: the CPU is running, and hooks
are only added outside emulation (``core.instrument``). So the follower queues the
module and pauses the CPU, which stops right after the syscall returns, before a single
instruction of the new module can run; there (``on_pause``) every tool takes the new
modules: coverage adds block counters, tracing adds call hooks and symbols, the gdb stub
extends its library list and tells gdb. One pause per dlopen; nothing at all for an
instance that never dlopens, and nothing without tools (no follower is attached).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .modules import ModuleInfo

if TYPE_CHECKING:
    from ..core.instrument import Instrument

#: The pause reason of a follower (tools that pause for their own reasons ignore it).
MODULES = "modules"

#: What a tool does with new modules of its instance.
AddModules = Callable[[list[ModuleInfo]], None]


class ModuleFollower:
    """A listener on one instance's engine that hands new modules to the tools."""

    def __init__(self, owner: object, ins: Instrument) -> None:
        self.owner = owner  # the Toolbox that made it (one process may have several)
        self.ins = ins
        #: What each tool does with new modules; the gdb stub's tells gdb in its own
        #: on_pause/on_enter, which come after this listener's.
        self.targets: list[AddModules] = []
        self.pending: list[ModuleInfo] = []

    def add(self, module: ModuleInfo) -> None:
        """A module was mapped: hand it over now if the CPU is idle, else at the pause
        right after the current syscall."""
        self.pending.append(module)
        if self.ins.engine.running:
            self.ins.pause(MODULES)
        else:
            self.flush()

    def flush(self) -> None:
        modules, self.pending = self.pending, []
        if modules:
            for add in self.targets:
                add(modules)

    # Listener methods: the pause, and (should the entry have ended before it, e.g.
    # interrupted by the runtime) the next entry or the end of this one.
    def on_pause(self, reason: str) -> None:
        self.flush()

    def on_enter(self, pc: int, x0: int, x1: int, x2: int, x3: int) -> None:
        self.flush()

    def on_outcome(self, outcome: object) -> None:
        self.flush()
