"""A TA's address space: regions of host memory and checked guest-memory access.

Pure Python (no engine import), so syscall handlers can be unit-tested against an
AddressSpace with no CPU behind it. The engine subscribes to map/unmap/protect changes
and mirrors them into Unicorn, pointing the guest at the very same host buffers, so a
copy-in or copy-out here is a slice of a memoryview, never an engine call.
"""
from __future__ import annotations

import bisect
import mmap
import struct
from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..errors import GuestMemoryError

PAGE_SIZE = 0x1000
PAGE_MASK = PAGE_SIZE - 1

PROT_NONE = 0
PROT_READ = 1
PROT_WRITE = 2
PROT_EXEC = 4

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


def page_down(addr: int) -> int:
    return addr & ~PAGE_MASK


def page_up(addr: int) -> int:
    return (addr + PAGE_MASK) & ~PAGE_MASK


def prot_str(prot: int) -> str:
    return ("r" if prot & PROT_READ else "-") + ("w" if prot & PROT_WRITE else "-") + (
        "x" if prot & PROT_EXEC else "-")


@dataclass(eq=False)
class Region:
    """A page-aligned range of guest addresses backed by one host buffer."""

    start: int
    size: int
    prot: int
    name: str
    buf: mmap.mmap = field(repr=False)
    #: TA memory (image, stack, heap) as opposed to runtime-owned pages such as the exit stub.
    user: bool = True
    #: Not private to the TA (memref parameters, upstream VM_FLAGS_NONPRIV): checks
    #: without TEE_MEMORY_ACCESS_ANY_OWNER refuse it.
    shared: bool = False
    #: Secure-world memory (TA memory, TA-to-TA buffers) versus normal-world shared memory.
    secure: bool = True
    #: Page protections when they differ inside the region (e.g. RELRO); page index -> prot.
    page_prot: dict[int, int] | None = field(default=None, repr=False)
    #: Where the region starts inside buf (page aligned), for views into shared buffers.
    buf_offset: int = 0

    def __post_init__(self) -> None:
        self.view = memoryview(self.buf)[self.buf_offset:self.buf_offset + self.size]

    @property
    def end(self) -> int:
        return self.start + self.size

    def prot_at(self, addr: int) -> int:
        if self.page_prot is not None:
            return self.page_prot.get((addr - self.start) >> 12, self.prot)
        return self.prot


