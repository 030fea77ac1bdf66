#!/usr/bin/env python3
"""Build helper for the sample TAs (standard library only).

describe  read each built ELF's ta_head and ta_props (a TA library: its DT_SONAME and
          DT_NEEDED) and print samples.json
install   copy <uuid>.elf / <uuid>.stripped.elf and samples.json to the package
uuids     print the UUIDs listed in a samples.json, one per line
"""
import argparse
import json
import shutil
import struct
import sys
import uuid
from pathlib import Path

SHT_SYMTAB = 2
SHT_RELA = 4
SHT_NOBITS = 8
R_AARCH64_RELATIVE = 1027


class Elf:
    """Just enough ELF64 little-endian parsing for our own TAs."""

    def __init__(self, data):
        self.data = data
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError("not an ELF64 little-endian file")
        (self.e_type, self.e_machine, _, self.e_entry, _, shoff, _, _, _, _,
         shentsize, shnum, shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
        self.sections = []
        for i in range(shnum):
            f = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
            self.sections.append(dict(name_off=f[0], type=f[1], flags=f[2], addr=f[3],
                                      offset=f[4], size=f[5], link=f[6], info=f[7],
                                      entsize=f[9]))
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s["name"] = self._cstr(strtab["offset"] + s["name_off"])
        # Relocated pointer values: take RELATIVE addends over file contents.
        self.relative = {}
        for s in self.sections:
            if s["type"] == SHT_RELA:
                for off in range(s["offset"], s["offset"] + s["size"], 24):
                    r_off, r_info, r_add = struct.unpack_from("<QQq", data, off)
                    if r_info & 0xFFFFFFFF == R_AARCH64_RELATIVE:
                        self.relative[r_off] = r_add

    def _cstr(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode()

    def section(self, name):
        for s in self.sections:
            if s["name"] == name:
                return s
        raise KeyError(name)

    def read(self, addr, size):
        for s in self.sections:
            if s["addr"] and s["addr"] <= addr and addr + size <= s["addr"] + s["size"]:
                if s["type"] == SHT_NOBITS:
                    return bytes(size)
                off = s["offset"] + addr - s["addr"]
                return self.data[off:off + size]
        raise ValueError(f"address {addr:#x} not in any section")

    def pointer(self, addr):
        return self.relative.get(addr, struct.unpack("<Q", self.read(addr, 8))[0])

    def cstr_at(self, addr):
        out = bytearray()
        while True:
            b = self.read(addr + len(out), 1)
            if b == b"\0":
                return out.decode()
            out += b

    def symbols(self):
        symtab = next(s for s in self.sections if s["type"] == SHT_SYMTAB)
        strtab = self.sections[symtab["link"]]
        for off in range(symtab["offset"], symtab["offset"] + symtab["size"], 24):
            name, _, _, _, value, size = struct.unpack_from("<IBBHQQ", self.data, off)
            yield self._cstr(strtab["offset"] + name), value, size


DT_NULL = 0
DT_NEEDED = 1
DT_SONAME = 14


def describe_library(elf):
    """A TA shared library: named by its DT_SONAME (its UUID), no ta_head."""
    dyn = elf.section(".dynamic")
    strtab = elf.section(".dynstr")
    names = {}
    for off in range(dyn["offset"], dyn["offset"] + dyn["size"], 16):
        tag, val = struct.unpack_from("<qQ", elf.data, off)
        if tag == DT_NULL:
            break
        if tag in (DT_SONAME, DT_NEEDED):
            names.setdefault(tag, []).append(elf._cstr(strtab["offset"] + val))
    soname = names.get(DT_SONAME, [None])[0]
    if soname is None:
        raise ValueError("a TA library needs its UUID as DT_SONAME")
    return {
        "uuid": str(uuid.UUID(soname)),
        "library": True,
        "needed": names.get(DT_NEEDED, []),
        "description": "TA shared library",
    }


def describe_elf(path):
    elf = Elf(Path(path).read_bytes())
    try:
        head = elf.section(".ta_head")
    except KeyError:
        return describe_library(elf)
    raw = elf.data[head["offset"]:head["offset"] + 32]
    tl, tm, th, node, stack, flags, depr = struct.unpack("<IHH8sIIQ", raw)
    ta_uuid = uuid.UUID(bytes=struct.pack(">IHH", tl, tm, th) + node)
    syms = {name: (value, size) for name, value, size in elf.symbols()}
    props_addr, _ = syms["ta_props"]
    count = struct.unpack("<Q", elf.read(syms["ta_num_props"][0], 8))[0]
    props = {}
    for i in range(count):
        base = props_addr + 24 * i
        name = elf.cstr_at(elf.pointer(base))
        ptype = struct.unpack("<I", elf.read(base + 8, 4))[0]
        value = elf.pointer(base + 16)
        props[name] = (ptype, value)
    description = elf.cstr_at(props["gpd.ta.description"][1])
    data_size = struct.unpack("<I", elf.read(props["gpd.ta.dataSize"][1], 4))[0]
    return {
        "uuid": str(ta_uuid),
        "flags": flags,
        "description": description,
        "stack_size": stack,
        "data_size": data_size,
    }


def cmd_describe(args):
    out = {}
    for item in args.samples:
        name, src = item.split("=", 1)
        info = describe_elf(Path(args.build_dir) / name / f"{name}.elf")
        info["source"] = f"sample_tas/{src}"
        info["elf"] = f"{info['uuid']}.elf"
        info["stripped_elf"] = f"{info['uuid']}.stripped.elf"
        out[name] = info
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def cmd_install(args):
    build = Path(args.build_dir)
    dest = Path(args.dest)
    samples = json.loads((build / "samples.json").read_text())
    for name, info in samples.items():
        for suffix in (".elf", ".stripped.elf"):
            src = build / name / f"{name}{suffix}"
            dst = dest / f"{info['uuid']}{suffix}"
            shutil.copyfile(src, dst)
            print(f"  INSTALL {dst}")
    shutil.copyfile(build / "samples.json", dest / "samples.json")
    print(f"  INSTALL {dest / 'samples.json'}")


def cmd_uuids(args):
    for info in json.loads(Path(args.samples_json).read_text()).values():
        print(info["uuid"])


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("describe")
    d.add_argument("--build-dir", required=True)
    d.add_argument("samples", nargs="+", help="name=source_dir")
    d.set_defaults(func=cmd_describe)
    i = sub.add_parser("install")
    i.add_argument("--build-dir", required=True)
    i.add_argument("--dest", required=True)
    i.set_defaults(func=cmd_install)
    u = sub.add_parser("uuids")
    u.add_argument("samples_json")
    u.set_defaults(func=cmd_uuids)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
