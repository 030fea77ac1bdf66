"""The gdb stub: TA instances as one debugged program, stops served over RSP.

gdb sees one thread. The first entry into the first TA instance waits for gdb to connect
and stops at the TA's entry point, so breakpoints can be set before the session opens.
Loaded modules are reported with ``qXfer:libraries:read`` (and the svr4 variant), so gdb
loads each module's symbols from its unstripped ELF at its load address by itself. When
the list changes while gdb waits for the TA (a library the TA dlopens, another instance
starting), the stub reports a stop with the ``library`` reason right away (for a dlopen:
after the syscall, before the library's code runs); gdb re-reads the list, resolves
pending breakpoints in it and resumes by itself, or stops there with ``set
stop-on-solib-events 1``. A change gdb could not be told at once (a step ended at that
point, or gdb was interrupted) is reported when gdb next resumes the TA.

Breakpoints are one-address code hooks (``Z0``/``Z1``), applied to every attached engine
when the TA resumes; code without a breakpoint runs untouched. A step is a temporary hook
on all code. A fault stops with SIGSEGV, SIGILL or SIGTRAP at the faulting instruction and
a panic with SIGABRT inside ``TEE_Panic``'s system call, so ``bt`` shows how it got there.
When the program ends while gdb waits, it gets an exit reply.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...abi.syscalls import SCN_PANIC
from ...core.exits import Outcome
from ..follow import MODULES
from ..modules import ModuleInfo
from . import protocol as rsp
from .connection import INTERRUPT, Connection

if TYPE_CHECKING:
    from ...core.instrument import Instrument
    from ...runtime.instance import TaInstance

RESUME = "resume"


def fault_signal(kind: str) -> int:
    if kind.startswith(("data abort", "prefetch abort")):
        return rsp.SIGSEGV
    if kind.startswith("breakpoint"):
        return rsp.SIGTRAP
    if kind.startswith("interrupted"):
        return rsp.SIGINT
    return rsp.SIGILL


@dataclass
class _Stop:
    """What gdb inspects at a stop: live CPU registers, or a snapshot after a panic."""

    debug: _EngineDebug
    signal: int
    snapshot: dict[str, int] | None = None

    def registers(self) -> dict[str, int]:
        if self.snapshot is not None:
            return dict(self.snapshot)
        return self.debug.ins.registers()

    def write(self, name: str, value: int) -> None:
        if self.snapshot is not None:
            self.snapshot[name] = value
            return
        if name == "cpsr":  # only the flags: the exception level is not gdb's to change
            name, value = "nzcv", value & 0xF0000000
        self.debug.ins.write(name, value)


class GdbStub:
    """One gdb connection for every TA instance of this process."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.conn = Connection(port, host)
        self.port = self.conn.port
        self.breakpoints: set[int] = set()
        self.engines: list[_EngineDebug] = []
        self.waiting = False  # gdb sent a resume and waits for a stop reply
        self.detached = False
        self.stepping = False
        self.interrupt_pending = False
        self.libraries_changed = False
        self.current: _EngineDebug | None = None
        #: The TA being debugged: the first one attached (its instances, one after another).
        self.uuid: object | None = None
        #: Called with each packet and reply (tests, --verbose debugging of the stub).
        self.log: Callable[[str, str], None] | None = None

    # -- attaching ---------------------------------------------------------------------------

    def follows(self, instance: TaInstance) -> bool:
        """Whether attach() would debug instance: gdb follows the first TA attached
        (another TA has its own address space, not the program gdb debugs)."""
        return not self.detached and (self.uuid is None or instance.uuid == self.uuid)

    def attach(self, instance: TaInstance, modules: list[ModuleInfo]) -> _EngineDebug | None:
        """Debug instance (if it is of the TA gdb follows); the result takes the
        libraries it dlopens later (add_modules)."""
        if not self.follows(instance):
            return None
        if self.uuid is None:
            self.uuid = instance.uuid
        debug = _EngineDebug(self, instance, list(modules), instance.engine.instrument())
        self.engines.append(debug)
        self.libraries_changed = True
        debug.ins.add_listener(debug)
        return debug

    def _modules(self) -> list[ModuleInfo]:
        debug = self.current or (self.engines[0] if self.engines else None)
        return debug.modules if debug is not None else []

    def executable(self) -> tuple[str, int, int]:
        """The main TA's ELF (gdb's executable), its entry point and base as loaded."""
        modules = self._modules()
        if not modules:
            return "", 0, 0
        main = modules[0]
        return main.elf_path or "", main.base + main.symbols.entry, main.base

    def libraries(self) -> list[tuple[str, int, int]]:
        """(ELF path, load base, .dynamic address) of each TA library (not the TA)."""
        return [(m.elf_path, m.base, m.dynamic) for m in self._modules()[1:] if m.elf_path]

    # -- stops -------------------------------------------------------------------------------

    def library_event(self, debug: _EngineDebug) -> None:
        """The library list changed: tell gdb now if it waits for the TA to stop."""
        if self.detached or not self.conn.connected or not self.waiting \
                or not self.libraries_changed:
            return  # not connected yet: gdb reads the whole list when it connects
        self.current = debug
        if self.stepping:  # the step ends right here; the change goes with the next resume
            self.stop(_Stop(debug, rsp.SIGTRAP))
        else:
            self.stop(_Stop(debug, rsp.SIGTRAP), library=True)

    def stop(self, stop: _Stop, *, library: bool = False) -> None:
        """Report a stop (library: the ``library`` stop reason, which gdb answers by
        reading the library list and resuming) and serve gdb until it resumes."""
        if self.detached:
            return
        self.conn.unwatch()
        if not self.conn.connected:
            self.conn.accept()
            self.libraries_changed = False
        elif self.waiting:
            self._reply(rsp.stop_reply(stop.signal, libraries_changed=library))
            if library:
                self.libraries_changed = False
        self.waiting = False
        self.current = stop.debug
        self.stepping = False
        self.interrupt_pending = False
        while True:
            packet = self.conn.receive()
            if packet is None:  # gdb went away: run on undisturbed
                self._detach()
                return
            if packet is INTERRUPT:
                continue
            assert isinstance(packet, bytes)
            text = packet.decode("latin-1")
            reply = self._command(text, stop)
            if reply is RESUME and self.libraries_changed:
                # Not run yet: first the change gdb has not been told of (it re-reads
                # the list and resumes again, unless it stops on library events).
                self.libraries_changed = False
                self._reply(rsp.stop_reply(rsp.SIGTRAP, libraries_changed=True), request=text)
                continue
            if reply is RESUME:
                self.waiting = True
                self.conn.watch(self._interrupt)
                return
            assert isinstance(reply, str)
            self._reply(reply, request=text)
            if self.detached:  # gdb detached or killed us: the program runs on
                self._detach()
                return

    def _reply(self, payload: str, request: str = "") -> None:
        if self.log is not None:
            self.log(request, payload)
        self.conn.send(payload)

    def _interrupt(self) -> None:
        self.interrupt_pending = True
        running = self.current
        for debug in self.engines:
            if debug.ins.engine.running:
                running = debug
        if running is not None and running.ins.engine.running:
            running.ins.pause("interrupt")

    def _detach(self) -> None:
        self.detached = True
        self.breakpoints.clear()
        self.conn.unwatch()
        self.conn.drop()

    def finish(self, status: int = 0) -> None:
        """The program is done: tell a waiting gdb it exited, close the sockets."""
        if self.conn.connected and self.waiting and not self.detached:
            self.conn.unwatch()
            self._reply(f"W{status & 0xFF:02x}")
        self.conn.close()

    # -- commands ----------------------------------------------------------------------------

    def _command(self, text: str, stop: _Stop) -> object:
        from .commands import handle
        return handle(self, text, stop)


