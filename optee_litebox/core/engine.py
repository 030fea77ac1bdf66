"""The aarch64 CPU: the only module that imports Unicorn.

One Engine is one TA address space and CPU at EL0. Guest memory lives in host buffers
owned by ``AddressSpace``; the engine maps them with ``mem_map_ptr`` and fills a virtual
TLB from the same page table, so TA pages carry their real permissions and never W+X.
``svc #0`` is handled inside the interrupt hook without stopping the CPU; the hot path
(register I/O, the hook itself) calls the Unicorn C library directly through ctypes with
preallocated arguments, as measured in unicorn-hot-path.md.

Developer tools (tracing, gdb, coverage) reach the CPU only through ``instrument()``,
which attaches an ``Instrument`` (``instrument.py``, the other module importing Unicorn).
Without one, an entry is a bare ``uc_emu_start`` with no code, block or memory hook.
"""
from __future__ import annotations

import ctypes
import sys
import traceback
from typing import TYPE_CHECKING, Callable, Sequence

import unicorn as _u
from unicorn import arm64_const as _a
from unicorn.unicorn_py3.unicorn import uc_tlb_entry, uclib

from ..errors import EngineError, GuestMemoryError
from .exits import FaultInfo, Outcome, TaExit, TaPanic, TaReturn
from .memory import PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, AddressSpace, Region

if TYPE_CHECKING:
    from .instrument import Instrument

#: A syscall table: index = syscall number, entry = (handler, number of register args).
SyscallEntry = tuple[Callable[..., int], int]

STUB_ADDR = 0x1000  # runtime-owned page: `b .` where a finished entry parks the CPU
# b . ; brk #0 ; then, used once at EL1 to drop to EL0 by the CPU's own rules:
# msr spsr_el1, xzr ; msr elr_el1, x0 ; eret
_STUB_CODE = b"".join(int.to_bytes(w, 4, "little") for w in (
    0x14000000, 0xD4200000, 0xD518401F, 0xD5184020, 0xD69F03E0))
_STUB_ERET = STUB_ADDR + 8

_X0 = _a.UC_ARM64_REG_X0
_REG_NAMES = [f"x{i}" for i in range(29)] + ["fp", "lr", "sp", "pc", "pstate"]
_REG_IDS = [_X0 + i for i in range(29)] + [
    _a.UC_ARM64_REG_X29, _a.UC_ARM64_REG_X30, _a.UC_ARM64_REG_SP, _a.UC_ARM64_REG_PC,
    _a.UC_ARM64_REG_PSTATE]

_INTR_UDEF, _INTR_SWI, _INTR_PREFETCH_ABORT, _INTR_DATA_ABORT, _INTR_BKPT = 1, 2, 3, 4, 7
#: Parameter mappings kept parked in Unicorn at most (each holds a client buffer alive).
_MAX_PARKED = 16

_ACCESS_OP = {_u.UC_MEM_READ: ("read", PROT_READ), _u.UC_MEM_WRITE: ("write", PROT_WRITE),
              _u.UC_MEM_FETCH: ("execute", PROT_EXEC)}


def _abort_kind(op: str, why: str) -> str:
    return f"prefetch abort ({why})" if op == "execute" else f"data abort ({op}, {why})"


_HOOK_INTR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p)
_HOOK_TLB_FILL = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int,
                                  ctypes.POINTER(uc_tlb_entry), ctypes.c_void_p)
_UC_PROT = {0: 0, PROT_READ: _u.UC_PROT_READ, PROT_WRITE: _u.UC_PROT_WRITE, PROT_EXEC: _u.UC_PROT_EXEC}


def _uc_prot(prot: int) -> int:
    return sum(_UC_PROT[bit] for bit in (PROT_READ, PROT_WRITE, PROT_EXEC) if prot & bit)


