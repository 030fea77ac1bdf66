"""lcov tracefiles (the format ``genhtml`` reads) from block coverage and DWARF lines.

For each module with debug information: every source line that has code gets a
``DA:<line>,<count>`` record, the count being the most any of its instructions ran;
each function symbol gets ``FN``/``FNDA`` records (calls = runs of its first
instruction). Modules without debug information are left to the drcov file.
"""
from __future__ import annotations

import bisect
import os
from collections import defaultdict
from pathlib import Path

from ...samples import SAMPLE_DIR
from .data import CoverageData, ModuleCoverage
from .dwarf import functions, line_ranges, resolve_source


def default_source_roots(debug_path: str | None) -> list[str]:
    """Where relative DWARF paths are looked up: the ELF's directory, the current
    directory and, for the bundled samples, their sources when in a source checkout."""
    roots = []
    if debug_path:
        roots.append(str(Path(debug_path).parent))
        if Path(debug_path).resolve().parent == SAMPLE_DIR:
            sources = SAMPLE_DIR.parent.parent / "sample_tas"
            if sources.is_dir():
                roots.append(str(sources))
    roots.append(os.getcwd())
    return roots


def module_lines(mod: ModuleCoverage, source_roots: list[str] | None = None
                 ) -> dict[str, dict[int, int]]:
    """source file -> {line -> count} for one module (empty without DWARF)."""
    if not mod.debug_path:
        return {}
    ranges = line_ranges(mod.debug_path)
    roots = list(source_roots or []) + default_source_roots(mod.debug_path)
    counts = mod.instruction_counts()
    files: dict[str, dict[int, int]] = defaultdict(dict)
    resolved: dict[str, str] = {}
    for r in ranges:
        path = resolved.get(r.file)
        if path is None:
            path = resolved[r.file] = resolve_source(r.file, roots)
        hit = max((counts.get(a, 0) for a in range((r.start + 3) & ~3, r.end, 4)), default=0)
        lines = files[path]
        lines[r.line] = max(lines.get(r.line, 0), hit)
    return dict(files)


def lcov_text(data: CoverageData, source_roots: list[str] | None = None, test_name: str = "") -> str:
    out: list[str] = []
    for key in sorted(data.modules):
        mod = data.modules[key]
        files = module_lines(mod, source_roots)
        if not files:
            continue
        ranges = sorted(line_ranges(mod.debug_path or ""), key=lambda r: r.start)
        starts = [r.start for r in ranges]
        roots = list(source_roots or []) + default_source_roots(mod.debug_path)
        counts = mod.instruction_counts()
        funcs: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for name, addr, _size in functions(mod.debug_path or ""):
            i = bisect.bisect_right(starts, addr) - 1
            where = ranges[i] if i >= 0 and addr < ranges[i].end else None
            if where is not None:
                funcs[resolve_source(where.file, roots)].append((name, where.line, counts.get(addr, 0)))
        for path in sorted(files):
            lines = files[path]
            out.append(f"TN:{test_name}")
            out.append(f"SF:{path}")
            fns = sorted(funcs.get(path, []), key=lambda f: (f[1], f[0]))
            for name, line, _ in fns:
                out.append(f"FN:{line},{name}")
            for name, _, calls in fns:
                out.append(f"FNDA:{calls},{name}")
            out.append(f"FNF:{len(fns)}")
            out.append(f"FNH:{sum(1 for f in fns if f[2])}")
            for line in sorted(lines):
                out.append(f"DA:{line},{lines[line]}")
            out.append(f"LF:{len(lines)}")
            out.append(f"LH:{sum(1 for c in lines.values() if c)}")
            out.append("end_of_record")
    return "\n".join(out) + ("\n" if out else "")


def write_lcov(path: str | os.PathLike[str], data: CoverageData,
               source_roots: list[str] | None = None) -> None:
    Path(path).write_text(lcov_text(data, source_roots))


def parse_lcov(text: str) -> dict[str, dict[int, int]]:
    """source file -> {line -> count} from a tracefile (for tests and merging)."""
    out: dict[str, dict[int, int]] = {}
    current: dict[int, int] | None = None
    for line in text.splitlines():
        if line.startswith("SF:"):
            current = out.setdefault(line[3:], {})
        elif line.startswith("DA:") and current is not None:
            num, count = line[3:].split(",")[:2]
            current[int(num)] = current.get(int(num), 0) + int(count)
        elif line == "end_of_record":
            current = None
    return out
