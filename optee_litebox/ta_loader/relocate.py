"""Apply a LoadPlan's relocations for a given load base.

One handler per relocation type, in :data:`RELOC_HANDLERS`; each returns the 64-bit value
to store at ``base + rel.offset``. Symbol lookup order is the caller's business: ``resolve``
gets a symbol name and returns an absolute address or None. Upstream's ldelf searches every
loaded module, the main TA first and then its dependencies breadth-first, including the
module being relocated, so a runtime's resolve should do the same.

Semantics (ldelf/ta_elf_rel.c, e64_relocate), with S the symbol address and A the addend:

* R_AARCH64_RELATIVE: base + A.
* R_AARCH64_ABS64: if this module defines the symbol, base + value + A, without a global
  lookup (as ldelf); otherwise S + A from ``resolve``.
* R_AARCH64_GLOB_DAT, R_AARCH64_JUMP_SLOT: S + A from ``resolve`` (so a definition in an
  earlier module interposes); if ``resolve`` has no answer and this module defines the
  symbol, base + value + A.
* An unresolved weak undefined symbol gives 0, as in ldelf. Any other unresolved symbol
  raises LoaderError naming the symbol and the module.

Difference from upstream: ldelf stores S without the addend for symbol lookups (GLOB_DAT,
JUMP_SLOT, external ABS64). The AArch64 ELF ABI says S + A; linkers emit A = 0 for GLOB_DAT
and JUMP_SLOT, and none of the 38 upstream-built TAs has a non-zero addend on a symbolic
relocation, so both agree on every real TA.
"""
from __future__ import annotations

import bisect
import struct
from collections.abc import Callable

from ..errors import LoaderError
from .elf import reloc_name
from .plan import (
    R_AARCH64_ABS64,
    R_AARCH64_GLOB_DAT,
    R_AARCH64_JUMP_SLOT,
    R_AARCH64_RELATIVE,
    LoadPlan,
    Relocation,
)

MASK64 = (1 << 64) - 1
Resolver = Callable[[str], "int | None"]
Handler = Callable[[Relocation, int, Resolver, str], int]
_U64 = struct.Struct("<Q")


def _lookup(rel: Relocation, base: int, resolve: Resolver, module: str) -> int:
    value = resolve(rel.symbol)
    if value is not None:
        return value + rel.addend
    if rel.sym_value is not None:
        return base + rel.sym_value + rel.addend
    if rel.weak:
        return 0
    raise LoaderError(f"{module}: symbol {rel.symbol!r} not found "
                      f"({reloc_name(rel.type)} at 0x{rel.offset:x})")


def _relative(rel: Relocation, base: int, resolve: Resolver, module: str) -> int:
    return base + rel.addend


def _abs64(rel: Relocation, base: int, resolve: Resolver, module: str) -> int:
    if rel.sym_value is not None:
        return base + rel.sym_value + rel.addend
    return _lookup(rel, base, resolve, module)


#: Relocation type -> handler computing the value to store.
RELOC_HANDLERS: dict[int, Handler] = {
    R_AARCH64_RELATIVE: _relative,
    R_AARCH64_ABS64: _abs64,
    R_AARCH64_GLOB_DAT: _lookup,
    R_AARCH64_JUMP_SLOT: _lookup,
}


def _handler(rel: Relocation, module: str) -> Handler:
    handler = RELOC_HANDLERS.get(rel.type)
    if handler is None:
        raise LoaderError(f"{module}: unsupported relocation {reloc_name(rel.type)} "
                          f"at 0x{rel.offset:x}")
    return handler


def relocation_values(plan: LoadPlan, base: int, resolve: Resolver) -> list[tuple[int, int]]:
    """(link-time offset, value) for every relocation of ``plan`` loaded at ``base``."""
    out = []
    name = plan.name
    for rel in plan.relocations:
        if rel.type == R_AARCH64_RELATIVE:
            out.append((rel.offset, (base + rel.addend) & MASK64))
        else:
            out.append((rel.offset, _handler(rel, name)(rel, base, resolve, name) & MASK64))
    return out


def apply_relocations(plan: LoadPlan, base: int, write_u64: Callable[[int, int], None],
                      resolve: Resolver) -> None:
    """Compute every relocation and store it with ``write_u64(absolute address, value)``.

    All values are computed (and all symbols resolved) before the first write, so a
    missing symbol leaves guest memory untouched.
    """
    for offset, value in relocation_values(plan, base, resolve):
        write_u64(base + offset, value)


def relocated_image(plan: LoadPlan, base: int, resolve: Resolver) -> dict[int, bytearray]:
    """Segment index -> segment bytes with every relocation applied for ``base``.

    Each bytearray starts at the segment's vaddr and holds its file bytes, extended with
    zeros when a relocation lands past them; the rest of memsz is zero. Patch once in
    Python, then copy each into guest memory in one write.
    """
    images = {i: bytearray(seg.data) for i, seg in enumerate(plan.segments)}
    starts = [seg.vaddr for seg in plan.segments]
    pack = _U64.pack_into
    for offset, value in relocation_values(plan, base, resolve):
        i = bisect.bisect_right(starts, offset) - 1
        seg = plan.segments[i] if i >= 0 else None
        if seg is None or offset + 8 > seg.vaddr + seg.memsz:
            raise LoaderError(f"{plan.name}: relocation at 0x{offset:x} is outside every segment")
        buf = images[i]
        at = offset - seg.vaddr
        if at + 8 > len(buf):
            buf.extend(bytes(at + 8 - len(buf)))
        pack(buf, at, value)
    return images


def no_symbols(name: str) -> int | None:
    """A resolver that knows no symbols (a module alone: only its own definitions count)."""
    return None
