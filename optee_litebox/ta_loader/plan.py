"""The loader's output: plain, frozen data describing how to map one ELF module.

Nothing here touches an engine. ``optee_litebox.runtime`` maps the segments, then applies
``relocations`` through ``ta_loader.relocate`` with the module's load base.
"""
from __future__ import annotations

import uuid as _uuid
from dataclasses import dataclass, field

from ..abi.ta import TaHead

PF_X = 0x1
PF_W = 0x2
PF_R = 0x4

R_AARCH64_ABS64 = 257
R_AARCH64_GLOB_DAT = 1025
R_AARCH64_JUMP_SLOT = 1026
R_AARCH64_RELATIVE = 1027


@dataclass(frozen=True)
class Segment:
    """One PT_LOAD segment, at its link-time address (module linked at 0)."""

    vaddr: int
    memsz: int
    offset: int
    flags: int  # ELF p_flags: PF_R | PF_W | PF_X
    data: bytes = field(repr=False)  # the p_filesz bytes from the file

    @property
    def readable(self) -> bool:
        return bool(self.flags & PF_R)

    @property
    def writable(self) -> bool:
        return bool(self.flags & PF_W)

    @property
    def executable(self) -> bool:
        return bool(self.flags & PF_X)


@dataclass(frozen=True)
class Relocation:
    offset: int  # link-time address of the 64-bit place to patch
    type: int  # R_AARCH64_* number
    addend: int
    symbol: str = ""  # empty for RELATIVE
    weak: bool = False  # the referenced symbol is weak (may stay unresolved, value 0)
    sym_value: int | None = None  # link-time value if this module defines the symbol, else None


@dataclass(frozen=True)
class Symbol:
    name: str
    value: int  # link-time address
    size: int
    kind: str  # "func", "object", "notype", ...
    binding: str = "global"  # "global", "weak", "local"
    defined: bool = True


@dataclass(frozen=True)
class TlsInfo:
    vaddr: int
    filesz: int
    memsz: int
    align: int


@dataclass(frozen=True)
class LoadPlan:
    """Everything needed to map, relocate and describe one TA or TA library."""

    name: str  # file name or UUID, for messages
    entry: int  # link-time e_entry
    segments: tuple[Segment, ...]
    relocations: tuple[Relocation, ...]
    ta_head: TaHead | None  # None for a TA shared library
    ta_head_vaddr: int | None
    dynamic_symbols: tuple[Symbol, ...]  # .dynsym, defined and undefined
    symbols: tuple[Symbol, ...]  # best table for reports (.symtab, else .dynsym), sorted
    needed: tuple[str, ...]  # DT_NEEDED names (TA libraries are named by UUID)
    phdrs: bytes = field(repr=False)  # raw program header table
    phnum: int = 0
    dynamic_vaddr: int | None = None
    tls: TlsInfo | None = None
    image_size: int = 0  # page-rounded span of all segments from vaddr 0
    elf_phdr_info_vaddr: int | None = None  # symbol __elf_phdr_info, if the TA has it
    ta_props_vaddr: int | None = None  # symbol ta_props
    ta_num_props_vaddr: int | None = None  # symbol ta_num_props
    has_debug_info: bool = False
    build_id: str | None = None

    @property
    def uuid(self) -> _uuid.UUID | None:
        return self.ta_head.uuid if self.ta_head else None

    def symbol_at(self, addr: int) -> tuple[Symbol, int] | None:
        """The function or object containing link-time addr, with the offset into it."""
        best: Symbol | None = None
        for sym in self.symbols:
            if sym.value > addr:
                break
            if sym.kind in ("func", "object", "notype") and sym.name:
                if addr < sym.value + max(sym.size, 1) or (sym.size == 0 and sym.kind == "func"):
                    best = sym
        if best is None:
            return None
        return best, addr - best.value

    def lookup(self, name: str) -> Symbol | None:
        """A defined dynamic symbol exported by this module."""
        for sym in self.dynamic_symbols:
            if sym.name == name and sym.defined:
                return sym
        return None
