"""Crash reports for panics and aborts: registers, mappings and a symbolized backtrace.

Modelled on what OP-TEE prints on the secure console (abort_print_current_ts and
ldelf's stack dump), written for a developer reading a terminal or a test failure.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.exits import FaultInfo, Outcome
from ..core.memory import AddressSpace, prot_str
from .image import LoadedModule

MAX_FRAMES = 64


@dataclass(frozen=True)
class CrashReport:
    ta: str  # UUID
    name: str
    kind: str  # "panic" or "abort"
    summary: str  # one line: what happened
    code: int | None  # panic code
    fault: FaultInfo | None
    backtrace: tuple[str, ...] = field(default_factory=tuple)
    text: str = ""

    def __str__(self) -> str:
        return self.text


def symbolize(modules: list[LoadedModule], addr: int) -> str:
    for module in modules:
        if module.contains(addr):
            return module.symbolize(addr)
    return "?"


def unwind(mem: AddressSpace, pc: int, fp: int, lr: int | None) -> list[int]:
    """Return addresses by walking AArch64 frame records {prev fp, lr} from fp."""
    frames = [pc]
    if lr:
        frames.append(lr)
    seen: set[int] = set()
    while fp and len(frames) < MAX_FRAMES and fp not in seen and not fp & 0x7:
        seen.add(fp)
        try:
            prev = int.from_bytes(mem.peek(fp, 8), "little")
            ret = int.from_bytes(mem.peek(fp + 8, 8), "little")
        except Exception:  # noqa: BLE001 - a corrupt chain ends the walk
            break
        if not ret:
            break
        if ret != frames[-1]:
            frames.append(ret)
        if prev <= fp:
            break
        fp = prev
    return frames


def _registers(regs: dict[str, int]) -> list[str]:
    names = [f"x{i}" for i in range(29)] + ["fp", "lr", "sp"]
    cells = [f"{n:>3} {regs.get(n, 0):016x}" for n in names]
    return ["  " + "  ".join(cells[i:i + 4]) for i in range(0, len(cells), 4)]


def build_report(ta: str, name: str, outcome: Outcome, mem: AddressSpace,
                 modules: list[LoadedModule], stack: tuple[int, int] | None) -> CrashReport:
    lines: list[str] = []
    fault = outcome.fault
    code: int | None = None
    if outcome.kind == "panic" and outcome.panic is not None:
        code = outcome.panic.code
        kind = "panic"
        summary = f"TA panicked with code 0x{code:08x}"
        frames: list[int] = []
        frame = outcome.panic.frame
        if frame:
            try:
                fp = int.from_bytes(mem.peek(frame, 8), "little")
                lr = int.from_bytes(mem.peek(frame + 8, 8), "little")
                frames = unwind(mem, lr, fp, None)
            except Exception:  # noqa: BLE001
                frames = []
    else:
        kind = "abort"
        assert fault is not None
        what = fault.kind
        if fault.address is not None and stack is not None and \
                stack[0] - 0x1000 <= fault.address < stack[0]:
            what += ", stack overflow into the guard page"
        where = f" at address 0x{fault.address:x}" if fault.address is not None else ""
        summary = f"User mode {what}{where}, pc 0x{fault.pc:x} ({symbolize(modules, fault.pc)})"
        regs = fault.registers
        frames = unwind(mem, fault.pc, regs.get("fp", 0), regs.get("lr"))
        lines += _registers(regs)
        if fault.detail:
            lines += ["  " + line for line in fault.detail.rstrip().splitlines()]
    # Return addresses point past the call; symbolize the call itself (a call to a
    # function that never returns may be the last instruction of its caller).
    # A panic's frames are all return addresses; an abort's first frame is the pc.
    first_pc = kind == "abort"
    trace = tuple(f"0x{addr:x} {symbolize(modules, addr if i == 0 and first_pc else addr - 4)}"
                  for i, addr in enumerate(frames))
    head = [f"{summary}", f"Status of TA {ta} ({name})"]
    maps = [f"  region [0x{r.start:x}, 0x{r.end:x}) {prot_str(r.prot)} {r.name}"
            for r in mem.regions() if r.user]
    text = "\n".join(head + lines + maps + ["Call stack:"] + ["  " + t for t in trace])
    return CrashReport(ta, name, kind, summary, code, fault, trace, text)
