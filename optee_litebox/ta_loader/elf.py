"""Raw TA ELF bytes -> LoadPlan.

We read the few ELF tables a loader needs with precompiled ``struct`` formats instead of
pyelftools: it is an order of magnitude faster (pyelftools takes 2-25 ms on a hello-world TA,
this takes well under 1 ms) and every bound is checked explicitly. The tests cross-check the
result against pyelftools.

The checks follow upstream's ldelf (ldelf/ta_elf.c, ta_elf_rel.c); docs/loader.md lists them
and where we are stricter.
"""
from __future__ import annotations

import re
import struct

from ..abi.ta import TA_FLAGS_MASK, TA_HEAD, TaHead
from ..errors import LoaderError
from ._errors import boundary
from .plan import PF_R, PF_W, PF_X, LoadPlan, Relocation, Segment, Symbol, TlsInfo

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
SHDR = struct.Struct("<IIQQQQIIQQ")
SYM = struct.Struct("<IBBHQQ")
RELA = struct.Struct("<QQq")
DYN = struct.Struct("<qQ")

PAGE = 4096
MAX_IMAGE = 1 << 30  # 1 GiB: no TA needs more; refuse before anyone allocates it
ET_DYN, EM_AARCH64 = 3, 183
PT_LOAD, PT_DYNAMIC, PT_NOTE, PT_TLS = 1, 2, 4, 7
SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOTE, SHT_DYNSYM = 2, 3, 4, 7, 11
SHF_ALLOC = 0x2
SHN_UNDEF = 0
DT_NULL, DT_NEEDED, DT_PLTRELSZ, DT_HASH, DT_STRTAB, DT_SYMTAB = 0, 1, 2, 4, 5, 6
DT_RELA, DT_RELASZ, DT_RELAENT, DT_STRSZ, DT_PLTREL, DT_JMPREL = 7, 8, 9, 10, 20, 23
DT_GNU_HASH = 0x6FFFFEF5
STB_LOCAL, STB_WEAK = 0, 2
NT_GNU_BUILD_ID = 3

#: Relocation types the loader applies (ldelf also knows TLS_TPREL and TLSDESC; no TA we
#: have seen uses them, so we refuse them by name rather than half-support them).
SUPPORTED_RELOCS = frozenset({257, 1025, 1026, 1027})
R_AARCH64_NONE = 0
RELOC_NAMES = {
    0: "R_AARCH64_NONE", 257: "R_AARCH64_ABS64", 258: "R_AARCH64_ABS32",
    259: "R_AARCH64_ABS16", 260: "R_AARCH64_PREL64", 261: "R_AARCH64_PREL32",
    1024: "R_AARCH64_COPY", 1025: "R_AARCH64_GLOB_DAT", 1026: "R_AARCH64_JUMP_SLOT",
    1027: "R_AARCH64_RELATIVE", 1028: "R_AARCH64_TLS_DTPMOD", 1029: "R_AARCH64_TLS_DTPREL",
    1030: "R_AARCH64_TLS_TPREL", 1031: "R_AARCH64_TLSDESC", 1032: "R_AARCH64_IRELATIVE",
}
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_KINDS = {0: "notype", 1: "object", 2: "func", 3: "section", 4: "file", 5: "common", 6: "tls",
          10: "ifunc"}
_BINDS = {0: "local", 1: "global", 2: "weak", 10: "unique"}


def reloc_name(rtype: int) -> str:
    """``R_AARCH64_X (n)`` for messages."""
    return f"{RELOC_NAMES.get(rtype, 'unknown relocation type')} ({rtype})"


def parse_elf(data: bytes, name: str = "<bytes>") -> LoadPlan:
    """Validate a TA or TA-library ELF and describe how to load it.

    Raises LoaderError naming ``name`` and the problem for anything ldelf would refuse
    (and a few things it would mishandle, see docs/loader.md).
    """
    with boundary(name):
        return _ElfReader(bytes(data), name).plan()


