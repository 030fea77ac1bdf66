"""Just enough AArch64 decoding for tracing: call sites and a short disassembly.

``return_sites`` finds every ``bl``/``blr`` (and the pointer-authenticating ``blraa``
family) in a code range: the instruction after each is where a traced call returns.
``disassemble`` uses Capstone when it is installed and otherwise names the branch,
system-call and return instructions that matter for reading a trace.
"""
from __future__ import annotations

from collections.abc import Iterator

try:  # optional: a full disassembler when available
    import capstone as _cs  # type: ignore[import-not-found]
    _CS = _cs.Cs(_cs.CS_ARCH_ARM64, _cs.CS_MODE_ARM)
except Exception:  # noqa: BLE001 - absent or unusable: fall back to the small decoder
    _CS = None


def _sext(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def return_sites(code: bytes, base: int) -> Iterator[tuple[int, int | None]]:
    """(return address, call target or None for an indirect call) for each call in code."""
    for off in range(0, len(code) - 3, 4):
        word = int.from_bytes(code[off:off + 4], "little")
        if word & 0xFC000000 == 0x94000000:  # bl imm26
            yield base + off + 4, base + off + _sext(word & 0x3FFFFFF, 26) * 4
        elif word & 0xFFFFFC1F == 0xD63F0000 or word & 0xFEFFF800 == 0xD63F0800:  # blr, blra*
            yield base + off + 4, None


def has_tail_call(code: bytes, base: int) -> bool:
    """Whether a function's code leaves it by a plain branch (a tail call): ``b`` to an
    address outside it, or ``br``."""
    end = base + len(code)
    for off in range(0, len(code) - 3, 4):
        word = int.from_bytes(code[off:off + 4], "little")
        if word & 0xFC000000 == 0x14000000:
            target = base + off + _sext(word & 0x3FFFFFF, 26) * 4
            if not base <= target < end:
                return True
        elif word & 0xFFFFFC1F == 0xD61F0000:
            return True
    return False


def disassemble(raw: bytes, address: int) -> str:
    """One instruction as text."""
    if _CS is not None:
        for insn in _CS.disasm(raw, address):
            return f"{insn.mnemonic} {insn.op_str}".strip()
    word = int.from_bytes(raw, "little")
    if word & 0xFC000000 == 0x94000000:
        return f"bl 0x{address + _sext(word & 0x3FFFFFF, 26) * 4:x}"
    if word & 0xFC000000 == 0x14000000:
        return f"b 0x{address + _sext(word & 0x3FFFFFF, 26) * 4:x}"
    if word & 0xFF000010 == 0x54000000:
        return f"b.cond 0x{address + _sext((word >> 5) & 0x7FFFF, 19) * 4:x}"
    if word & 0x7E000000 == 0x34000000:
        op = "cbnz" if word & 0x01000000 else "cbz"
        return f"{op} x{word & 31}, 0x{address + _sext((word >> 5) & 0x7FFFF, 19) * 4:x}"
    if word & 0xFFFFFC1F == 0xD63F0000:
        return f"blr x{(word >> 5) & 31}"
    if word & 0xFFFFFC1F == 0xD61F0000:
        return f"br x{(word >> 5) & 31}"
    if word & 0xFFFFFC1F == 0xD65F0000:
        return "ret" if (word >> 5) & 31 == 30 else f"ret x{(word >> 5) & 31}"
    if word & 0xFFE0001F == 0xD4000001:
        return f"svc #0x{(word >> 5) & 0xFFFF:x}"
    if word == 0xD503201F:
        return "nop"
    return f".inst 0x{word:08x}"
