"""GP operation parameters: client-side values, shared memory, and their mapping into a TA.

Memref buffers live in ``SharedMemory`` objects backed by page-aligned host memory, which
is mapped straight into the TA (no copy), as OP-TEE maps the client's pages. Memrefs into
the same SharedMemory share one mapping, as upstream's vm_map_param merges them, so
two partial memrefs of one buffer see the same bytes at consistent addresses.
"""
from __future__ import annotations

import mmap
from dataclasses import dataclass, field

from ..abi.params import (MEMREF_TYPES, OUTPUT_TYPES, TEE_NUM_PARAMS, TEE_PARAM_TYPE_MEMREF_INOUT,
                          TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
                          TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_VALUE_INOUT,
                          TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_OUTPUT, UTEE_PARAMS,
                          VALUE_TYPES, param_type_get)
from ..core.memory import PAGE_SIZE, PROT_READ, PROT_WRITE, AddressSpace, Region, page_down, page_up

MASK64 = (1 << 64) - 1


class SharedMemory:
    """A buffer shared between a client and TAs: page-aligned, zero-filled, fixed size."""

    def __init__(self, size: int, *, buf: mmap.mmap | None = None, secure: bool = False) -> None:
        if size < 0:
            raise ValueError("negative shared memory size")
        self.size = size
        self.buf = buf if buf is not None else mmap.mmap(-1, page_up(max(size, 1)))
        #: Memory of the secure world (a TA's buffer passed to another TA) or not.
        self.secure = secure

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview, size: int | None = None) -> "SharedMemory":
        shm = cls(len(data) if size is None else size)
        shm.buf[: len(data)] = bytes(data)
        return shm

    def read(self, offset: int = 0, size: int | None = None) -> bytes:
        end = self.size if size is None else offset + size
        return bytes(self.buf[offset:min(end, self.size)])

    def write(self, data: bytes | bytearray | memoryview, offset: int = 0) -> None:
        if offset + len(data) > self.size:
            raise ValueError("write past the end of the shared memory")
        self.buf[offset:offset + len(data)] = bytes(data)


@dataclass
class Param:
    """One GP parameter as the client sees it (TEE_Param with TEE_PARAM_TYPE_*)."""

    type: int = TEE_PARAM_TYPE_NONE
    a: int = 0
    b: int = 0
    shm: SharedMemory | None = None  # None with a memref type: a NULL buffer
    offset: int = 0
    size: int = 0

    @classmethod
    def none(cls) -> "Param":
        return cls()

    @classmethod
    def value_in(cls, a: int, b: int = 0) -> "Param":
        return cls(TEE_PARAM_TYPE_VALUE_INPUT, a, b)

    @classmethod
    def value_out(cls) -> "Param":
        return cls(TEE_PARAM_TYPE_VALUE_OUTPUT)

    @classmethod
    def value_inout(cls, a: int, b: int = 0) -> "Param":
        return cls(TEE_PARAM_TYPE_VALUE_INOUT, a, b)

    @classmethod
    def memref_in(cls, data: bytes) -> "Param":
        return cls(TEE_PARAM_TYPE_MEMREF_INPUT, shm=SharedMemory.from_bytes(data), size=len(data))

    @classmethod
    def memref_out(cls, size: int) -> "Param":
        return cls(TEE_PARAM_TYPE_MEMREF_OUTPUT, shm=SharedMemory(size), size=size)

    @classmethod
    def memref_inout(cls, data: bytes, size: int | None = None) -> "Param":
        size = len(data) if size is None else size
        return cls(TEE_PARAM_TYPE_MEMREF_INOUT, shm=SharedMemory.from_bytes(data, size), size=size)

    @classmethod
    def memref_null(cls, type: int = TEE_PARAM_TYPE_MEMREF_OUTPUT, size: int = 0) -> "Param":  # noqa: A002
        return cls(type, shm=None, size=size)

    @property
    def is_value(self) -> bool:
        return self.type in VALUE_TYPES

    @property
    def is_memref(self) -> bool:
        return self.type in MEMREF_TYPES

    def data(self) -> bytes:
        """The memref's bytes, up to its (possibly updated) size within the buffer."""
        if self.shm is None:
            return b""
        return self.shm.read(self.offset, min(self.size, self.shm.size - self.offset))


