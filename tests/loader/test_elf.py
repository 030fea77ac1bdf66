"""ELF -> LoadPlan: what the plan says, cross-checked with pyelftools, and what is refused."""
from __future__ import annotations

import io
import struct

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

from optee_litebox.abi.ta import TA_FLAG_MULTI_SESSION, TA_FLAG_SINGLE_INSTANCE
from optee_litebox.errors import LoaderError
from optee_litebox.ta_loader.elf import parse_elf
from optee_litebox.ta_loader.plan import PF_R, PF_W, PF_X

from .elfbuilder import DEFAULT_UUID, Import, TaSpec, build_ta, patch_ehdr, patch_phdr, phdr


def _pyelftools_relocs(elf: bytes) -> list[tuple[int, int, int, str]]:
    f = ELFFile(io.BytesIO(elf))
    out = []
    for sec in f.iter_sections():
        if isinstance(sec, RelocationSection):
            symtab = f.get_section(sec["sh_link"])
            for r in sec.iter_relocations():
                name = symtab.get_symbol(r["r_info_sym"]).name if r["r_info_type"] != 1027 else ""
                out.append((r["r_offset"], r["r_info_type"], r["r_addend"], name))
    return out


@pytest.mark.parametrize("spec", [
    TaSpec(), TaSpec(library=True), TaSpec(tls=True), TaSpec(symtab=False, n_relative=300),
    TaSpec(imports=[Import(f"f{i}", func=True) for i in range(20)] + [Import("w", weak=True)]),
], ids=["ta", "library", "tls", "stripped", "many-imports"])
def test_relocations_match_pyelftools(spec):
    elf = build_ta(spec)
    plan = parse_elf(elf)
    ours = [(r.offset, r.type, r.addend, r.symbol) for r in plan.relocations]
    assert sorted(ours) == sorted(_pyelftools_relocs(elf))


def test_main_ta_plan(ta_elf):
    plan = parse_elf(ta_elf, "main.elf")
    text, data = plan.segments
    assert (text.vaddr, text.offset, text.flags) == (0, 0x1000, PF_R | PF_X)
    assert (data.flags, data.vaddr % 0x1000, data.offset % 0x1000) == (PF_R | PF_W, 0, 0)
    assert data.memsz > len(data.data)  # .bss
    assert text.data == ta_elf[0x1000:0x1000 + text.memsz]
    assert plan.ta_head.uuid == plan.uuid == DEFAULT_UUID
    assert plan.ta_head.stack_size == 0x1800
    assert plan.entry == 0 and plan.image_size % 0x1000 == 0
    assert plan.image_size >= data.vaddr + data.memsz
    assert plan.phnum == 4 and plan.phdrs == ta_elf[64:64 + 4 * 56]
    assert plan.dynamic_vaddr == data.vaddr
    assert plan.ta_head_vaddr == plan.lookup("ta_head").value
    for attr in ("elf_phdr_info_vaddr", "ta_props_vaddr", "ta_num_props_vaddr"):
        assert getattr(plan, attr) is not None
    names = [s.name for s in plan.symbols]
    assert "$x" not in names and "__ta_entry" in names
    assert [s.value for s in plan.symbols] == sorted(s.value for s in plan.symbols)
    assert plan.symbol_at(8)[0].name == "__ta_entry"
    undefined = {s.name for s in plan.dynamic_symbols if not s.defined and s.name}
    assert undefined == {"ext_data", "ext_func", "maybe_there"}
    assert next(s for s in plan.dynamic_symbols if s.name == "maybe_there").binding == "weak"
    assert plan.needed == () and plan.tls is None and plan.build_id is None
    assert not plan.has_debug_info


def test_rela_got_in_the_rw_segment_is_walked(ta_elf):
    plan = parse_elf(ta_elf)
    data = plan.segments[1]
    got_relocs = [r for r in plan.relocations if r.type == 1025]
    assert got_relocs and all(data.vaddr <= r.offset < data.vaddr + data.memsz for r in got_relocs)
    # The guard-pointer-like RELATIVE GOT slot is there too.
    assert any(r.type == 1027 and r.offset < data.vaddr + 0x100 for r in plan.relocations)


def test_library_layout(lib_elf):
    plan = parse_elf(lib_elf, "lib.so")
    text, data = plan.segments
    assert plan.ta_head is None and plan.uuid is None
    assert text.offset == 0 and text.data[:4] == b"\x7fELF"  # header inside the first segment
    assert data.offset % 0x1000 != 0 and data.offset % 0x1000 == data.vaddr % 0x1000
    assert data.vaddr // 0x1000 > (text.vaddr + text.memsz - 1) // 0x1000  # no shared page


