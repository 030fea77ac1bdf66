"""A client for the crypto sample TA (sample_tas/crypto/crypto_ta.h): one method per command.

Methods return the TA's TEE_Result first; a result of TEE_ERROR_TARGET_DEAD means the GP
library inside the TA panicked (as OP-TEE's libutee would), and ``panic_code()`` gives the
code from the crash report.
"""
from __future__ import annotations

import struct
from typing import Union

from optee_litebox.abi import crypto as c
from optee_litebox.abi import params as T
from optee_litebox.abi.results import TEE_ERROR_TARGET_DEAD, TEE_SUCCESS, result_name
from optee_litebox.runtime import Param

(OBJ_ALLOC, OBJ_POPULATE, OBJ_GENERATE, OBJ_GET_BUFFER, OBJ_GET_VALUE, OBJ_INFO, OBJ_RESTRICT,
 OBJ_COPY, OBJ_RESET, OBJ_FREE, OP_ALLOC, OP_FREE, OP_SET_KEY, OP_INFO, OP_RESET, OP_COPY,
 DIGEST, DIGEST_EXTRACT, MAC_INIT, MAC_COMPUTE, MAC_COMPARE, CIPHER_INIT, CIPHER_UPDATE,
 AE_INIT, AE_AAD, AE_UPDATE, AE_ENC_FINAL, AE_DEC_FINAL, ASYM, DERIVE, MISUSE) = range(31)
ENCRYPT, DECRYPT, SIGN, VERIFY = range(4)
NULL = 0xFFFFFFFF
SAMPLE = "crypto"

AttrValue = Union[bytes, int, tuple[int, int]]
Attrs = list[tuple[int, AttrValue]]


def attrs_blob(attrs: Attrs | None) -> bytes:
    """Serialize attributes as the TA expects: (id, a, b) records, buffer bytes after."""
    out = b""
    for aid, val in attrs or []:
        if aid & c.TEE_ATTR_FLAG_VALUE:
            a, b = val if isinstance(val, tuple) else (int(val), 0)  # type: ignore[arg-type]
            out += struct.pack("<III", aid, a, b)
        else:
            data = bytes(val)  # type: ignore[arg-type]
            out += struct.pack("<III", aid, len(data), 0) + data
    return out


def _in(data: bytes | None) -> Param:
    return Param.memref_in(data) if data is not None else Param.none()


