"""The stub's answers to gdb's packets while the TA is stopped.

``handle`` returns the reply payload, or ``RESUME`` for a packet that lets the TA run
(continue, step), whose reply is the next stop. Unknown packets get the empty reply,
which tells gdb the feature is not supported.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.memory import AddressSpace
from . import protocol as rsp

if TYPE_CHECKING:
    from .stub import GdbStub, _Stop

_SUPPORTED = (f"PacketSize={rsp.PACKET_SIZE:x};qXfer:features:read+;qXfer:exec-file:read+;"
              "qXfer:auxv:read+;qXfer:libraries:read+;qXfer:libraries-svr4:read+;vContSupported+")


def read_memory(mem: AddressSpace, addr: int, length: int) -> bytes:
    """As many bytes from addr as are mapped contiguously (gdb accepts a short read)."""
    out = bytearray()
    while len(out) < length:
        region = mem.region_at(addr + len(out))
        if region is None:
            break
        take = min(length - len(out), region.end - (addr + len(out)))
        out += mem.peek(addr + len(out), take)
    return bytes(out)


def write_memory(stop: _Stop, addr: int, data: bytes) -> str:
    mem = stop.debug.instance.mem
    try:
        pos = 0
        while pos < len(data):
            region = mem.region_at(addr + pos)
            if region is None:
                return "E0e"
            take = min(len(data) - pos, region.end - (addr + pos))
            mem.poke(addr + pos, data[pos:pos + take])
            pos += take
    except Exception:  # noqa: BLE001 - a bad address is an error reply, never a crash
        return "E0e"
    stop.debug.ins.invalidate(addr, addr + len(data))  # code may have changed
    return "OK"


def _resume(stub: GdbStub, action: str) -> object:
    from .stub import RESUME

    stub.stepping = action.startswith(("s", "S"))
    return RESUME


def handle(stub: GdbStub, text: str, stop: _Stop) -> object:
    mem = stop.debug.instance.mem
    try:
        if text == "?":
            return rsp.stop_reply(stop.signal)
        if text.startswith("qSupported"):
            return _SUPPORTED
        if text.startswith("qXfer:features:read:target.xml:"):
            return rsp.xfer_chunk(rsp.target_xml(), text.split(":", 4)[4])
        if text.startswith("qXfer:exec-file:read:"):
            return rsp.xfer_chunk(stub.executable()[0], text.split(":", 4)[4])
        if text.startswith("qXfer:auxv:read::"):
            aux = rsp.auxv(stub.executable()[1]).decode("latin-1")
            return rsp.xfer_chunk(aux, text.split(":", 4)[4])
        if text == "qOffsets":  # the main TA is position-independent, loaded at its base
            base = stub.executable()[2]
            return f"Text={base:x};Data={base:x};Bss={base:x}"
        if text.startswith("qXfer:libraries:read::"):
            return rsp.xfer_chunk(rsp.libraries_xml(stub.libraries()), text.split(":", 4)[4])
        if text.startswith("qXfer:libraries-svr4:read::"):
            return rsp.xfer_chunk(rsp.libraries_svr4_xml(stub.libraries()), text.split(":", 4)[4])
        if text.startswith("qXfer:"):
            return "E00"
        if text in ("qfThreadInfo",):
            return "m1"
        if text == "qsThreadInfo":
            return "l"
        if text == "qC":
            return "QC1"
        if text == "qAttached":
            return "1"
        if text.startswith(("H", "T")):
            return "OK"
        if text.startswith("qSymbol"):
            return "OK"
        if text == "vCont?":
            return "vCont;c;C;s;S"
        if text.startswith("vCont;"):
            action = text[6:].split(";")[0].split(":")[0]
            return _resume(stub, action)
        if text[:1] in ("c", "C", "s", "S"):
            return _resume(stub, text[:1])
        if text == "g":
            return rsp.encode_registers(stop.registers())
        if text.startswith("G"):
            for name, value in rsp.decode_registers(text[1:]).items():
                stop.write(name, value)
            return "OK"
        if text.startswith("p"):
            index = int(text[1:], 16)
            if index >= len(rsp.REGISTERS):
                return "E00"
            name, bits = rsp.REGISTERS[index]
            return rsp.hex_le(stop.registers().get(name, 0), bits)
        if text.startswith("P"):
            reg, _, hexval = text[1:].partition("=")
            index = int(reg, 16)
            if index >= len(rsp.REGISTERS):
                return "E00"
            stop.write(rsp.REGISTERS[index][0], rsp.parse_hex_le(hexval))
            return "OK"
        if text.startswith("m"):
            addr, length = rsp.parse_addr_len(text[1:])
            data = read_memory(mem, addr, min(length, rsp.PACKET_SIZE // 2))
            return data.hex() if data else "E0e"
        if text.startswith("M"):
            where, _, hexdata = text[1:].partition(":")
            addr, length = rsp.parse_addr_len(where)
            return write_memory(stop, addr, bytes.fromhex(hexdata)[:length])
        if text.startswith("X"):
            where, _, raw = text[1:].partition(":")
            addr, length = rsp.parse_addr_len(where)
            return write_memory(stop, addr, raw.encode("latin-1")[:length])
        if text[:2] in ("Z0", "Z1", "z0", "z1"):
            insert, _, addr, _ = rsp.parse_breakpoint(text)
            if insert:
                stub.breakpoints.add(addr)
            else:
                stub.breakpoints.discard(addr)
            return "OK"
        if text.startswith("D"):
            stub.detached = True
            return "OK"
        if text == "k" or text.startswith("vKill"):
            stub.detached = True
            return "OK"
    except (ValueError, IndexError):
        return "E01"
    return ""
