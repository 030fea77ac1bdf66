"""Syscalls 5-7: the TEE Internal Client API (core/tee/tee_svc.c).

A TA opens sessions to other TAs and to pseudo-TAs. The handlers apply the kernel's
parameter rules (tee_svc_copy_param, utee_param_to_param, tee_svc_update_out_param);
the call itself goes through ``ctx.ta_client``, which the runtime provides (``TaClient``):
this package never imports the runtime.

Memrefs for a user TA must not point into the caller's private memory (libutee copies
such buffers into shareable memory first); the callee then maps the very memory the
caller's mapping holds (``CallParam.region``). A pseudo-TA instead borrows the caller's
mapping and gets plain addresses.
"""
from __future__ import annotations

import uuid as _uuid
from dataclasses import dataclass
from typing import Protocol

from ..abi.params import (
    TEE_NUM_PARAMS,
    TEE_PARAM_TYPE_MEMREF_INOUT,
    TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT,
    TEE_PARAM_TYPE_VALUE_INOUT,
    TEE_PARAM_TYPE_VALUE_INPUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
    UTEE_PARAMS,
    param_type_get,
)
from ..abi.props import (
    TEE_MEMORY_ACCESS_ANY_OWNER,
    TEE_MEMORY_ACCESS_READ,
    TEE_MEMORY_ACCESS_WRITE,
)
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_NOT_SUPPORTED,
    TEE_ERROR_TARGET_DEAD,
    TEE_ORIGIN_TEE,
    TEE_SUCCESS,
)
from ..core.memory import Region
from ..errors import GuestMemoryError
from .access import vm_check_access_rights
from .context import SyscallContext
from .registry import syscall

_MEMREFS = (TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT)


@dataclass
class CallParam:
    """One parameter of a TA-to-TA call (struct tee_ta_param's entry).

    Values: a and b. Memrefs: a is the address in the caller, b the size; ``region`` is
    the caller's mapping that holds the buffer when the callee is a user TA (None for a
    NULL or empty memref, and always for a pseudo-TA, which reads the caller's memory).
    After the call the runtime leaves output values and sizes in a and b.
    """

    type: int = 0
    a: int = 0
    b: int = 0
    region: Region | None = None


class TaClient(Protocol):
    """The runtime's side of syscalls 5-7 for one calling TA instance."""

    def open_session(self, uuid: _uuid.UUID, timeout: int,
                     params: list[CallParam]) -> tuple[int, int, int]:
        """tee_ta_open_session() as this TA: (result, origin, session id)."""

    def invoke(self, session: int, timeout: int, cmd: int,
               params: list[CallParam]) -> tuple[int, int]:
        """tee_ta_invoke_command() on one of this TA's sessions: (result, origin)."""

    def close_session(self, session: int) -> int:
        """tee_ta_close_session(); TEE_ERROR_ITEM_NOT_FOUND for an unknown session."""

    def is_pseudo(self, session: int) -> bool | None:
        """Whether the session is to a pseudo-TA; None when this TA has no such session."""


def utee_param_to_param(ctx: SyscallContext, usr_param: int) -> tuple[int, list[CallParam]]:
    """Read struct utee_params: access checks on the block and on every memref."""
    none = [CallParam() for _ in range(TEE_NUM_PARAMS)]
    if not usr_param:
        return TEE_SUCCESS, none
    flags = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE | TEE_MEMORY_ACCESS_ANY_OWNER
    res = vm_check_access_rights(ctx.mem, flags, usr_param, UTEE_PARAMS.size)
    if res != TEE_SUCCESS:
        return res, none
    types, *vals = UTEE_PARAMS.unpack(ctx.mem.read(usr_param, UTEE_PARAMS.size))
    params = []
    for n in range(TEE_NUM_PARAMS):
        t = param_type_get(types, n)
        a, b = vals[2 * n], vals[2 * n + 1]
        if t in _MEMREFS:
            flags = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_ANY_OWNER
            if t != TEE_PARAM_TYPE_MEMREF_INPUT:
                flags |= TEE_MEMORY_ACCESS_WRITE
            if not a:
                if b:  # NULL memrefs only of size 0
                    return TEE_ERROR_BAD_PARAMETERS, none
            else:
                res = vm_check_access_rights(ctx.mem, flags, a, b)
                if res != TEE_SUCCESS:
                    return res, none
            params.append(CallParam(t, a, b))
        elif t in (TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_INOUT):
            params.append(CallParam(t, a & 0xFFFFFFFF, b & 0xFFFFFFFF))
        else:
            params.append(CallParam(t))
    return TEE_SUCCESS, params


