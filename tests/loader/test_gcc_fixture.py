"""A TA-shaped ELF from GNU ld (tests/loader/data, built from our own source)."""
from __future__ import annotations

import base64
import struct
import uuid
from collections import Counter
from pathlib import Path

import pytest

from optee_litebox.errors import LoaderError
from optee_litebox.ta_loader import load_ta
from optee_litebox.ta_loader.elf import parse_elf
from optee_litebox.ta_loader.relocate import relocation_values
from optee_litebox.ta_loader.sign import sign_ta

from .elfbuilder import patch_ehdr
from .test_elf import _pyelftools_relocs

DATA = Path(__file__).resolve().parent / "data"
FIXTURE_UUID = uuid.UUID("6c1ab2f0-9e34-4d5b-8a7c-0123456789ab")
BASE = 0x8000_0000
EXT = {"ext_data": 0xA000, "ext_func": 0xB000}


@pytest.fixture(scope="module")
def elf() -> bytes:
    return base64.b64decode((DATA / "gccfix.elf.b64").read_bytes())


def _section(elf: bytes, name: str) -> tuple[int, int]:
    shoff, = struct.unpack_from("<Q", elf, 40)
    shnum, shstrndx = struct.unpack_from("<HH", elf, 60)
    sh = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + 64 * i) for i in range(shnum)]
    names = elf[sh[shstrndx][4]:]
    for s in sh:
        if names[s[0]:].split(b"\0", 1)[0].decode() == name:
            return s[3], s[5]
    raise KeyError(name)


def test_fixture_plan(elf):
    image = load_ta(elf, name="gccfix.elf")
    plan = image.plan
    assert plan.uuid == FIXTURE_UUID and plan.ta_head.stack_size == 0x1800
    assert plan.symbol_at(plan.entry)[0].name == "__ta_entry"
    assert Counter(r.type for r in plan.relocations) == {1027: 3, 257: 3, 1026: 2, 1025: 3}
    assert sorted((r.offset, r.type, r.addend, r.symbol) for r in plan.relocations) == \
        sorted(_pyelftools_relocs(elf))
    note_addr, note_size = _section(elf, ".note.gnu.build-id")
    assert plan.build_id == elf[0x1000 + note_addr + 16:0x1000 + note_addr + note_size].hex()


def test_ld_put_glob_dat_in_rela_got_past_dt_relasz_gap(elf):
    plan = parse_elf(elf)
    got, got_size = _section(elf, ".rela.got")
    dyn_addr, dyn_size = _section(elf, ".rela.dyn")
    dt = dict(struct.iter_unpack("<qQ", elf[0x2000:0x2000 + 0x120]))
    assert dt[8] == dyn_size + got_size and got > dyn_addr + dt[8]  # the trap, made by ld
    assert sum(r.type == 1025 for r in plan.relocations) == got_size // 24
    with pytest.raises(LoaderError, match="not inside one segment"):
        parse_elf(patch_ehdr(elf, shnum=0, shoff=0, shstrndx=0), "nosections")


def test_fixture_relocated_at_a_nonzero_base(elf):
    plan = parse_elf(elf)
    values = {}
    for off, value in relocation_values(plan, BASE, EXT.get):
        values.setdefault(off, set()).add(value)
    local = BASE + plan.lookup("local_var").value
    by = {(r.type, r.symbol): r.offset for r in plan.relocations}
    assert values[by[(1025, "ext_data")]] == {EXT["ext_data"]}
    assert values[by[(1025, "weak_data")]] == {0}
    assert values[by[(1025, "local_var")]] == {local}
    assert values[by[(257, "local_var")]] == {local}
    assert values[by[(1026, "ext_func")]] == {EXT["ext_func"]}
    assert values[by[(1026, "fixture_get")]] == {BASE + plan.lookup("fixture_get").value}
    names = [r for r in plan.relocations if r.type == 1027]
    assert {v for r in names for v in values[r.offset]} == {BASE + r.addend for r in names}


def test_fixture_signed_round_trip(elf, root_key):
    image = load_ta(sign_ta(elf, root_key.private, algo="pkcs1v15"), pubkey_pem=root_key.public)
    assert image.signed.verified is True and image.uuid == FIXTURE_UUID