class Engine:
    """One TA address space and CPU. Not thread-safe except for ``interrupt()``."""

    def __init__(self, mem: AddressSpace | None = None, *, cpu_model: int = _a.UC_CPU_ARM64_MAX) -> None:
        self.mem = mem or AddressSpace()
        self._uc = _u.Uc(_u.UC_ARCH_ARM64, _u.UC_MODE_ARM, cpu_model)
        self._uc.ctl_set_page_size(PAGE_SIZE)
        self._uc.ctl_set_tlb_mode(_u.UC_TLB_VIRTUAL)
        self._uch = self._uc._uch
        self.syscalls: Sequence[SyscallEntry] = ()
        self.unknown_syscall: SyscallEntry | None = None
        #: Called with (number, args, result) after each syscall when set (tracing).
        self.trace_syscall: Callable[[int, tuple[int, ...], int], None] | None = None
        #: Developer tools attached by instrument(); None keeps the hot path bare.
        self.tools: Instrument | None = None
        #: Page protections that override the address space (the fault probe only).
        self._override: dict[int, int] = {}
        #: Parameter mappings kept in Unicorn after the runtime unmapped them, so the same
        #: buffer mapped again at the same place costs nothing: (start, size) -> (ptr, buf).
        self._parked: dict[tuple[int, int], tuple[int, object]] = {}
        #: Parked since the TLB was last flushed: the next entry must flush first.
        self._tlb_dirty = False
        #: Mappings dropped while the CPU runs (from a syscall: the system PTA's UNMAP):
        #: uc_mem_unmap inside a hook derails Unicorn, so they go when the entry ends. The
        #: address space has forgotten them already, so the TLB fill refuses them.
        self._deferred: dict[tuple[int, int], object] = {}
        self._deferred_code = False
        self._exit: BaseException | None = None
        self._fault: tuple[str, int | None, int] | None = None
        self._running = False
        self._drop = False
        self._interrupted = False
        self._setup_ctypes()
        self._setup_el0()
        self.mem.on_map = self._on_map
        self.mem.on_unmap = self._on_unmap
        self.mem.on_protect = self._on_protect
        self.mem.reserved = lambda: [(start, start + size) for start, size in
                                     [*self._parked, *self._deferred]]
        self.mem.previous = self._previous
        for region in self.mem.regions():
            self._on_map(region)
        self._stub = self.mem.map(STUB_ADDR, PAGE_SIZE, PROT_READ | PROT_EXEC, "[exit stub]",
                                  data=_STUB_CODE, user=False)
        self._drop_to_el0()

    # -- set-up ---------------------------------------------------------------------------

    def _setup_ctypes(self) -> None:
        self._val = ctypes.c_uint64()
        self._pval = ctypes.byref(self._val)
        self._args = (ctypes.c_uint64 * 9)()  # x0-x7, then x8
        self._arg_ids = (ctypes.c_int * 9)(*range(_X0, _X0 + 9))
        self._arg_ptrs = (ctypes.c_void_p * 9)(
            *[ctypes.addressof(self._args) + 8 * i for i in range(9)])
        # Every entry writes all GPRs (x0-x3 and SP set, the rest zero, like upstream's
        # thread_enter_user_mode), NZCV and the FP/SIMD registers in one batch.
        ids = [r for r in _REG_IDS if r not in (_a.UC_ARM64_REG_PSTATE, _a.UC_ARM64_REG_PC)]
        ids.append(_a.UC_ARM64_REG_NZCV)
        n = len(ids)
        self._sp_slot = ids.index(_a.UC_ARM64_REG_SP)
        self._zero_ids = (ctypes.c_int * (n + 32))(*ids, *range(
            _a.UC_ARM64_REG_Q0, _a.UC_ARM64_REG_Q0 + 32))
        self._zero_vals = (ctypes.c_uint64 * 2 * (n + 32))()
        self._zero_ptrs = (ctypes.c_void_p * (n + 32))(
            *[ctypes.addressof(self._zero_vals) + 16 * i for i in range(n + 32)])
        self._zero_n = n + 32
        self._cb_intr = _HOOK_INTR(self._on_intr)
        self._cb_tlb = _HOOK_TLB_FILL(self._on_tlb_fill)
        # No UC_HOOK_MEM_* hook at all: even an unmapped-memory hook sends every guest load
        # and store down the slow path (SHA-256 in a TA ran 2.7x slower with one). The TLB
        # fill callback sees every failing translation, which is all a fault report needs.
        for kind, cb in ((_u.UC_HOOK_INTR, self._cb_intr), (_u.UC_HOOK_TLB_FILL, self._cb_tlb)):
            handle = ctypes.c_size_t()
            err = uclib.uc_hook_add(self._uch, ctypes.byref(handle), kind, ctypes.cast(cb, ctypes.c_void_p),
                                    None, ctypes.c_uint64(1), ctypes.c_uint64(0))
            if err:
                raise EngineError(f"uc_hook_add({kind}) failed: {err}")

    def _setup_el0(self) -> None:
        uc = self._uc
        sctlr = uc.cpr_read(3, 0, 1, 0, 0)
        # UCI (26): cache maintenance from EL0; UCT (15): CTR_EL0; DZE (14): dc zva.
        uc.cpr_write(3, 0, 1, 0, 0, sctlr | (1 << 26) | (1 << 15) | (1 << 14))
        uc.cpr_write(3, 0, 14, 1, 0, 0x3)  # CNTKCTL_EL1: EL0 may read CNTVCT and CNTPCT
        uc.reg_write(_a.UC_ARM64_REG_CPACR_EL1, 3 << 20)  # FP/SIMD usable at EL0

    def _drop_to_el0(self) -> None:
        """Enter EL0 through a real `eret`: writing PSTATE alone leaves the CPU at EL1."""
        uc = self._uc
        uc.reg_write(_X0, STUB_ADDR + 4)  # eret lands on `brk #0`, now at EL0t
        self._drop = True
        uc.emu_start(_STUB_ERET, 0)
        self._drop = False
        if uc.reg_read(_a.UC_ARM64_REG_PSTATE) & 0xC:
            raise EngineError("could not switch the CPU to EL0")

    # -- address-space mirror -------------------------------------------------------------

    def _on_map(self, region: Region) -> None:
        ptr = ctypes.addressof(ctypes.c_char.from_buffer(region.buf)) + region.buf_offset
        key = (region.start, region.size)
        parked = self._parked.get(key)
        if parked is not None and parked[0] == ptr:
            del self._parked[key]
            return  # the same pages again: the Unicorn mapping is still there
        self._evict_parked(region.start, region.end)  # other pages were parked there
        for key in [k for k in self._deferred if k[0] < region.end and region.start < k[0] + k[1]]:
            del self._deferred[key]  # no way round it: unmap now
            uclib.uc_mem_unmap(self._uch, key[0], key[1])
        err = uclib.uc_mem_map_ptr(self._uch, region.start, region.size, _uc_prot(region.prot), ptr)
        if err:
            raise EngineError(f"mapping {region.name} at 0x{region.start:x} failed: {err}")

    def _on_unmap(self, region: Region) -> None:
        if region.shared and not region.prot & PROT_EXEC:
            # Memref parameters come and go on every call. Keep the Unicorn mapping (and a
            # reference to the client's buffer, so it stays valid) but not the permission:
            # the TLB fill no longer sees the region, and the next entry flushes the TLB.
            ptr = ctypes.addressof(ctypes.c_char.from_buffer(region.buf)) + region.buf_offset
            self._parked[(region.start, region.size)] = (ptr, region.buf)
            self._tlb_dirty = True
            if self._running:  # unmapped from inside a syscall: forget it right away
                self._flush_tlb()
            if len(self._parked) > _MAX_PARKED:
                first = next(iter(self._parked))
                self._unmap_parked(first)
            return
        if self._running:
            self._deferred[(region.start, region.size)] = region.buf
            self._deferred_code = self._deferred_code or bool(region.prot & PROT_EXEC)
            self._flush_tlb()
            return
        uclib.uc_mem_unmap(self._uch, region.start, region.size)
        self.flush(region.start, region.end, code=bool(region.prot & PROT_EXEC))

    def _previous(self, buf: object, buf_offset: int, size: int) -> int | None:
        ptr = ctypes.addressof(ctypes.c_char.from_buffer(buf)) + buf_offset  # type: ignore[arg-type]
        for (start, psize), (pptr, _) in self._parked.items():
            if pptr == ptr and psize == size:
                return start
        return None

    def _evict_parked(self, start: int, end: int) -> None:
        for key in [k for k in self._parked if k[0] < end and start < k[0] + k[1]]:
            self._unmap_parked(key)

    def _unmap_parked(self, key: tuple[int, int]) -> None:
        _, buf = self._parked.pop(key)
        if self._running:
            self._deferred[key] = buf
        else:
            uclib.uc_mem_unmap(self._uch, key[0], key[1])
        self._flush_tlb()

    def _unmap_deferred(self) -> None:
        """Carry out the unmaps asked for while the CPU ran (see _deferred)."""
        for start, size in self._deferred:
            uclib.uc_mem_unmap(self._uch, start, size)
        self._deferred.clear()
        self._flush_tlb()
        if self._deferred_code:
            self._uc.ctl_flush_tb()
            self._deferred_code = False

    def _on_protect(self, region: Region, start: int, size: int) -> None:
        for page in range(start, start + size, PAGE_SIZE):
            uclib.uc_mem_protect(self._uch, page, PAGE_SIZE, _uc_prot(region.prot_at(page)))
        self.flush(start, start + size, code=True)

    def _flush_tlb(self) -> None:
        self._uc.ctl(_u.UC_CTL_TLB_FLUSH, _u.UC_CTL_IO_WRITE)

    def flush(self, start: int = 0, end: int = 0, *, code: bool = False) -> None:
        """Forget cached translations after a mapping or its protection changed."""
        self._flush_tlb()
        if code:
            if end > start:
                self._uc.ctl_remove_cache(start, end)
            else:
                self._uc.ctl_flush_tb()

    # -- hooks (the one boundary between guest and Python) --------------------------------

    def _on_tlb_fill(self, uch: int, vaddr: int, access: int, entry: ctypes._Pointer, ud: int) -> bool:
        page = vaddr & ~(PAGE_SIZE - 1)
        prot = self._override.get(page) if self._override else None
        if prot is None:
            region = self.mem.region_at(page)
            prot = region.prot_at(page) if region is not None else None
        op = _ACCESS_OP.get(access, ("access", PROT_READ))
        if prot is None:
            self._fault = (_abort_kind(op[0], "unmapped"), vaddr, 0)
            return False
        if not prot & op[1]:
            # The CPU will raise a permission fault right after this fill; remember why.
            self._fault = (_abort_kind(op[0], "permission"), vaddr, 0)
        e = entry.contents
        e.paddr = page
        e.perms = _uc_prot(prot)
        return True

    def _on_intr(self, uch: int, intno: int, ud: int) -> None:
        try:
            if intno == _INTR_SWI:
                self._syscall()
                return
            if intno == _INTR_UDEF:
                self._fault = ("undefined instruction", None, 0)
            elif intno == _INTR_BKPT and self._drop:
                pass
            elif intno == _INTR_BKPT:
                self._fault = ("breakpoint (brk)", None, 0)
            elif intno in (_INTR_DATA_ABORT, _INTR_PREFETCH_ABORT):
                if self._fault is None:
                    far = self._uc.reg_read(_a.UC_ARM64_REG_FAR_EL1)
                    self._fault = ("data abort" if intno == _INTR_DATA_ABORT else "prefetch abort", far, 0)
            else:
                self._fault = (f"CPU exception {intno}", None, 0)
            uclib.uc_emu_stop(self._uch)
        except BaseException as exc:  # noqa: BLE001 - the one boundary: nothing may escape ctypes
            self._stop_with(exc)

    def _syscall(self) -> None:
        uch = self._uch
        # One call reads x8 (the number, last slot) and every possible argument x0-x7.
        uclib.uc_reg_read_batch(uch, self._arg_ids, self._arg_ptrs, 9)
        regs = self._args
        num = regs[8]
        table = self.syscalls
        entry = table[num] if num < len(table) else self.unknown_syscall
        if entry is None:
            raise EngineError(f"no handler for syscall {num}")
        fn, nargs = entry
        args = tuple(regs[:nargs]) if nargs else ()
        try:
            result = fn(*args)
        except GuestMemoryError:
            result = 0xFFFF0001  # TEE_ERROR_ACCESS_DENIED, as a failed copy_from/to_user
        except TaExit as exc:
            if self.trace_syscall is not None:
                self.trace_syscall(num, args, getattr(exc, "result", getattr(exc, "code", 0)))
            self._stop_with(exc)
            return
        if self.trace_syscall is not None:
            self.trace_syscall(num, args, result)
        self._val.value = result & 0xFFFFFFFF
        uclib.uc_reg_write(uch, _X0, self._pval)

    def _stop_with(self, exc: BaseException) -> None:
        if self._exit is None:
            self._exit = exc
        self._val.value = STUB_ADDR
        uclib.uc_reg_write(self._uch, _a.UC_ARM64_REG_PC, self._pval)
        uclib.uc_emu_stop(self._uch)

    # -- running --------------------------------------------------------------------------

    def call(self, pc: int, x0: int, x1: int, x2: int, x3: int, sp: int) -> Outcome:
        """Enter TA code at EL0 with all other registers zero; run until it returns or dies."""
        if self._running:
            raise EngineError("re-entrant call into the same TA address space")
        uch = self._uch
        vals = self._zero_vals  # slot i holds register i of _zero_ids (16 bytes each)
        vals[0][0], vals[1][0], vals[2][0], vals[3][0] = x0, x1, x2, x3
        vals[self._sp_slot][0] = sp
        uclib.uc_reg_write_batch(uch, self._zero_ids, self._zero_ptrs, self._zero_n)
        if self._tlb_dirty:  # parameters of the last entry were unmapped: forget them
            self._flush_tlb()
            self._tlb_dirty = False
        self._exit = None
        self._fault = None
        self._interrupted = False
        self._running = True
        try:
            if self.tools is None:
                err = uclib.uc_emu_start(uch, pc, 0, 0, 0)
            else:
                err = self.tools.run(pc, x0, x1, x2, x3)
        finally:
            self._running = False
            if self._deferred:
                self._unmap_deferred()
        outcome = self._outcome(err)
        if self.tools is not None:
            self.tools.finished(outcome)
        return outcome

    def instrument(self) -> Instrument:
        """The tools' handle on this engine (hooks, pauses, registers), created on demand."""
        if self.tools is None:
            from .instrument import Instrument
            self.tools = Instrument(self)
        return self.tools

    @property
    def running(self) -> bool:
        return self._running

    def interrupt(self) -> None:
        """Stop a running entry from another thread (cancellation of a runaway TA)."""
        self._interrupted = True
        if self._running:
            uclib.uc_emu_stop(self._uch)

    def _outcome(self, err: int) -> Outcome:
        exc = self._exit
        if isinstance(exc, TaReturn):
            return Outcome("return", exc.result)
        if isinstance(exc, TaPanic):
            return Outcome("panic", exc.code, panic=exc)
        if exc is not None:
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            return Outcome("fault", 0, fault=self.fault_info("internal error in a syscall handler",
                                                             None, detail=detail))
        if self._fault is not None:
            kind, addr, _ = self._fault
            if addr is not None and kind.startswith("data abort"):
                addr = self._precise_address(addr)
            return Outcome("fault", 0, fault=self.fault_info(kind, addr))
        if self._interrupted:
            return Outcome("fault", 0, fault=self.fault_info("interrupted by the runtime", None))
        if err:
            why = uclib.uc_strerror(err).decode()
            return Outcome("fault", 0, fault=self.fault_info(f"engine stopped: {why}", None))
        return Outcome("fault", 0, fault=self.fault_info("TA code ran past its exit", None))

    def _precise_address(self, page: int) -> int:
        """Exact data-abort address: the TLB fill only reports the page.

        Re-runs the faulting instruction once with the page temporarily accessible and a
        memory hook on it, then puts registers and memory back. Crash path only.
        """
        uc = self._uc
        seen: list[int] = []
        ctx = uc.context_save()
        region = self.mem.region_at(page)
        saved = self.mem.peek(page, PAGE_SIZE) if region else None
        self._evict_parked(page, page + PAGE_SIZE)
        try:
            if region is None:
                uc.mem_map(page, PAGE_SIZE, _u.UC_PROT_READ | _u.UC_PROT_WRITE)
            else:
                uc.mem_protect(page, PAGE_SIZE, _u.UC_PROT_ALL)
            self._override[page] = PROT_READ | PROT_WRITE | PROT_EXEC  # the code may live there too
            self._flush_tlb()
            hook = uc.hook_add(_u.UC_HOOK_MEM_READ | _u.UC_HOOK_MEM_WRITE,
                               lambda _uc, _acc, addr, _size, _val, _ud: seen.append(addr),
                               begin=page, end=page + PAGE_SIZE - 1)
            uc.ctl_flush_tb()  # hooks reach only code translated after they were added
            try:
                uc.emu_start(uc.reg_read(_a.UC_ARM64_REG_PC), 0, count=1)
            except _u.UcError:
                pass
            finally:
                uc.hook_del(hook)
        finally:
            self._override.pop(page, None)
            if region is None:
                uc.mem_unmap(page, PAGE_SIZE)
            else:
                uc.mem_protect(page, PAGE_SIZE, _uc_prot(region.prot))
                self.mem.poke(page, saved or b"")
            self._flush_tlb()
            uc.ctl_flush_tb()
            uc.context_restore(ctx)
        return seen[0] if seen else page

    # -- registers ------------------------------------------------------------------------

    def reg(self, name: str) -> int:
        return int(self._uc.reg_read(_REG_IDS[_REG_NAMES.index(name)]))

    def set_reg(self, name: str, value: int) -> None:
        self._uc.reg_write(_REG_IDS[_REG_NAMES.index(name)], value)

    def registers(self) -> dict[str, int]:
        return {name: int(self._uc.reg_read(rid)) for name, rid in zip(_REG_NAMES, _REG_IDS)}

    def fault_info(self, kind: str, address: int | None, detail: str = "") -> FaultInfo:
        regs = self.registers()
        pc = regs["pc"]
        if address is not None and kind.startswith("data abort") is False and kind.startswith("prefetch"):
            pc = address if pc == STUB_ADDR else pc
        return FaultInfo(kind=kind, pc=pc, address=address, registers=regs, detail=detail)

    def close(self) -> None:
        """Release the engine; the AddressSpace stays valid for post-mortem reads."""
        if self.tools is not None:
            self.tools.close()
        self.mem.on_map = self.mem.on_unmap = self.mem.on_protect = None
        self.mem.reserved = self.mem.previous = None
        self._uc = None  # type: ignore[assignment]


def engine_version() -> str:
    return f"unicorn {_u.__version__} on Python {sys.version.split()[0]}"