@dataclass
class _EngineDebug:
    """The stub's listener on one engine."""

    stub: GdbStub
    instance: TaInstance
    modules: list[ModuleInfo]
    ins: Instrument
    hooks: dict[int, int] = field(default_factory=dict)  # breakpoint address -> hook
    skip_at: int | None = None
    panic_regs: dict[str, int] | None = None

    def sync_breakpoints(self) -> None:
        wanted = self.stub.breakpoints
        for addr in [a for a in self.hooks if a not in wanted]:
            self.ins.remove_hook(self.hooks.pop(addr))
        for addr in wanted:
            if addr not in self.hooks:
                self.hooks[addr] = self.ins.code_hook(addr, addr, self._hit)
        pc = self.ins.read("pc")
        self.skip_at = pc if pc in wanted else None

    def _hit(self, address: int, size: int) -> None:
        if self.skip_at == address:
            self.skip_at = None
            return
        self.ins.pause("breakpoint")

    def add_modules(self, modules: list[ModuleInfo]) -> None:
        """Libraries the TA dlopened (the follower, outside emulation, before this
        listener's on_pause or on_enter, which tell gdb)."""
        if self.stub.detached:
            return
        self.modules = [*self.modules, *modules]
        self.stub.libraries_changed = True

    def on_enter(self, pc: int, x0: int, x1: int, x2: int, x3: int) -> None:
        stub = self.stub
        self.panic_regs = None
        if not stub.detached and (not stub.conn.connected or stub.stepping or stub.interrupt_pending):
            stub.stop(_Stop(self, rsp.SIGTRAP))
        else:  # e.g. a new instance: gdb re-reads the list before it runs
            stub.library_event(self)
        self.resume()

    def resume(self) -> None:
        if self.stub.detached:
            for addr in list(self.hooks):
                self.ins.remove_hook(self.hooks.pop(addr))
            return
        self.sync_breakpoints()
        if self.stub.stepping:
            self.ins.step()

    def on_pause(self, reason: str) -> None:
        if reason == MODULES and not self.stub.interrupt_pending:
            self.stub.library_event(self)  # right after a dlopen's syscall
            self.resume()
            return
        self.skip_at = None
        signal = rsp.SIGINT if reason == "interrupt" else rsp.SIGTRAP
        self.stub.stop(_Stop(self, signal))
        self.resume()

    def on_syscall(self, num: int, args: tuple[int, ...], result: int) -> None:
        if num == SCN_PANIC and not self.stub.detached:
            self.panic_regs = self.ins.registers()

    def on_outcome(self, outcome: Outcome) -> None:
        if self.stub.detached or outcome.kind == "return":
            return
        if outcome.kind == "panic" and self.panic_regs is not None:
            self.stub.stop(_Stop(self, rsp.SIGABRT, snapshot=self.panic_regs))
        elif outcome.fault is not None:
            snapshot = self.ins.registers()
            snapshot["pc"] = outcome.fault.pc
            self.stub.stop(_Stop(self, fault_signal(outcome.fault.kind), snapshot=snapshot))
        # The entry is over either way: a step or an interrupt now lands on the next entry.

    def on_close(self) -> None:
        if self in self.stub.engines:
            self.stub.engines.remove(self)
            self.stub.libraries_changed = True
