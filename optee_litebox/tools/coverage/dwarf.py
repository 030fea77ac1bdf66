"""Line tables from DWARF (versions 2-5, as GCC 12 writes with -g) via pyelftools.

``line_ranges`` turns an ELF's line programs into address ranges, each attributed to
one source line; ``functions`` gives each function symbol with its first line. Paths are
resolved against the compilation directory and, when relative (builds that map their
directory to ``.`` for reproducibility), against a list of source roots.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.dwarf.lineprogram import LineProgram
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection


@dataclass(frozen=True)
class LineRange:
    start: int  # link-time address (module linked at 0 for a PIE TA)
    end: int
    file: str
    line: int


def _decode(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _file_names(lp: LineProgram, comp_dir: str) -> list[str]:
    header = lp.header
    dirs = [_decode(d) for d in header["include_directory"]]
    version = header["version"]
    names = []
    for entry in header["file_entry"]:
        name = _decode(entry.name)
        index = entry.dir_index
        if version < 5:  # DWARF 2-4: directory 0 is the compilation directory, list from 1
            directory = comp_dir if index == 0 else dirs[index - 1] if index - 1 < len(dirs) else ""
        else:
            directory = dirs[index] if index < len(dirs) else ""
        if directory and not os.path.isabs(directory) and comp_dir and directory != comp_dir:
            directory = os.path.join(comp_dir, directory)
        names.append(os.path.normpath(os.path.join(directory, name)) if directory else name)
    return names


@lru_cache(maxsize=16)
def _line_ranges(path: str, mtime: float) -> tuple[LineRange, ...]:
    out: list[LineRange] = []
    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        if not elf.has_dwarf_info():
            return ()
        dwarf = elf.get_dwarf_info()
        for cu in dwarf.iter_CUs():
            lp = dwarf.line_program_for_CU(cu)
            if lp is None:
                continue
            top = cu.get_top_DIE()
            comp_dir = _decode(top.attributes["DW_AT_comp_dir"].value) \
                if "DW_AT_comp_dir" in top.attributes else ""
            files = _file_names(lp, comp_dir)
            base = 1 if lp.header["version"] < 5 else 0
            prev = None
            for entry in lp.get_entries():
                state = entry.state
                if state is None:
                    continue
                if prev is not None and state.address > prev.address:
                    idx = prev.file - base
                    if 0 <= idx < len(files) and prev.line > 0:
                        out.append(LineRange(prev.address, state.address, files[idx], prev.line))
                prev = None if state.end_sequence else state
    return tuple(out)


def line_ranges(path: str) -> tuple[LineRange, ...]:
    """Every address range of path's line tables with its (file, line); () without DWARF."""
    try:
        return _line_ranges(path, os.stat(path).st_mtime)
    except (OSError, ELFError):
        return ()


def functions(path: str) -> list[tuple[str, int, int]]:
    """(name, link-time address, size) of each function symbol with code."""
    try:
        with open(path, "rb") as fh:
            elf = ELFFile(fh)
            symtab = elf.get_section_by_name(".symtab")
            if not isinstance(symtab, SymbolTableSection):
                return []
            return [(sym.name, sym["st_value"], sym["st_size"]) for sym in symtab.iter_symbols()
                    if sym["st_info"]["type"] == "STT_FUNC" and sym["st_size"] and sym.name]
    except (OSError, ELFError):
        return []


def resolve_source(name: str, roots: list[str]) -> str:
    """An existing file for a DWARF path: as is if absolute and present, else under the
    first root that has it; the path unchanged when none does."""
    if os.path.isabs(name) and os.path.exists(name):
        return name
    for root in roots:
        candidate = Path(root) / name
        if candidate.is_file():
            return str(candidate.resolve())
    return name
