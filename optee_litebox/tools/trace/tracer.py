"""The tracer: TA entries, decoded syscalls, log lines, calls by symbol, instruction windows.

A trace spec is a comma-separated list of levels:

- ``log``: TA log lines (and entries into the TA, with their results);
- ``syscalls``: every syscall with decoded arguments and result (includes ``log``);
- ``calls`` or ``calls:PATTERN``: entry and exit of the TA's functions by symbol
  (fnmatch pattern on the name, default all), with x0-x3 in and x0 out; functions of
  its TA libraries too, including those it dlopens (hooked as they are mapped);
- ``insn:WHERE`` or ``insn:WHERE:N``: every instruction inside a function (by symbol) or
  an address range ``0xSTART-0xEND``, at most N lines per window (default 1000);
- ``all``: ``syscalls,calls``.

Output is one line per event, human-readable or JSON (``--trace-format json``). Tracing
costs nothing when off: the engine gets no hook at all. ``syscalls`` uses the engine's
syscall callback; ``calls`` adds one-address code hooks at function entries and at the
return sites of calls; ``insn`` a code hook limited to its window.
"""
from __future__ import annotations

import fnmatch
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from ...abi.params import (
    UTEE_ENTRY_FUNC_CLOSE_SESSION,
    UTEE_ENTRY_FUNC_INVOKE_COMMAND,
    UTEE_ENTRY_FUNC_OPEN_SESSION,
)
from ...abi.results import result_name
from ...abi.syscalls import SCN_LOG
from ...errors import LiteboxError
from ..modules import ModuleInfo
from .decode import decode_syscall, format_call
from .insn import disassemble, has_tail_call, return_sites

if TYPE_CHECKING:
    from ...core.exits import Outcome
    from ...core.instrument import Instrument
    from ...runtime.instance import TaInstance

LEVELS = ("log", "syscalls", "calls", "insn", "all")
DEFAULT_INSN_LIMIT = 1000
MAX_CALL_DEPTH = 512
_ENTRY_NAMES = {UTEE_ENTRY_FUNC_OPEN_SESSION: "open_session",
                UTEE_ENTRY_FUNC_CLOSE_SESSION: "close_session",
                UTEE_ENTRY_FUNC_INVOKE_COMMAND: "invoke_command"}


@dataclass(frozen=True)
class TraceSpec:
    log: bool = False
    syscalls: bool = False
    calls: tuple[str, ...] = ()  # fnmatch patterns; empty = no call tracing
    insn: tuple[tuple[str, int], ...] = ()  # (where, limit)

    @classmethod
    def parse(cls, text: str) -> TraceSpec:
        log = syscalls = False
        calls: list[str] = []
        insn: list[tuple[str, int]] = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            level, _, arg = item.partition(":")
            level = level.lower()
            if level == "log":
                log = True
            elif level == "syscalls":
                syscalls = log = True
            elif level == "calls":
                calls.append(arg or "*")
            elif level == "all":
                syscalls = log = True
                calls.append("*")
            elif level == "insn":
                where, _, limit = arg.partition(":")
                if not where:
                    raise LiteboxError("--trace insn needs a window: insn:FUNCTION or insn:0xSTART-0xEND")
                try:
                    insn.append((where, int(limit, 0) if limit else DEFAULT_INSN_LIMIT))
                except ValueError:
                    raise LiteboxError(f"--trace {item}: bad line limit {limit!r}") from None
            else:
                raise LiteboxError(f"unknown trace level {level!r} (levels: {', '.join(LEVELS)})")
        if not (log or calls or insn):
            raise LiteboxError("empty trace spec")
        return cls(log, syscalls, tuple(calls), tuple(insn))


