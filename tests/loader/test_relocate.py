"""Applying relocations at a non-zero base: values, lookup rules and errors."""
from __future__ import annotations

import struct
import time
from dataclasses import replace

import pytest

from optee_litebox.errors import LoaderError
from optee_litebox.ta_loader.elf import parse_elf
from optee_litebox.ta_loader.plan import Relocation
from optee_litebox.ta_loader.relocate import (
    RELOC_HANDLERS,
    apply_relocations,
    no_symbols,
    relocated_image,
    relocation_values,
)

from .elfbuilder import Import, TaSpec, build_ta

BASE = 0x4_0000_0000
EXT_DATA = 0x7_1000_0000
EXT_FUNC = 0x7_2000_0000
KNOWN = {"ext_data": EXT_DATA, "ext_func": EXT_FUNC}


def _guest_write(plan, base, resolve):
    """Relocate through apply_relocations into a dict standing in for guest memory."""
    memory: dict[int, int] = {}

    def write_u64(addr: int, value: int) -> None:
        assert addr % 8 == 0 and addr not in memory
        memory[addr] = value

    apply_relocations(plan, base, write_u64, resolve)
    return memory


def _u64(image, plan, addr):
    for i, seg in enumerate(plan.segments):
        if seg.vaddr <= addr < seg.vaddr + seg.memsz:
            return struct.unpack_from("<Q", image[i], addr - seg.vaddr)[0]
    raise AssertionError(hex(addr))


def test_relative_at_a_nonzero_base(ta_elf):
    plan = parse_elf(ta_elf, "ta.elf")
    memory = _guest_write(plan, BASE, KNOWN.get)
    relative = [r for r in plan.relocations if r.type == 1027]
    assert len(relative) > 20
    for r in relative:
        assert memory[BASE + r.offset] == BASE + r.addend


def test_every_rela_section_is_applied_not_just_dt_relasz(ta_elf):
    """The GOT entries (.rela.got, outside DT_RELA's contiguous range) must be patched:
    at base 0 the linker's pre-filled values would hide a miss, at BASE they cannot."""
    plan = parse_elf(ta_elf)
    data = plan.segments[1]
    image0 = relocated_image(plan, 0, KNOWN.get)
    imageB = relocated_image(plan, BASE, KNOWN.get)
    got_relative = [r for r in plan.relocations
                    if r.type == 1027 and data.vaddr <= r.offset < data.vaddr + 0x100]
    assert got_relative
    for r in got_relative:
        prefilled = struct.unpack_from("<Q", data.data, r.offset - data.vaddr)[0]
        assert prefilled == r.addend == _u64(image0, plan, r.offset)
        assert _u64(imageB, plan, r.offset) == BASE + r.addend


def test_symbolic_relocations(ta_elf):
    plan = parse_elf(ta_elf, "ta.elf")
    asked: list[str] = []

    def resolve(name):
        asked.append(name)
        return KNOWN.get(name)

    memory = _guest_write(plan, BASE, resolve)
    by_symbol = {(r.type, r.symbol): r for r in plan.relocations if r.symbol}
    assert memory[BASE + by_symbol[(1025, "ext_data")].offset] == EXT_DATA
    assert memory[BASE + by_symbol[(1026, "ext_func")].offset] == EXT_FUNC
    exported = by_symbol[(257, "exported_var")]
    assert memory[BASE + exported.offset] == BASE + exported.sym_value + 8
    assert "exported_var" not in asked  # ABS64 to an own symbol bypasses the lookup (ldelf)
    assert memory[BASE + by_symbol[(257, "maybe_there")].offset] == 0  # weak, unresolved


def test_lookup_interposes_own_definitions():
    plan = parse_elf(build_ta(TaSpec(exports=["shared"], imports=[])), "lib")
    glob = Relocation(offset=plan.segments[1].vaddr, type=1025, addend=0, symbol="shared",
                      sym_value=plan.lookup("shared").value)
    plan = replace(plan, relocations=(glob,))
    assert _guest_write(plan, BASE, {"shared": 0x1234}.get)[BASE + glob.offset] == 0x1234
    own = BASE + plan.lookup("shared").value
    assert _guest_write(plan, BASE, no_symbols)[BASE + glob.offset] == own


