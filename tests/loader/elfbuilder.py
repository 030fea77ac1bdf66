"""A small writer of aarch64 ET_DYN ELFs shaped like OP-TEE TAs, for loader tests.

It reproduces the dev kit's layout (ta/arch/arm/link.mk, ta.ld.S) where it matters to the
loader: main TAs have their first PT_LOAD at file offset 0x1000 / address 0, the RW segment
page aligned, and ``.rela.got`` inside the RW segment with DT_RELASZ covering both
``.rela.dyn`` and ``.rela.got`` (the trap). Libraries have their first segment at offset 0
(ELF header included) and a RW segment whose file offset is only congruent to its address.
Like GNU ld, relocated places are pre-filled with their link-time value.
"""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass, field

from optee_litebox.abi.ta import TaHead

R_ABS64, R_GLOB_DAT, R_JUMP_SLOT, R_RELATIVE = 257, 1025, 1026, 1027
PT_LOAD, PT_DYNAMIC, PT_TLS, PT_GNU_STACK = 1, 2, 7, 0x6474E551
DEFAULT_UUID = _uuid.UUID("5fd4a1b2-6c3e-4b7a-9d21-0a1b2c3d4e5f")

#: (name, type, value bytes or str): strings end up NUL-terminated in .rodata
DEFAULT_PROPS: list[tuple[str, int, bytes | str]] = [
    ("gpd.ta.singleInstance", 0, b"\x00"),
    ("gpd.ta.multiSession", 0, b"\x01"),
    ("gpd.ta.dataSize", 1, struct.pack("<I", 32768)),
    ("gpd.ta.version", 4, "1.0"),
    ("gpd.ta.description", 4, "loader test TA"),
    ("test.uuid", 2, _uuid.UUID("01020304-0506-0708-090a-0b0c0d0e0f10").bytes_le),
    ("test.identity", 3, struct.pack("<I", 4) + _uuid.UUID(int=7).bytes_le),
    ("test.blob", 5, "SGVsbG8="),
    ("test.u64", 6, struct.pack("<Q", 1 << 40)),
]


@dataclass
class Import:
    name: str
    weak: bool = False
    func: bool = False  # functions get JUMP_SLOT in .rela.plt, data GLOB_DAT in .rela.got


@dataclass
class TaSpec:
    uuid: _uuid.UUID = DEFAULT_UUID
    stack_size: int = 0x1800
    flags: int = 0
    library: bool = False
    props: list[tuple[str, int, bytes | str]] = field(default_factory=lambda: list(DEFAULT_PROPS))
    imports: list[Import] = field(default_factory=lambda: [Import("ext_data"), Import("ext_func", func=True),
                                                           Import("maybe_there", weak=True)])
    exports: list[str] = field(default_factory=lambda: ["exported_var"])
    needed: list[str] = field(default_factory=list)
    n_relative: int = 8  # extra RELATIVE pointers in .data
    split_rela: bool = True  # GOT relocations in .rela.got in the RW segment (dev-kit layout)
    section_headers: bool = True
    symtab: bool = True
    tls: bool = False
    build_id: bytes | None = None
    debug_info: bool = False
    data_flags: int = 6  # p_flags of the RW segment (RW)
    extra_relocs: list[tuple[int, int, int]] = field(default_factory=list)  # (type, sym idx, addend)
    bss: int = 0x2000
    ta_head_depr_entry: int = 0xFFFFFFFFFFFFFFFF
    relocs: bool = True  # False: no relocation entries at all
    shared_page: bool = False  # library only: RW segment starts in the text's last page
    decoy_after_props: bool = False  # a property-shaped, unrelocated entry after ta_props[]


def _align(v: int, a: int) -> int:
    return (v + a - 1) & ~(a - 1)


