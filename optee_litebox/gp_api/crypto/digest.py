"""Syscalls 18-20: digests and MACs (syscall_hash_init/update/final).

Digests: MD5, SHA-1, SHA-224/256/384/512, SHA3-224/256/384/512 (pycryptodome), SM3
(`cryptography`), and the SHAKE128/256 extendable-output functions whose final writes as
many bytes as the caller's buffer holds (and does not write the length back). MACs use
the same three calls, routed by the state's class as upstream does.
"""
from __future__ import annotations

from typing import Any

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_NOT_IMPLEMENTED, TEE_ERROR_NOT_SUPPORTED,
                            TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from ..context import SyscallContext
from ..registry import syscall
from . import algorithms as alg
from .common import check_read, check_rw, checked_view, get_u64, put_u64, user_bytes
from .state import CTX_FACTORIES, get_state, live_key


class HashCtx:
    """A digest context: a library hash object, re-created by init()."""

    def __init__(self, algo: int) -> None:
        self.algo = algo
        self.xof = algo in alg.XOF_NEW
        self._new = alg.XOF_NEW[algo] if self.xof else alg.HASH_NEW[algo]
        self.h: Any = None

    def init(self) -> int:
        self.h = self._new()
        return TEE_SUCCESS

    def update(self, data: Any) -> int:
        try:
            self.h.update(data)
        except (TypeError, AttributeError):  # an XOF already read from, or no init
            return TEE_ERROR_BAD_STATE
        return TEE_SUCCESS

    def final(self, size: int) -> tuple[int, bytes]:
        if self.h is None:
            return TEE_ERROR_BAD_STATE, b""
        if self.xof:
            return TEE_SUCCESS, self.h.read(size) if size else b""
        return TEE_SUCCESS, self.h.digest()[:size]

    def copy_from(self, other: "HashCtx") -> None:
        self.h = other.h.copy() if other.h is not None else None


def alloc_hash(algo: int) -> tuple[int, Any]:
    """crypto_hash_alloc_ctx(): unknown digests answer TEE_ERROR_NOT_IMPLEMENTED."""
    if algo in alg.HASH_NEW or algo in alg.XOF_NEW:
        return TEE_SUCCESS, HashCtx(algo)
    return TEE_ERROR_NOT_IMPLEMENTED, None


CTX_FACTORIES[c.TEE_OPERATION_DIGEST] = alloc_hash


@syscall(18)
def syscall_hash_init(ctx: SyscallContext, state: int, iv: int, iv_len: int) -> int:
    """TEE_Result syscall_hash_init(unsigned long state, const void *iv, size_t iv_len);

    The IV is ignored. A MAC takes its key from the state's key object, which must
    still be initialized.
    """
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    cls = alg.get_class(cs.algo)
    if cls == c.TEE_OPERATION_DIGEST:
        res = cs.ctx.init()
    elif cls == c.TEE_OPERATION_MAC:
        key = live_key(ctx, cs.key1)
        if key is None:
            return TEE_ERROR_BAD_STATE
        if not key.initialized:
            return TEE_ERROR_BAD_PARAMETERS
        res = cs.ctx.init(key.secret())
    else:
        return TEE_ERROR_BAD_PARAMETERS
    if res != TEE_SUCCESS:
        return res
    cs.initialized = True
    return TEE_SUCCESS


@syscall(19)
def syscall_hash_update(ctx: SyscallContext, state: int, chunk: int, chunk_size: int) -> int:
    """TEE_Result syscall_hash_update(unsigned long state, const void *chunk, size_t chunk_size);"""
    if not chunk and chunk_size:
        return TEE_ERROR_BAD_PARAMETERS
    if not chunk_size:
        return TEE_SUCCESS
    res, view = checked_view(ctx, chunk, chunk_size)
    if res != TEE_SUCCESS:
        return res
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    if not cs.initialized:
        return TEE_ERROR_BAD_STATE
    if alg.get_class(cs.algo) not in (c.TEE_OPERATION_DIGEST, c.TEE_OPERATION_MAC):
        return TEE_ERROR_BAD_PARAMETERS
    return cs.ctx.update(view if view is not None else user_bytes(ctx, chunk, chunk_size))


@syscall(20)
def syscall_hash_final(ctx: SyscallContext, state: int, chunk: int, chunk_size: int,
                       hash: int, hash_len: int) -> int:  # noqa: A002 - upstream's name
    """TEE_Result syscall_hash_final(unsigned long state, const void *chunk, size_t chunk_size, void *hash, uint64_t *hash_len);

    A buffer smaller than the digest answers TEE_ERROR_SHORT_BUFFER with the digest
    size written to *hash_len; the state is left as it was.
    """
    if not chunk and chunk_size:
        return TEE_ERROR_BAD_PARAMETERS
    res = check_read(ctx, chunk, chunk_size)
    if res != TEE_SUCCESS:
        return res
    hlen = get_u64(ctx, hash_len)
    res = check_rw(ctx, hash, hlen)
    if res != TEE_SUCCESS:
        return res
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    if not cs.initialized:
        return TEE_ERROR_BAD_STATE
    cls = alg.get_class(cs.algo)
    if cls not in (c.TEE_OPERATION_DIGEST, c.TEE_OPERATION_MAC):
        return TEE_ERROR_BAD_PARAMETERS
    if cls == c.TEE_OPERATION_DIGEST and cs.ctx.xof:
        if chunk_size:
            res = cs.ctx.update(user_bytes(ctx, chunk, chunk_size))
            if res != TEE_SUCCESS:
                return res
        res, out = cs.ctx.final(hlen)
        if res == TEE_SUCCESS:
            ctx.mem.write(hash, out)
        return res
    size = alg.digest_size(cs.algo)
    if not size:
        return TEE_ERROR_NOT_SUPPORTED
    if hlen < size:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        if chunk_size:
            res = cs.ctx.update(user_bytes(ctx, chunk, chunk_size))
            if res != TEE_SUCCESS:
                return res
        res, out = cs.ctx.final(size)
        if res != TEE_SUCCESS:
            return res
        ctx.mem.write(hash, out)
    res2 = put_u64(ctx, hash_len, size)
    return res2 if res2 != TEE_SUCCESS else res
