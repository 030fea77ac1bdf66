"""What ldelf and the system PTA do for a running TA: dlopen, dlsym, and zero-initialized
mappings (PTA_SYSTEM_MAP_ZI / UNMAP).

dlopen follows ldelf's ta_elf_add_library(): the library and its DT_NEEDED libraries
not yet mapped are queued breadth-first after the modules already there, relocated with
symbols looked up in load order over every module (RTLD_GLOBAL), and
``__elf_phdr_info`` is rewritten so that libutee's dlopen() runs the new constructors.
"""
from __future__ import annotations

import mmap
import uuid as _uuid
from collections.abc import Callable

from ..abi.pta import RTLD_GLOBAL, RTLD_NODELETE, RTLD_NOW
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_OUT_OF_MEMORY,
    TEE_ERROR_TARGET_DEAD,
    TEE_SUCCESS,
)
from ..core.memory import (
    PAGE_SIZE,
    PROT_READ,
    PROT_WRITE,
    AddressSpace,
    Region,
    page_up,
)
from ..errors import LoaderError
from ..ta_loader import TaImage
from .image import LoadedModule, map_module, resolver, unmap_module, write_phdr_info
from .symbols import debug_plan

#: Where MAP_ZI puts zero-initialized mappings when the TA does not ask for an address.
ZI_AREA = (0xC00D_0000, 0xF000_0000)
#: Unmapped space between modules (as for DT_NEEDED libraries).
LIBRARY_GAP = 0x10_0000


def dlopen(mem: AddressSpace, modules: list[LoadedModule], library: _uuid.UUID, flags: int,
           find: Callable[[str], TaImage | None], ldelf_area: tuple[int, int],
           phdr_region: Region | None) -> tuple[int, Region | None]:
    """ldelf's dlopen_entry(): returns (result, the new __elf_phdr_info page or the old).

    A library that cannot be found or loaded kills ldelf upstream, which the system PTA
    reports as TEE_ERROR_TARGET_DEAD; the TA itself lives on.
    """
    if flags != RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE:
        return TEE_ERROR_BAD_PARAMETERS, phdr_region
    if library.int == 0 or any(m.uuid == library for m in modules):
        return TEE_SUCCESS, phdr_region
    loaded = {m.uuid for m in modules}
    queue: list[TaImage] = []
    try:
        names = [str(library)]
        while names:
            name = names.pop(0)
            uuid = _uuid.UUID(name)
            if uuid in loaded:
                continue
            image = find(name)
            if image is None:
                raise LoaderError(f"TA library {name} not found")
            loaded.add(uuid)
            queue.append(image)
            names.extend(image.plan.needed)
    except (LoaderError, ValueError):
        return TEE_ERROR_TARGET_DEAD, phdr_region
    base = page_up(modules[-1].end) + LIBRARY_GAP
    new: list[LoadedModule] = []
    for image in queue:
        module = LoadedModule(image.plan, base, debug=debug_plan(image), uuid=image.uuid,
                              image=image)
        new.append(module)
        base = page_up(base + image.plan.image_size) + LIBRARY_GAP
    resolve = resolver(modules + new)
    try:
        for module in new:
            map_module(mem, module, resolve)
    except (LoaderError, ValueError, MemoryError):
        for module in new:
            unmap_module(mem, module)
        return TEE_ERROR_TARGET_DEAD, phdr_region
    modules.extend(new)
    if phdr_region is not None:
        old = phdr_region
        try:
            phdr_region = write_phdr_info(mem, modules, *ldelf_area)
        except (LoaderError, MemoryError):
            return TEE_ERROR_OUT_OF_MEMORY, old
        mem.unmap(old)
    return TEE_SUCCESS, phdr_region


def dlsym(modules: list[LoadedModule], library: _uuid.UUID | None, name: str) -> tuple[int, int]:
    """ldelf's dlsym_entry(): that library first (global, then weak), then every module."""
    order = list(modules)
    if library is not None:
        lib = next((m for m in modules if m.uuid == library), None)
        if lib is None:
            return TEE_ERROR_ITEM_NOT_FOUND, 0
        order = [lib] + order
    addr = resolver(order)(name)
    if addr is None:
        return TEE_ERROR_ITEM_NOT_FOUND, 0
    return TEE_SUCCESS, addr


#: Unmapped zero-initialized buffers kept per size for the next MAP_ZI of that size.
_POOL_PER_SIZE = 4


class ZiMappings:
    """PTA_SYSTEM_MAP_ZI / UNMAP for one TA address space.

    libutee maps and unmaps a temporary buffer around every TA-to-TA call with a private
    memref; a buffer unmapped whole is zeroed and mapped again where it was last time,
    which costs the engine nothing (its mapping is parked, see core.engine).
    """

    def __init__(self, mem: AddressSpace) -> None:
        self.mem = mem
        self.regions: set[Region] = set()
        self._pool: dict[int, list[mmap.mmap]] = {}

    def map_zi(self, size: int, shareable: bool, va: int, pad_begin: int,
               pad_end: int) -> tuple[int, int]:
        """vm_map_pad(): read-write zero pages; shareable ones may be passed to another TA
        (they are not private to this one). va 0: anywhere, else exactly there."""
        size = page_up(size)
        pad_begin, pad_end = page_up(pad_begin), page_up(pad_end)
        if va:
            if va & (PAGE_SIZE - 1) or self.mem.overlaps(va - pad_begin, pad_begin + size + pad_end):
                return TEE_ERROR_BAD_PARAMETERS, 0
        buf = None
        if not va and not pad_begin and not pad_end and self._pool.get(size):
            buf = self._pool[size].pop()
            buf[:] = bytes(size)
            va = self.mem.previous_place(buf, 0, size, *ZI_AREA)
        elif not va:
            try:
                va = self.mem.find_free(pad_begin + size + pad_end, *ZI_AREA) + pad_begin
            except MemoryError:
                return TEE_ERROR_OUT_OF_MEMORY, 0
        region = self.mem.map(va, size, PROT_READ | PROT_WRITE, "[zi]", shared=shareable, buf=buf)
        self.regions.add(region)
        return TEE_SUCCESS, va

    def unmap(self, va: int, size: int) -> int:
        """vm_unmap() of memory MAP_ZI gave: whole mappings, or pieces of one."""
        if not size or (va | size) & (PAGE_SIZE - 1):
            return TEE_ERROR_BAD_PARAMETERS
        region = self.mem.region_at(va)
        if region is None or va + size > region.end:
            return TEE_ERROR_BAD_PARAMETERS
        if region not in self.regions:
            return TEE_ERROR_ACCESS_DENIED  # see docs/deviations.md
        self.regions.discard(region)
        self.mem.unmap(region)
        if va == region.start and size == region.size and not region.buf_offset \
                and len(region.buf) == size:
            pool = self._pool.setdefault(size, [])
            if len(pool) < _POOL_PER_SIZE:
                pool.append(region.buf)
            return TEE_SUCCESS
        for start, end in ((region.start, va), (va + size, region.end)):
            if end > start:
                rest = self.mem.map(start, end - start, region.prot, region.name,
                                    shared=region.shared, buf=region.buf,
                                    buf_offset=region.buf_offset + start - region.start)
                self.regions.add(rest)
        return TEE_SUCCESS

    def clear(self) -> None:
        for region in list(self.regions):
            self.mem.unmap(region)
        self.regions.clear()
