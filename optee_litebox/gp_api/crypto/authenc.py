"""Syscalls 34-38: authenticated encryption, AES-GCM and AES-CCM.

The checks and the user-memory handling of core/tee/tee_svc_cryp.c
(syscall_authenc_*); the algorithm contexts and their result codes are in ``aead``.
"""
from __future__ import annotations

from typing import Any

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_NOT_IMPLEMENTED,
                            TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from ..context import SyscallContext
from ..registry import syscall
from . import algorithms as alg
from .common import (Bounce, check_read, check_rw, checked_view, get_u64, get_u64_ref, overlaps,
                     put_u64, put_u64_ref, user_bytes)
from .state import CTX_FACTORIES, get_state, live_key


def alloc_authenc(algo: int) -> tuple[int, Any]:
    """crypto_authenc_alloc_ctx(): only AES-GCM and AES-CCM; else NOT_IMPLEMENTED.

    The contexts (and pycryptodome) are imported on first use, not at registration.
    """
    if algo not in (c.TEE_ALG_AES_GCM, c.TEE_ALG_AES_CCM):
        return TEE_ERROR_NOT_IMPLEMENTED, None
    from .aead import new_context
    return TEE_SUCCESS, new_context(algo)


CTX_FACTORIES[c.TEE_OPERATION_AE] = alloc_authenc


@syscall(34)
def syscall_authenc_init(ctx: SyscallContext, state: int, nonce: int, nonce_len: int,
                         tag_len: int, aad_len: int, payload_len: int) -> int:
    """TEE_Result syscall_authenc_init(unsigned long state, const void *nonce, size_t nonce_len, size_t tag_len, size_t aad_len, size_t payload_len);"""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    key = live_key(ctx, cs.key1)
    if key is None:
        return TEE_ERROR_BAD_STATE
    if not key.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    res, nonce_bytes = Bounce().memdup(ctx, nonce, nonce_len)
    if res != TEE_SUCCESS:
        return res
    if alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE  # upstream asserts; a TA built with libutee never gets here
    res = cs.ctx.init(cs.mode, key.secret(), nonce_bytes, tag_len, aad_len, payload_len)
    if res != TEE_SUCCESS:
        return res
    cs.finalize = True
    cs.initialized = True
    return TEE_SUCCESS


def _ae_state(ctx: SyscallContext, state: int) -> tuple[int, Any]:
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS, None
    if not cs.initialized:
        return TEE_ERROR_BAD_STATE, None
    return TEE_SUCCESS, cs


@syscall(35)
def syscall_authenc_update_aad(ctx: SyscallContext, state: int, aad_data: int,
                               aad_data_len: int) -> int:
    """TEE_Result syscall_authenc_update_aad(unsigned long state, const void *aad_data, size_t aad_data_len);"""
    res, view = checked_view(ctx, aad_data, aad_data_len)
    if res != TEE_SUCCESS:
        return res
    res, cs = _ae_state(ctx, state)
    if res != TEE_SUCCESS:
        return res
    if alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE
    return cs.ctx.update_aad(view if view is not None else user_bytes(ctx, aad_data, aad_data_len))


def _io(ctx: SyscallContext, src: int, src_len: int, src_view: memoryview | None, dst: int,
        dst_view: memoryview | None) -> tuple[Any, Any]:
    """The input (a view, or a copy when it overlaps the output) and the output view (None:
    write the result with ctx.mem.write) of an update, from the checked views."""
    data = src_view if src_view is not None else user_bytes(ctx, src, src_len)
    if src != dst and overlaps(src, src_len, dst, src_len):
        data = bytes(data)
    out = dst_view[:src_len] if dst_view is not None and src_len else None
    return data, out


def _write(ctx: SyscallContext, dst: int, out: Any, result: bytes | None) -> None:
    if out is None and result:
        ctx.mem.write(dst, result)


@syscall(36)
def syscall_authenc_update_payload(ctx: SyscallContext, state: int, src_data: int, src_len: int,
                                   dst_data: int, dst_len: int) -> int:
    """TEE_Result syscall_authenc_update_payload(unsigned long state, const void *src_data, size_t src_len, void *dest_data, uint64_t *dest_len);

    A short output buffer answers TEE_ERROR_SHORT_BUFFER and writes back the length
    it was given (not the one needed), as upstream does.
    """
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    if not cs.initialized or alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE
    res, src_view = checked_view(ctx, src_data, src_len)
    if res != TEE_SUCCESS:
        return res
    dlen, len_view = get_u64_ref(ctx, dst_len)
    res, dst_view = checked_view(ctx, dst_data, dlen, write=True)
    if res != TEE_SUCCESS:
        return res
    if dlen < src_len:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        data, out = _io(ctx, src_data, src_len, src_view, dst_data, dst_view)
        res, result = cs.ctx.update_payload(data, out)
        dlen = src_len
        if res == TEE_SUCCESS and out is None and result:
            ctx.mem.write(dst_data, result)
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER):
        res2 = put_u64_ref(ctx, dst_len, len_view, dlen)
        if res2 != TEE_SUCCESS:
            res = res2
    return res


