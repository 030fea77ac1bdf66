"""Syscalls 34-38: authenticated encryption, AES-GCM and AES-CCM (pycryptodome).

Result codes follow core/crypto/aes-gcm.c (OP-TEE's own GCM: any tag length up to
16, a wrong-length tag is TEE_ERROR_MAC_INVALID) and core/lib/libtomcrypt/ccm.c (tag
4..16 and even else NOT_SUPPORTED, nonce up to 13 bytes, library errors BAD_STATE,
a shorter tag given to decrypt-final is compared as a prefix). pycryptodome's AEAD
objects cannot be copied, so a context keeps what it was fed and a copy
(TEE_CopyOperation) replays it into a fresh object.
"""
from __future__ import annotations

from typing import Any

from Crypto.Cipher import AES

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_MAC_INVALID, TEE_ERROR_NOT_IMPLEMENTED,
                            TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)
from ..context import SyscallContext
from ..registry import syscall
from . import algorithms as alg
from .common import (Bounce, check_read, check_rw, get_u64, overlaps, put_u64, user_bytes,
                     user_out)
from .state import CTX_FACTORIES, get_state, live_key

_INT_MAX = 0x7FFFFFFF


class ReplayLog:
    """What an AE operation was fed, kept for TEE_CopyOperation.

    One reusable buffer: a fresh bytes object per 64 KiB update cost more than the
    encryption itself (every new allocation faults its pages in), while appending to
    memory kept from the previous operation is a plain copy.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._used = 0
        self._parts: list[tuple[str, int, int]] = []

    def reset(self) -> None:
        self._used = 0
        self._parts.clear()

    def add(self, kind: str, data: Any) -> None:
        n = len(data)
        end = self._used + n
        if end > len(self._buf):
            self._buf.extend(bytes(max(end - len(self._buf), len(self._buf))))
        self._buf[self._used:end] = data
        self._parts.append((kind, self._used, end))
        self._used = end

    def items(self) -> list[tuple[str, bytes]]:
        return [(kind, bytes(self._buf[a:b])) for kind, a, b in self._parts]


class AeCtx:
    """Common part: library objects, the replay log and the tag length."""

    def __init__(self, algo: int) -> None:
        self.algo = algo
        self.encrypt = True
        self.tag_len = 0
        self.args: tuple[Any, ...] = ()
        self.log = ReplayLog()
        self.obj: Any = None

    def _new(self) -> None:
        """Create the library object from self.args (every mode defines it)."""

    def update_aad(self, data: Any) -> int:
        try:
            self.obj.update(data)
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE
        self.log.add("aad", data)
        return TEE_SUCCESS

    def _payload(self, data: Any, out: Any) -> bytes | None:
        self.log.add("data", data)
        fn = self.obj.encrypt if self.encrypt else self.obj.decrypt
        return fn(data, output=out) if out is not None else fn(data)

    def update_payload(self, data: Any, out: Any) -> tuple[int, bytes | None]:
        try:
            return TEE_SUCCESS, self._payload(data, out)
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE, None

    def copy_from(self, other: "AeCtx") -> None:
        self.encrypt, self.tag_len, self.args = other.encrypt, other.tag_len, other.args
        self.log.reset()
        self.obj = None
        if other.obj is None:
            return
        self._new()
        for kind, data in other.log.items():
            if kind == "aad":
                self.update_aad(data)
            else:
                self._payload(data, None)


class GcmCtx(AeCtx):
    def init(self, mode: int, key: bytes, nonce: bytes, tag_len: int, aad_len: int,
             payload_len: int) -> int:
        if tag_len > 16:
            return TEE_ERROR_BAD_PARAMETERS
        if not nonce:
            return TEE_ERROR_BAD_PARAMETERS
        self.encrypt, self.tag_len, self.args = mode == c.TEE_MODE_ENCRYPT, tag_len, (key, nonce)
        self.log.reset()
        self._new()
        return TEE_SUCCESS

    def _new(self) -> None:
        key, nonce = self.args
        self.obj = AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=16)

    def enc_final(self, data: Any, out: Any, tag_room: int) -> tuple[int, bytes | None, bytes]:
        if tag_room < self.tag_len:
            return TEE_ERROR_SHORT_BUFFER, None, b""
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None, b""
        return TEE_SUCCESS, result, self.obj.digest()[:self.tag_len]

    def dec_final(self, data: Any, out: Any, tag: bytes) -> tuple[int, bytes | None]:
        if len(tag) != self.tag_len:
            return TEE_ERROR_MAC_INVALID, None
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None
        computed = _gcm_tag(self.obj)[:self.tag_len]
        return (TEE_SUCCESS if computed == tag else TEE_ERROR_MAC_INVALID), result


def _gcm_tag(obj: Any) -> bytes:
    """The full tag of a decrypting pycryptodome GCM object.

    The public API only offers verify() with a full-length tag; upstream compares a
    truncated tag, so we take the tag from the library's own computation.
    """
    return bytes(obj._compute_mac())  # noqa: SLF001


class CcmCtx(AeCtx):
    def init(self, mode: int, key: bytes, nonce: bytes, tag_len: int, aad_len: int,
             payload_len: int) -> int:
        if len(key) > 32 or len(nonce) > 13 or payload_len > _INT_MAX or aad_len > _INT_MAX:
            return TEE_ERROR_BAD_PARAMETERS
        if tag_len < 4 or tag_len > 16 or tag_len % 2:
            return TEE_ERROR_NOT_SUPPORTED
        self.encrypt, self.tag_len = mode == c.TEE_MODE_ENCRYPT, tag_len
        self.args = (key, nonce, payload_len, aad_len)
        self.log.reset()
        try:
            self._new()
        except ValueError:
            return TEE_ERROR_BAD_STATE
        return TEE_SUCCESS

    def _new(self) -> None:
        key, nonce, payload_len, aad_len = self.args
        kw = dict(nonce=nonce, mac_len=self.tag_len, msg_len=payload_len, assoc_len=aad_len)
        self.obj = AES.new(key, AES.MODE_CCM, **kw)
        # Decryption also needs the tag of the plaintext: a second, encrypting object.
        self.mac = AES.new(key, AES.MODE_CCM, **kw) if not self.encrypt else None

    def update_aad(self, data: Any) -> int:
        res = super().update_aad(data)
        if res == TEE_SUCCESS and self.mac is not None:
            self.mac.update(data)
        return res

    def _payload(self, data: Any, out: Any) -> bytes | None:
        result = super()._payload(data, out)
        if self.mac is not None:
            self.mac.encrypt(bytes(out) if out is not None else result)
        return result

    def enc_final(self, data: Any, out: Any, tag_room: int) -> tuple[int, bytes | None, bytes]:
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None, b""
        if tag_room < self.tag_len:
            return TEE_ERROR_SHORT_BUFFER, result, b""
        try:
            return TEE_SUCCESS, result, self.obj.digest()
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE, result, b""

    def dec_final(self, data: Any, out: Any, tag: bytes) -> tuple[int, bytes | None]:
        if not tag:
            return TEE_ERROR_SHORT_BUFFER, None
        if len(tag) > 16:
            return TEE_ERROR_BAD_STATE, None
        res, result = self.update_payload(data, out)
        if res != TEE_SUCCESS:
            return res, None
        try:
            computed = self.mac.digest()  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return TEE_ERROR_BAD_STATE, result
        return (TEE_SUCCESS if computed[:len(tag)] == tag else TEE_ERROR_MAC_INVALID), result


def alloc_authenc(algo: int) -> tuple[int, Any]:
    """crypto_authenc_alloc_ctx(): only AES-GCM and AES-CCM; else NOT_IMPLEMENTED."""
    if algo == c.TEE_ALG_AES_GCM:
        return TEE_SUCCESS, GcmCtx(algo)
    if algo == c.TEE_ALG_AES_CCM:
        return TEE_SUCCESS, CcmCtx(algo)
    return TEE_ERROR_NOT_IMPLEMENTED, None


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
    if not isinstance(cs.ctx, AeCtx):
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
    res = check_read(ctx, aad_data, aad_data_len)
    if res != TEE_SUCCESS:
        return res
    res, cs = _ae_state(ctx, state)
    if res != TEE_SUCCESS:
        return res
    if alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE
    return cs.ctx.update_aad(user_bytes(ctx, aad_data, aad_data_len))


def _io(ctx: SyscallContext, src: int, src_len: int, dst: int) -> tuple[Any, Any]:
    data = user_bytes(ctx, src, src_len)
    if overlaps(src, src_len, dst, src_len) and src != dst:
        data = bytes(data)
    return data, user_out(ctx, dst, src_len)


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
    res, cs = _ae_state(ctx, state)
    if res != TEE_SUCCESS:
        return res
    if alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE
    res = check_read(ctx, src_data, src_len)
    if res != TEE_SUCCESS:
        return res
    dlen = get_u64(ctx, dst_len)
    res = check_rw(ctx, dst_data, dlen)
    if res != TEE_SUCCESS:
        return res
    if dlen < src_len:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        data, out = _io(ctx, src_data, src_len, dst_data)
        res, result = cs.ctx.update_payload(data, out)
        dlen = src_len
        if res == TEE_SUCCESS:
            _write(ctx, dst_data, out, result)
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER):
        res2 = put_u64(ctx, dst_len, dlen)
        if res2 != TEE_SUCCESS:
            res = res2
    return res


def _final_prologue(ctx: SyscallContext, state: int, mode: int, src: int, src_len: int,
                    dst: int, dst_len: int) -> tuple[int, Any, int]:
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS, None, 0
    if not cs.initialized:
        return TEE_ERROR_BAD_STATE, None, 0
    if cs.mode != mode:
        return TEE_ERROR_BAD_PARAMETERS, None, 0
    if alg.get_class(cs.algo) != c.TEE_OPERATION_AE:
        return TEE_ERROR_BAD_STATE, None, 0
    res = check_read(ctx, src, src_len)
    if res != TEE_SUCCESS:
        return res, None, 0
    dlen = 0
    if dst_len:
        dlen = get_u64(ctx, dst_len)
        res = check_rw(ctx, dst, dlen)
        if res != TEE_SUCCESS:
            return res, None, 0
    return TEE_SUCCESS, cs, dlen


@syscall(37)
def syscall_authenc_enc_final(ctx: SyscallContext, state: int, src_data: int, src_len: int,
                              dst_data: int, dst_len: int, tag: int, tag_len: int) -> int:
    """TEE_Result syscall_authenc_enc_final(unsigned long state, const void *src_data, size_t src_len, void *dest_data, uint64_t *dest_len, void *tag, uint64_t *tag_len);"""
    res, cs, dlen = _final_prologue(ctx, state, c.TEE_MODE_ENCRYPT, src_data, src_len,
                                    dst_data, dst_len)
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
        data, out = _io(ctx, src_data, src_len, dst_data)
        room = tlen
        res, result, tag_bytes = cs.ctx.enc_final(data, out, room)
        dlen = src_len
        if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER):
            _write(ctx, dst_data, out, result)
        if res == TEE_SUCCESS:
            ctx.mem.write(tag, tag_bytes)
            tlen = len(tag_bytes)
        elif res == TEE_ERROR_SHORT_BUFFER and isinstance(cs.ctx, CcmCtx):
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
    res, cs, dlen = _final_prologue(ctx, state, c.TEE_MODE_DECRYPT, src_data, src_len,
                                    dst_data, dst_len)
    if res != TEE_SUCCESS:
        return res
    if dlen < src_len:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        res = check_read(ctx, tag, tag_len)
        if res != TEE_SUCCESS:
            return res
        tag_bytes = ctx.mem.read(tag, tag_len) if tag_len else b""
        data, out = _io(ctx, src_data, src_len, dst_data)
        res, result = cs.ctx.dec_final(data, out, tag_bytes)
        dlen = src_len
        if result is not None or out is not None:
            _write(ctx, dst_data, out, result)
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER) and dst_len:
        res2 = put_u64(ctx, dst_len, dlen)
        if res2 != TEE_SUCCESS:
            return res2
    return res
