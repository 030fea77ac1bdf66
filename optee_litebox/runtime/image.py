"""Mapping loaded modules into a TA address space, as ldelf does upstream.

Each PT_LOAD segment becomes its own mapping with the segment's permissions (so access
checks see the same region boundaries as on OP-TEE), relocated in host memory before it
is mapped. ``__elf_phdr_info`` is filled with one ``dl_phdr_info`` per module, main TA
first, pointing at program headers kept in a runtime-owned page, as ldelf's heap does.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass, field
from typing import Callable

from ..core.memory import (PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, AddressSpace, Region,
                           page_down, page_up)
from ..errors import LoaderError
from ..ta_loader import TaImage
from ..ta_loader.plan import LoadPlan
from ..ta_loader.relocate import relocated_image

#: struct dl_phdr_info (aarch64): addr, name, phdr, phnum(u16)+pad, adds, subs, tls_modid, tls_data
DL_PHDR_INFO = struct.Struct("<QQQH6xQQQQ")
#: struct __elf_phdr_info { u32 reserved; u16 count; u8 reserved2; char zero; dl_phdr_info *dlpi; }
ELF_PHDR_INFO = struct.Struct("<IHBxQ")


@dataclass
class LoadedModule:
    plan: LoadPlan
    base: int
    regions: list[Region] = field(default_factory=list)
    #: An unstripped twin of a stripped module, used only for its symbols.
    debug: LoadPlan | None = None
    #: The TA's or TA library's UUID (dlopen and dlsym name libraries by it).
    uuid: _uuid.UUID | None = None
    #: The image it was loaded from (developer tools find its file and DWARF from it).
    image: TaImage | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.plan.name

    @property
    def end(self) -> int:
        return self.base + self.plan.image_size

    def contains(self, addr: int) -> bool:
        return self.base <= addr < self.end

    def symbolize(self, addr: int) -> str:
        """'module!symbol+0x1c', or 'module+0x1234' when no symbol covers addr."""
        found = (self.debug or self.plan).symbol_at(addr - self.base)
        if found is None:
            return f"{self.name}+0x{addr - self.base:x}"
        sym, off = found
        return f"{self.name}!{sym.name}+0x{off:x}"

    def lookup(self, name: str, *, weak: bool) -> int | None:
        """A definition of name in this module: global ones, or (weak=True) weak ones."""
        for sym in self.plan.dynamic_symbols:
            if sym.name == name and sym.defined and (sym.binding == "weak") == weak \
                    and sym.kind in ("func", "object", "notype"):
                return self.base + sym.value
        return None


def resolver(modules: list[LoadedModule]) -> Callable[[str], int | None]:
    """ta_elf_resolve_sym(): every module in load order, each global first, then weak."""
    def resolve(name: str) -> int | None:
        for module in modules:
            addr = module.lookup(name, weak=False)
            if addr is None:
                addr = module.lookup(name, weak=True)
            if addr is not None:
                return addr
        return None
    return resolve


class MissingLibraryError(LoaderError):
    """A DT_NEEDED TA library is nowhere to be found (upstream: ldelf panics)."""


def dependency_order(main: TaImage, find: Callable[[str], TaImage | None]) -> list[TaImage]:
    """The main TA, then its DT_NEEDED libraries breadth-first, each once (ldelf's queue)."""
    order = [main]
    seen = {str(main.uuid)}
    i = 0
    while i < len(order):
        for needed in order[i].plan.needed:
            if needed in seen:
                continue
            seen.add(needed)
            lib = find(needed)
            if lib is None:
                raise MissingLibraryError(f"{order[i].name}: needed TA library {needed} not found")
            order.append(lib)
        i += 1
    return order


def segment_prot(flags: int) -> int:
    prot = PROT_READ if flags & 4 else 0
    if flags & 2:
        prot |= PROT_WRITE
    if flags & 1:
        prot |= PROT_EXEC
    return prot


def map_module(mem: AddressSpace, module: LoadedModule,
               resolve: Callable[[str], int | None]) -> LoadedModule:
    """Relocate module.plan for module.base and map each segment; on failure nothing stays."""
    plan, base = module.plan, module.base
    if base & (PAGE_SIZE - 1):
        raise LoaderError(f"{plan.name}: load base 0x{base:x} is not page aligned")
    images = relocated_image(plan, base, resolve)
    try:
        for i, seg in enumerate(plan.segments):
            start = page_down(base + seg.vaddr)
            end = page_up(base + seg.vaddr + seg.memsz)
            prot = segment_prot(seg.flags)
            if prot & PROT_WRITE and prot & PROT_EXEC:
                raise LoaderError(f"{plan.name}: segment {i} is writable and executable")
            if mem.overlaps(start, end - start):
                raise LoaderError(f"{plan.name}: segment {i} shares a page with another mapping")
            region = mem.map(start, end - start, prot, f"{plan.name}[{i}]")
            data = images[i]
            off = base + seg.vaddr - start
            region.view[off:off + len(data)] = data
            module.regions.append(region)
    except BaseException:
        unmap_module(mem, module)
        raise
    return module


def unmap_module(mem: AddressSpace, module: LoadedModule) -> None:
    for region in module.regions:
        mem.unmap(region)
    module.regions.clear()


def write_phdr_info(mem: AddressSpace, modules: list[LoadedModule], lo: int, hi: int) -> Region | None:
    """ta_elf_set_elf_phdr_info(): describe every module to libutee's dl_iterate_phdr.

    ``__elf_phdr_info`` is looked up like any symbol (main TA first, then libraries): in
    TAs whose libutee lives in a shared library it is that library's. Returns the
    runtime-owned page holding the array, or None for a TA without the symbol.
    """
    info_va = resolver(modules)("__elf_phdr_info")
    if info_va is None:
        return None
    main = modules[0]
    reserved, _count, _r2, _dlpi = ELF_PHDR_INFO.unpack(mem.peek(info_va, ELF_PHDR_INFO.size))
    if reserved:
        raise LoaderError(f"{main.name}: __elf_phdr_info.reserved is not zero")
    size = DL_PHDR_INFO.size * len(modules) + sum(len(m.plan.phdrs) + 16 for m in modules)
    region = mem.map(mem.find_free(size, lo, hi), size, PROT_READ | PROT_WRITE, "[ldelf heap]")
    dlpi = region.start
    cursor = dlpi + DL_PHDR_INFO.size * len(modules)
    tls_modid = 1
    for i, module in enumerate(modules):
        phdr_va = cursor
        mem.poke(phdr_va, module.plan.phdrs)
        cursor = (cursor + len(module.plan.phdrs) + 15) & ~15
        tls = module.plan.tls
        modid = 0
        if tls is not None:
            modid, tls_modid = tls_modid, tls_modid + 1
        entry = DL_PHDR_INFO.pack(module.base, info_va + 7, phdr_va, module.plan.phnum, 1, 0,
                                  modid, tls.vaddr if tls else 0)
        mem.poke(dlpi + i * DL_PHDR_INFO.size, entry)
    mem.poke(info_va, ELF_PHDR_INFO.pack(0, len(modules), 0, dlpi))
    return region
