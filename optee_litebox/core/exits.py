"""How a TA entry ends: control-flow exceptions raised by syscall handlers, and outcomes.

A handler for syscall 0 raises TaReturn and one for syscall 2 raises TaPanic; the engine
catches them at its one boundary (the interrupt hook), stops the CPU, and the entry call
returns an Outcome. Nothing here imports the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class TaExit(BaseException):
    """Unwinds from a syscall handler to the entry call. Never escapes an entry call.

    Derives from BaseException so that a handler's `except Exception` cannot swallow it.
    """


class TaReturn(TaExit):
    def __init__(self, result: int) -> None:
        super().__init__(result)
        self.result = result & 0xFFFFFFFF


class TaPanic(TaExit):
    """The TA called TEE_Panic (syscall 2) or the TEE panicked it for a bad syscall."""

    def __init__(self, code: int, reason: str = "", frame: int = 0) -> None:
        super().__init__(code)
        self.code = code & 0xFFFFFFFF
        self.reason = reason
        self.frame = frame


@dataclass(frozen=True)
class Frame:
    pc: int
    symbol: str = ""  # "module!function+0x1c" or ""


@dataclass(frozen=True)
class FaultInfo:
    """An abort: the CPU hit something the TA's mappings or the ISA forbid."""

    kind: str  # e.g. "data abort (read, unmapped)", "undefined instruction", "stack overflow"
    pc: int
    address: int | None
    registers: dict[str, int] = field(default_factory=dict)
    backtrace: tuple[Frame, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class Outcome:
    """Result of one entry call into a TA."""

    kind: str  # "return", "panic" or "fault"
    result: int = 0  # TEE_Result passed to _utee_return, or the panic code
    fault: FaultInfo | None = None
    panic: TaPanic | None = None
    backtrace: tuple[Frame, ...] = ()

    @property
    def dead(self) -> bool:
        return self.kind != "return"