def pack_types(params: list[Param]) -> int:
    types = 0
    for i, p in enumerate(params[:TEE_NUM_PARAMS]):
        types |= (p.type & 0xF) << (4 * i)
    return types


def normalize(params: list[Param] | None) -> list[Param]:
    params = list(params or [])
    if len(params) > TEE_NUM_PARAMS:
        raise ValueError("at most four parameters")
    return params + [Param() for _ in range(TEE_NUM_PARAMS - len(params))]


@dataclass
class MappedParams:
    """The TA-side view of one operation's parameters while an entry runs."""

    types: int
    vals: list[int]
    regions: list[Region] = field(default_factory=list)


def map_params(mem: AddressSpace, params: list[Param], lo: int, hi: int) -> MappedParams:
    """Map memref buffers into [lo, hi) (user read-write, shared) and build utee_params values.

    Raises ValueError for a memref that lies outside its shared memory.
    """
    vals = [0] * (2 * TEE_NUM_PARAMS)
    spans: dict[int, tuple[SharedMemory, int, int]] = {}  # id(shm) -> (shm, start, end)
    for i, p in enumerate(params):
        if p.is_memref and p.shm is not None:
            if p.offset < 0 or p.size < 0 or p.offset + p.size > p.shm.size:
                raise ValueError(f"parameter {i}: memref [{p.offset}, +{p.size}) outside its buffer")
            start = page_down(p.offset)
            end = max(page_up(p.offset + p.size), start + PAGE_SIZE)
            old = spans.get(id(p.shm))
            if old:
                start, end = min(start, old[1]), max(end, old[2])
            spans[id(p.shm)] = (p.shm, start, end)
    mapped = MappedParams(pack_types(params), vals)
    bases: dict[int, tuple[int, int]] = {}
    try:
        for key, (shm, start, end) in spans.items():
            addr = mem.previous_place(shm.buf, start, end - start, lo, hi)
            region = mem.map(addr, end - start, PROT_READ | PROT_WRITE, "[param]", shared=True,
                             secure=shm.secure, buf=shm.buf, buf_offset=start)
            mapped.regions.append(region)
            bases[key] = (addr, start)
    except BaseException:
        unmap_params(mem, mapped)
        raise
    for i, p in enumerate(params):
        if p.is_memref:
            if p.shm is None:
                vals[2 * i], vals[2 * i + 1] = 0, p.size
            else:
                addr, start = bases[id(p.shm)]
                vals[2 * i], vals[2 * i + 1] = addr + p.offset - start, p.size
        elif p.type in (TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_INOUT):
            vals[2 * i], vals[2 * i + 1] = p.a & 0xFFFFFFFF, p.b & 0xFFFFFFFF
    return mapped


def unmap_params(mem: AddressSpace, mapped: MappedParams) -> None:
    for region in mapped.regions:
        mem.unmap(region)
    mapped.regions.clear()


def pack_utee_params(mapped: MappedParams) -> bytes:
    return UTEE_PARAMS.pack(mapped.types, *mapped.vals)


def has_outputs(types: int) -> bool:
    return any(param_type_get(types, i) in OUTPUT_TYPES for i in range(TEE_NUM_PARAMS))


def update_from_utee_params(params: list[Param], raw: bytes) -> None:
    """update_from_utee_param(): output values and memref sizes as the TA left them.

    Types come from the operation, not from what the TA wrote; values are truncated to 32
    bits and sizes to the kernel's size_t, as upstream stores them.
    """
    _, *vals = UTEE_PARAMS.unpack(raw)
    for i, p in enumerate(params):
        t = p.type
        if t in (TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT):
            p.size = vals[2 * i + 1] & MASK64
        elif t in (TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT):
            p.a = vals[2 * i] & 0xFFFFFFFF
            p.b = vals[2 * i + 1] & 0xFFFFFFFF
