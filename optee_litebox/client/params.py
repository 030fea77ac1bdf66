"""TEEC parameters in Python terms and their pre- and post-processing (as libteec does).

``Value``, ``TempMemref`` and ``RegisteredMemref`` mirror TEEC_Value,
TEEC_TempMemoryReference and TEEC_RegisteredMemoryReference; an ``Operation`` holds up
to four of them. ``prepare`` turns an operation into wire form with libteec's checks
(same results, origin API), and ``apply`` writes what came back into the objects, as
libteec's post-processing does.
"""
from __future__ import annotations

import itertools
import mmap
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from ..abi.results import TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_API
from ..errors import TeeError
from . import protocol as p

if TYPE_CHECKING:
    from .api import Session

# TEEC parameter types (tee_client_api.h)
NONE = 0x0
VALUE_INPUT = 0x1
VALUE_OUTPUT = 0x2
VALUE_INOUT = 0x3
MEMREF_TEMP_INPUT = 0x5
MEMREF_TEMP_OUTPUT = 0x6
MEMREF_TEMP_INOUT = 0x7
MEMREF_WHOLE = 0xC
MEMREF_PARTIAL_INPUT = 0xD
MEMREF_PARTIAL_OUTPUT = 0xE
MEMREF_PARTIAL_INOUT = 0xF
#: Shared memory flags.
MEM_INPUT = 0x1
MEM_OUTPUT = 0x2

_TEMP = {MEMREF_TEMP_INPUT: 5, MEMREF_TEMP_OUTPUT: 6, MEMREF_TEMP_INOUT: 7}
_PARTIAL = {MEMREF_PARTIAL_INPUT: (5, MEM_INPUT), MEMREF_PARTIAL_OUTPUT: (6, MEM_OUTPUT),
            MEMREF_PARTIAL_INOUT: (7, MEM_INPUT | MEM_OUTPUT)}
_ids = itertools.count(1)


class TeecError(TeeError):
    """A TEEC call failed: ``result`` (TEEC_ERROR_*) and ``origin`` (TEEC_ORIGIN_*)."""


def bad_parameters(why: str) -> TeecError:
    return TeecError(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_API, why)


class SharedMemory:
    """TEEC_SharedMemory: allocated (a memfd the TA maps directly) or registered (copied)."""

    def __init__(self, size: int, flags: int, *, buffer: object = None, fd: int | None = None) -> None:
        self.size = size
        self.flags = flags
        self.id = next(_ids) & 0x7FFFFFFF
        self.fd = fd
        self._map: mmap.mmap | None = None
        if fd is not None:
            self._map = mmap.mmap(fd, max(size, 8), mmap.MAP_SHARED)
            self.buffer = memoryview(self._map)[:size]
        else:
            self.buffer = memoryview(buffer).cast("B")  # type: ignore[arg-type]
        self.released = False
        #: Called on release (the context tells its sessions to drop the mapping).
        self.on_release: list = []

    @classmethod
    def allocate(cls, size: int, flags: int) -> "SharedMemory":
        fd = os.memfd_create("teec-shm", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        try:
            os.ftruncate(fd, _page_up(max(size, 8)))
            import fcntl
            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW)
            return cls(size, flags, fd=fd)
        except OSError as exc:
            os.close(fd)
            raise TeecError(TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_API, str(exc)) from None

    @property
    def allocated(self) -> bool:
        return self.fd is not None

    def release(self) -> None:
        """TEEC_ReleaseSharedMemory."""
        if self.released:
            return
        self.released = True
        for callback in self.on_release:
            callback(self)
        self.on_release.clear()
        self.buffer.release()
        if self._map is not None:
            self._map.close()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "SharedMemory":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclass
class Value:
    """TEEC_Value with its type (VALUE_INPUT, VALUE_OUTPUT or VALUE_INOUT)."""

    type: int = VALUE_INOUT
    a: int = 0
    b: int = 0

    @classmethod
    def input(cls, a: int, b: int = 0) -> "Value":
        return cls(VALUE_INPUT, a, b)

    @classmethod
    def output(cls) -> "Value":
        return cls(VALUE_OUTPUT)

    @classmethod
    def inout(cls, a: int, b: int = 0) -> "Value":
        return cls(VALUE_INOUT, a, b)


