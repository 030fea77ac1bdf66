"""Pseudo-TAs inside the runtime: one ``PtaInstance`` per PTA and TEE.

A PTA is entered by a TA (through syscalls 5-7: ``ta2ta.InstanceClient``) or by a
normal-world client (``Tee.open_session`` with the PTA's UUID, which is how the server
serves it). Either way pseudo_ta.c's rules apply: values are copied in, memrefs are
the caller's memory (a TA's address space, or the client's shared memory), and output
values and sizes are copied back after the call. Results are the PTA's own (origin
TRUSTED_APP); a PTA never panics, and a bad memory access answers
TEE_ERROR_ACCESS_DENIED like a failed copy_from_user.
"""
from __future__ import annotations

import uuid as _uuid

from ..abi.params import (
    MEMREF_TYPES,
    OUTPUT_TYPES,
    TEE_NUM_PARAMS,
    UTEE_ENTRY_FUNC_CLOSE_SESSION,
    UTEE_ENTRY_FUNC_INVOKE_COMMAND,
    UTEE_ENTRY_FUNC_OPEN_SESSION,
)
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ORIGIN_TEE,
    TEE_ORIGIN_TRUSTED_APP,
)
from ..core.memory import AddressSpace
from ..errors import GuestMemoryError
from ..gp_api import SessionState
from ..pta import BufferMemref, PseudoTa, PtaCaller, PtaEnv, PtaParam
from .params import Param, normalize


class NormalWorldCaller:
    """The PtaCaller for a client application: no TA behind it."""

    uuid: _uuid.UUID | None = None
    mem: AddressSpace | None = None
    instance_id = 0

    def dlopen(self, library: _uuid.UUID, flags: int) -> int:
        return TEE_ERROR_ACCESS_DENIED

    def dlsym(self, library: _uuid.UUID | None, name: str) -> tuple[int, int]:
        return TEE_ERROR_ACCESS_DENIED, 0

    def measured_regions(self) -> list[bytes]:
        return []

    def map_zi(self, size: int, shareable: bool, va: int, pad_begin: int,
               pad_end: int) -> tuple[int, int]:
        return TEE_ERROR_ACCESS_DENIED, 0

    def unmap(self, va: int, size: int) -> int:
        return TEE_ERROR_ACCESS_DENIED


NORMAL_WORLD = NormalWorldCaller()


def call_pta(fn, *args) -> int:  # type: ignore[no-untyped-def]
    """Run a PTA entry point: a memory fault is TEE_ERROR_ACCESS_DENIED, as upstream's
    copy_from_user/copy_to_user failures are; a bad window is BAD_PARAMETERS."""
    try:
        return int(fn(*args))
    except GuestMemoryError:
        return TEE_ERROR_ACCESS_DENIED
    except ValueError:
        return TEE_ERROR_BAD_PARAMETERS


class PtaInstance:
    """A PTA as the TEE holds it: single instance, kept alive, never busy (and, for the
    lifecycle code in ``Tee``, shaped like a ``TaInstance``)."""

    def __init__(self, cls: type[PseudoTa], env: PtaEnv) -> None:
        self.pta = cls(env)
        self.uuid = cls.uuid
        self.flags = cls.flags
        self.name = cls.name
        self.ref_count = 0
        self.panicked = False
        self.busy = False
        self.crash = None
        self.modules: list[object] = []
        #: Contexts of normal-world sessions, by session id.
        self._contexts: dict[int, object] = {}

    # -- entered by a TA -----------------------------------------------------------------------

    def open_from_ta(self, caller: PtaCaller, params: list[PtaParam]) -> tuple[int, object]:
        types = _types(params)
        result: list[object] = [None]

        def run() -> int:
            res, ctx = self.pta.open_session(caller, types, params)
            result[0] = ctx
            return res
        return call_pta(run), result[0]

    def invoke_from_ta(self, ctx: object, caller: PtaCaller, cmd: int,
                       params: list[PtaParam]) -> int:
        return call_pta(self.pta.invoke, ctx, caller, cmd, _types(params), params)

    def close_from_ta(self, ctx: object, caller: PtaCaller) -> None:
        def run() -> int:
            self.pta.close_session(ctx, caller)
            return 0
        call_pta(run)

    # -- entered by the normal world (Tee.open_session/invoke/close_session) ----------------

    def enter(self, func: int, session: SessionState, cmd: int,
              params: list[Param] | None) -> tuple[int, int]:
        ops = normalize(params)
        for p in ops:
            if p.is_memref and p.shm is not None and (p.offset < 0 or p.size < 0 or
                                                      p.offset + p.size > p.shm.size):
                return TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE
        pparams = [_from_param(p) for p in ops]
        if func == UTEE_ENTRY_FUNC_OPEN_SESSION:
            res, ctx = self.open_from_ta(NORMAL_WORLD, pparams)
            self._contexts[session.id] = ctx
        elif func == UTEE_ENTRY_FUNC_INVOKE_COMMAND:
            res = self.invoke_from_ta(self._contexts.get(session.id), NORMAL_WORLD, cmd, pparams)
        elif func == UTEE_ENTRY_FUNC_CLOSE_SESSION:
            self.close_from_ta(self._contexts.pop(session.id, None), NORMAL_WORLD)
            return 0, TEE_ORIGIN_TRUSTED_APP
        else:
            return TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE
        _to_params(ops, pparams)
        return res, TEE_ORIGIN_TRUSTED_APP

    def engine_busy(self) -> bool:
        return False

    def interrupt(self) -> None:
        return None

    def release_state(self) -> None:
        return None

    def close(self) -> None:
        self._contexts.clear()


def _types(params: list[PtaParam]) -> int:
    types = 0
    for i, p in enumerate(params[:TEE_NUM_PARAMS]):
        types |= (p.type & 0xF) << (4 * i)
    return types


def _from_param(p: Param) -> PtaParam:
    """copy_in_param() for a client's parameter: memrefs of size 0 are NULL."""
    if p.is_memref:
        mem = None
        if p.shm is not None and p.size:
            mem = BufferMemref(p.shm.buf, p.offset, p.size, secure=p.shm.secure)
        return PtaParam(p.type, 0, p.size, mem)
    return PtaParam(p.type, p.a, p.b)


def _to_params(params: list[Param], pparams: list[PtaParam]) -> None:
    """update_out_param(): output values and memref sizes back to the client."""
    for p, pp in zip(params, pparams):
        if p.type not in OUTPUT_TYPES:
            continue
        if p.type in MEMREF_TYPES:
            p.size = pp.size
        else:
            p.a, p.b = pp.a & 0xFFFFFFFF, pp.b & 0xFFFFFFFF


__all__ = ["NORMAL_WORLD", "NormalWorldCaller", "PtaInstance", "call_pta"]
