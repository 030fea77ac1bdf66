"""The pseudo-TA framework: a PTA is a small Python class with a UUID and commands.

Upstream, a pseudo-TA is kernel code registered with ``pseudo_ta_register()``
(core/kernel/pseudo_ta.c). It is opened like any TA, by a TA (syscalls 5-7) or by a
normal-world client, and it works on its caller's parameters directly: a TA caller's
memrefs are addresses in that TA's address space ("the pseudo TA borrows the mapping of
the calling TA"), a client's are its shared memory. ``PtaMemref`` hides the two.

A PTA sees who calls (``PtaCaller``: the calling TA instance, or the normal world) and
the TEE services it needs (``PtaEnv``), never the runtime itself.
"""
from __future__ import annotations

import uuid as _uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..abi.params import MEMREF_TYPES, TEE_NUM_PARAMS, param_type_get
from ..abi.props import TEE_MEMORY_ACCESS_SECURE
from ..abi.pta import PTA_DEFAULT_FLAGS
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_NOT_IMPLEMENTED,
    TEE_SUCCESS,
)
from ..core.memory import AddressSpace
from ..gp_api.access import vm_check_access_rights
from ..gp_api.context import TeeServices
from ..platform import Platform


class PtaMemref(ABC):
    """A memref parameter as a PTA sees it: an address and a size, readable and writable
    with the checks of copy_from_user/copy_to_user. ``buffer`` is 0 for a NULL memref
    (upstream gives a PTA NULL for every memref of size 0)."""

    buffer: int = 0
    size: int = 0
    #: Secure-world memory (a TA's), as opposed to normal-world shared memory.
    secure: bool = True

    @abstractmethod
    def read(self, size: int | None = None, offset: int = 0) -> bytes:
        """copy_from_user(): raises GuestMemoryError or ValueError outside the memref."""

    @abstractmethod
    def write(self, data: bytes | bytearray, offset: int = 0) -> None:
        """copy_to_user(): raises GuestMemoryError or ValueError outside the memref."""

    @abstractmethod
    def check_access(self, flags: int, size: int | None = None) -> int:
        """vm_check_access_rights() on the buffer (TEE_SUCCESS or ACCESS_DENIED)."""


class UserMemref(PtaMemref):
    """A memref of a TA caller: an address range in the calling TA's address space."""

    def __init__(self, mem: AddressSpace, buffer: int, size: int) -> None:
        self.mem, self.buffer, self.size = mem, buffer, size
        region = mem.region_at(buffer) if buffer else None
        self.secure = region.secure if region is not None else True

    def read(self, size: int | None = None, offset: int = 0) -> bytes:
        n = self.size if size is None else size
        return self.mem.read(self.buffer + offset, n)

    def write(self, data: bytes | bytearray, offset: int = 0) -> None:
        self.mem.write(self.buffer + offset, bytes(data))

    def check_access(self, flags: int, size: int | None = None) -> int:
        return vm_check_access_rights(self.mem, flags, self.buffer,
                                      self.size if size is None else size)


class BufferMemref(PtaMemref):
    """A memref of a normal-world client: a window of its shared memory (non-secure)."""

    def __init__(self, buf: Any, offset: int, size: int, *, secure: bool = False) -> None:
        self.buf, self.offset, self.size, self.secure = buf, offset, size, secure
        self.buffer = 1 if size else 0  # any non-NULL marker: the PTA only tests for NULL
        self.limit = min(offset + size, len(buf))

    def read(self, size: int | None = None, offset: int = 0) -> bytes:
        n = self.size if size is None else size
        start = self.offset + offset
        if offset < 0 or n < 0 or start + n > self.limit:
            raise ValueError("read outside the memref")
        return bytes(self.buf[start:start + n])

    def write(self, data: bytes | bytearray, offset: int = 0) -> None:
        start = self.offset + offset
        if offset < 0 or start + len(data) > self.limit:
            raise ValueError("write outside the memref")
        self.buf[start:start + len(data)] = bytes(data)

    def check_access(self, flags: int, size: int | None = None) -> int:
        if flags & TEE_MEMORY_ACCESS_SECURE and not self.secure:
            return TEE_ERROR_ACCESS_DENIED
        return TEE_SUCCESS