@dataclass
class TempMemref:
    """TEEC_TempMemoryReference: a client buffer (writable for outputs) or None (NULL)."""

    type: int
    buffer: bytearray | memoryview | bytes | None
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = 0 if self.buffer is None else len(memoryview(self.buffer).cast("B"))

    @classmethod
    def input(cls, data: bytes | bytearray | memoryview) -> "TempMemref":
        return cls(MEMREF_TEMP_INPUT, data)

    @classmethod
    def output(cls, size_or_buffer: int | bytearray | memoryview) -> "TempMemref":
        buf = bytearray(size_or_buffer) if isinstance(size_or_buffer, int) else size_or_buffer
        return cls(MEMREF_TEMP_OUTPUT, buf)

    @classmethod
    def inout(cls, data: bytes | bytearray | memoryview) -> "TempMemref":
        return cls(MEMREF_TEMP_INOUT, bytearray(data) if isinstance(data, bytes) else data)

    @classmethod
    def null(cls, type: int = MEMREF_TEMP_OUTPUT) -> "TempMemref":  # noqa: A002
        return cls(type, None, 0)

    @property
    def data(self) -> bytes:
        """The bytes of the buffer up to the (possibly updated) size."""
        if self.buffer is None:
            return b""
        view = memoryview(self.buffer).cast("B")
        return bytes(view[:min(self.size, len(view))])


@dataclass
class RegisteredMemref:
    """TEEC_RegisteredMemoryReference: whole or partial window of a SharedMemory."""

    parent: SharedMemory
    type: int = MEMREF_WHOLE
    offset: int = 0
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = self.parent.size - self.offset

    @classmethod
    def whole(cls, shm: SharedMemory) -> "RegisteredMemref":
        return cls(shm, MEMREF_WHOLE, 0, shm.size)

    @classmethod
    def partial(cls, shm: SharedMemory, type: int, offset: int, size: int) -> "RegisteredMemref":  # noqa: A002
        return cls(shm, type, offset, size)

    @property
    def data(self) -> bytes:
        return bytes(self.parent.buffer[self.offset:self.offset + self.size])


Parameter = Union[Value, TempMemref, RegisteredMemref, None]


@dataclass
class Operation:
    """TEEC_Operation: up to four parameters; updated in place by the call."""

    params: list[Parameter] = field(default_factory=list)
    started: int = 0
    #: The session of the call in progress (for request_cancellation).
    session: "Session | None" = field(default=None, repr=False)

    def __init__(self, *params: Parameter) -> None:
        if len(params) > 4:
            raise ValueError("an operation has at most four parameters")
        self.params = list(params) + [None] * (4 - len(params))
        self.started = 0
        self.session = None

    @property
    def param_types(self) -> int:
        t = 0
        for i, prm in enumerate(self.params):
            t |= (0 if prm is None else prm.type & 0xF) << (4 * i)
        return t


@dataclass
class Prepared:
    """An operation in wire form, with what post-processing needs."""

    op: p.Operation
    fds: list[int]
    #: Per parameter: (buffer start in the client's object, object) for copied memrefs.
    origins: list[tuple[int, object] | None]


