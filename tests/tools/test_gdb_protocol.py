"""GDB remote protocol functions, byte for byte, and the stub's packet answers."""
from __future__ import annotations

import random
import xml.etree.ElementTree as ET

from optee_litebox.tools.gdbstub import protocol as rsp


def test_framing_and_checksum() -> None:
    assert rsp.frame("OK") == b"$OK#9a"
    assert rsp.frame("") == b"$#00"
    assert rsp.frame(b"a#b") == b"$a}\x03b#" + f"{(ord('a') + 0x7D + 3 + ord('b')) & 0xFF:02x}".encode()


def test_escape_round_trip() -> None:
    data = bytes(range(256)) * 2
    assert rsp.unescape(rsp.escape(data)) == data
    assert b"#" not in rsp.escape(data) and b"$" not in rsp.escape(data)


def test_decoder_acks_good_packets_and_naks_bad_ones() -> None:
    dec = rsp.Decoder()
    got = list(dec.feed(b"+$g#67$m0,4#fd\x03$qC#00"))
    assert got[0] == (b"g", b"+")
    assert got[1] == (b"m0,4", b"+")
    assert got[2] == (rsp.INTERRUPT, b"")
    assert got[3] == (None, b"-")  # bad checksum


def test_decoder_handles_split_packets_and_noise() -> None:
    dec = rsp.Decoder()
    stream = rsp.frame("qSupported:xmlRegisters=i386") + b"garbage" + rsp.frame("?")
    out = []
    rng = random.Random(1)
    pos = 0
    while pos < len(stream):
        n = rng.randint(1, 5)
        out += [p for p, _ in dec.feed(stream[pos:pos + n])]
        pos += n
    assert out == [b"qSupported:xmlRegisters=i386", b"?"]


def test_registers_round_trip_in_gdb_order() -> None:
    values = {name: (i * 0x0101010101010101) & ((1 << bits) - 1)
              for i, (name, bits) in enumerate(rsp.REGISTERS)}
    text = rsp.encode_registers(values)
    assert len(text) == sum(bits // 4 for _, bits in rsp.REGISTERS)
    assert text.startswith("0000000000000000" + "0101010101010101")  # x0, x1 little-endian
    assert rsp.decode_registers(text) == values
    assert rsp.REG_INDEX["pc"] == 32 and rsp.REG_INDEX["cpsr"] == 33 and rsp.REG_INDEX["v0"] == 34


def test_target_xml_is_valid_and_matches_the_register_list() -> None:
    root = ET.fromstring(rsp.target_xml().split("?>", 1)[1].split(">", 1)[1])
    assert root.find("architecture").text == "aarch64"  # type: ignore[union-attr]
    regs = [(r.get("name"), int(r.get("bitsize"))) for r in root.iter("reg")]  # type: ignore[arg-type]
    assert regs == list(rsp.REGISTERS)


def test_xfer_chunks_and_library_lists() -> None:
    doc = "x" * 10
    assert rsp.xfer_chunk(doc, "0,4") == "mxxxx"
    assert rsp.xfer_chunk(doc, "8,4") == "lxx"
    assert rsp.xfer_chunk(doc, "a,4") == "l"
    svr4 = ET.fromstring(rsp.libraries_svr4_xml([("/t/a b.elf", 0x40000000, 0x40003000)]))
    lib = svr4.find("library")
    assert lib is not None and lib.get("name") == "/t/a b.elf"
    assert lib.get("l_addr") == "0x40000000" and lib.get("l_ld") == "0x40003000"
    plain = ET.fromstring(rsp.libraries_xml([("/t/x.elf", 0x50000000, 0)]))
    assert plain.find("library/segment").get("address") == "0x50000000"  # type: ignore[union-attr]


def test_auxv_and_breakpoints_and_stop_replies() -> None:
    aux = rsp.auxv(0x400004F4)
    pairs = [(int.from_bytes(aux[i:i + 8], "little"), int.from_bytes(aux[i + 8:i + 16], "little"))
             for i in range(0, len(aux), 16)]
    assert (rsp.AT_ENTRY, 0x400004F4) in pairs and pairs[-1] == (0, 0)
    assert rsp.parse_breakpoint("Z0,40000138,4") == (True, 0, 0x40000138, 4)
    assert rsp.parse_breakpoint("z1,10,4;cond") == (False, 1, 0x10, 4)
    assert rsp.stop_reply(rsp.SIGSEGV) == "T0bthread:1;"
    assert rsp.stop_reply(rsp.SIGTRAP, libraries_changed=True) == "T05thread:1;library:;"
