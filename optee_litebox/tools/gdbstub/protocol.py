"""GDB Remote Serial Protocol as pure functions: framing, hex, registers, XML documents.

Nothing here touches a socket or an engine, so all of it is unit-tested byte for byte.
Packets are ``$<payload>#<2 hex digit checksum>``; the receiver answers ``+`` (or ``-`` to
ask for a resend); a lone 0x03 byte is an interrupt request. Binary payloads escape
``#$}*`` as ``}`` followed by the byte XOR 0x20.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

#: AArch64 registers in the order of GDB's target description below: name, bits.
REGISTERS: tuple[tuple[str, int], ...] = (
    *((f"x{i}", 64) for i in range(31)), ("sp", 64), ("pc", 64), ("cpsr", 32),
    *((f"v{i}", 128) for i in range(32)), ("fpsr", 32), ("fpcr", 32),
)
REG_INDEX = {name: i for i, (name, _) in enumerate(REGISTERS)}

SIGINT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGSEGV = 2, 4, 5, 6, 7, 11
PACKET_SIZE = 0x4000


def checksum(payload: bytes) -> int:
    return sum(payload) & 0xFF


def escape(data: bytes) -> bytes:
    out = bytearray()
    for b in data:
        if b in b"#$}*":
            out += bytes((0x7D, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def unescape(data: bytes) -> bytes:
    out = bytearray()
    it = iter(data)
    for b in it:
        if b == 0x7D:
            nxt = next(it, None)
            if nxt is None:
                break
            out.append(nxt ^ 0x20)
        else:
            out.append(b)
    return bytes(out)


def frame(payload: bytes | str) -> bytes:
    """A packet ready to send: $payload#cc (payload escaped)."""
    raw = escape(payload.encode() if isinstance(payload, str) else payload)
    return b"$" + raw + b"#" + f"{checksum(raw):02x}".encode()


INTERRUPT = object()  # what the decoder yields for a 0x03 byte


@dataclass
class Decoder:
    """Incremental packet reader: feed bytes, get payloads (and acks to send)."""

    buf: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> Iterator[tuple[object, bytes]]:
        """Yields (payload bytes or INTERRUPT, reply bytes to send: b"+", b"-" or b"")."""
        self.buf += data
        while self.buf:
            first = self.buf[0]
            if first == 0x03:
                del self.buf[0]
                yield INTERRUPT, b""
                continue
            if first != ord("$"):
                del self.buf[0]  # acks and line noise
                continue
            end = self.buf.find(b"#")
            if end < 0 or len(self.buf) < end + 3:
                if len(self.buf) > 2 * PACKET_SIZE:  # never ends: drop it
                    self.buf.clear()
                return
            raw = bytes(self.buf[1:end])
            sent = bytes(self.buf[end + 1:end + 3])
            del self.buf[:end + 3]
            try:
                ok = int(sent, 16) == checksum(raw)
            except ValueError:
                ok = False
            if ok:
                yield unescape(raw), b"+"
            else:
                yield None, b"-"


# -- values -----------------------------------------------------------------------------------

