"""A native basic-block counter for coverage: a few bytes of machine code, no compiler.

Unicorn calls a block hook on every translated block it runs. A Python callback costs
13-52x (unicorn-hot-path.md); a C callback about 1.0x. We need no compiler for one: the
callback is ten instructions, kept here as bytes for the two hosts we support, with the
assembler source beside them (``tests/tools/test_blockcount.py`` re-assembles the source
with the system toolchains and requires the same bytes). On any other host the caller
falls back to a Python block hook.

The callback, ``void cov_block(uc_engine *uc, uint64_t address, uint32_t size, struct
counter *c)``, adds one to the slot of ``address`` and records the block's size::

    struct counter { uint64_t base; uint64_t limit; struct { uint32_t count, size; } *slots; };
    off = address - base;  if (off < limit) { slots[off >> 2].count++; slots[off >> 2].size = size; }

One slot per possible instruction (4 bytes of code), so a 1 MiB text needs 2 MiB of slots.
"""
from __future__ import annotations

import ctypes
import mmap
import platform
from collections.abc import Iterator

#: x86-64 SysV (rdi=uc, rsi=address, edx=size, rcx=counter); source: X86_64_SOURCE.
X86_64_CODE = bytes.fromhex("4889f0482b01483b4108731248c1e8024c8b4110418304c001418954c004c3")
X86_64_SOURCE = """\
    .text
    .globl cov_block
cov_block:
    mov  %rsi, %rax
    sub  (%rcx), %rax
    cmp  8(%rcx), %rax
    jae  1f
    shr  $2, %rax
    mov  16(%rcx), %r8
    addl $1, (%r8,%rax,8)
    mov  %edx, 4(%r8,%rax,8)
1:  ret
"""
#: AArch64 AAPCS64 (x0=uc, x1=address, w2=size, x3=counter); source: AARCH64_SOURCE.
AARCH64_CODE = bytes.fromhex(
    "682440a9280008cb1f0109ebe2000054690840f908fd42d3290d088b2a0140b94a0500112a090029c0035fd6")
AARCH64_SOURCE = """\
    .text
    .globl cov_block
cov_block:
    ldp  x8, x9, [x3]
    sub  x8, x1, x8
    cmp  x8, x9
    b.hs 1f
    ldr  x9, [x3, #16]
    lsr  x8, x8, #2
    add  x9, x9, x8, lsl #3
    ldr  w10, [x9]
    add  w10, w10, #1
    stp  w10, w2, [x9]
1:  ret
"""
_CODE = {"x86_64": X86_64_CODE, "amd64": X86_64_CODE, "aarch64": AARCH64_CODE, "arm64": AARCH64_CODE}

_callback: int | None = None
_page: mmap.mmap | None = None


class _Counter(ctypes.Structure):
    _fields_ = [("base", ctypes.c_uint64), ("limit", ctypes.c_uint64), ("slots", ctypes.c_void_p)]


def native_callback() -> int | None:
    """Address of the native callback for this host, or None (unsupported host, or the
    system refuses executable anonymous memory)."""
    global _callback, _page
    if _callback is not None:
        return _callback
    code = _CODE.get(platform.machine().lower())
    if code is None:
        return None
    try:
        page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
        page.write(code)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mprotect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
        if libc.mprotect(ctypes.c_void_p(addr), mmap.PAGESIZE, mmap.PROT_READ | mmap.PROT_EXEC) != 0:
            return None
    except (OSError, AttributeError, ValueError):
        return None
    _page, _callback = page, addr  # the page stays mapped for the life of the process
    return addr


def slot_array(size: int, buffer: object = None, offset: int = 0) -> ctypes.Array[ctypes.c_uint32]:
    """Zeroed counter slots for size bytes of code: in new memory, or in a writable
    buffer (e.g. an mmap) at offset."""
    kind = ctypes.c_uint32 * (2 * ((size + 3) // 4))
    return kind() if buffer is None else kind.from_buffer(buffer, offset)  # type: ignore[arg-type]


def slot_bytes(size: int) -> int:
    """Bytes of counter slots for size bytes of code."""
    return 8 * ((size + 3) // 4)


class BlockCounts:
    """Per-instruction-slot block counts for one address range [base, base + size)."""

    def __init__(self, base: int, size: int, slots: ctypes.Array[ctypes.c_uint32] | None = None) -> None:
        """slots: where to count (two uint32 per 4 bytes of code, see ``slot_array``);
        several counters may share one, e.g. instances of a module at different bases,
        or memory that outlives the process (a shared file mapping)."""
        self.base = base
        self.size = size
        n = (size + 3) // 4
        if slots is None:
            slots = slot_array(size)
        elif len(slots) < 2 * n:
            raise ValueError(f"{len(slots)} slots for {size} bytes of code")
        self.slots = slots
        self.counter = _Counter(base, size, ctypes.addressof(self.slots))

    @property
    def user_data(self) -> int:
        return ctypes.addressof(self.counter)

    def record(self, address: int, size: int) -> None:
        """The same as the native callback, for the Python fallback."""
        off = address - self.base
        if 0 <= off < self.size:
            i = 2 * (off >> 2)
            self.slots[i] += 1
            self.slots[i + 1] = size

    def blocks(self) -> Iterator[tuple[int, int, int]]:
        """(offset from base, block size in bytes, times run) of every block that ran."""
        counts = memoryview(self.slots).cast("B").cast("I")[0::2].tolist()
        sizes = memoryview(self.slots).cast("B").cast("I")[1::2].tolist()
        for i, count in enumerate(counts):
            if count:
                yield i * 4, sizes[i], count