class AddressSpace:
    """Sorted, non-overlapping regions with checked copy-in/copy-out helpers."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._regions: list[Region] = []
        #: Observers (the engine): called after a region is added, removed or re-protected.
        self.on_map: Callable[[Region], None] | None = None
        self.on_unmap: Callable[[Region], None] | None = None
        self.on_protect: Callable[[Region, int, int], None] | None = None
        #: Ranges free for the address space but better left alone (see find_free).
        self.reserved: Callable[[], list[tuple[int, int]]] | None = None
        #: Where the observer still holds (buf, offset, size) from an earlier mapping, if
        #: anywhere: mapping it there again is free (see map_at_previous).
        self.previous: Callable[[mmap.mmap, int, int], int | None] | None = None

    # -- layout ---------------------------------------------------------------------------

    def map(self, start: int, size: int, prot: int, name: str, *, data: bytes | None = None,
            user: bool = True, shared: bool = False, secure: bool = True,
            buf: mmap.mmap | None = None, buf_offset: int = 0) -> Region:
        """Map size bytes (rounded up to pages) at page-aligned start, zero-filled."""
        if start & PAGE_MASK:
            raise ValueError(f"{name}: start 0x{start:x} is not page aligned")
        size = page_up(max(size, 1))
        if self.overlaps(start, size):
            raise ValueError(f"{name}: [0x{start:x}, 0x{start + size:x}) overlaps a mapping")
        if buf is None:
            buf = mmap.mmap(-1, size)
        elif buf_offset & PAGE_MASK or len(buf) < buf_offset + size:
            raise ValueError(f"{name}: buffer does not cover the mapping")
        region = Region(start, size, prot, name, buf, user=user, shared=shared, secure=secure,
                        buf_offset=buf_offset)
        if data:
            region.view[: len(data)] = data
        i = bisect.bisect(self._starts, start)
        self._starts.insert(i, start)
        self._regions.insert(i, region)
        if self.on_map:
            self.on_map(region)
        return region

    def unmap(self, region: Region) -> None:
        i = self._regions.index(region)
        del self._starts[i]
        del self._regions[i]
        if self.on_unmap:
            self.on_unmap(region)
        region.view.release()

    def protect(self, start: int, size: int, prot: int) -> None:
        """Change the protection of whole pages inside one region."""
        region = self.region_at(start)
        if region is None or start & PAGE_MASK or start + size > region.end:
            raise ValueError(f"cannot protect [0x{start:x}, 0x{start + size:x})")
        size = page_up(size)
        if start == region.start and size == region.size and region.page_prot is None:
            region.prot = prot
        else:
            if region.page_prot is None:
                region.page_prot = {}
            for page in range((start - region.start) >> 12, (start + size - region.start) >> 12):
                region.page_prot[page] = prot
        if self.on_protect:
            self.on_protect(region, start, size)

    def regions(self) -> Iterator[Region]:
        return iter(list(self._regions))

    def previous_place(self, buf: mmap.mmap, buf_offset: int, size: int, lo: int, hi: int) -> int:
        """An address in [lo, hi) for mapping buf: where it was last time if still free."""
        size = page_up(max(size, 1))
        if self.previous is not None:
            addr = self.previous(buf, buf_offset, size)
            if addr is not None and lo <= addr and addr + size <= hi and not self.overlaps(addr, size):
                return addr
        return self.find_free(size, lo, hi)

    def region_at(self, addr: int) -> Region | None:
        i = bisect.bisect(self._starts, addr) - 1
        if i >= 0:
            region = self._regions[i]
            if addr < region.end:
                return region
        return None

    def overlaps(self, start: int, size: int) -> bool:
        i = bisect.bisect(self._starts, start + size - 1) - 1
        return i >= 0 and self._regions[i].end > start

    def find_free(self, size: int, lo: int, hi: int) -> int:
        """Lowest page-aligned address in [lo, hi) with size free bytes and a free page each side.

        Ranges the observer marks as soft-reserved (``self.reserved()``: the engine's parked
        parameter mappings) are avoided when there is room elsewhere.
        """
        size = page_up(size)
        taken = sorted((r.start, r.end) for r in self._regions)
        soft = sorted(self.reserved()) if self.reserved is not None else []
        for spans in ((sorted(taken + soft) if soft else None), taken):
            if spans is None:
                continue
            addr = page_up(lo)
            for start, end in spans:
                if end + PAGE_SIZE <= addr:
                    continue
                if start >= addr + size + PAGE_SIZE:
                    break
                addr = max(addr, end + PAGE_SIZE)
            if addr + size <= hi:
                return addr
        raise MemoryError(f"no room for 0x{size:x} bytes in [0x{lo:x}, 0x{hi:x})")

    def prot_at(self, addr: int) -> int:
        region = self.region_at(addr)
        return region.prot_at(addr) if region else PROT_NONE

    # -- checked access -------------------------------------------------------------------

    def _span(self, addr: int, size: int, need: int, access: str, private: bool = False) -> Region:
        """The single region holding [addr, addr+size) with `need` protection on every page."""
        if addr < 0 or size < 0 or addr + size > 1 << 64:
            raise GuestMemoryError(addr, size, access)
        region = self.region_at(addr)
        if region is None or addr + size > region.end or not region.user or \
                (private and region.shared):
            raise GuestMemoryError(addr, size, access)
        if region.page_prot is None:
            if region.prot & need != need:
                raise GuestMemoryError(addr, size, access)
        else:
            for page in range(page_down(addr), addr + max(size, 1), PAGE_SIZE):
                if region.prot_at(page) & need != need:
                    raise GuestMemoryError(addr, size, access)
        return region

    def _spans(self, addr: int, size: int, need: int, access: str,
               private: bool = False) -> list[tuple[Region, int, int]]:
        """Split [addr, addr+size) over adjacent regions (e.g. .text followed by .data).

        private=True (upstream's copy_*_user_private) accepts only memory private to the
        TA, which must then lie inside one mapping.
        """
        try:
            region = self._span(addr, size, need, access, private)
            return [(region, addr - region.start, size)]
        except GuestMemoryError:
            if private:
                raise
        out: list[tuple[Region, int, int]] = []
        cur, left = addr, size
        while left > 0:
            region = self.region_at(cur)
            if region is None:
                raise GuestMemoryError(addr, size, access)
            n = min(left, region.end - cur)
            self._span(cur, n, need, access)
            out.append((region, cur - region.start, n))
            cur += n
            left -= n
        return out

    def read(self, addr: int, size: int, *, private: bool = False) -> bytes:
        """Copy size bytes in from TA memory the TA may read (upstream copy_from_user)."""
        if size == 0:
            return b""
        region = self.region_at(addr)
        if region is not None and addr + size <= region.end and region.user and \
                region.page_prot is None and region.prot & PROT_READ and not (private and region.shared):
            off = addr - region.start
            return bytes(region.view[off:off + size])
        return b"".join(bytes(r.view[o:o + n])
                        for r, o, n in self._spans(addr, size, PROT_READ, "read", private))

    def write(self, addr: int, data: bytes | bytearray | memoryview, *, private: bool = False) -> None:
        """Copy data out to TA memory the TA may write (upstream copy_to_user)."""
        size = len(data)
        if size == 0:
            return
        region = self.region_at(addr)
        if region is not None and addr + size <= region.end and region.user and \
                region.page_prot is None and region.prot & PROT_WRITE and not (private and region.shared):
            off = addr - region.start
            region.view[off:off + size] = data
            return
        pos = 0
        for r, o, n in self._spans(addr, size, PROT_WRITE, "write", private):
            r.view[o:o + n] = data[pos:pos + n]
            pos += n

    def view(self, addr: int, size: int, *, write: bool = False) -> memoryview | None:
        """Zero-copy view of [addr, addr+size) for bulk syscall data (crypto updates).

        Only when the whole range lies in one user region whose pages all allow the
        access (read, or write too); read-only unless write=True. None otherwise: the
        caller falls back to read()/write(). Callers check access rights first, as
        upstream does before it touches user memory directly.
        """
        region = self.region_at(addr)
        need = PROT_READ | (PROT_WRITE if write else 0)
        if region is None or size < 0 or addr + size > region.end or not region.user or \
                region.page_prot is not None or region.prot & need != need:
            return None
        off = addr - region.start
        mv = region.view[off:off + size]
        return mv if write else mv.toreadonly()

    def read_u32(self, addr: int) -> int:
        return int(_U32.unpack(self.read(addr, 4))[0])

    def read_u64(self, addr: int) -> int:
        return int(_U64.unpack(self.read(addr, 8))[0])

    def write_u32(self, addr: int, value: int) -> None:
        self.write(addr, _U32.pack(value & 0xFFFFFFFF))

    def write_u64(self, addr: int, value: int) -> None:
        self.write(addr, _U64.pack(value & 0xFFFFFFFFFFFFFFFF))

    def read_cstr(self, addr: int, max_len: int) -> bytes:
        """A NUL-terminated string of at most max_len bytes (without the NUL)."""
        out = bytearray()
        while len(out) < max_len:
            region = self._span(addr + len(out), 1, PROT_READ, "read")
            off = addr + len(out) - region.start
            chunk = bytes(region.view[off:min(region.size, off + max_len - len(out))])
            nul = chunk.find(b"\0")
            if nul >= 0:
                return bytes(out + chunk[:nul])
            out += chunk
        return bytes(out)

    # -- runtime-side access (ignores TA permissions, still bounds-checked) ---------------

    def poke(self, addr: int, data: bytes | bytearray | memoryview) -> None:
        """Write into any mapped memory (loader, parameter set-up), ignoring protection."""
        region = self.region_at(addr)
        if region is None or addr + len(data) > region.end:
            raise GuestMemoryError(addr, len(data), "loader write")
        off = addr - region.start
        region.view[off:off + len(data)] = data

    def peek(self, addr: int, size: int) -> bytes:
        """Read any mapped memory (reports, debugger), ignoring protection."""
        region = self.region_at(addr)
        if region is None or addr + size > region.end:
            raise GuestMemoryError(addr, size, "debug read")
        off = addr - region.start
        return bytes(region.view[off:off + size])