def tee_svc_copy_param(ctx: SyscallContext, usr_param: int,
                       pseudo: bool) -> tuple[int, list[CallParam]]:
    """The caller's parameters for a callee: a user TA callee gets only memory that is
    not private to the caller (memref parameters, shareable mappings)."""
    res, params = utee_param_to_param(ctx, usr_param)
    if res != TEE_SUCCESS or pseudo:
        return res, params
    for p in params:
        if p.type not in _MEMREFS or not p.b:
            continue
        region = ctx.mem.region_at(p.a)
        if region is None or p.a + p.b > region.end or not region.user:
            return TEE_ERROR_BAD_PARAMETERS, params
        if not region.shared:  # "uTA cannot expose its private memory"
            return TEE_ERROR_BAD_PARAMETERS, params
        p.region = region
    return TEE_SUCCESS, params


def tee_svc_update_out_param(ctx: SyscallContext, usr_param: int, params: list[CallParam]) -> int:
    """Output sizes and values back into the caller's struct utee_params."""
    for n, p in enumerate(params):
        slot = usr_param + 8 + 16 * n
        try:
            if p.type in (TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT):
                ctx.mem.write_u64(slot + 8, p.b)
            elif p.type in (TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT):
                ctx.mem.write(slot, (p.a & 0xFFFFFFFF).to_bytes(8, "little")
                              + (p.b & 0xFFFFFFFF).to_bytes(8, "little"))
        except GuestMemoryError:
            return TEE_ERROR_ACCESS_DENIED
    return TEE_SUCCESS


def _put_private_u32(ctx: SyscallContext, addr: int, value: int) -> None:
    """copy_to_user_private(); upstream ignores a failure here."""
    try:
        ctx.mem.write(addr, (value & 0xFFFFFFFF).to_bytes(4, "little"), private=True)
    except GuestMemoryError:
        pass


@syscall(5)
def syscall_open_ta_session(ctx: SyscallContext, dest: int, cancel_req_to: int, usr_param: int,
                            ta_sess: int, ret_orig: int) -> int:
    """TEE_Result syscall_open_ta_session(const TEE_UUID *dest, unsigned long cancel_req_to, struct utee_params *usr_param, uint32_t *ta_sess, uint32_t *ret_orig);

    The callee sees the login TEE_LOGIN_TRUSTED_APP and this TA's UUID. Output
    parameters are copied back only when the session opened.
    """
    client: TaClient | None = ctx.ta_client
    ret_o, sess_id = TEE_ORIGIN_TEE, 0
    try:
        uuid = _uuid.UUID(bytes_le=ctx.mem.read(dest, 16, private=True))
    except GuestMemoryError:
        res = TEE_ERROR_ACCESS_DENIED
    else:
        res, params = tee_svc_copy_param(ctx, usr_param, pseudo=False)
        if res == TEE_SUCCESS:
            if client is None:
                res = TEE_ERROR_NOT_SUPPORTED
            else:
                res, ret_o, sess_id = client.open_session(uuid, cancel_req_to & 0xFFFFFFFF, params)
            if res == TEE_SUCCESS and usr_param:
                res = tee_svc_update_out_param(ctx, usr_param, params)
    if res == TEE_SUCCESS:
        _put_private_u32(ctx, ta_sess, sess_id)
    _put_private_u32(ctx, ret_orig, ret_o)
    return res


@syscall(6)
def syscall_close_ta_session(ctx: SyscallContext, ta_sess: int) -> int:
    """TEE_Result syscall_close_ta_session(unsigned long ta_sess);"""
    client: TaClient | None = ctx.ta_client
    if client is None:
        return TEE_ERROR_NOT_SUPPORTED
    return client.close_session(ta_sess & 0xFFFFFFFF)


@syscall(7)
def syscall_invoke_ta_command(ctx: SyscallContext, ta_sess: int, cancel_req_to: int, cmd_id: int,
                              usr_param: int, ret_orig: int) -> int:
    """TEE_Result syscall_invoke_ta_command(unsigned long ta_sess, unsigned long cancel_req_to, unsigned long cmd_id, struct utee_params *usr_param, uint32_t *ret_orig);

    An unknown session answers TEE_ERROR_BAD_PARAMETERS without touching ret_orig. A
    dead callee (TEE_ERROR_TARGET_DEAD) leaves the caller's parameters as they were.
    """
    client: TaClient | None = ctx.ta_client
    if client is None:
        return TEE_ERROR_NOT_SUPPORTED
    session = ta_sess & 0xFFFFFFFF
    pseudo = client.is_pseudo(session)
    if pseudo is None:
        return TEE_ERROR_BAD_PARAMETERS
    ret_o = TEE_ORIGIN_TEE
    res, params = tee_svc_copy_param(ctx, usr_param, pseudo)
    if res == TEE_SUCCESS:
        res, ret_o = client.invoke(session, cancel_req_to & 0xFFFFFFFF, cmd_id & 0xFFFFFFFF, params)
        if res != TEE_ERROR_TARGET_DEAD and usr_param:
            res2 = tee_svc_update_out_param(ctx, usr_param, params)
            if res2 != TEE_SUCCESS:
                ret_o, res = TEE_ORIGIN_TEE, res2
    _put_private_u32(ctx, ret_orig, ret_o)
    return res
