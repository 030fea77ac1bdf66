"""Syscalls 21-23: symmetric ciphers (syscall_cipher_init/update/final).

AES ECB/CBC/CTR/CTS/XTS, DES and 3DES ECB/CBC, SM4 ECB/CBC/CTR/XTS. ECB, CBC and CTR
are the libraries' modes (pycryptodome; SM4 through `cryptography`). CTS (CBC-CS3) is
composed from the library's ECB and CBC the way core/crypto/aes-cts.c composes it, and
XTS (IEEE P1619, with ciphertext stealing in the last call) from the library's ECB
encryption, like core/crypto/sm4-xts.c: one code path for AES and SM4 that also
continues the tweak across updates as libtomcrypt's xts_encrypt does.
Every context can be copied (TEE_CopyOperation): chaining values are tracked.
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
from .blockciphers import new_cbc, new_ctr, new_ecb
from .common import Bounce, checked_view, get_u64_ref, overlaps, put_u64_ref, user_bytes
from .state import CTX_FACTORIES, get_state, live_key

_MASK128 = (1 << 128) - 1


def _xor(a: bytes, b: bytes) -> bytes:
    n = len(a)
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(n, "big")


class CipherCtx:
    """Base: key, mode, block size and the run() hook doing one update."""

    def __init__(self, algo: int) -> None:
        self.algo = algo
        self.main = alg.get_main_alg(algo)
        self.bs = 16 if self.main in (alg.MAIN_AES, alg.MAIN_SM4) else 8
        self.encrypt = True
        self.key = b""
        self.obj: Any = None

    def init(self, mode: int, key1: bytes, key2: bytes, iv: bytes) -> int:
        if mode not in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_DECRYPT):
            return TEE_ERROR_BAD_PARAMETERS
        self.encrypt = mode == c.TEE_MODE_ENCRYPT
        self.key = bytes(key1)
        return self.start(key2, bytes(iv))

    def start(self, key2: bytes, iv: bytes) -> int:
        """Set up the library object for this mode (overridden by every mode)."""
        return TEE_ERROR_NOT_SUPPORTED

    def crypt(self, data: Any, out: Any) -> bytes | None:
        """Run the library object; writes into out when given, else returns bytes."""
        fn = self.obj.encrypt if self.encrypt else self.obj.decrypt
        return fn(data, output=out) if out is not None else fn(data)

    def update(self, last: bool, data: Any, out: Any) -> tuple[int, bytes | None]:
        return TEE_SUCCESS, self.crypt(data, out)


class EcbCtx(CipherCtx):
    def start(self, key2: bytes, iv: bytes) -> int:
        self.obj = new_ecb(self.main, self.key)
        return TEE_SUCCESS

    def copy_from(self, other: "EcbCtx") -> None:
        self.encrypt, self.key, self.obj = other.encrypt, other.key, other.obj


class CbcCtx(CipherCtx):
    """CBC; the chaining value (last ciphertext block) is kept for copies."""

    def start(self, key2: bytes, iv: bytes) -> int:
        if len(iv) != self.bs:
            return TEE_ERROR_BAD_PARAMETERS
        self.chain = iv
        self.obj = new_cbc(self.main, self.key, iv)
        return TEE_SUCCESS

    def update(self, last: bool, data: Any, out: Any) -> tuple[int, bytes | None]:
        if not self.encrypt and len(data) >= self.bs:
            chain = bytes(data[-self.bs:])
        result = self.crypt(data, out)
        if len(data) >= self.bs:
            if self.encrypt:
                chain = bytes((out if out is not None else result)[-self.bs:])  # type: ignore[index]
            self.chain = chain
        return TEE_SUCCESS, result

    def copy_from(self, other: "CbcCtx") -> None:
        self.encrypt, self.key, self.chain = other.encrypt, other.key, other.chain
        self.obj = new_cbc(self.main, self.key, self.chain) if other.obj is not None else None


class CtrCtx(CipherCtx):
    """Big-endian counter over the whole block; any length in any update."""

    def start(self, key2: bytes, iv: bytes) -> int:
        if len(iv) != self.bs:
            return TEE_ERROR_BAD_PARAMETERS
        self.counter0, self.offset = int.from_bytes(iv, "big"), 0
        self.obj = new_ctr(self.main, self.key, iv)
        return TEE_SUCCESS

    def crypt(self, data: Any, out: Any) -> bytes | None:
        """Counter mode runs the keystream the same way both ways: always the library's
        encrypt (pycryptodome refuses decrypt() on an object that has encrypted, which
        is what the keystream skip of a copied context does; `cryptography` keeps
        separate encryptor and decryptor streams)."""
        return self.obj.encrypt(data, output=out) if out is not None else self.obj.encrypt(data)

    def update(self, last: bool, data: Any, out: Any) -> tuple[int, bytes | None]:
        self.offset += len(data)
        return TEE_SUCCESS, self.crypt(data, out)

    def copy_from(self, other: "CtrCtx") -> None:
        self.encrypt, self.key = other.encrypt, other.key
        self.counter0, self.offset = other.counter0, other.offset
        blocks, skip = divmod(self.offset, self.bs)
        counter = ((self.counter0 + blocks) & _MASK128).to_bytes(self.bs, "big")
        self.obj = new_ctr(self.main, self.key, counter)
        if skip:
            self.obj.encrypt(bytes(skip))


class CtsCtx(CipherCtx):
    """CBC-CS3 (the GP CTS) from ECB and CBC as in core/crypto/aes-cts.c."""

    def start(self, key2: bytes, iv: bytes) -> int:
        self.cbc = CbcCtx(c.TEE_ALG_AES_CBC_NOPAD)
        self.cbc.encrypt, self.cbc.key = self.encrypt, self.key
        self.ecb = new_ecb(self.main, self.key)
        return self.cbc.start(b"", iv)

    def update(self, last: bool, data: Any, out: Any) -> tuple[int, bytes | None]:
        if not last:
            return self.cbc.update(False, data, out)
        data = bytes(data)
        bs = self.bs
        nb = (len(data) + bs - 1) // bs
        if nb < 2:
            return TEE_ERROR_BAD_STATE, None
        tail = len(data) % bs or bs
        if self.encrypt:
            _, head = self.cbc.update(False, data[:(nb - 1) * bs], None)
            assert head is not None
            pad = data[(nb - 1) * bs:] + bytes(bs - tail)
            _, last_ct = self.cbc.update(False, pad, None)
            assert last_ct is not None
            result = head[:(nb - 2) * bs] + last_ct + head[(nb - 2) * bs:(nb - 2) * bs + tail]
        else:
            dn = self.ecb.decrypt(data[(nb - 2) * bs:(nb - 1) * bs])
            cn = data[(nb - 1) * bs:] + dn[tail:]
            first = b""
            if nb > 2:
                _, first = self.cbc.update(False, data[:(nb - 2) * bs], None)
            _, p1 = self.cbc.update(False, cn, None)
            _, p2 = self.cbc.update(False, data[(nb - 2) * bs:(nb - 1) * bs], None)
            assert first is not None and p1 is not None and p2 is not None
            result = first + p1 + p2[:tail]
        if out is not None:
            out[:] = result
            return TEE_SUCCESS, None
        return TEE_SUCCESS, result

    def copy_from(self, other: "CtsCtx") -> None:
        self.encrypt, self.key = other.encrypt, other.key
        self.ecb = other.ecb
        self.cbc = CbcCtx(c.TEE_ALG_AES_CBC_NOPAD)
        self.cbc.main = self.main
        self.cbc.copy_from(other.cbc)


def _gf_double(t: int) -> int:
    """Multiply an XTS tweak (little-endian 128-bit value) by alpha."""
    t <<= 1
    if t >> 128:
        t = (t & _MASK128) ^ 0x87
    return t


class XtsCtx(CipherCtx):
    """XTS composed from ECB with the tweak carried across updates."""

    def start(self, key2: bytes, iv: bytes) -> int:
        if len(self.key) != len(key2) or len(iv) != 16:
            return TEE_ERROR_BAD_PARAMETERS
        self.key2 = bytes(key2)
        self.obj = new_ecb(self.main, self.key)
        self.t = int.from_bytes(new_ecb(self.main, self.key2).encrypt(iv), "little")
        return TEE_SUCCESS

    def _run(self, blocks: bytes, tweaks: bytes, encrypt: bool) -> bytes:
        fn = self.obj.encrypt if encrypt else self.obj.decrypt
        return _xor(fn(_xor(blocks, tweaks)), tweaks)

    def _tweaks(self, count: int) -> bytes:
        parts = []
        t = self.t
        for _ in range(count):
            parts.append(t.to_bytes(16, "little"))
            t = _gf_double(t)
        self.t = t
        return b"".join(parts)

    def update(self, last: bool, data: Any, out: Any) -> tuple[int, bytes | None]:
        data = bytes(data)
        m, mo = divmod(len(data), 16)
        if m == 0:
            return TEE_ERROR_BAD_STATE, None
        lim = m if mo == 0 else m - 1
        result = self._run(data[:lim * 16], self._tweaks(lim), self.encrypt) if lim else b""
        if mo:
            block, rest = data[lim * 16:lim * 16 + 16], data[lim * 16 + 16:]
            t1 = self._tweaks(1)
            if self.encrypt:
                cc = self._run(block, t1, True)
                t2 = self._tweaks(1)
                result += self._run(rest + cc[mo:], t2, True) + cc[:mo]
            else:
                t2 = self._tweaks(1)
                pp = self._run(block, t2, False)
                result += self._run(rest + pp[mo:], t1, False) + pp[:mo]
        if out is not None:
            out[:] = result
            return TEE_SUCCESS, None
        return TEE_SUCCESS, result

    def copy_from(self, other: "XtsCtx") -> None:
        self.encrypt, self.key, self.key2 = other.encrypt, other.key, other.key2
        self.obj, self.t = other.obj, other.t


_CIPHERS: dict[int, type[CipherCtx]] = {
    c.TEE_ALG_AES_ECB_NOPAD: EcbCtx, c.TEE_ALG_AES_CBC_NOPAD: CbcCtx, c.TEE_ALG_AES_CTR: CtrCtx,
    c.TEE_ALG_AES_CTS: CtsCtx, c.TEE_ALG_AES_XTS: XtsCtx,
    c.TEE_ALG_DES_ECB_NOPAD: EcbCtx, c.TEE_ALG_DES_CBC_NOPAD: CbcCtx,
    c.TEE_ALG_DES3_ECB_NOPAD: EcbCtx, c.TEE_ALG_DES3_CBC_NOPAD: CbcCtx,
    c.TEE_ALG_SM4_ECB_NOPAD: EcbCtx, c.TEE_ALG_SM4_CBC_NOPAD: CbcCtx,
    c.TEE_ALG_SM4_CTR: CtrCtx, c.TEE_ALG_SM4_XTS: XtsCtx,
}
_NOPAD = {c.TEE_ALG_AES_ECB_NOPAD, c.TEE_ALG_DES_ECB_NOPAD, c.TEE_ALG_DES3_ECB_NOPAD,
          c.TEE_ALG_AES_CBC_NOPAD, c.TEE_ALG_DES_CBC_NOPAD, c.TEE_ALG_DES3_CBC_NOPAD,
          c.TEE_ALG_SM4_ECB_NOPAD, c.TEE_ALG_SM4_CBC_NOPAD}
_PARTIAL_OK = {c.TEE_ALG_AES_CTR, c.TEE_ALG_AES_XTS, c.TEE_ALG_AES_CTS, c.TEE_ALG_SM4_XTS}


def alloc_cipher(algo: int) -> tuple[int, Any]:
    """crypto_cipher_alloc_ctx(): unknown ciphers answer TEE_ERROR_NOT_IMPLEMENTED."""
    kind = _CIPHERS.get(algo)
    if kind is None:
        return TEE_ERROR_NOT_IMPLEMENTED, None
    return TEE_SUCCESS, kind(algo)


CTX_FACTORIES[c.TEE_OPERATION_CIPHER] = alloc_cipher


@syscall(21)
def syscall_cipher_init(ctx: SyscallContext, state: int, iv: int, iv_len: int) -> int:
    """TEE_Result syscall_cipher_init(unsigned long state, const void *iv, size_t iv_len);"""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    if alg.get_class(cs.algo) != c.TEE_OPERATION_CIPHER:
        return TEE_ERROR_BAD_STATE
    key1 = live_key(ctx, cs.key1)
    if key1 is None:
        return TEE_ERROR_BAD_STATE
    if not key1.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    res, iv_bytes = Bounce().memdup(ctx, iv, iv_len)
    if res != TEE_SUCCESS:
        return res
    key2 = live_key(ctx, cs.key2)
    if key2 is not None and not key2.initialized:
        return TEE_ERROR_BAD_PARAMETERS
    res = cs.ctx.init(cs.mode, key1.secret(), key2.secret() if key2 else b"", iv_bytes)
    if res != TEE_SUCCESS:
        return res
    cs.finalize = True
    cs.initialized = True
    return TEE_SUCCESS


def do_cipher_update(cs: Any, last: bool, data: Any, out: Any) -> tuple[int, bytes | None]:
    """tee_do_cipher_update(): the block-multiple rules, then the mode."""
    if cs.mode not in (c.TEE_MODE_ENCRYPT, c.TEE_MODE_DECRYPT):
        return TEE_ERROR_BAD_PARAMETERS, None
    bs = alg.block_size(cs.algo) if cs.algo in _CIPHERS else 0
    if not bs:
        return TEE_ERROR_NOT_SUPPORTED, None
    if len(data) % bs:
        if not last and cs.algo != c.TEE_ALG_AES_CTR:
            return TEE_ERROR_BAD_PARAMETERS, None
        if cs.algo in _NOPAD:
            return TEE_ERROR_BAD_PARAMETERS, None
        if cs.algo not in _PARTIAL_OK:
            return TEE_ERROR_NOT_SUPPORTED, None
    return cs.ctx.update(last, data, out)


def cipher_update(ctx: SyscallContext, state: int, last: bool, src: int, src_len: int,
                  dst: int, dst_len: int) -> int:
    """tee_svc_cipher_update_helper(): output is as long as the input."""
    cs = get_state(ctx, state)
    if cs is None:
        return TEE_ERROR_BAD_PARAMETERS
    if not cs.initialized:
        return TEE_ERROR_BAD_STATE
    res, src_view = checked_view(ctx, src, src_len)
    if res != TEE_SUCCESS:
        return res
    dlen, len_view, dst_view = 0, None, None
    if dst_len:
        dlen, len_view = get_u64_ref(ctx, dst_len)
        res, dst_view = checked_view(ctx, dst, dlen, write=True)
        if res != TEE_SUCCESS:
            return res
    if dlen < src_len:
        res = TEE_ERROR_SHORT_BUFFER
    else:
        if src_len > 0:
            data = src_view if src_view is not None else user_bytes(ctx, src, src_len)
            if src != dst and overlaps(src, src_len, dst, src_len):
                data = bytes(data)
            out = dst_view[:src_len] if dst_view is not None else None
            res, result = do_cipher_update(cs, last, data, out)
            if res == TEE_SUCCESS and out is None and result is not None:
                ctx.mem.write(dst, result)
        if last and cs.finalize:
            cs.finalize = False
    if res in (TEE_SUCCESS, TEE_ERROR_SHORT_BUFFER) and dst_len:
        res2 = put_u64_ref(ctx, dst_len, len_view, src_len)
        if res2 != TEE_SUCCESS:
            res = res2
    return res


@syscall(22)
def syscall_cipher_update(ctx: SyscallContext, state: int, src: int, src_len: int, dst: int,
                          dst_len: int) -> int:
    """TEE_Result syscall_cipher_update(unsigned long state, const void *src, size_t src_len, void *dest, uint64_t *dest_len);"""
    return cipher_update(ctx, state, False, src, src_len, dst, dst_len)


@syscall(23)
def syscall_cipher_final(ctx: SyscallContext, state: int, src: int, src_len: int, dst: int,
                         dst_len: int) -> int:
    """TEE_Result syscall_cipher_final(unsigned long state, const void *src, size_t src_len, void *dest, uint64_t *dest_len);"""
    return cipher_update(ctx, state, True, src, src_len, dst, dst_len)