_Prologue = tuple[int, Any, int, "memoryview | None", "memoryview | None"]


def _final_prologue(ctx: SyscallContext, state: int, mode: int, src: int, src_len: int,
                    dst: int, dst_len: int) -> _Prologue:
    """The checks both finals start with: (result, state, *dst_len, src view, dst view)."""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS, None, 0, None, None
    if not cs.initialized:
        return TEE_ERROR_BAD_STATE, None, 0, None, None
    if cs.mode != mode:
        return TEE_ERROR_BAD_PARAMETERS, None, 0, None, None
    if alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE, None, 0, None, None
    res, src_view = checked_view(ctx, src, src_len)
    if res != TEE_SUCCESS:
        return res, None, 0, None, None
    dlen, dst_view = 0, None
    if dst_len:
        dlen = get_u64(ctx, dst_len)
        res, dst_view = checked_view(ctx, dst, dlen, write=True)
        if res != TEE_SUCCESS:
            return res, None, 0, None, None
    return TEE_SUCCESS, cs, dlen, src_view, dst_view


@syscall(37)
def syscall_authenc_enc_final(ctx: SyscallContext, state: int, src_data: int, src_len: int,
                              dst_data: int, dst_len: int, tag: int, tag_len: int) -> int:
    """TEE_Result syscall_authenc_enc_final(unsigned long state, const void *src_data, size_t src_len, void *dest_data, uint64_t *dest_len, void *tag, uint64_t *tag_len);"""
    res, cs, dlen, src_view, dst_view = _final_prologue(ctx, state, c.TEE_MODE_ENCRYPT, src_data,
                                                        src_len, dst_data, dst_len)
    if res != TEE_SUCCESS:
        return res
    tlen = 0
    if dlen < src_len:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        tlen = get_u64(ctx, tag_len)
        res = check_rw(ctx, tag, tlen)
        if res != TEE_SUCCESS:
            return res
        data, out = _io(ctx, src_data, src_len, src_view, dst_data, dst_view)
        room = tlen
        res, result, tag_bytes = cs.ctx.enc_final(data, out, room)
        dlen = src_len
        if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER):
            _write(ctx, dst_data, out, result)
        if res == TEE_SUCCESS:
            ctx.mem.write(tag, tag_bytes)
            tlen = len(tag_bytes)
        elif res == TEE_ERROR_SHORT_BUFFER and cs.algo == c.TEE_ALG_AES_CCM:
            tlen = cs.ctx.tag_len
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER):
        if dst_len:
            res2 = put_u64(ctx, dst_len, dlen)
            if res2 != TEE_SUCCESS:
                return res2
        res2 = put_u64(ctx, tag_len, tlen)
        if res2 != TEE_SUCCESS:
            return res2
    return res


@syscall(38)
def syscall_authenc_dec_final(ctx: SyscallContext, state: int, src_data: int, src_len: int,
                              dst_data: int, dst_len: int, tag: int, tag_len: int) -> int:
    """TEE_Result syscall_authenc_dec_final(unsigned long state, const void *src_data, size_t src_len, void *dest_data, uint64_t *dest_len, const void *tag, size_t tag_len);

    On a bad tag the plaintext has been written and TEE_ERROR_MAC_INVALID is returned.
    """
    res, cs, dlen, src_view, dst_view = _final_prologue(ctx, state, c.TEE_MODE_DECRYPT, src_data,
                                                        src_len, dst_data, dst_len)
    if res != TEE_SUCCESS:
        return res
    if dlen < src_len:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        res = check_read(ctx, tag, tag_len)
        if res != TEE_SUCCESS:
            return res
        tag_bytes = ctx.mem.read(tag, tag_len) if tag_len else b""
        data, out = _io(ctx, src_data, src_len, src_view, dst_data, dst_view)
        res, result = cs.ctx.dec_final(data, out, tag_bytes)
        dlen = src_len
        if result is not None or out is not None:
            _write(ctx, dst_data, out, result)
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER) and dst_len:
        res2 = put_u64(ctx, dst_len, dlen)
        if res2 != TEE_SUCCESS:
            return res2
    return res