class CryptoTA:
    """One session of the crypto sample TA."""

    def __init__(self, tee, session) -> None:  # type: ignore[no-untyped-def]
        self.tee = tee
        self.session = session

    def call(self, cmd: int, params: list[Param]) -> int:
        return self.tee.invoke(self.session, cmd, params)[0]

    def panic_code(self) -> int | None:
        crash = self.session.crash
        return crash.code if crash is not None and crash.kind == "panic" else None

    def panicked_with(self, res: int, code: int) -> bool:
        return res == TEE_ERROR_TARGET_DEAD and self.panic_code() == code

    def ok(self, res: int, what: str = "") -> None:
        assert res == TEE_SUCCESS, f"{what}: {result_name(res)} panic={self.panic_code()}"

    # -- objects ---------------------------------------------------------------------------

    def obj_alloc(self, obj_type: int, max_size: int) -> tuple[int, int]:
        p = [Param.value_in(obj_type, max_size), Param.value_out()]
        return self.call(OBJ_ALLOC, p), p[1].a

    def populate(self, slot: int, attrs: Attrs) -> int:
        return self.call(OBJ_POPULATE, [Param.value_in(slot), Param.memref_in(attrs_blob(attrs))])

    def generate(self, slot: int, key_size: int, attrs: Attrs | None = None) -> int:
        blob = attrs_blob(attrs) if attrs else None
        return self.call(OBJ_GENERATE, [Param.value_in(slot, key_size), _in(blob)])

    def get_buffer(self, slot: int, attr: int, room: int = 1024) -> tuple[int, bytes, int]:
        out = Param.memref_out(room) if room else Param.memref_null(T.TEE_PARAM_TYPE_MEMREF_OUTPUT)
        res = self.call(OBJ_GET_BUFFER, [Param.value_in(slot, attr), out])
        return res, out.data() if res == TEE_SUCCESS else b"", out.size

    def get_value(self, slot: int, attr: int) -> tuple[int, int, int]:
        p = [Param.value_in(slot, attr), Param.value_out()]
        res = self.call(OBJ_GET_VALUE, p)
        return res, p[1].a, p[1].b

    def info(self, slot: int) -> tuple[int, tuple[int, ...]]:
        out = Param.memref_out(28)
        res = self.call(OBJ_INFO, [Param.value_in(slot), out])
        return res, struct.unpack("<7I", out.data()) if res == TEE_SUCCESS else ()

    def restrict(self, slot: int, usage: int) -> int:
        return self.call(OBJ_RESTRICT, [Param.value_in(slot, usage & 0xFFFFFFFF)])

    def copy_attrs(self, dst: int, src: int) -> int:
        return self.call(OBJ_COPY, [Param.value_in(dst, src)])

    def reset(self, slot: int) -> int:
        return self.call(OBJ_RESET, [Param.value_in(slot)])

    def free(self, slot: int) -> int:
        return self.call(OBJ_FREE, [Param.value_in(slot)])

    def key(self, obj_type: int, size: int, attrs: Attrs) -> int:
        """A populated transient object (asserts success)."""
        res, slot = self.obj_alloc(obj_type, size)
        self.ok(res, "alloc")
        self.ok(self.populate(slot, attrs), "populate")
        return slot

    def secret(self, obj_type: int, key: bytes) -> int:
        return self.key(obj_type, len(key) * 8, [(c.TEE_ATTR_SECRET_VALUE, key)])

    # -- operations ------------------------------------------------------------------------

    def op_alloc(self, algo: int, mode: int, max_size: int = 0) -> tuple[int, int]:
        p = [Param.value_in(algo, mode), Param.value_in(max_size), Param.value_out()]
        return self.call(OP_ALLOC, p), p[2].a

    def set_key(self, op: int, key: int, key2: int | None = None) -> int:
        params = [Param.value_in(op, key)]
        if key2 is not None:
            params.append(Param.value_in(key2))
        return self.call(OP_SET_KEY, params)

    def op(self, algo: int, mode: int, max_size: int = 0, key: int | None = None,
           key2: int | None = None) -> int:
        """An allocated operation with its key(s) set (asserts success)."""
        res, op = self.op_alloc(algo, mode, max_size)
        self.ok(res, f"op_alloc {algo:#x}")
        if key is not None:
            self.ok(self.set_key(op, key, key2), "set_key")
        return op

    def op_info(self, op: int) -> dict[str, int]:
        out = Param.memref_out(32)
        self.ok(self.call(OP_INFO, [Param.value_in(op), out]), "op_info")
        names = ("algorithm", "operationClass", "mode", "digestLength", "maxKeySize", "keySize",
                 "requiredKeyUsage", "handleState")
        return dict(zip(names, struct.unpack("<8I", out.data())))

    def op_free(self, op: int) -> int:
        return self.call(OP_FREE, [Param.value_in(op)])

    def op_reset(self, op: int) -> int:
        return self.call(OP_RESET, [Param.value_in(op)])

    def op_copy(self, dst: int, src: int) -> int:
        return self.call(OP_COPY, [Param.value_in(dst, src)])

    # -- data ------------------------------------------------------------------------------

    @staticmethod
    def _tail(tail: int | None) -> list[Param]:
        return [] if tail is None else [Param.value_in(tail)]

    @staticmethod
    def _out(room: int) -> Param:
        return Param.memref_out(room) if room else Param.memref_null(T.TEE_PARAM_TYPE_MEMREF_OUTPUT)

    def digest(self, op: int, data: bytes, chunk: int = 0, tail: int | None = None,
               room: int = 64) -> tuple[int, bytes, int]:
        out = self._out(room)
        res = self.call(DIGEST, [Param.value_in(op, chunk), Param.memref_in(data), out]
                        + self._tail(tail))
        return res, out.data() if res == TEE_SUCCESS else b"", out.size

    def extract(self, op: int, data: bytes, total: int, piece: int = 0,
                chunk: int = 0) -> tuple[int, bytes]:
        out = self._out(total)
        res = self.call(DIGEST_EXTRACT, [Param.value_in(op, chunk), Param.memref_in(data), out,
                                         Param.value_in(piece)])
        return res, out.data() if res == TEE_SUCCESS else b""

    def mac_init(self, op: int, iv: bytes | None = None) -> int:
        return self.call(MAC_INIT, [Param.value_in(op), _in(iv)])

    def mac(self, op: int, msg: bytes, chunk: int = 0, tail: int | None = None,
            room: int = 64) -> tuple[int, bytes, int]:
        out = self._out(room)
        res = self.call(MAC_COMPUTE, [Param.value_in(op, chunk), Param.memref_in(msg), out]
                        + self._tail(tail))
        return res, out.data() if res == TEE_SUCCESS else b"", out.size

    def mac_compare(self, op: int, msg: bytes, mac: bytes, chunk: int = 0,
                    tail: int | None = None) -> int:
        return self.call(MAC_COMPARE, [Param.value_in(op, chunk), Param.memref_in(msg),
                                       Param.memref_in(mac)] + self._tail(tail))

    def cipher_init(self, op: int, iv: bytes | None = None) -> int:
        return self.call(CIPHER_INIT, [Param.value_in(op), _in(iv)])

    def cipher(self, op: int, data: bytes, chunk: int = 0, final: int | None = None,
               room: int | None = None) -> tuple[int, bytes, int]:
        """Updates over data (less `final` trailing bytes), then DoFinal(final bytes) if given."""
        out = self._out(len(data) + 32 if room is None else room)
        res = self.call(CIPHER_UPDATE, [Param.value_in(op, chunk), Param.memref_in(data), out]
                        + self._tail(final))
        return res, out.data() if res == TEE_SUCCESS else b"", out.size

    def ae_init(self, op: int, nonce: bytes, tag_bits: int, aad_len: int = 0,
                payload_len: int = 0) -> int:
        return self.call(AE_INIT, [Param.value_in(op, tag_bits), Param.memref_in(nonce),
                                   Param.value_in(aad_len, payload_len)])

    def ae_aad(self, op: int, aad: bytes, chunk: int = 0) -> int:
        return self.call(AE_AAD, [Param.value_in(op, chunk), Param.memref_in(aad)])

    def ae_update(self, op: int, data: bytes, chunk: int = 0,
                  room: int | None = None) -> tuple[int, bytes, int]:
        out = self._out(len(data) + 32 if room is None else room)
        res = self.call(AE_UPDATE, [Param.value_in(op, chunk), Param.memref_in(data), out])
        return res, out.data() if res == TEE_SUCCESS else b"", out.size

    def ae_update_final(self, op: int, data: bytes, chunk: int = 0,
                        tag_room: int = 16) -> tuple[int, bytes, bytes]:
        """AE_UPDATE with a tag memref: the updates, then TEE_AEEncryptFinal with no data."""
        out, tag = self._out(len(data) + 32), self._out(tag_room)
        res = self.call(AE_UPDATE, [Param.value_in(op, chunk), Param.memref_in(data), out, tag])
        ok = res == TEE_SUCCESS
        return res, out.data() if ok else b"", tag.data() if ok else b""

    def ae_encrypt_final(self, op: int, data: bytes, room: int | None = None,
                         tag_room: int = 16) -> tuple[int, bytes, bytes, int, int]:
        out = self._out(len(data) + 32 if room is None else room)
        tag = self._out(tag_room)
        res = self.call(AE_ENC_FINAL, [Param.value_in(op), Param.memref_in(data), out, tag])
        ok = res == TEE_SUCCESS
        return res, out.data() if ok else b"", tag.data() if ok else b"", out.size, tag.size

    def ae_decrypt_final(self, op: int, data: bytes, tag: bytes,
                         room: int | None = None) -> tuple[int, bytes, int]:
        out = self._out(len(data) + 32 if room is None else room)
        res = self.call(AE_DEC_FINAL, [Param.value_in(op), Param.memref_in(data), out,
                                       Param.memref_in(tag)])
        return res, out.data(), out.size

    def asym(self, op: int, function: int, src: bytes, room: int = 1024,
             attrs: Attrs | None = None) -> tuple[int, bytes, int]:
        out = self._out(room)
        blob = attrs_blob(attrs) if attrs else None
        res = self.call(ASYM, [Param.value_in(op, function), _in(blob), Param.memref_in(src), out])
        return res, out.data() if res == TEE_SUCCESS else b"", out.size

    def verify(self, op: int, digest: bytes, sig: bytes, attrs: Attrs | None = None) -> int:
        blob = attrs_blob(attrs) if attrs else None
        return self.call(ASYM, [Param.value_in(op, VERIFY), _in(blob), Param.memref_in(digest),
                                Param.memref_in(sig)])

    def derive(self, op: int, derived: int, attrs: Attrs | None = None) -> int:
        blob = attrs_blob(attrs) if attrs else None
        return self.call(DERIVE, [Param.value_in(op, derived), _in(blob)])

    def misuse(self, case: int, arg: int = 0) -> int:
        return self.call(MISUSE, [Param.value_in(case, arg)])