def test_extras():
    plan = parse_elf(build_ta(TaSpec(tls=True, build_id=bytes.fromhex("c0ffee"), debug_info=True,
                                     needed=["ffd2bded-ab7d-4988-95ee-e4962fff7154"],
                                     flags=TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)))
    assert plan.tls is not None and (plan.tls.filesz, plan.tls.memsz, plan.tls.align) == (8, 24, 16)
    assert plan.build_id == "c0ffee" and plan.has_debug_info
    assert plan.needed == ("ffd2bded-ab7d-4988-95ee-e4962fff7154",)
    assert plan.ta_head.single_instance and plan.ta_head.multi_session


def test_no_section_headers_falls_back_to_dt_rela():
    with_sections = parse_elf(build_ta(TaSpec(split_rela=False)))
    without = parse_elf(build_ta(TaSpec(split_rela=False, section_headers=False)))
    assert without.relocations == with_sections.relocations
    assert without.ta_head == with_sections.ta_head
    assert {s.name for s in without.dynamic_symbols} == {s.name for s in with_sections.dynamic_symbols}


def test_no_section_headers_with_the_rela_got_trap_is_refused():
    # DT_RELASZ covers .rela.dyn + .rela.got, which are not contiguous: reading
    # DT_RELASZ bytes from DT_RELA runs off the text segment.
    with pytest.raises(LoaderError, match="DT_RELA/DT_JMPREL table .* not inside one segment"):
        parse_elf(build_ta(TaSpec(section_headers=False)), "nosec.elf")


def test_relocation_none_is_skipped():
    base = parse_elf(build_ta())
    with_none = parse_elf(build_ta(TaSpec(extra_relocs=[(0, 0, 0)])))
    assert with_none.relocations == base.relocations


@pytest.mark.parametrize("rtype,text", [
    (1031, r"R_AARCH64_TLSDESC \(1031\)"), (1030, r"R_AARCH64_TLS_TPREL \(1030\)"),
    (1024, r"R_AARCH64_COPY \(1024\)"), (9999, r"unknown relocation type \(9999\)"),
])
def test_unknown_relocation_type_is_named(rtype, text):
    with pytest.raises(LoaderError, match=f"^bad.elf: unsupported relocation {text}"):
        parse_elf(build_ta(TaSpec(extra_relocs=[(rtype, 0, 0)])), "bad.elf")


def test_symbol_index_out_of_range():
    with pytest.raises(LoaderError, match="symbol index 99 out of range"):
        parse_elf(build_ta(TaSpec(extra_relocs=[(257, 99, 0)])))


def _ph(elf, i, **kw):
    return patch_phdr(elf, i, **kw)


BAD_ELFS = {
    "32-bit": (lambda e: patch_ehdr(e, ident=b"\x7fELF\x01\x01\x01" + bytes(9)), "64-bit little-endian"),
    "big-endian": (lambda e: patch_ehdr(e, ident=b"\x7fELF\x02\x02\x01" + bytes(9)), "64-bit little-endian"),
    "osabi": (lambda e: patch_ehdr(e, ident=b"\x7fELF\x02\x01\x01\x03" + bytes(8)), "System V"),
    "x86-64": (lambda e: patch_ehdr(e, machine=62), "not AArch64"),
    "ET_EXEC": (lambda e: patch_ehdr(e, type=2), "not ET_DYN"),
    "e_flags": (lambda e: patch_ehdr(e, flags=1), "e_flags"),
    "phentsize": (lambda e: patch_ehdr(e, phentsize=32), "program header table"),
    "phoff": (lambda e: patch_ehdr(e, phoff=4096 - 100), "first 4 KiB"),
    "shentsize": (lambda e: patch_ehdr(e, shentsize=40), "section header entsize"),
    "shoff": (lambda e: patch_ehdr(e, shoff=len(e) - 10), "section header table extends"),
    "past-eof": (lambda e: _ph(e, 1, filesz=len(e), memsz=len(e)), "extends past the end of the file"),
    "memsz<filesz": (lambda e: _ph(e, 1, memsz=phdr(e, 1)["filesz"] - 8), "memsz smaller than filesz"),
    "W+X": (lambda e: _ph(e, 1, flags=7), "both writable and executable"),
    "unreadable": (lambda e: _ph(e, 1, flags=2), "must be readable"),
    "overlap": (lambda e: _ph(e, 1, vaddr=0x100, paddr=0x100, offset=0x1100), "overlaps the previous"),
    "congruence": (lambda e: _ph(e, 1, vaddr=phdr(e, 1)["vaddr"] + 8), "not congruent"),
    "align": (lambda e: _ph(e, 1, align=16), "alignment"),
    "mixed-align": (lambda e: _ph(e, 1, align=0x10000), "alignment"),
    "not-at-0": (lambda e: _ph(e, 0, vaddr=0x10000, paddr=0x10000, offset=0x1000 + 0x10000 - 0x10000),
                 "congruent|page 0|overlaps"),
    "ro-bss": (lambda e: _ph(e, 0, memsz=phdr(e, 0)["filesz"] + 16), "memsz != filesz"),
    "huge": (lambda e: _ph(e, 1, memsz=1 << 31), "1 GiB"),
    "no-load": (lambda e: _ph(_ph(e, 0, type=6), 1, type=6), "no PT_LOAD"),
    "dynamic-size": (lambda e: _ph(e, 2, memsz=20), "PT_DYNAMIC size"),
    "dynamic-outside": (lambda e: _ph(e, 2, vaddr=0x900000), "PT_DYNAMIC .* not inside"),
}