class _Blob:
    """A growing byte image at a fixed base address."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.buf = bytearray()

    def add(self, data: bytes, align: int = 1) -> int:
        self.buf.extend(bytes(_align(len(self.buf), align) - len(self.buf)))
        addr = self.base + len(self.buf)
        self.buf.extend(data)
        return addr

    @property
    def end(self) -> int:
        return self.base + len(self.buf)

    def put(self, addr: int, data: bytes) -> None:
        self.buf[addr - self.base:addr - self.base + len(data)] = data


class _Strtab:
    def __init__(self) -> None:
        self.data = bytearray(b"\0")
        self.index: dict[str, int] = {"": 0}

    def __call__(self, s: str) -> int:
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data.extend(s.encode() + b"\0")
        return self.index[s]


def build_ta(spec: TaSpec | None = None) -> bytes:
    """Bytes of an ELF laid out as described in the module docstring."""
    s = spec or TaSpec()
    nph = 4 + (1 if s.tls else 0)
    hdr_size = 64 + nph * 56
    text = _Blob(_align(hdr_size, 16) if s.library else 0)
    code = text.add(struct.pack("<I", 0xD65F03C0) * 16, 16)  # __ta_entry: ret...
    # .rodata: property names and values, ta_num_props, a target for RELATIVE pointers
    rod: dict[str, int] = {}
    prop_entries = []
    for name, ptype, value in s.props:
        name_addr = rod.setdefault(name, text.add(name.encode() + b"\0", 1))
        raw = value.encode() + b"\0" if isinstance(value, str) else value
        prop_entries.append((name_addr, ptype, text.add(raw, 8)))
    num_props = text.add(struct.pack("<Q", len(prop_entries)), 8)
    head = None
    if not s.library:
        head = text.add(TaHead(s.uuid, s.stack_size, s.flags, s.ta_head_depr_entry).pack(), 8)
    # symbols: null, defined ones, then undefined imports
    dynstr = _Strtab()
    needed_off = [dynstr(n) for n in s.needed]
    defined = ([("ta_head", 1, 0)] if head is not None else []) + [("__elf_phdr_info", 1, 0)] + \
        [(e, 1, 0) for e in s.exports]
    syms = [("", 0, 0)] + defined + [(i.name, 2 if i.weak else 1, 2 if i.func else 1) for i in s.imports]
    sym_index = {n: k for k, (n, _b, _t) in enumerate(syms)}
    for n, _b, _t in syms:
        dynstr(n)
    dynsym_addr = text.add(bytes(24 * len(syms)), 8)
    dynstr_addr = text.add(bytes(dynstr.data), 1)
    nsym = len(syms)
    hash_words = [1, nsym, nsym - 1] + [0] + list(range(nsym - 1))
    hash_addr = text.add(struct.pack(f"<{len(hash_words)}I", *hash_words), 8)
    # relocation counts decide table sizes before the RW segment is laid out
    data_imports = [i for i in s.imports if not i.func]
    func_imports = [i for i in s.imports if i.func]
    n_dyn = 2 * len(prop_entries) + s.n_relative + 2 + len(s.extra_relocs)  # +2: ABS64s
    n_got = len(data_imports) + 1  # +1: a RELATIVE GOT slot (like the stack guard pointer)
    if not s.split_rela:
        n_dyn, n_got_rela = n_dyn + n_got, 0
    else:
        n_got_rela = n_got
    rela_dyn = text.add(bytes(24 * n_dyn), 8)
    rela_plt = text.add(bytes(24 * len(func_imports)), 8)
    text_end = text.end
    # RW segment
    if s.library:
        rw_off = _align(text_end, 16)
        rw_base = rw_off if s.shared_page else rw_off + 0x1000
    else:
        rw_base = _align(text_end, 0x1000)
        rw_off = rw_base + 0x1000
    rw = _Blob(rw_base)
    n_dt = 10 + len(s.needed) + 3
    dynamic = rw.add(bytes(16 * n_dt), 8)
    got = rw.add(bytes(8 * (n_got + len(func_imports))), 8)
    rela_got = rw.add(bytes(24 * n_got_rela), 8)
    tdata = rw.add(b"TLSDATA\0", 16) if s.tls else None
    props_arr = rw.add(bytes(24 * len(prop_entries)), 8)
    if s.decoy_after_props and prop_entries:
        rw.add(struct.pack("<QI4xQ", prop_entries[-1][0], 0, prop_entries[-1][2]), 8)
    ptrs = rw.add(bytes(8 * (s.n_relative + 2)), 8)
    export_addrs = {e: rw.add(struct.pack("<Q", 0x1234), 8) for e in s.exports}
    rw_filesz = len(rw.buf)
    phdr_info = _align(rw.end, 16)
    rw_memsz = phdr_info + 64 + s.bss - rw_base
    sym_vals = {"ta_head": (head or 0, 32, text), "__elf_phdr_info": (phdr_info, 64, rw)}
    sym_vals.update({e: (a, 8, rw) for e, a in export_addrs.items()})

    relas_dyn: list[tuple[int, int, int, int]] = []  # (offset, type, sym, addend)
    relas_got: list[tuple[int, int, int, int]] = []
    for k, (name_addr, ptype, value_addr) in enumerate(prop_entries):
        at = props_arr + 24 * k
        rw.put(at, struct.pack("<QI4xQ", name_addr, ptype, value_addr))
        relas_dyn += [(at, R_RELATIVE, 0, name_addr), (at + 16, R_RELATIVE, 0, value_addr)]
    for k in range(s.n_relative):
        relas_dyn.append((ptrs + 8 * k, R_RELATIVE, 0, code + 4 * (k % 16)))
    first_export = s.exports[0] if s.exports else "__elf_phdr_info"
    relas_dyn.append((ptrs + 8 * s.n_relative, R_ABS64, sym_index[first_export], 8))
    weak_name = next((i.name for i in s.imports if i.weak), first_export)
    relas_dyn.append((ptrs + 8 * s.n_relative + 8, R_ABS64, sym_index[weak_name], 0))
    for typ, sym, addend in s.extra_relocs:
        relas_dyn.append((ptrs, typ, sym, addend))
    for k, imp in enumerate(data_imports):
        relas_got.append((got + 8 * k, R_GLOB_DAT, sym_index[imp.name], 0))
    relas_got.append((got + 8 * len(data_imports), R_RELATIVE, 0, phdr_info))
    relas_plt = [(got + 8 * (n_got + k), R_JUMP_SLOT, sym_index[imp.name], 0)
                 for k, imp in enumerate(func_imports)]
    if not s.split_rela:
        relas_dyn, relas_got = relas_dyn + relas_got, []
    if not s.relocs:
        relas_dyn, relas_got, relas_plt = [], [], []
    for at, typ, sym, addend in relas_dyn + relas_got + relas_plt:  # linker pre-fill
        blob = rw if at >= rw_base else text
        if typ == R_RELATIVE:
            blob.put(at, struct.pack("<Q", addend))
        elif typ == R_ABS64 and sym < len(syms) and syms[sym][0] in sym_vals:
            blob.put(at, struct.pack("<Q", sym_vals[syms[sym][0]][0] + addend))

    def pack_rela(items: list[tuple[int, int, int, int]]) -> bytes:
        return b"".join(struct.pack("<QQq", o, (sy << 32) | t, a) for o, t, sy, a in items)

    text.put(rela_dyn, pack_rela(relas_dyn))
    text.put(rela_plt, pack_rela(relas_plt))
    rw.put(rela_got, pack_rela(relas_got))

    # section indexes (fixed order, see the table below)
    SEC_TEXT, SEC_RODATA, SEC_DATA, SEC_BSS = 1, 2, 9, 10
    dsym = bytearray()
    for n, bind, typ in syms:
        if n in sym_vals:
            val, size, blob = sym_vals[n]
            shndx = SEC_BSS if n == "__elf_phdr_info" else (SEC_RODATA if blob is text else SEC_DATA)
        else:
            val, size, shndx = 0, 0, 0
        dsym += struct.pack("<IBBHQQ", dynstr.index[n], (bind << 4) | typ, 0, shndx, val, size)
    text.put(dynsym_addr, bytes(dsym))

    dt = [(4, hash_addr), (5, dynstr_addr), (6, dynsym_addr), (10, len(dynstr.data)), (11, 24),
          (7, rela_dyn), (8, 24 * (len(relas_dyn) + len(relas_got))), (9, 24)]
    if relas_plt:
        dt += [(23, rela_plt), (2, 24 * len(relas_plt)), (20, 7)]
    dt += [(1, off) for off in needed_off] + [(0, 0)]
    rw.put(dynamic, b"".join(struct.pack("<qQ", t, v) for t, v in dt))

    # file image: headers, text, RW data, then non-allocated sections and section headers
    text_off = 0 if s.library else 0x1000  # file offset minus address, text segment
    img = _Blob(0)
    img.add(bytes(text_off + text.end))
    img.put(text_off + text.base, bytes(text.buf))
    img.add(bytes(max(0, rw_off - len(img.buf))))
    img.add(bytes(rw.buf))
    sections: list[tuple[str, int, int, int, int, int, int, int, int, int]] = []

    def sec(name: str, typ: int, flags: int, addr: int, off: int, size: int, link: int = 0,
            info: int = 0, align: int = 8, entsize: int = 0) -> None:
        sections.append((name, typ, flags, addr, off, size, link, info, align, entsize))

    t2f = text_off
    sec("", 0, 0, 0, 0, 0, align=0)
    sec(".text", 1, 6, code, code + t2f, 64, align=16)                                  # 1
    sec(".rodata", 1, 2, prop_entries[0][0] if prop_entries else num_props,
        (prop_entries[0][0] if prop_entries else num_props) + t2f,
        (head or num_props + 8) - (prop_entries[0][0] if prop_entries else num_props))  # 2
    sec(".ta_head", 1 if head else 0, 2, head or 0, (head or 0) + t2f, 32 if head else 0)  # 3
    sec(".dynsym", 11, 2, dynsym_addr, dynsym_addr + t2f, len(dsym), 5, 1, 8, 24)        # 4
    sec(".dynstr", 3, 2, dynstr_addr, dynstr_addr + t2f, len(dynstr.data), align=1)      # 5
    sec(".hash", 5, 2, hash_addr, hash_addr + t2f, 4 * len(hash_words), 4, align=8, entsize=4)
    sec(".rela.dyn", 4, 2, rela_dyn, rela_dyn + t2f, 24 * len(relas_dyn), 4, 0, 8, 24)   # 7
    sec(".rela.plt", 4, 0x42, rela_plt, rela_plt + t2f, 24 * len(relas_plt), 4, 12, 8, 24)
    rw2f = rw_off - rw_base
    sec(".data", 1, 3, props_arr, props_arr + rw2f, rw_filesz - (props_arr - rw_base))   # 9
    sec(".bss", 8, 3, phdr_info, phdr_info + rw2f, rw_memsz - (phdr_info - rw_base))     # 10
    sec(".dynamic", 6, 3, dynamic, dynamic + rw2f, 16 * n_dt, 5, 0, 8, 16)               # 11
    sec(".got", 1, 3, got, got + rw2f, 8 * (n_got + len(func_imports)))                  # 12
    sec(".rela.got", 4, 0x42, rela_got, rela_got + rw2f, 24 * len(relas_got), 4, 12, 8, 24)
    if s.tls:
        sec(".tdata", 1, 0x403, tdata or 0, (tdata or 0) + rw2f, 8, align=16)
    if s.symtab:
        strtab = _Strtab()
        entries = [(0, 0, 0, 0, 0, 0),
                   (strtab("$x"), 0, 0, 1, code, 0),
                   (strtab("__ta_entry"), 0x12, 0, 1, code, 64),
                   (strtab("ta_props"), 0x11, 0, 9, props_arr, 24 * len(prop_entries)),
                   (strtab("ta_num_props"), 0x11, 0, 2, num_props, 8)]
        for n, bind, typ in syms[1:]:
            if n in sym_vals:
                val, size, _b = sym_vals[n]
                entries.append((strtab(n), (bind << 4) | typ, 0, 2, val, size))
        raw = b"".join(struct.pack("<IBBHQQ", *e) for e in entries)
        at = img.add(raw, 8)
        symtab_index = len(sections)
        sec(".symtab", 2, 0, 0, at, len(raw), symtab_index + 1, 2, 8, 24)
        at = img.add(bytes(strtab.data))
        sec(".strtab", 3, 0, 0, at, len(strtab.data), align=1)
    if s.build_id is not None:
        note = struct.pack("<III", 4, len(s.build_id), 3) + b"GNU\0" + s.build_id
        at = img.add(note, 4)
        sec(".note.gnu.build-id", 7, 0, 0, at, len(note), align=4)
    if s.debug_info:
        at = img.add(b"\0" * 16)
        sec(".debug_info", 1, 0, 0, at, 16, align=1)
    shstr = _Strtab()
    names = [shstr(n) for n, *_ in sections] + [shstr(".shstrtab")]
    at = img.add(bytes(shstr.data))
    sections.append((".shstrtab", 3, 0, 0, at, len(shstr.data), 0, 0, 1, 0))
    shoff = img.add(b"", 8)
    out = img.buf
    if s.section_headers:
        out += b"".join(struct.pack("<IIQQQQIIQQ", names[k], *sec_[1:])
                        for k, sec_ in enumerate(sections))
    else:
        shoff = 0
    # program headers
    phdrs = [
        (PT_LOAD, 5, text_off, 0, 0, text.end, text.end, 0x1000),
        (PT_LOAD, s.data_flags, rw_off, rw_base, rw_base, rw_filesz, rw_memsz, 0x1000),
        (PT_DYNAMIC, 6, dynamic + rw2f, dynamic, dynamic, 16 * n_dt, 16 * n_dt, 8),
        (PT_GNU_STACK, 6, 0, 0, 0, 0, 0, 16),
    ]
    if s.tls:
        phdrs.append((PT_TLS, 4, (tdata or 0) + rw2f, tdata or 0, tdata or 0, 8, 24, 16))
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 3, 183, 1, code,
                       64, shoff, 0, 64, 56, len(phdrs), 64 if s.section_headers else 0,
                       len(sections) if s.section_headers else 0,
                       len(sections) - 1 if s.section_headers else 0)
    out[0:64] = ehdr
    out[64:64 + 56 * len(phdrs)] = b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
    return bytes(out)


EHDR_FIELDS = ("ident", "type", "machine", "version", "entry", "phoff", "shoff", "flags",
               "ehsize", "phentsize", "phnum", "shentsize", "shnum", "shstrndx")
PHDR_FIELDS = ("type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align")
_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_PHDR = struct.Struct("<IIQQQQQQ")


def patch_ehdr(elf: bytes, **fields: object) -> bytes:
    """A copy of elf with ELF header fields replaced."""
    values = dict(zip(EHDR_FIELDS, _EHDR.unpack_from(elf)))
    values.update(fields)
    return _EHDR.pack(*(values[f] for f in EHDR_FIELDS)) + elf[_EHDR.size:]


def phdr(elf: bytes, index: int) -> dict[str, int]:
    phoff = _EHDR.unpack_from(elf)[5]
    return dict(zip(PHDR_FIELDS, _PHDR.unpack_from(elf, phoff + index * _PHDR.size)))


def patch_phdr(elf: bytes, index: int, **fields: int) -> bytes:
    """A copy of elf with fields of program header ``index`` replaced."""
    values = phdr(elf, index)
    values.update(fields)
    at = _EHDR.unpack_from(elf)[5] + index * _PHDR.size
    return elf[:at] + _PHDR.pack(*(values[f] for f in PHDR_FIELDS)) + elf[at + _PHDR.size:]