class _ElfReader:
    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        self.segments: list[Segment] = []

    # -- headers ---------------------------------------------------------------------
    def plan(self) -> LoadPlan:
        data = self.data
        if len(data) < EHDR.size:
            raise LoaderError(f"too short for an ELF header ({len(data)} bytes)")
        (ident, e_type, e_machine, _ver, entry, phoff, shoff, e_flags, _ehsize, phentsize,
         phnum, shentsize, shnum, _shstrndx) = EHDR.unpack_from(data)
        if ident[:4] != b"\x7fELF":
            raise LoaderError("not an ELF file")
        if ident[4] != 2 or ident[5] != 1 or ident[6] != 1 or ident[7] != 0:
            raise LoaderError("not a 64-bit little-endian System V ELF (TAs are ELF64 aarch64)")
        if e_machine != EM_AARCH64:
            raise LoaderError(f"e_machine {e_machine} is not AArch64 (183)")
        if e_type != ET_DYN:
            raise LoaderError(f"e_type {e_type} is not ET_DYN (TAs are position independent)")
        if e_flags:
            raise LoaderError(f"unexpected e_flags 0x{e_flags:x}")
        if phentsize != PHDR.size or phnum == 0:
            raise LoaderError(f"bad program header table (entsize {phentsize}, count {phnum})")
        if phoff + phnum * PHDR.size > min(PAGE, len(data)):
            raise LoaderError("program headers do not lie within the first 4 KiB of the file")
        if shnum and shentsize != SHDR.size:
            raise LoaderError(f"bad section header entsize {shentsize}")
        self.phdrs_raw = data[phoff:phoff + phnum * PHDR.size]
        phdrs = [PHDR.unpack_from(self.phdrs_raw, i * PHDR.size) for i in range(phnum)]
        self.load_segments([p for p in phdrs if p[0] == PT_LOAD])
        self.image_size = _roundup(max(s.vaddr + s.memsz for s in self.segments))
        if self.image_size > MAX_IMAGE:
            raise LoaderError(f"image of {self.image_size:#x} bytes exceeds the 1 GiB cap")
        self.sections = self.read_sections(shoff, shnum) if shoff and shnum else []
        dyn_vaddr, tls, notes = None, None, []
        self.dyn: list[tuple[int, int]] = []
        for p_type, _fl, p_offset, p_vaddr, _pa, p_filesz, p_memsz, p_align in phdrs:
            if p_type == PT_DYNAMIC:
                dyn_vaddr = p_vaddr
                self.dyn = self.read_dynamic(p_vaddr, p_memsz)
            elif p_type == PT_TLS:
                self.check_range(p_vaddr, p_memsz, "PT_TLS")
                tls = TlsInfo(p_vaddr, p_filesz, p_memsz, p_align)
            elif p_type == PT_NOTE:
                notes.append(data[p_offset:p_offset + p_filesz])
        dynsyms, self.dynsym_raw = self.read_dynsyms()
        relocs = self.read_relocations()
        head, head_vaddr = self.read_ta_head(dynsyms)
        if head is not None and not self.in_exec_segment(entry):
            raise LoaderError(f"entry point 0x{entry:x} is not in an executable segment")
        symtab = self.read_symtab()
        report = symtab if symtab is not None else [s for s in dynsyms if _reportable(s)]
        report.sort(key=lambda s: (s.value, s.name))

        def find(sym_name: str) -> int | None:
            for table in (dynsyms, symtab or ()):
                for s in table:
                    if s.name == sym_name and s.defined:
                        return s.value
            return None

        secnames = [s[-1] for s in self.sections]
        for sec in self.sections:
            if sec[1] == SHT_NOTE:
                notes.append(data[sec[4]:sec[4] + sec[5]])
        return LoadPlan(
            name=self.name, entry=entry, segments=tuple(self.segments),
            relocations=tuple(relocs), ta_head=head, ta_head_vaddr=head_vaddr,
            dynamic_symbols=tuple(dynsyms), symbols=tuple(report), needed=self.read_needed(),
            phdrs=self.phdrs_raw, phnum=phnum, dynamic_vaddr=dyn_vaddr, tls=tls,
            image_size=self.image_size, elf_phdr_info_vaddr=find("__elf_phdr_info"),
            ta_props_vaddr=find("ta_props"), ta_num_props_vaddr=find("ta_num_props"),
            has_debug_info=any(n.startswith(".debug_info") for n in secnames),
            build_id=_build_id(notes))

    def load_segments(self, loads: list[tuple[int, ...]]) -> None:
        """PT_LOAD checks and page merging as ldelf's adjust_segments() does them."""
        if not loads:
            raise LoaderError("no PT_LOAD segment")
        merged: list[list[int]] = []  # [vaddr, memsz, offset, filesz, flags]
        align0 = loads[0][7]
        total = 0
        for i, (_t, flags, offset, vaddr, _pa, filesz, memsz, align) in enumerate(loads):
            where = f"PT_LOAD {i} (vaddr 0x{vaddr:x})"
            if memsz < filesz:
                raise LoaderError(f"{where}: memsz smaller than filesz")
            if offset + filesz > len(self.data):
                raise LoaderError(f"{where}: extends past the end of the file")
            total += memsz
            if vaddr + memsz > MAX_IMAGE or total > MAX_IMAGE:
                raise LoaderError(f"{where}: segments exceed the 1 GiB cap")
            if align < PAGE or align & (align - 1) or align != align0:
                raise LoaderError(f"{where}: alignment 0x{align:x} (need one power of two "
                                  f">= 4 KiB for all segments)")
            if (offset ^ vaddr) & (PAGE - 1):
                raise LoaderError(f"{where}: file offset 0x{offset:x} not congruent to its "
                                  f"address modulo 4 KiB")
            if not flags & PF_R:
                raise LoaderError(f"{where}: segment must be readable")
            if merged:
                prev = merged[-1]
                if vaddr < prev[0] + prev[1] or offset < prev[2] + prev[3]:
                    raise LoaderError(f"{where}: overlaps the previous segment or is out of order")
                if _rounddown(vaddr) < prev[0] + prev[1]:  # shares a page: merge (ldelf case 1)
                    if vaddr - prev[0] != offset - prev[2] or prev[1] != prev[3]:
                        raise LoaderError(f"{where}: shares a page with the previous segment "
                                          f"but cannot be merged with it")
                    prev[1] = vaddr + memsz - prev[0]
                    prev[3] = vaddr + filesz - prev[0]
                    prev[4] |= flags
                    continue
            elif _rounddown(vaddr) != 0:
                raise LoaderError(f"{where}: the first segment must start in page 0 "
                                  f"(TAs are linked at address 0)")
            merged.append([vaddr, memsz, offset, filesz, flags])
        for vaddr, memsz, offset, filesz, flags in merged:
            if flags & PF_W and flags & PF_X:
                raise LoaderError(f"segment at 0x{vaddr:x} is both writable and executable")
            if not flags & PF_W and filesz != memsz:
                raise LoaderError(f"read-only segment at 0x{vaddr:x} has memsz != filesz")
            self.segments.append(Segment(vaddr, memsz, offset, flags,
                                         self.data[offset:offset + filesz]))

    def read_sections(self, shoff: int, shnum: int) -> list[tuple]:  # type: ignore[type-arg]
        end = shoff + shnum * SHDR.size
        if end > len(self.data):
            raise LoaderError("section header table extends past the end of the file")
        raw = [SHDR.unpack_from(self.data, shoff + i * SHDR.size) for i in range(shnum)]
        strndx = EHDR.unpack_from(self.data)[13]
        names = bytes()
        if 0 < strndx < shnum and raw[strndx][1] == SHT_STRTAB:
            off, size = raw[strndx][4], raw[strndx][5]
            names = self.data[off:off + size]
        return [(*sec, _cstr(names, sec[0])) for sec in raw]

    # -- memory view -----------------------------------------------------------------
    def check_range(self, addr: int, size: int, what: str) -> None:
        if addr < 0 or size < 0 or addr + size > self.image_size:
            raise LoaderError(f"{what} at 0x{addr:x} (+0x{size:x}) is outside the image")

    def read_mem(self, addr: int, size: int, what: str) -> bytes:
        """Bytes at a link-time address as the loaded image would hold them."""
        for seg in self.segments:
            if seg.vaddr <= addr and addr + size <= seg.vaddr + seg.memsz:
                chunk = seg.data[addr - seg.vaddr:addr - seg.vaddr + size]
                return chunk + bytes(size - len(chunk))
        raise LoaderError(f"{what} at 0x{addr:x} (+0x{size:x}) is not inside one segment")

    def in_exec_segment(self, addr: int) -> bool:
        return any(s.executable and s.vaddr <= addr < s.vaddr + s.memsz for s in self.segments)

    def read_dynamic(self, vaddr: int, memsz: int) -> list[tuple[int, int]]:
        if memsz % DYN.size:
            raise LoaderError(f"PT_DYNAMIC size 0x{memsz:x} is not a multiple of {DYN.size}")
        raw = self.read_mem(vaddr, memsz, "PT_DYNAMIC")
        out = []
        for tag, val in DYN.iter_unpack(raw):
            if tag == DT_NULL:
                break
            out.append((tag, val))
        return out

    def dyn_value(self, tag: int) -> int | None:
        for t, v in self.dyn:
            if t == tag:
                return v
        return None

    # -- symbols ---------------------------------------------------------------------
    def read_symbols(self, raw: bytes, strtab: bytes, report: bool) -> list[Symbol]:
        out = []
        for st_name, info, _other, shndx, value, size in SYM.iter_unpack(raw):
            if report and (shndx == SHN_UNDEF or not st_name or strtab[st_name:st_name + 1] == b"$"
                           or (info & 0xF) not in (0, 1, 2, 10)):
                continue
            out.append(Symbol(_cstr(strtab, st_name), value, size, _KINDS.get(info & 0xF, "other"),
                              _BINDS.get(info >> 4, "other"), shndx != SHN_UNDEF))
        return out

    def table_bytes(self, sec: tuple, what: str) -> bytes:  # type: ignore[type-arg]
        """Contents of a section: from memory if allocated (what ldelf reads), else the file."""
        if sec[2] & SHF_ALLOC:
            return self.read_mem(sec[3], sec[5], what)
        if sec[4] + sec[5] > len(self.data):
            raise LoaderError(f"{what} extends past the end of the file")
        return self.data[sec[4]:sec[4] + sec[5]]

    def symtab_at(self, index: int, what: str) -> tuple[bytes, bytes]:
        """(symbol bytes, string table) of the symbol-table section ``index``."""
        if not 0 < index < len(self.sections) or self.sections[index][1] not in (SHT_DYNSYM, SHT_SYMTAB):
            raise LoaderError(f"{what}: symbol table index {index} out of range")
        sec = self.sections[index]
        link = sec[6]
        if not 0 < link < len(self.sections):
            raise LoaderError(f"{what}: string table index {link} out of range")
        raw = self.table_bytes(sec, "symbol table")
        return (raw[:len(raw) - len(raw) % SYM.size],
                self.table_bytes(self.sections[link], "string table"))

    def read_dynsyms(self) -> tuple[list[Symbol], tuple[bytes, bytes]]:
        for i, sec in enumerate(self.sections):
            if sec[1] == SHT_DYNSYM:
                raw, strtab = self.symtab_at(i, ".dynsym")
                return self.read_symbols(raw, strtab, False), (raw, strtab)
        if self.sections or self.dyn_value(DT_SYMTAB) is None:
            return [], (b"", b"")
        strtab = self.read_mem(self.dyn_value(DT_STRTAB) or 0, self.dyn_value(DT_STRSZ) or 0,
                               "DT_STRTAB")
        count = self.dynsym_count()
        raw = self.read_mem(self.dyn_value(DT_SYMTAB) or 0, count * SYM.size, "DT_SYMTAB")
        return self.read_symbols(raw, strtab, False), (raw, strtab)

    def dynsym_count(self) -> int:
        """Number of dynamic symbols when no section headers say it (from the hash tables)."""
        hash_addr = self.dyn_value(DT_HASH)
        if hash_addr is not None:
            return struct.unpack("<II", self.read_mem(hash_addr, 8, "DT_HASH"))[1]
        gnu = self.dyn_value(DT_GNU_HASH)
        if gnu is None:
            raise LoaderError("no section headers and no DT_HASH/DT_GNU_HASH: symbol count unknown")
        nbuckets, symoffset, bloom_size, _shift = struct.unpack("<4I", self.read_mem(gnu, 16, "DT_GNU_HASH"))
        buckets_at = gnu + 16 + bloom_size * 8
        buckets = struct.unpack(f"<{nbuckets}I", self.read_mem(buckets_at, nbuckets * 4, "DT_GNU_HASH"))
        last = max(buckets, default=0)
        if last < symoffset:
            return symoffset
        chain_at = buckets_at + nbuckets * 4
        while True:
            (word,) = struct.unpack("<I", self.read_mem(chain_at + (last - symoffset) * 4, 4, "DT_GNU_HASH"))
            if word & 1:
                return last + 1
            last += 1

    def read_symtab(self) -> list[Symbol] | None:
        for i, sec in enumerate(self.sections):
            if sec[1] == SHT_SYMTAB:
                raw, strtab = self.symtab_at(i, ".symtab")
                return self.read_symbols(raw, strtab, True)
        return None

    def read_ta_head(self, dynsyms: list[Symbol]) -> tuple[TaHead | None, int | None]:
        sym = next((s for s in dynsyms if s.name == "ta_head" and s.defined), None)
        if sym is None:
            return None, None
        head = TaHead.parse(self.read_mem(sym.value, TA_HEAD.size, "ta_head"))
        if head.depr_entry != 0xFFFFFFFFFFFFFFFF:
            raise LoaderError("legacy TA (ta_head carries an entry point): not supported")
        if head.flags & ~TA_FLAGS_MASK:
            raise LoaderError(f"invalid TA flags 0x{head.flags & ~TA_FLAGS_MASK:x} in ta_head")
        if not 0 < head.stack_size <= MAX_IMAGE:
            raise LoaderError(f"unreasonable stack size 0x{head.stack_size:x} in ta_head")
        return head, sym.value

    def read_needed(self) -> tuple[str, ...]:
        offsets = [v for t, v in self.dyn if t == DT_NEEDED]
        if not offsets:
            return ()
        strtab = self.read_mem(self.dyn_value(DT_STRTAB) or 0, self.dyn_value(DT_STRSZ) or 0,
                               "DT_STRTAB")
        out = []
        for off in offsets:
            if off >= len(strtab):
                raise LoaderError("DT_NEEDED offset into DT_STRTAB out of range")
            text = _cstr(strtab, off)
            if not _UUID_TEXT.fullmatch(text):  # what libutee's tee_uuid_from_str() accepts
                raise LoaderError(f"DT_NEEDED {text!r} is not a UUID (TA libraries are "
                                  f"named by UUID)")
            out.append(text)
        return tuple(out)

    # -- relocations -----------------------------------------------------------------
    def read_relocations(self) -> list[Relocation]:
        out: list[Relocation] = []
        if self.sections:
            for sec in self.sections:
                if sec[1] != SHT_RELA or not sec[2] & SHF_ALLOC:
                    continue
                if sec[9] != RELA.size:
                    raise LoaderError(f"{sec[-1] or 'SHT_RELA'}: entsize {sec[9]} is not 24")
                syms = self.symtab_at(sec[6], sec[-1]) if sec[6] else (b"", b"")
                raw = self.read_mem(sec[3], sec[5] - sec[5] % RELA.size, sec[-1] or "SHT_RELA")
                self.decode_relas(raw, syms, out)
            return out
        # No section headers at all: the dynamic section is all we have.
        for addr_tag, size_tag in ((DT_RELA, DT_RELASZ), (DT_JMPREL, DT_PLTRELSZ)):
            addr, size = self.dyn_value(addr_tag), self.dyn_value(size_tag)
            if addr is None or not size:
                continue
            if addr_tag == DT_JMPREL and self.dyn_value(DT_PLTREL) != DT_RELA:
                raise LoaderError("DT_PLTREL is not DT_RELA")
            if addr_tag == DT_RELA and self.dyn_value(DT_RELAENT) not in (None, RELA.size):
                raise LoaderError("DT_RELAENT is not 24")
            raw = self.read_mem(addr, size - size % RELA.size, "DT_RELA/DT_JMPREL table")
            self.decode_relas(raw, self.dynsym_raw, out)
        return out

    def decode_relas(self, raw: bytes, syms: tuple[bytes, bytes], out: list[Relocation]) -> None:
        symraw, strtab = syms
        nsyms = len(symraw) // SYM.size
        # Highest segment first: the first one starting at or below a place is the only
        # one that can hold it.
        spans = [(s.vaddr, s.vaddr + s.memsz - 8, s.writable) for s in reversed(self.segments)]
        for r_offset, r_info, addend in RELA.iter_unpack(raw):
            rtype = r_info & 0xFFFFFFFF
            if rtype == R_AARCH64_NONE:
                continue
            if rtype not in SUPPORTED_RELOCS:
                raise LoaderError(f"unsupported relocation {reloc_name(rtype)} at 0x{r_offset:x}")
            for lo, hi, writable in spans:
                if lo <= r_offset:
                    if r_offset <= hi:
                        if not writable:  # ldelf maps it read-only, then faults writing it
                            raise LoaderError(f"{reloc_name(rtype)} at 0x{r_offset:x} targets "
                                              f"a read-only segment")
                        break
                    raise LoaderError(f"{reloc_name(rtype)} at 0x{r_offset:x} is outside "
                                      f"every segment")
            else:
                raise LoaderError(f"{reloc_name(rtype)} at 0x{r_offset:x} is outside every segment")
            if rtype == 1027:
                out.append(Relocation(r_offset, rtype, addend))
                continue
            sym_idx = r_info >> 32
            if sym_idx >= nsyms:
                raise LoaderError(f"{reloc_name(rtype)} at 0x{r_offset:x}: symbol index "
                                  f"{sym_idx} out of range")
            st_name, info, _o, shndx, value, _size = SYM.unpack_from(symraw, sym_idx * SYM.size)
            if st_name and st_name >= len(strtab):
                raise LoaderError(f"symbol name offset {st_name} out of range")
            out.append(Relocation(r_offset, rtype, addend, _cstr(strtab, st_name),
                                  info >> 4 == STB_WEAK,
                                  value if shndx != SHN_UNDEF else None))