@dataclass
class PtaParam:
    """One TEE_Param as a PTA gets it: values a, b; memrefs in ``mem`` (None: NULL)."""

    type: int = 0
    a: int = 0
    b: int = 0
    mem: PtaMemref | None = None

    @property
    def size(self) -> int:
        return self.mem.size if self.mem is not None else self.b

    @size.setter
    def size(self, value: int) -> None:
        if self.mem is not None:
            self.mem.size = value
        else:
            self.b = value

    @property
    def buffer(self) -> int:
        return self.mem.buffer if self.mem is not None else 0


def param_types_of(params: list[PtaParam]) -> int:
    types = 0
    for i, p in enumerate(params[:TEE_NUM_PARAMS]):
        types |= (p.type & 0xF) << (4 * i)
    return types


def is_memref(types: int, i: int) -> bool:
    return param_type_get(types, i) in MEMREF_TYPES


class PtaCaller(Protocol):
    """Who opened the session: a TA instance (``uuid`` set) or the normal world."""

    @property
    def uuid(self) -> _uuid.UUID | None:
        """The calling TA's UUID, or None for a normal-world client."""

    @property
    def mem(self) -> AddressSpace | None:
        """The calling TA's address space (None for the normal world)."""

    @property
    def instance_id(self) -> int:
        """A number naming the calling TA instance (sockets are kept per instance)."""

    def dlopen(self, library: _uuid.UUID, flags: int) -> int:
        """ldelf_dlopen(): map a TA library (and what it needs) into the caller."""

    def dlsym(self, library: _uuid.UUID | None, name: str) -> tuple[int, int]:
        """ldelf_dlsym(): (result, address); library None searches the whole TA."""

    def measured_regions(self) -> list[bytes]:
        """The contents of the caller's read-only code and data mappings (attestation)."""

    def map_zi(self, size: int, shareable: bool, va: int, pad_begin: int,
               pad_end: int) -> tuple[int, int]:
        """vm_map_pad() of zero-initialized read-write memory: (result, address)."""

    def unmap(self, va: int, size: int) -> int:
        """vm_unmap() of a range a TA may unmap (page aligned)."""


@dataclass
class PtaEnv:
    """The TEE services a PTA may use."""

    platform: Platform
    services: TeeServices
    #: The signed header's SHA-256 of a TA or TA library by UUID (None: no such binary).
    ta_digest: Callable[[_uuid.UUID], bytes | None] = field(default=lambda _u: None)


class PseudoTa:
    """Base class of PTAs: override the entry points a PTA implements.

    ``open_session`` returns (result, session context); ``invoke`` gets that context.
    Parameters are four ``PtaParam``; a PTA changes values and memref sizes in place, and
    the framework copies them back as pseudo_ta.c's update_out_param() does.
    """

    uuid: ClassVar[_uuid.UUID]
    name: ClassVar[str]
    flags: ClassVar[int] = PTA_DEFAULT_FLAGS

    def __init__(self, env: PtaEnv) -> None:
        self.env = env

    def open_session(self, caller: PtaCaller, types: int,
                     params: list[PtaParam]) -> tuple[int, object]:
        return TEE_SUCCESS, None

    def invoke(self, session: object, caller: PtaCaller, cmd: int, types: int,
               params: list[PtaParam]) -> int:
        return TEE_ERROR_NOT_IMPLEMENTED

    def close_session(self, session: object, caller: PtaCaller) -> None:
        return None


#: Every PTA class by UUID (upstream: the pseudo_tas scattered array).
REGISTRY: dict[_uuid.UUID, type[PseudoTa]] = {}


def register(cls: type[PseudoTa]) -> type[PseudoTa]:
    """Class decorator: make a PTA openable by its UUID."""
    if cls.uuid in REGISTRY:
        raise ValueError(f"PTA {cls.uuid} registered twice")
    REGISTRY[cls.uuid] = cls
    return cls


def find(uuid: _uuid.UUID) -> type[PseudoTa] | None:
    return REGISTRY.get(uuid)
