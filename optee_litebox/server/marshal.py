"""Wire operations to runtime parameters and back, on the worker side.

Inline buffers (temporary memrefs, registered client memory) become fresh
``SharedMemory`` objects filled with the bytes that came; shared memory that came as a
file descriptor (a memfd the client allocated) is mapped once per connection and
cached by id, so the TA sees the client's very pages. Every memref into one buffer
uses the same ``SharedMemory``, which is what makes the runtime map them once.
"""
from __future__ import annotations

import mmap
import os
from collections import deque

from ..client import protocol as p
from ..core.memory import page_up
from ..runtime.params import Param, SharedMemory


class MarshalError(Exception):
    """The operation names shared memory this connection does not have."""


class ShmCache:
    """Shared memory of one session connection, by the client's id."""

    def __init__(self) -> None:
        self._by_id: dict[int, SharedMemory] = {}

    def attach(self, shm_id: int, size: int, fd: int) -> SharedMemory:
        """Map the client's file descriptor (consumed); replaces an older mapping of the id."""
        try:
            st = os.fstat(fd)
            if st.st_size < size:
                raise MarshalError(f"shared memory {shm_id}: file holds {st.st_size} bytes, "
                                   f"{size} announced")
            buf = mmap.mmap(fd, page_up(max(size, 1)), mmap.MAP_SHARED,
                            mmap.PROT_READ | mmap.PROT_WRITE)
        except (OSError, ValueError) as exc:
            raise MarshalError(f"shared memory {shm_id}: cannot map it: {exc}") from None
        finally:
            os.close(fd)
        shm = SharedMemory(size, buf=buf)
        self._by_id[shm_id] = shm
        return shm

    def get(self, shm_id: int, size: int) -> SharedMemory:
        shm = self._by_id.get(shm_id)
        if shm is None:
            raise MarshalError(f"shared memory {shm_id} was never sent on this session")
        if size > shm.size:
            raise MarshalError(f"shared memory {shm_id} is {shm.size} bytes, not {size}")
        return shm

    def release(self, ids: tuple[int, ...]) -> None:
        for shm_id in ids:
            self._by_id.pop(shm_id, None)

    def clear(self) -> None:
        self._by_id.clear()


def to_params(op: p.Operation, fds: deque[int], cache: ShmCache) -> list[Param]:
    """Runtime parameters for a wire operation; fds are the frame's, in buffer order."""
    shms: list[SharedMemory] = []
    for b in op.buffers:
        if b.kind == p.BUF_INLINE:
            shm = SharedMemory(b.size)
            if b.data:
                shm.buf[:len(b.data)] = b.data
        elif b.has_fd:
            if not fds:
                raise MarshalError("a shared-memory buffer announces a descriptor that did not come")
            shm = cache.attach(b.id, b.size, fds.popleft())
        else:
            shm = cache.get(b.id, b.size)
        shms.append(shm)
    params = []
    for w in op.params:
        if w.type in p.MEMREF_PARAM_TYPES:
            shm = None if w.buffer == p.NO_BUFFER else shms[w.buffer]
            params.append(Param(w.type, shm=shm, offset=w.offset, size=w.size))
        else:
            params.append(Param(w.type, w.a, w.b))
    return params


def results(op: p.Operation, params: list[Param],
            with_data: bool) -> tuple[tuple[p.ParamResult, ...], tuple[tuple[int, bytes], ...]]:
    """Reply parameters, plus the bytes of output memrefs into inline buffers.

    As upstream libteec copies a shadow buffer back: the first min(returned size, window
    size) bytes of each output window, and only when the TA actually ran (with_data).
    """
    out = []
    data = []
    result = p.ParamResult
    for i, w in enumerate(op.params):
        t = w.type
        if not t:
            out.append(_NO_RESULT)
        elif t < 4:
            prm = params[i]
            out.append(result(prm.a, prm.b))
        else:
            prm = params[i]
            out.append(result(prm.size, 0))
            if with_data and t != 5 and w.buffer != p.NO_BUFFER and w.size \
                    and op.buffers[w.buffer].kind == p.BUF_INLINE and prm.shm is not None:
                n = min(prm.size, w.size)
                data.append((i, bytes(prm.shm.buf[w.offset:w.offset + n])))
    return tuple(out), tuple(data)


_NO_RESULT = p.ParamResult()