def _reportable(sym: Symbol) -> bool:
    # TLS symbols hold offsets into the TLS block, not addresses: not for symbolizing.
    return sym.defined and bool(sym.name) and sym.kind in ("notype", "object", "func", "ifunc")


def _cstr(table: bytes, off: int) -> str:
    end = table.find(b"\0", off)
    return table[off:end if end >= 0 else len(table)].decode("utf-8", "replace")


def _roundup(v: int) -> int:
    return (v + PAGE - 1) & ~(PAGE - 1)


def _rounddown(v: int) -> int:
    return v & ~(PAGE - 1)


def _build_id(notes: list[bytes]) -> str | None:
    for blob in notes:
        pos = 0
        while pos + 12 <= len(blob):
            namesz, descsz, ntype = struct.unpack_from("<III", blob, pos)
            name_at = pos + 12
            desc_at = name_at + ((namesz + 3) & ~3)
            if ntype == NT_GNU_BUILD_ID and blob[name_at:name_at + namesz] == b"GNU\0":
                desc = blob[desc_at:desc_at + descsz]
                return desc.hex() if len(desc) == descsz else None
            pos = desc_at + ((descsz + 3) & ~3)
    return None


__all__ = ["parse_elf", "reloc_name", "SUPPORTED_RELOCS", "RELOC_NAMES", "PF_R", "PF_W", "PF_X"]