class Tracer:
    """Writes trace events of every instance it is attached to."""

    def __init__(self, spec: TraceSpec, fmt: str = "text", out: IO[str] | None = None) -> None:
        if fmt not in ("text", "json"):
            raise LiteboxError(f"unknown trace format {fmt!r} (text or json)")
        self.spec = spec
        self.fmt = fmt
        self._out = out
        #: Events are also handed to this callable when set (tests, the pytest plugin).
        self.sink: Callable[[dict[str, Any]], None] | None = None
        #: Set in server workers: every line says which process (instance) it is from.
        self.pid: int | None = None

    @property
    def out(self) -> IO[str]:
        return self._out if self._out is not None else sys.stderr  # resolved late: pytest capture

    def attach(self, instance: TaInstance, modules: list[ModuleInfo]) -> _InstanceTrace:
        """Trace instance; the result takes the modules it dlopens later (add_modules)."""
        return _InstanceTrace(self, instance, modules, instance.engine.instrument())

    def emit(self, ta: str, event: dict[str, Any], text: str) -> None:
        record = {"ta": ta, **event} if self.pid is None else {"ta": ta, "pid": self.pid, **event}
        if self.sink is not None:
            self.sink(record)
        if self.fmt == "json":
            line = json.dumps(record, default=str)
        elif self.pid is None:
            line = f"[{ta[:8]}] {text}"
        else:
            line = f"[{ta[:8]} pid={self.pid}] {text}"
        self.out.write(line + "\n")
        self.out.flush()


@dataclass
class _Frame:
    name: str
    ret: int
    sp: int


