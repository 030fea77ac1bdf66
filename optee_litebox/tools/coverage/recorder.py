"""Recording coverage: a block counter over each module's code, saved per process,
merged into lcov and drcov reports.

Coverage uses the engine's native block counter (``core.blockcount``), which costs about
as much as no hook at all; on hosts without one it falls back to a Python block hook.
Every instance of a module in this process counts into the same slots (offsets from the
module's base do not depend on where an instance was loaded). In a process that does not
own the report the slots live in a file (``live.py``), so its counts survive it.
"""
from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...core.blockcount import BlockCounts, slot_array
from ..modules import ModuleInfo
from .data import CoverageData, clear_parts, load_parts, save_part
from .drcov import write_drcov
from .lcov import write_lcov
from .live import LiveSlots

if TYPE_CHECKING:
    from ...runtime.instance import TaInstance


@dataclass
class _Store:
    """The slots of one code range of one module, shared by its instances."""

    key: str
    info: dict[str, object]
    delta: int  # the range's offset from the module's base
    size: int
    slots: ctypes.Array[ctypes.c_uint32]
    live: LiveSlots | None = None


class CoverageRecorder:
    """Coverage of every instance it is attached to, for one report file.

    live: count into files beside the report (a process that does not own it)."""

    def __init__(self, report: str | os.PathLike[str], source_roots: list[str] | None = None,
                 *, live: bool = False) -> None:
        self.report = os.fspath(report)
        self.source_roots = list(source_roots or [])
        self.live = live
        self.native = True
        self._stores: dict[tuple[str, int, int], _Store] = {}
        self._lock = threading.Lock()

    def attach(self, instance: TaInstance, modules: list[ModuleInfo]) -> None:
        """Count the blocks of modules in instance: its modules when it is created, and
        later each library it dlopens (before the TA runs it, see tools/follow.py)."""
        ins = instance.engine.instrument()
        for module in modules:
            for lo, hi in module.code:
                store = self._store(module, lo - module.base, hi - lo)
                _, native = ins.block_counter(lo, hi, store.slots)
                self.native = self.native and native

    def _store(self, m: ModuleInfo, delta: int, size: int) -> _Store:
        key = m.build_id or m.name
        with self._lock:
            store = self._stores.get((key, delta, size))
            if store is None:
                info: dict[str, object] = {"name": m.name, "uuid": m.uuid, "build_id": m.build_id,
                                           "size": m.end - m.base, "debug_path": m.debug_path,
                                           "path": m.path}
                live = LiveSlots(self.report, {**info, "key": key, "delta": delta}, size) \
                    if self.live else None
                slots = live.slots if live is not None else slot_array(size)
                store = self._stores[(key, delta, size)] = _Store(key, info, delta, size, slots, live)
            return store

    def collect(self) -> CoverageData:
        """This process's counts so far."""
        data = CoverageData()
        with self._lock:
            stores = list(self._stores.values())
        for st in stores:
            mod = data.module(st.key, **st.info)
            for off, size, count in BlockCounts(0, st.size, st.slots).blocks():
                mod.add(st.delta + off, size, count)
        return data

    def save_part(self) -> None:
        """Write this process's counts next to the report as a part, replacing its
        live files (processes that do not own the report, at their end)."""
        with self._lock:
            live = [st.live for st in self._stores.values() if st.live is not None]
        save_part(self.report, self.collect(), [lv.path.name for lv in live])
        for st in self._stores.values():
            if st.live is not None:
                st.live.remove()
            ctypes.memset(ctypes.addressof(st.slots), 0, ctypes.sizeof(st.slots))

    def start_report(self) -> None:
        """In the process that owns the report: drop parts of an earlier run."""
        clear_parts(self.report)

    def write_report(self) -> tuple[str | None, str]:
        """Merge every part with this process's data; write lcov (if any module has
        DWARF) and drcov. Returns (lcov path or None, drcov path)."""
        merged = load_parts(self.report, remove=True)
        merged.merge(self.collect())
        lcov_path: str | None
        if self.report.endswith(".drcov"):
            lcov_path, drcov_path = None, self.report
        else:
            lcov_path = self.report
            drcov_path = os.path.splitext(self.report)[0] + ".drcov"
            write_lcov(lcov_path, merged, self.source_roots)
        write_drcov(drcov_path, merged)
        return lcov_path, drcov_path
