"""Instrumentation for developer tools (tracing, gdb, coverage): off unless asked for.

An ``Engine`` has no ``Instrument`` until a tool calls ``engine.instrument()``; until
then its hot path is untouched (no hook beyond the interrupt and TLB-fill hooks). Once
attached, the engine runs each entry through ``Instrument.run`` instead of a bare
``uc_emu_start``, which lets tools pause the CPU and resume it. What tools may add:

- **range-limited code hooks** (breakpoints, function entry/exit, short instruction
  windows): a hook on [begin, end] costs nothing for code outside it;
- **block counters** (coverage): a native callback (``blockcount``) that costs about as
  much as no hook, or a Python block hook where no native one is available;
- **a single step**: a temporary hook on all code, removed at the next pause;
- **pauses**: a hook callback calls ``pause()``; the CPU stops *before* the hooked
  instruction and every listener's ``on_pause`` runs outside emulation, where hooks may
  be added or removed and registers and memory changed; then the entry resumes.

Hooks only reach code translated after they were added, so adding or removing one
invalidates the translations of its range (or all of them for an unbounded hook).

Listeners are plain objects with any of these methods, called on the emulating thread:
``on_enter(pc, x0, x1, x2, x3)`` before an entry runs, ``on_pause(reason)``,
``on_syscall(number, args, result)`` after each syscall, ``on_outcome(outcome)`` after
an entry ended, ``on_close()`` when the engine is released.

This module and ``engine.py`` are the only ones that import Unicorn.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import unicorn as _u
from unicorn import arm64_const as _a
from unicorn.unicorn_py3.unicorn import uclib

from .blockcount import BlockCounts, native_callback
from .exits import Outcome
from .memory import PAGE_SIZE, PROT_EXEC

if TYPE_CHECKING:
    from .engine import Engine

_HOOK_CODE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_void_p)

#: Registers in GDB's aarch64 order (org.gnu.gdb.aarch64.core, then .fpu): name, id, bits.
GDB_REGISTERS: tuple[tuple[str, int, int], ...] = (
    *((f"x{i}", _a.UC_ARM64_REG_X0 + i, 64) for i in range(29)),
    ("x29", _a.UC_ARM64_REG_X29, 64), ("x30", _a.UC_ARM64_REG_X30, 64),
    ("sp", _a.UC_ARM64_REG_SP, 64), ("pc", _a.UC_ARM64_REG_PC, 64),
    ("cpsr", _a.UC_ARM64_REG_PSTATE, 32),
    *((f"v{i}", _a.UC_ARM64_REG_Q0 + i, 128) for i in range(32)),
    ("fpsr", _a.UC_ARM64_REG_FPSR, 32), ("fpcr", _a.UC_ARM64_REG_FPCR, 32),
)
_REG_ID = {name: rid for name, rid, _ in GDB_REGISTERS}
_REG_ID.update(fp=_a.UC_ARM64_REG_X29, lr=_a.UC_ARM64_REG_X30)

HookCallback = Callable[[int, int], None]  # (address, size)


class Instrument:
    """The tools' handle on one engine. Create it with ``Engine.instrument()``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._uc = engine._uc
        self._uch = engine._uch
        self.listeners: list[Any] = []
        self._hooks: dict[int, tuple[Any, int, int]] = {}  # handle -> (callback ref, begin, end)
        self._pause: str | None = None
        self._step_hook: int | None = None
        self._step_seen = 0
        self._retired: list[Any] = []  # callbacks of deleted hooks (Unicorn frees them later)
        self.closed = False

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Any) -> None:
        self.listeners.append(listener)
        if hasattr(listener, "on_syscall") and self.engine.trace_syscall is None:
            self.engine.trace_syscall = self._on_syscall

    def _notify(self, method: str, *args: Any) -> None:
        for listener in list(self.listeners):
            fn = getattr(listener, method, None)
            if fn is not None:
                fn(*args)

    def _on_syscall(self, num: int, args: tuple[int, ...], result: int) -> None:
        self._notify("on_syscall", num, args, result)

    # -- hooks -----------------------------------------------------------------------------

    def _wrap(self, fn: HookCallback) -> Any:
        engine = self.engine

        def hook(uch: int, address: int, size: int, ud: int) -> None:
            try:
                fn(address, size)
            except BaseException as exc:  # noqa: BLE001 - nothing may escape a ctypes callback
                engine._stop_with(exc)
        return _HOOK_CODE(hook)

    def _add(self, kind: int, callback: int | Any, user_data: int | None, begin: int, end: int,
             ref: Any) -> int:
        handle = ctypes.c_size_t()
        cb = callback if isinstance(callback, int) else ctypes.cast(callback, ctypes.c_void_p).value
        err = uclib.uc_hook_add(self._uch, ctypes.byref(handle), kind, ctypes.c_void_p(cb),
                                ctypes.c_void_p(user_data) if user_data else None,
                                ctypes.c_uint64(begin), ctypes.c_uint64(end))
        if err:
            raise RuntimeError(f"uc_hook_add failed: {uclib.uc_strerror(err).decode()}")
        self._hooks[handle.value] = (ref, begin, end)
        self._invalidate(begin, end)
        return handle.value

    def _invalidate(self, begin: int, end: int) -> None:
        """Drop translations of [begin, end] (inclusive), or all for an unbounded range."""
        if not (begin <= end and end - begin < 1 << 32):
            self._uc.ctl_flush_tb()
            return
        # Unicorn looks the range up as an instruction fetch, through the TLB fill hook,
        # which would record a fault for data or unmapped pages: only code has
        # translations anyway, so only ask for executable pages.
        mem = self.engine.mem
        page = begin & ~(PAGE_SIZE - 1)
        saved = self.engine._fault
        while page <= end:
            if mem.prot_at(page) & PROT_EXEC:
                self._uc.ctl_remove_cache(max(begin, page), min(end + 1, page + PAGE_SIZE))
            page += PAGE_SIZE
        self.engine._fault = saved

    def invalidate(self, begin: int, end: int) -> None:
        """Forget translations of [begin, end) after code there was written (not while
        the engine runs)."""
        if end > begin:
            self._invalidate(begin, end - 1)

    def code_hook(self, begin: int, end: int, fn: HookCallback) -> int:
        """Call fn(address, size) before each instruction in [begin, end] (inclusive).

        begin > end hooks all code (slow: single-stepping only)."""
        cb = self._wrap(fn)
        return self._add(_u.UC_HOOK_CODE, cb, None, begin, end, cb)

    def block_hook(self, begin: int, end: int, fn: HookCallback) -> int:
        """Call fn(address, size) at the start of each translated block in [begin, end]."""
        cb = self._wrap(fn)
        return self._add(_u.UC_HOOK_BLOCK, cb, None, begin, end, cb)

    def block_counter(self, begin: int, end: int, slots: ctypes.Array[ctypes.c_uint32] | None = None
                      ) -> tuple[BlockCounts, bool]:
        """Count the blocks run in [begin, end) (into slots if given: see BlockCounts);
        returns (counts, native)."""
        counts = BlockCounts(begin, end - begin, slots)
        native = native_callback()
        if native is not None:
            self._add(_u.UC_HOOK_BLOCK, native, counts.user_data, begin, end - 1, counts)
        else:
            cb = self._wrap(counts.record)
            self._add(_u.UC_HOOK_BLOCK, cb, None, begin, end - 1, (cb, counts))
        return counts, native is not None

    def remove_hook(self, handle: int) -> None:
        entry = self._hooks.pop(handle, None)
        if entry is None or self.closed:
            return
        uclib.uc_hook_del(self._uch, ctypes.c_size_t(handle))
        self._retired.append(entry[0])
        if not self.engine.running:
            self._invalidate(entry[1], entry[2])

    # -- pausing and stepping --------------------------------------------------------------

    def pause(self, reason: str) -> None:
        """Stop before the current instruction (from a hook) and call on_pause(reason).

        Also safe from another thread while the engine runs (an interrupt from gdb)."""
        self._pause = reason
        uclib.uc_emu_stop(self._uch)

    def step(self) -> None:
        """Arrange a pause after exactly one instruction when the entry resumes."""
        self._step_seen = 0

        def one(address: int, size: int) -> None:
            self._step_seen += 1
            if self._step_seen > 1:
                self.pause("step")
        if self._step_hook is None:
            self._step_hook = self.code_hook(1, 0, one)

    def _end_step(self) -> None:
        if self._step_hook is not None:
            handle, self._step_hook = self._step_hook, None
            self.remove_hook(handle)
            self._uc.ctl_flush_tb()

    def run(self, pc: int, x0: int, x1: int, x2: int, x3: int) -> int:
        """Run one entry from pc with pauses for tools; returns uc_emu_start's error."""
        engine = self.engine
        self.write("pc", pc)
        self._notify("on_enter", pc, x0, x1, x2, x3)
        pc = self.read("pc")  # a debugger may have moved it
        while True:
            self._pause = None
            err = int(uclib.uc_emu_start(self._uch, pc, 0, 0, 0))
            reason, self._pause = self._pause, None
            if reason is None or err or engine._exit is not None or engine._fault is not None \
                    or engine._interrupted:
                self._end_step()
                return err
            self._end_step()
            self._notify("on_pause", reason)
            pc = self.read("pc")

    def finished(self, outcome: Outcome) -> None:
        self._notify("on_outcome", outcome)

    def close(self) -> None:
        self._notify("on_close")
        self.closed = True

    # -- registers -------------------------------------------------------------------------

    def read(self, name: str) -> int:
        return int(self._uc.reg_read(_REG_ID[name]))

    def write(self, name: str, value: int) -> None:
        self._uc.reg_write(_REG_ID[name], value)

    def registers(self) -> dict[str, int]:
        """Every register GDB knows, by its GDB name."""
        return {name: int(self._uc.reg_read(rid)) for name, rid, _ in GDB_REGISTERS}
