"""The shipped sample TAs: their structure, and that the sources rebuild them byte for byte.

The ELFs in optee_litebox/sample_tas/ come from `make -C sample_tas install`. Rebuilding
needs the Debian/Ubuntu cross compiler (package gcc-aarch64-linux-gnu) and GNU make; without
them the rebuild test fails, unless OPTEE_LITEBOX_SKIP_SAMPLE_REBUILD=1 says to skip it.
Byte-identical output also needs the same toolchain version as the shipped files (their
.comment section names it, e.g. "GCC: (Debian 12.2.0-14) 12.2.0").
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from elftools.elf.constants import P_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.enums import ENUM_RELOC_TYPE_AARCH64

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "sample_tas"
SHIPPED = REPO / "optee_litebox" / "sample_tas"
CROSS_GCC = "aarch64-linux-gnu-gcc"
SKIP_ENV = "OPTEE_LITEBOX_SKIP_SAMPLE_REBUILD"

ALLOWED_RELOCS = {
    "R_AARCH64_RELATIVE",
    "R_AARCH64_GLOB_DAT",
    "R_AARCH64_JUMP_SLOT",
    "R_AARCH64_ABS64",
}
RELOC_NAMES = {v: k for k, v in ENUM_RELOC_TYPE_AARCH64.items()}


def _samples() -> dict:
    return json.loads((SHIPPED / "samples.json").read_text())


SAMPLES = _samples()
#: TA shared libraries (no ta_head; named by their DT_SONAME) and the TAs proper.
LIBRARIES = {name for name, info in SAMPLES.items() if info.get("library")}
TAS = sorted(set(SAMPLES) - LIBRARIES)


def _elf(path: Path) -> ELFFile:
    return ELFFile(io.BytesIO(path.read_bytes()))


def _ta_head(elf: ELFFile) -> tuple[uuid.UUID, int, int, int]:
    """(uuid, stack_size, flags, depr_entry) read through the dynamic symbol ta_head."""
    sym = elf.get_section_by_name(".dynsym").get_symbol_by_name("ta_head")
    assert sym, "no dynamic symbol ta_head"
    addr = sym[0]["st_value"]
    for seg in elf.iter_segments(type="PT_LOAD"):
        if seg["p_vaddr"] <= addr and addr + 32 <= seg["p_vaddr"] + seg["p_filesz"]:
            raw = seg.data()[addr - seg["p_vaddr"]:addr - seg["p_vaddr"] + 32]
            break
    else:
        raise AssertionError("ta_head is not inside a loaded segment")
    tl, tm, th, node, stack, flags, depr = struct.unpack("<IHH8sIIQ", raw)
    return uuid.UUID(bytes=struct.pack(">IHH", tl, tm, th) + node), stack, flags, depr


def test_samples_json_lists_every_sample():
    expected = {
        "hello_world", "syscalls", "fault", "panic", "panic_create", "sha256",
        "lifecycle_keepalive", "lifecycle_single", "lifecycle_multi", "params",
        "crypto",
        "storage", "storage_keep",
        "ta2ta_client", "ta2ta_server", "ta2ta_server2", "tlib_user", "services",
        "tlib", "tlib_dl",
    }
    assert set(SAMPLES) == expected
    assert LIBRARIES == {"tlib", "tlib_dl"}
    assert len({info["uuid"] for info in SAMPLES.values()}) == len(SAMPLES)
    for name, info in SAMPLES.items():
        assert (SHIPPED / info["elf"]).is_file(), name
        assert (SHIPPED / info["stripped_elf"]).is_file(), name
        assert info["description"], name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_uuid_matches_the_documented_header(name):
    """Each sample's *_ta.h documents its UUID; the binary must carry that one."""
    info = SAMPLES[name]
    src = REPO / info["source"]
    documented = set()
    for header in src.glob("*.h" if name in LIBRARIES else "*_ta.h"):
        documented |= set(re.findall(r'_UUID_STR\s+"([0-9a-f-]{36})"', header.read_text()))
    assert info["uuid"] in documented, f"{name}: {info['uuid']} not in {src}/*_ta.h"