def test_symbol_plus_addend():
    plan = parse_elf(build_ta(), "ta")
    rel = next(r for r in plan.relocations if r.type == 1025)
    plan = replace(plan, relocations=(replace(rel, addend=16),))
    assert relocation_values(plan, BASE, KNOWN.get) == [(rel.offset, EXT_DATA + 16)]


def test_unresolved_strong_symbol_names_symbol_and_module(ta_elf):
    plan = parse_elf(ta_elf, "8aaaf200.ta")
    writes = []
    with pytest.raises(LoaderError, match=r"^8aaaf200.ta: symbol 'ext_data' not found "
                                          r"\(R_AARCH64_GLOB_DAT"):
        apply_relocations(plan, BASE, lambda a, v: writes.append(a), {"ext_func": 1}.get)
    assert writes == []  # nothing written before every symbol resolved


def test_handler_table_and_unknown_type(ta_elf):
    assert set(RELOC_HANDLERS) == {257, 1025, 1026, 1027}
    plan = parse_elf(ta_elf, "m")
    bad = replace(plan, relocations=(Relocation(offset=plan.segments[1].vaddr, type=1031, addend=0),))
    with pytest.raises(LoaderError, match=r"m: unsupported relocation R_AARCH64_TLSDESC \(1031\)"):
        relocated_image(bad, BASE, no_symbols)


def test_relocated_image_equals_apply_relocations(lib_elf):
    plan = parse_elf(lib_elf)
    images = relocated_image(plan, BASE, KNOWN.get)
    memory = _guest_write(plan, BASE, KNOWN.get)
    for addr, value in memory.items():
        assert _u64(images, plan, addr - BASE) == value
    for i, seg in enumerate(plan.segments):  # nothing else changed
        patched = {a - BASE - seg.vaddr for a in memory if seg.vaddr <= a - BASE < seg.vaddr + seg.memsz}
        for off in range(0, len(seg.data) - 7, 8):
            if off not in patched and (seg.vaddr + off) % 8 == 0:
                assert images[i][off:off + 8] == seg.data[off:off + 8]


def test_relocation_past_file_data_extends_the_segment_bytes():
    plan = parse_elf(build_ta(), "t")
    data = plan.segments[1]
    in_bss = data.vaddr + len(data.data) + 64  # inside memsz, past filesz
    plan = replace(plan, relocations=(Relocation(offset=in_bss, type=1027, addend=5),))
    image = relocated_image(plan, BASE, no_symbols)[1]
    assert len(image) == in_bss - data.vaddr + 8
    assert image[len(data.data):in_bss - data.vaddr] == bytes(in_bss - data.vaddr - len(data.data))
    assert struct.unpack_from("<Q", image, in_bss - data.vaddr)[0] == BASE + 5
    outside = replace(plan, relocations=(Relocation(offset=data.vaddr + data.memsz, type=1027, addend=0),))
    with pytest.raises(LoaderError, match="outside every segment"):
        relocated_image(outside, BASE, no_symbols)


def test_negative_addend_and_wraparound():
    plan = parse_elf(build_ta(), "t")
    off = plan.segments[1].vaddr
    plan = replace(plan, relocations=(Relocation(offset=off, type=1027, addend=-16),))
    assert relocation_values(plan, 8, no_symbols) == [(off, (1 << 64) - 8)]


def test_thousands_of_relocations_are_fast():
    plan = parse_elf(build_ta(TaSpec(n_relative=5000, imports=[Import(f"f{i}", func=True)
                                                                for i in range(200)])))
    resolve = lambda name: 0x1000  # noqa: E731
    t0 = time.perf_counter()
    relocated_image(plan, BASE, resolve)
    elapsed = time.perf_counter() - t0
    assert len(plan.relocations) > 5000
    assert elapsed < 0.1, f"{elapsed * 1000:.1f} ms"
