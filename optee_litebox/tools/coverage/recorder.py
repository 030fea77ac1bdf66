"""Recording coverage: a block counter over each module's code, folded in when the
instance goes away, saved per process, merged into lcov and drcov reports.

Coverage uses the engine's native block counter (``core.blockcount``), which costs about
as much as no hook at all; on hosts without one it falls back to a Python block hook.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...core.blockcount import BlockCounts
from ..modules import ModuleInfo
from .data import CoverageData, clear_parts, load_parts, save_part
from .drcov import write_drcov
from .lcov import write_lcov

if TYPE_CHECKING:
    from ...runtime.instance import TaInstance


@dataclass
class _Counter:
    module: ModuleInfo
    counts: BlockCounts


class CoverageRecorder:
    """Coverage of every instance it is attached to, for one report file."""

    def __init__(self, report: str | os.PathLike[str], source_roots: list[str] | None = None) -> None:
        self.report = os.fspath(report)
        self.source_roots = list(source_roots or [])
        self.data = CoverageData()
        self.native = True
        self._live: list[list[_Counter]] = []
        self._lock = threading.Lock()

    def attach(self, instance: TaInstance, modules: list[ModuleInfo]) -> None:
        ins = instance.engine.instrument()
        counters = []
        for module in modules:
            for lo, hi in module.code:
                counts, native = ins.block_counter(lo, hi)
                self.native = self.native and native
                counters.append(_Counter(module, counts))
        with self._lock:
            self._live.append(counters)
        ins.add_listener(_Folder(self, counters))

    def fold(self, counters: list[_Counter]) -> None:
        """Add an instance's counts to the data (once)."""
        with self._lock:
            if counters not in self._live:
                return
            self._live.remove(counters)
            for c in counters:
                m = c.module
                mod = self.data.module(m.build_id or m.name, name=m.name, uuid=m.uuid,
                                       build_id=m.build_id, size=m.end - m.base,
                                       debug_path=m.debug_path, path=m.path)
                delta = c.counts.base - m.base
                for off, size, count in c.counts.blocks():
                    mod.add(delta + off, size, count)

    def collect(self) -> CoverageData:
        """Fold every instance still alive and return this process's data."""
        with self._lock:
            live = list(self._live)
        for counters in live:
            self.fold(counters)
        return self.data

    def save_part(self) -> None:
        """Write this process's data next to the report (worker processes)."""
        save_part(self.report, self.collect())
        self.data = CoverageData()

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


@dataclass
class _Folder:
    recorder: CoverageRecorder
    counters: list[_Counter]

    def on_close(self) -> None:
        self.recorder.fold(self.counters)