def _dynamic(elf: ELFFile) -> dict[str, list]:
    out: dict[str, list] = {}
    for tag in elf.get_section_by_name(".dynamic").iter_tags():
        out.setdefault(tag.entry.d_tag, []).append(
            getattr(tag, "soname", None) or getattr(tag, "needed", None) or tag.entry.d_val)
    return out


@pytest.mark.parametrize("name", sorted(LIBRARIES))
@pytest.mark.parametrize("variant", ["elf", "stripped_elf"])
def test_shipped_library_structure(name, variant):
    """A TA library: a shared object named by its UUID, shaped like a TA but headless."""
    info = SAMPLES[name]
    elf = _elf(SHIPPED / info[variant])
    assert elf["e_machine"] == "EM_AARCH64" and elf["e_type"] == "ET_DYN"
    assert elf.get_section_by_name(".ta_head") is None
    dyn = _dynamic(elf)
    assert dyn["DT_SONAME"] == [info["uuid"]]
    assert dyn.get("DT_NEEDED", []) == info["needed"]
    loads = list(elf.iter_segments(type="PT_LOAD"))
    assert [seg["p_flags"] for seg in loads] == [P_FLAGS.PF_R | P_FLAGS.PF_X,
                                                 P_FLAGS.PF_R | P_FLAGS.PF_W]
    assert loads[0]["p_vaddr"] == 0 and all(seg["p_vaddr"] % 0x1000 == 0 for seg in loads)
    kinds = {r.entry.r_info_type for sec in elf.iter_sections() if sec["sh_type"] == "SHT_RELA"
             for r in sec.iter_relocations()}
    assert {RELOC_NAMES[k] for k in kinds} <= ALLOWED_RELOCS
    exported = {sym.name for sym in elf.get_section_by_name(".dynsym").iter_symbols()
                if sym["st_shndx"] != "SHN_UNDEF" and sym["st_info"]["bind"] == "STB_GLOBAL"}
    assert exported & {"tlib_checksum", "tlib_dl_scale"}


def test_ta_needs_its_library_by_uuid():
    elf = _elf(SHIPPED / SAMPLES["tlib_user"]["stripped_elf"])
    assert _dynamic(elf)["DT_NEEDED"] == [SAMPLES["tlib"]["uuid"]]


@pytest.mark.parametrize("name", TAS)
@pytest.mark.parametrize("variant", ["elf", "stripped_elf"])
def test_shipped_elf_structure(name, variant):
    info = SAMPLES[name]
    elf = _elf(SHIPPED / info[variant])

    assert elf.elfclass == 64 and elf.little_endian
    assert elf["e_machine"] == "EM_AARCH64"
    assert elf["e_type"] == "ET_DYN"

    ta_uuid, stack, flags, depr = _ta_head(elf)
    assert str(ta_uuid) == info["uuid"]
    assert flags == info["flags"]
    assert stack == info["stack_size"]
    assert depr == 0xFFFFFFFFFFFFFFFF
    assert elf.get_section_by_name(".ta_head")["sh_size"] == 32

    # Two PT_LOADs, code then data, 4 KiB aligned; nothing writable and executable.
    loads = list(elf.iter_segments(type="PT_LOAD"))
    assert len(loads) == 2
    rx, rw = (seg["p_flags"] for seg in loads)
    assert rx == P_FLAGS.PF_R | P_FLAGS.PF_X
    assert rw == P_FLAGS.PF_R | P_FLAGS.PF_W
    assert loads[0]["p_vaddr"] == 0
    assert all(seg["p_align"] == 0x1000 and seg["p_vaddr"] % 0x1000 == 0 for seg in loads)
    for seg in elf.iter_segments():
        assert not (seg["p_flags"] & P_FLAGS.PF_W and seg["p_flags"] & P_FLAGS.PF_X)
    types = [seg["p_type"] for seg in elf.iter_segments()]
    assert "PT_DYNAMIC" in types
    stack_seg = [seg for seg in elf.iter_segments() if seg["p_type"] == "PT_GNU_STACK"]
    assert len(stack_seg) == 1 and not stack_seg[0]["p_flags"] & P_FLAGS.PF_X

    # Relocations of the kinds real TAs have, found through the section headers.
    relocs = [sec for sec in elf.iter_sections() if sec["sh_type"] == "SHT_RELA"]
    assert relocs
    kinds = {
        r.entry.r_info_type for sec in relocs for r in sec.iter_relocations()
    }
    assert {RELOC_NAMES[k] for k in kinds} <= ALLOWED_RELOCS

    if variant == "elf":
        symtab = elf.get_section_by_name(".symtab")
        entry = symtab.get_symbol_by_name("__ta_entry")
        assert entry and entry[0]["st_value"] == elf["e_entry"]
        assert elf.get_section_by_name(".debug_info") is not None
    else:
        assert elf.get_section_by_name(".symtab") is None
        assert not any(sec.name.startswith(".debug") for sec in elf.iter_sections())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_stripped_elf_loads_the_same_bytes(name):
    """Stripping drops symbols and debug info only: every loaded byte is unchanged."""
    info = SAMPLES[name]
    full = _elf(SHIPPED / info["elf"])
    stripped = _elf(SHIPPED / info["stripped_elf"])
    assert full["e_entry"] == stripped["e_entry"]
    a = [(s.header, s.data()) for s in full.iter_segments(type="PT_LOAD")]
    b = [(s.header, s.data()) for s in stripped.iter_segments(type="PT_LOAD")]
    assert [(h["p_vaddr"], h["p_memsz"], h["p_flags"], d) for h, d in a] == \
           [(h["p_vaddr"], h["p_memsz"], h["p_flags"], d) for h, d in b]