@pytest.mark.parametrize("case", sorted(BAD_ELFS))
def test_malformed_elf_is_refused(ta_elf, case):
    mutate, message = BAD_ELFS[case]
    with pytest.raises(LoaderError, match=f"^bad.elf: .*({message})"):
        parse_elf(mutate(ta_elf), "bad.elf")


def test_first_segment_must_start_at_zero(ta_elf):
    # Shift both segments up by 64 KiB, keeping offsets congruent.
    e = _ph(ta_elf, 0, vaddr=0x10000, paddr=0x10000)
    with pytest.raises(LoaderError, match="page 0"):
        parse_elf(e)


@pytest.mark.parametrize("spec,message", [
    (TaSpec(ta_head_depr_entry=0x1234), "legacy TA"),
    (TaSpec(flags=1 << 20), "invalid TA flags"),
    (TaSpec(stack_size=0), "stack size"),
    (TaSpec(needed=["libutee.so"]), "DT_NEEDED 'libutee.so' is not a UUID"),
    (TaSpec(needed=["{ffd2bded-ab7d-4988-95ee-e4962fff7154}"]), "is not a UUID"),
    (TaSpec(needed=["ffd2bdedab7d498895eee4962fff7154"]), "is not a UUID"),
])
def test_bad_ta_contents(spec, message):
    with pytest.raises(LoaderError, match=message):
        parse_elf(build_ta(spec))


def test_entry_must_be_executable(ta_elf):
    with pytest.raises(LoaderError, match="entry point 0x2000 is not in an executable segment"):
        parse_elf(patch_ehdr(ta_elf, entry=0x2000))


def test_segments_sharing_a_page_are_merged_as_ldelf_does():
    """A library whose (read-only) data segment starts in the text's last page: ldelf's
    adjust_segments() merges them into one mapping with the union of the permissions."""
    elf = build_ta(TaSpec(library=True, shared_page=True, relocs=False, data_flags=PF_R))
    text, data = phdr(elf, 0), phdr(elf, 1)
    elf = patch_phdr(elf, 1, memsz=data["filesz"])  # read-only: no .bss
    (seg,) = parse_elf(elf).segments
    assert (seg.vaddr, seg.offset, seg.flags) == (0, 0, PF_R | PF_X)
    assert seg.memsz == data["vaddr"] + data["filesz"] and seg.data == elf[:seg.memsz]
    assert text["filesz"] <= data["offset"] < text["filesz"] + 0x1000


def test_merged_page_that_becomes_writable_and_executable_is_refused():
    elf = build_ta(TaSpec(library=True, shared_page=True))
    with pytest.raises(LoaderError, match="both writable and executable"):
        parse_elf(elf)


def test_relocation_into_a_read_only_segment_is_refused():
    elf = build_ta(TaSpec(library=True, data_flags=PF_R))
    elf = patch_phdr(elf, 1, memsz=phdr(elf, 1)["filesz"])
    with pytest.raises(LoaderError, match="targets a read-only segment"):
        parse_elf(elf)


def test_unstripped_symbols_come_from_symtab():
    plan = parse_elf(build_ta())
    stripped = parse_elf(build_ta(TaSpec(symtab=False)))
    assert {"ta_props", "ta_num_props"} <= {s.name for s in plan.symbols}
    assert stripped.ta_props_vaddr is None and stripped.ta_num_props_vaddr is None
    assert {s.name for s in stripped.symbols} == {"ta_head", "__elf_phdr_info", "exported_var"}


def test_parse_is_fast(ta_elf):
    import time
    big = build_ta(TaSpec(n_relative=5000))
    t0 = time.perf_counter()
    for _ in range(10):
        parse_elf(big)
    per_call = (time.perf_counter() - t0) / 10
    assert per_call < 0.05, f"{per_call * 1000:.1f} ms for 5000 relocations"
    assert struct.calcsize("<Q") == 8