@dataclass
class _InstanceTrace:
    tracer: Tracer
    instance: TaInstance
    modules: list[ModuleInfo]
    ins: Instrument
    stack: list[_Frame] = field(default_factory=list)
    #: Function starts whose calls need no return hook (see _hook_calls).
    quiet: set[int] = field(default_factory=set)
    #: Instruction windows named by a function no module has (yet: a dlopen may bring it).
    unresolved: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ta = str(self.instance.uuid)
        spec = self.tracer.spec
        self.ins.add_listener(self)
        if spec.calls:
            self._hook_calls(spec.calls, self.modules)
        for where, limit in spec.insn:
            if not self._hook_window(where, limit):
                self._emit({"ev": "note", "text": f"insn:{where}: no such function or range"},
                           f"-- insn:{where}: no function of that name (or bad range) in this TA")

    def add_modules(self, modules: list[ModuleInfo]) -> None:
        """Libraries the TA dlopened: their symbols, calls and instruction windows."""
        self.modules = [*self.modules, *modules]
        spec = self.tracer.spec
        if spec.calls:
            self._hook_calls(spec.calls, modules)
        pending, self.unresolved = self.unresolved, []
        for where, limit in pending:
            self._hook_window(where, limit)

    def _emit(self, event: dict[str, Any], text: str) -> None:
        self.tracer.emit(self.ta, event, text)

    # -- entries and syscalls -------------------------------------------------------------

    def on_enter(self, pc: int, func: int, session: int, params: int, cmd: int) -> None:
        name = _ENTRY_NAMES.get(func, f"entry {func}")
        event: dict[str, Any] = {"ev": "enter", "func": name, "session": session}
        text = f">> {name} session={session}"
        if func == UTEE_ENTRY_FUNC_INVOKE_COMMAND:
            event["cmd"] = cmd
            text += f" cmd={cmd}"
        self.stack.clear()
        self._emit(event, text)

    def on_syscall(self, num: int, args: tuple[int, ...], result: int) -> None:
        spec = self.tracer.spec
        if spec.syscalls:
            decoded = decode_syscall(num, args, self.instance.mem)
            res = result_name(result)
            self._emit({"ev": "syscall", "nr": num, **decoded, "result": res},
                       f"   {format_call(decoded['name'], decoded['args'])} = {res}")
        elif spec.log and num == SCN_LOG and len(args) >= 2:
            try:
                raw = self.instance.mem.peek(args[0], min(args[1], 4096))
            except Exception:  # noqa: BLE001 - a bad pointer: nothing was logged
                return
            text = raw.decode("utf-8", "backslashreplace").rstrip("\n")
            self._emit({"ev": "log", "text": text}, f"   {text}")

    def on_outcome(self, outcome: Outcome) -> None:
        self.stack.clear()
        if outcome.kind == "return":
            res = result_name(outcome.result)
            self._emit({"ev": "exit", "outcome": "return", "result": res}, f"<< {res}")
        elif outcome.kind == "panic":
            self._emit({"ev": "exit", "outcome": "panic", "code": f"0x{outcome.result:08x}"},
                       f"<< panic 0x{outcome.result:08x}")
        else:
            kind = outcome.fault.kind if outcome.fault else "fault"
            pc = outcome.fault.pc if outcome.fault else 0
            self._emit({"ev": "exit", "outcome": "abort", "fault": kind, "pc": pc},
                       f"<< abort: {kind} at pc 0x{pc:x} ({self._where(pc)})")

    # -- calls ----------------------------------------------------------------------------

    def _where(self, addr: int) -> str:
        for module in self.modules:
            if module.contains(addr):
                return module.symbolize(addr)
        return "?"

    def _hook_calls(self, patterns: tuple[str, ...], modules: list[ModuleInfo]) -> None:
        """Entry hooks on the traced functions of modules, return hooks at their calls.

        A call from one module into another goes through a PLT stub or a function
        pointer, never straight to a function start, so the modules of a later dlopen
        need no hooks in the modules already there."""
        starts: dict[int, str] = {}
        traced: set[int] = set()
        # Functions whose calls need no return hook: untraced and without tail calls
        # (a tail call may reach a traced function that returns to this call site).
        quiet = self.quiet
        for module in modules:
            for addr, sym in module.functions():
                starts[addr] = sym.name
                if any(fnmatch.fnmatchcase(sym.name, p) for p in patterns):
                    traced.add(addr)
                elif sym.size and not has_tail_call(self._peek(addr, sym.size), addr):
                    quiet.add(addr)
        for addr in sorted(traced):
            self.ins.code_hook(addr, addr, self._make_entry(starts[addr]))
        for module in modules:
            for lo, hi in module.code:
                for site, target in return_sites(self._peek(lo, hi - lo), lo):
                    if target not in quiet:
                        self.ins.code_hook(site, site, self._on_return_site)

    def _peek(self, addr: int, size: int) -> bytes:
        try:
            return self.instance.mem.peek(addr, size)
        except Exception:  # noqa: BLE001 - a symbol past its segment: nothing to scan
            return b""

    def _make_entry(self, name: str) -> Callable[[int, int], None]:
        def entered(address: int, size: int) -> None:
            read = self.ins.read
            lr, sp = read("lr"), read("sp")
            args = [read(f"x{i}") for i in range(4)]
            if len(self.stack) < MAX_CALL_DEPTH:
                self.stack.append(_Frame(name, lr, sp))
            indent = "  " * len(self.stack)
            self._emit({"ev": "call", "fn": name, "pc": address, "args": args, "depth": len(self.stack)},
                       f"{indent}-> {name}({', '.join(f'0x{a:x}' for a in args)})")
        return entered

    def _on_return_site(self, address: int, size: int) -> None:
        if not self.stack or self.stack[-1].ret != address:
            return
        sp = self.ins.read("sp")
        x0 = None
        # A tail call leaves two frames with the same return address: pop them all.
        while self.stack and self.stack[-1].ret == address and self.stack[-1].sp == sp:
            frame = self.stack.pop()
            x0 = self.ins.read("x0") if x0 is None else x0
            indent = "  " * (len(self.stack) + 1)
            self._emit({"ev": "return", "fn": frame.name, "x0": x0, "depth": len(self.stack) + 1},
                       f"{indent}<- {frame.name} = 0x{x0:x}")

    # -- instruction windows --------------------------------------------------------------

    def _window(self, where: str) -> tuple[int, int] | None:
        if where.lower().startswith("0x") and "-" in where:
            lo, _, hi = where.partition("-")
            try:
                return int(lo, 16), int(hi, 16)
            except ValueError:
                return None
        for module in self.modules:
            for addr, sym in module.functions():
                if sym.name == where:
                    return addr, addr + max(sym.size, 4)
        return None

    def _hook_window(self, where: str, limit: int) -> bool:
        """Hook the window; False if no module has it (another TA may, or a library
        this one dlopens later: it is looked for again then)."""
        window = self._window(where)
        if window is None:
            self.unresolved.append((where, limit))
            return False
        lo, hi = window
        state = {"left": limit, "handle": 0}

        def step(address: int, size: int) -> None:
            if state["left"] <= 0:
                return
            state["left"] -= 1
            try:
                word = self.instance.mem.peek(address, 4)
            except Exception:  # noqa: BLE001
                word = b"\0\0\0\0"
            text = disassemble(word, address)
            self._emit({"ev": "insn", "pc": address, "sym": self._where(address),
                        "word": word[::-1].hex(), "asm": text},
                       f"   0x{address:x} {self._where(address):<32} {word[::-1].hex()}  {text}")
            if state["left"] == 0:
                self.ins.remove_hook(state["handle"])
        state["handle"] = self.ins.code_hook(lo, hi - 1, step)
        return True