def prepare(operation: Operation | None, sent: set[int]) -> Prepared:
    """libteec's teec_pre_process_operation; sent = shm ids this session already holds."""
    if operation is None:
        return Prepared(p.EMPTY_OPERATION, [], [None] * 4)
    params: list[p.WireParam] = []
    buffers: list[p.WireBuffer] = []
    fds: list[int] = []
    origins: list[tuple[int, object] | None] = [None] * 4
    spans: dict[int, tuple[int, int]] = {}  # registered (copied) shm id -> [lo, hi)
    for prm in operation.params:
        if isinstance(prm, RegisteredMemref) and not prm.parent.allocated:
            start, size = _window(prm)
            lo, hi = spans.get(prm.parent.id, (start, start + size))
            spans[prm.parent.id] = (min(lo, start), max(hi, start + size))
    index: dict[int, int] = {}
    for i, prm in enumerate(operation.params):
        if prm is None or (isinstance(prm, Value) and prm.type == NONE):
            params.append(p.NONE_PARAM)
        elif isinstance(prm, Value):
            if prm.type not in (VALUE_INPUT, VALUE_OUTPUT, VALUE_INOUT):
                raise bad_parameters(f"parameter {i}: bad value type {prm.type:#x}")
            params.append(p.WireParam(prm.type, prm.a & 0xFFFFFFFF, prm.b & 0xFFFFFFFF))
        elif isinstance(prm, TempMemref):
            wtype = _TEMP.get(prm.type)
            if wtype is None:
                raise bad_parameters(f"parameter {i}: bad temporary memref type {prm.type:#x}")
            if prm.buffer is None:
                if prm.size:
                    raise bad_parameters(f"parameter {i}: NULL buffer with a size")
                params.append(p.WireParam(wtype, buffer=p.NO_BUFFER))
                continue
            view = memoryview(prm.buffer).cast("B")
            if prm.size > len(view):
                raise bad_parameters(f"parameter {i}: size beyond the buffer")
            data = bytes(view[:prm.size])  # outputs too: the TA sees what the buffer holds
            params.append(p.WireParam(wtype, buffer=len(buffers), size=prm.size))
            buffers.append(p.WireBuffer(p.BUF_INLINE, prm.size, data=data))
            origins[i] = (0, prm)
        elif isinstance(prm, RegisteredMemref):
            shm = prm.parent
            if shm.released:
                raise bad_parameters(f"parameter {i}: shared memory was released")
            if prm.type == MEMREF_WHOLE:
                flags = shm.flags & (MEM_INPUT | MEM_OUTPUT)
                if not flags:
                    raise bad_parameters(f"parameter {i}: shared memory has no direction")
                wtype = {MEM_INPUT: 5, MEM_OUTPUT: 6}.get(flags, 7)
                offset, size = 0, shm.size
            elif prm.type in _PARTIAL:
                wtype, need = _PARTIAL[prm.type]
                if shm.flags & need != need:
                    raise bad_parameters(f"parameter {i}: shared memory flags do not allow it")
                offset, size = prm.offset, prm.size
                if offset < 0 or size < 0 or offset + size > shm.size:
                    raise bad_parameters(f"parameter {i}: window outside the shared memory")
            else:
                raise bad_parameters(f"parameter {i}: bad memref type {prm.type:#x}")
            if shm.id not in index:
                index[shm.id] = len(buffers)
                if shm.allocated:
                    attach = shm.id not in sent
                    buffers.append(p.WireBuffer(p.BUF_SHM, max(shm.size, 8), id=shm.id,
                                                flags=p.BUF_FLAG_FD if attach else 0))
                    if attach:
                        assert shm.fd is not None
                        fds.append(shm.fd)
                else:
                    lo, hi = spans[shm.id]
                    buffers.append(p.WireBuffer(p.BUF_INLINE, hi - lo, data=bytes(shm.buffer[lo:hi])))
            lo = 0 if shm.allocated else spans[shm.id][0]
            params.append(p.WireParam(wtype, buffer=index[shm.id], offset=offset - lo, size=size))
            if not shm.allocated:
                origins[i] = (offset, shm)
        else:
            raise bad_parameters(f"parameter {i}: unknown parameter object {prm!r}")
    return Prepared(p.Operation(tuple(params), tuple(buffers)), fds, origins)


def apply(operation: Operation | None, prepared: Prepared, reply: p.Reply) -> None:
    """libteec's teec_post_process_operation: outputs back into the parameter objects."""
    if operation is None:
        return
    data = dict(reply.data)
    for i, prm in enumerate(operation.params):
        res = reply.params[i]
        if isinstance(prm, Value):
            if prm.type in (VALUE_OUTPUT, VALUE_INOUT):
                prm.a, prm.b = res.a & 0xFFFFFFFF, res.b
        elif isinstance(prm, TempMemref):
            if prm.type != MEMREF_TEMP_INPUT:
                chunk = data.get(i)
                if chunk is not None and prm.buffer is not None:
                    memoryview(prm.buffer).cast("B")[:len(chunk)] = chunk
                prm.size = res.a
        elif isinstance(prm, RegisteredMemref):
            output = (prm.parent.flags & MEM_OUTPUT) if prm.type == MEMREF_WHOLE \
                else prm.type != MEMREF_PARTIAL_INPUT
            if output:
                chunk = data.get(i)
                origin = prepared.origins[i]
                if chunk is not None and origin is not None:
                    offset = origin[0]
                    prm.parent.buffer[offset:offset + len(chunk)] = chunk
                prm.size = res.a


def _window(prm: RegisteredMemref) -> tuple[int, int]:
    """(offset, size) a registered memref covers: all of it for MEMREF_WHOLE."""
    if prm.type == MEMREF_WHOLE:
        return 0, prm.parent.size
    return max(prm.offset, 0), max(prm.size, 0)


def _page_up(n: int) -> int:
    return (n + 4095) & ~4095