def _toolchain_note() -> str:
    shipped = SHIPPED / SAMPLES["hello_world"]["elf"]
    comment = _elf(shipped).get_section_by_name(".comment").data().rstrip(b"\0").decode()
    try:
        local = subprocess.run([CROSS_GCC, "--version"], capture_output=True, text=True,
                               check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError):
        local = "unknown"
    return f"shipped files were built by {comment!r}; local compiler is {local!r}"


def test_rebuild_is_byte_identical(tmp_path):
    missing = [tool for tool in (CROSS_GCC, "make") if shutil.which(tool) is None]
    if missing:
        if os.environ.get(SKIP_ENV) == "1":
            pytest.skip(f"{', '.join(missing)} not found and {SKIP_ENV}=1")
        pytest.fail(
            f"cannot rebuild the sample TAs: {', '.join(missing)} not on PATH. Install the "
            f"cross compiler (apt-get install gcc-aarch64-linux-gnu make), or set "
            f"{SKIP_ENV}=1 to skip this check."
        )

    out = tmp_path / "build"
    proc = subprocess.run(
        ["make", "-C", str(SOURCES), f"O={out}", f"PYTHON={sys.executable}",
         f"-j{os.cpu_count() or 1}", "all"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, f"sample build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"

    differing = []
    for name, info in SAMPLES.items():
        for built, shipped in ((f"{name}.elf", info["elf"]),
                               (f"{name}.stripped.elf", info["stripped_elf"])):
            if (out / name / built).read_bytes() != (SHIPPED / shipped).read_bytes():
                differing.append(shipped)
    rebuilt_json = json.loads((out / "samples.json").read_text())
    if rebuilt_json != SAMPLES:
        differing.append("samples.json")
    assert not differing, (
        f"rebuilt sample TAs differ from the shipped ones: {differing}. If the sources "
        f"changed, run 'make -C sample_tas install' and commit the result; otherwise check "
        f"the toolchain ({_toolchain_note()})."
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_signed_ta_verifies_and_resigning_reproduces_it(name):
    """The shipped <uuid>.ta is the stripped ELF signed with our sample key (PKCS#1 v1.5)."""
    from optee_litebox.ta_loader import load_library
    from optee_litebox.ta_loader.sign import sign_ta

    info = SAMPLES[name]
    shipped = (SHIPPED / f"{info['uuid']}.ta").read_bytes()
    pub = (SHIPPED / "sample_ta_dev.pub.pem").read_bytes()
    image = load_library(shipped, pubkey_pem=pub, name=name)
    assert image.signed is not None and image.signed.verified is True
    assert str(image.uuid) == info["uuid"]
    assert (image.plan.ta_head is None) == (name in LIBRARIES)
    key = (SOURCES / "keys" / "sample_ta_dev.pem").read_bytes()
    stripped = (SHIPPED / info["stripped_elf"]).read_bytes()
    assert sign_ta(stripped, key, uuid=info["uuid"], algo="pkcs1v15") == shipped
