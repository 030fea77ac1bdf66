"""The runtime side of syscalls 5-7: the sessions one TA instance opened to others.

``InstanceClient`` is the ``gp_api.ta_client.TaClient`` of one instance (upstream: the
utc->open_sessions list). A callee is a pseudo-TA (entered right here, with the
caller's memory), a user TA of this ``Tee`` (its memrefs map the very memory of the
caller's mapping), or, in a server worker, a single-instance TA that lives in another
worker process (``Tee.remote``). Session ids are per caller, counted as upstream's
new_session_id() counts them.
"""
from __future__ import annotations

import uuid as _uuid
from typing import TYPE_CHECKING, Protocol

from ..abi.params import (
    MEMREF_TYPES,
    TEE_PARAM_TYPE_MEMREF_INOUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT,
    TEE_PARAM_TYPE_VALUE_INOUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
)
from ..abi.results import (
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ORIGIN_TEE,
    TEE_ORIGIN_TRUSTED_APP,
    TEE_SUCCESS,
)
from ..gp_api.ta_client import CallParam
from ..pta import PtaParam, UserMemref
from .params import Param, SharedMemory
from .pta_host import PtaInstance

if TYPE_CHECKING:
    from .instance import TaInstance
    from .tee import Session, Tee


class Callee(Protocol):
    """One open TA-to-TA session, whatever is behind it."""

    pseudo: bool

    def invoke(self, timeout: int, cmd: int, params: list[CallParam]) -> tuple[int, int]: ...

    def close(self) -> None: ...

    def interrupt(self) -> None:
        """Stop waiting for the callee (the caller is being stopped)."""


def to_params(params: list[CallParam]) -> list[Param]:
    """Callee parameters: memrefs become windows of the memory behind the caller's
    mapping (the same host buffer, so the callee sees the caller's bytes and the caller
    sees the callee's writes)."""
    shms: dict[int, SharedMemory] = {}
    out = []
    for p in params:
        if p.type in MEMREF_TYPES:
            region = p.region
            if region is None:
                out.append(Param(p.type, shm=None, size=0))
                continue
            shm = shms.get(id(region.buf))
            if shm is None:
                shm = SharedMemory(len(region.buf), buf=region.buf, secure=region.secure)
                shms[id(region.buf)] = shm
            out.append(Param(p.type, shm=shm, offset=region.buf_offset + p.a - region.start,
                             size=p.b))
        else:
            out.append(Param(p.type, p.a, p.b))
    return out


def from_params(params: list[CallParam], done: list[Param]) -> None:
    """What the callee left: output values, and the sizes of output memrefs."""
    for p, q in zip(params, done):
        if p.type in (TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT):
            p.b = q.size
        elif p.type in (TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT):
            p.a, p.b = q.a, q.b


def to_pta_params(caller: TaInstance, params: list[CallParam]) -> list[PtaParam]:
    """copy_in_param() for a TA caller: memrefs are addresses in its address space (NULL
    when empty)."""
    out = []
    for p in params:
        if p.type in MEMREF_TYPES:
            mem = UserMemref(caller.mem, p.a, p.b) if p.a and p.b else None
            out.append(PtaParam(p.type, 0, p.b, mem))
        else:
            out.append(PtaParam(p.type, p.a, p.b))
    return out


def from_pta_params(params: list[CallParam], done: list[PtaParam]) -> None:
    for p, q in zip(params, done):
        if p.type in (TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT):
            p.b = q.size
        elif p.type in (TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT):
            p.a, p.b = q.a & 0xFFFFFFFF, q.b & 0xFFFFFFFF


class PtaCallee:
    pseudo = True

    def __init__(self, pta: PtaInstance, caller: TaInstance, ctx: object) -> None:
        self.pta, self.caller, self.ctx = pta, caller, ctx

    def invoke(self, timeout: int, cmd: int, params: list[CallParam]) -> tuple[int, int]:
        pparams = to_pta_params(self.caller, params)
        res = self.pta.invoke_from_ta(self.ctx, self.caller, cmd, pparams)
        from_pta_params(params, pparams)
        return res, TEE_ORIGIN_TRUSTED_APP

    def close(self) -> None:
        self.pta.close_from_ta(self.ctx, self.caller)

    def interrupt(self) -> None:
        return None  # a PTA returns on its own


class LocalCallee:
    """A user TA instance of the caller's own Tee."""

    pseudo = False

    def __init__(self, tee: Tee, session: Session) -> None:
        self.tee, self.session = tee, session

    def invoke(self, timeout: int, cmd: int, params: list[CallParam]) -> tuple[int, int]:
        done = to_params(params)
        res, origin = self.tee.invoke(self.session, cmd, done, timeout=timeout)
        from_params(params, done)
        return res, origin

    def close(self) -> None:
        self.tee.close_session(self.session)

    def interrupt(self) -> None:
        return None  # the callee instance is on the running stack itself


class InstanceClient:
    """gp_api.ta_client.TaClient for one TA instance."""

    def __init__(self, tee: Tee, caller: TaInstance) -> None:
        self.tee = tee
        self.caller = caller
        self.sessions: dict[int, Callee] = {}
        self._last = 0

    def _new_id(self) -> int:
        """new_session_id(): one past the last id given, skipping 0 and ids in use."""
        sid = self._last
        while True:
            sid = (sid + 1) & 0xFFFFFFFF
            if sid and sid not in self.sessions:
                self._last = sid
                return sid

    def open_session(self, uuid: _uuid.UUID, timeout: int,
                     params: list[CallParam]) -> tuple[int, int, int]:
        pta = self.tee.pta_instance(uuid)
        callee: Callee | None
        if pta is not None:
            pparams = to_pta_params(self.caller, params)
            res, ctx = pta.open_from_ta(self.caller, pparams)
            from_pta_params(params, pparams)
            origin = TEE_ORIGIN_TRUSTED_APP
            callee = PtaCallee(pta, self.caller, ctx) if res == TEE_SUCCESS else None
        else:
            res, origin, callee = self.tee.open_for_ta(self.caller, uuid, params, timeout)
        if res != TEE_SUCCESS or callee is None:
            return res, origin, 0
        sid = self._new_id()
        self.sessions[sid] = callee
        return res, origin, sid

    def invoke(self, session: int, timeout: int, cmd: int,
               params: list[CallParam]) -> tuple[int, int]:
        callee = self.sessions.get(session)
        if callee is None:
            return TEE_ERROR_ITEM_NOT_FOUND, TEE_ORIGIN_TEE
        return callee.invoke(timeout, cmd, params)

    def close_session(self, session: int) -> int:
        callee = self.sessions.pop(session, None)
        if callee is None:
            return TEE_ERROR_ITEM_NOT_FOUND
        callee.close()
        return TEE_SUCCESS

    def is_pseudo(self, session: int) -> bool | None:
        callee = self.sessions.get(session)
        return None if callee is None else callee.pseudo

    def close_all(self) -> None:
        """release_utc_state(): close every session this instance opened."""
        while self.sessions:
            self.close_session(next(iter(self.sessions)))