def hex_le(value: int, bits: int) -> str:
    return (value & ((1 << bits) - 1)).to_bytes(bits // 8, "little").hex()


def parse_hex_le(text: str) -> int:
    return int.from_bytes(bytes.fromhex(text), "little")


def encode_registers(values: dict[str, int]) -> str:
    """The `g` reply: every register, little-endian hex, in REGISTERS order."""
    return "".join(hex_le(values.get(name, 0), bits) for name, bits in REGISTERS)


def decode_registers(text: str) -> dict[str, int]:
    """A `G` payload back into values (stops at the end of the given data)."""
    out: dict[str, int] = {}
    pos = 0
    for name, bits in REGISTERS:
        n = bits // 4
        if pos + n > len(text):
            break
        out[name] = parse_hex_le(text[pos:pos + n])
        pos += n
    return out


def parse_addr_len(text: str) -> tuple[int, int]:
    addr, _, length = text.partition(",")
    return int(addr, 16), int(length, 16)


def parse_breakpoint(payload: str) -> tuple[bool, int, int, int]:
    """`Z0,addr,kind` / `z1,addr,kind` -> (insert, type, address, kind)."""
    insert = payload[0] == "Z"
    kind_type, addr, kind = payload[1:].split(",")[:3]
    return insert, int(kind_type), int(addr, 16), int(kind.split(";")[0], 16)


def stop_reply(signal: int, *, thread: int = 1, libraries_changed: bool = False) -> str:
    reply = f"T{signal:02x}thread:{thread:x};"
    if libraries_changed:
        reply += "library:;"
    return reply


def xfer_chunk(document: str, annex_args: str) -> str:
    """Answer a qXfer read of document for 'offset,length': 'm'+data or 'l'+last data."""
    offset, length = parse_addr_len(annex_args)
    data = document[offset:offset + length]
    return ("l" if offset + length >= len(document) else "m") + data


# -- XML documents ------------------------------------------------------------------------------

def target_xml() -> str:
    """Target description: AArch64 core and FP/SIMD registers, no OS ABI (bare target)."""
    core = "".join(f'<reg name="{name}" bitsize="{bits}" type="{_reg_type(name)}"/>'
                   for name, bits in REGISTERS[:34])
    fpu = "".join(f'<reg name="{name}" bitsize="{bits}" type="{"aarch64v" if bits == 128 else "int"}"/>'
                  for name, bits in REGISTERS[34:])
    vector = ('<vector id="v2d" type="ieee_double" count="2"/>'
              '<vector id="v4s" type="ieee_single" count="4"/>'
              '<vector id="v2u" type="uint64" count="2"/><vector id="v4u" type="uint32" count="4"/>'
              '<vector id="v16u" type="uint8" count="16"/>'
              '<union id="aarch64v"><field name="d" type="v2d"/><field name="s" type="v4s"/>'
              '<field name="ud" type="v2u"/><field name="uw" type="v4u"/>'
              '<field name="ub" type="v16u"/><field name="q" type="uint128"/></union>')
    return ('<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd">'
            '<target version="1.0"><architecture>aarch64</architecture>'
            f'<feature name="org.gnu.gdb.aarch64.core">{core}</feature>'
            f'<feature name="org.gnu.gdb.aarch64.fpu">{vector}{fpu}</feature></target>')


def _reg_type(name: str) -> str:
    if name == "sp":
        return "data_ptr"
    if name == "pc":
        return "code_ptr"
    return "int"


AT_NULL, AT_PAGESZ, AT_ENTRY = 0, 6, 9


def auxv(entry: int, page_size: int = 0x1000) -> bytes:
    """A Linux-style auxiliary vector: AT_ENTRY tells gdb where the main module's entry
    point is, so it relocates the (position-independent) executable by itself."""
    pairs = ((AT_PAGESZ, page_size), (AT_ENTRY, entry), (AT_NULL, 0))
    return b"".join(k.to_bytes(8, "little") + v.to_bytes(8, "little") for k, v in pairs)


def libraries_xml(modules: list[tuple[str, int, int]]) -> str:
    """qXfer:libraries:read: each (ELF path, load address of its first segment, _)."""
    libs = "".join(f'<library name={quoteattr(path)}><segment address="0x{base:x}"/></library>'
                   for path, base, _ in modules)
    return f'<library-list version="1.0">{libs}</library-list>'


def libraries_svr4_xml(modules: list[tuple[str, int, int]]) -> str:
    """qXfer:libraries-svr4:read: a Linux-style link map of (ELF path, load bias, address
    of .dynamic); gdb checks l_ld against the file's .dynamic to confirm l_addr."""
    libs = "".join(f'<library name={quoteattr(path)} lm="0x{i + 1:x}" l_addr="0x{base:x}" '
                   f'l_ld="0x{dynamic:x}" lmid="0x0"/>'
                   for i, (path, base, dynamic) in enumerate(modules))
    return f'<library-list-svr4 version="1.0">{libs}</library-list-svr4>'
