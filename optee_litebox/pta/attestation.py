"""The attestation pseudo-TA (core/pta/attestation.c, pta_attestation.h).

It signs measurements with a per-device RSA key (3072 bits, CFG_ATTESTATION_PTA_KEY_SIZE)
that it generates on first use and keeps in trusted storage, under its own UUID and the
object ID "key", serialized as upstream does (e, d, n, each a big-endian u16 length and
the big-endian number). Every answer is ``digest || RSASSA-PSS-SHA256(salt 32) signature
of SHA-256(nonce || digest)``. The digest is the signed header's hash of a TA binary, a
hash of a calling TA's read-only mappings, or a hash of our own TEE code.
"""
from __future__ import annotations

import hashlib
import struct
import threading
from pathlib import Path

from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pss

from ..abi.crypto import TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256
from ..abi.params import (
    TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
    param_types,
)
from ..abi.pta import (
    ATTESTATION_KEY_BITS,
    PTA_ATTESTATION_GET_PUBKEY,
    PTA_ATTESTATION_GET_TA_SHDR_DIGEST,
    PTA_ATTESTATION_HASH_TA_MEMORY,
    PTA_ATTESTATION_HASH_TEE_MEMORY,
    PTA_ATTESTATION_UUID,
)
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_GENERIC,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_NOT_IMPLEMENTED,
    TEE_ERROR_SHORT_BUFFER,
    TEE_SUCCESS,
)
from ..secure_storage import ItemExists, ItemNotFound, StorageError
from ..secure_storage.records import ObjectMeta
from .base import PseudoTa, PtaCaller, PtaEnv, PtaParam, register
from .system import read_uuid

_MI, _MO, _VO = TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_OUTPUT
KEY_OBJECT_ID = b"key"
HASH_SIZE = 32
_U16 = struct.Struct(">H")


def serialize_key(key: RSA.RsaKey) -> bytes:
    """serialize_key(): e, d, n as (u16 big-endian length, big-endian bytes)."""
    out = b""
    for number in (key.e, key.d, key.n):
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        out += _U16.pack(len(raw)) + raw
    return out


def deserialize_key(data: bytes) -> RSA.RsaKey:
    """deserialize_key(); ValueError for anything that does not parse as a key pair."""
    numbers = []
    pos = 0
    for _ in range(3):
        if pos + 2 > len(data):
            raise ValueError("truncated key")
        (size,) = _U16.unpack_from(data, pos)
        pos += 2
        if pos + size > len(data):
            raise ValueError("truncated key")
        numbers.append(int.from_bytes(data[pos:pos + size], "big"))
        pos += size
    e, d, n = numbers
    return RSA.construct((n, e, d))


def tee_code_digest() -> bytes:
    """What PTA_ATTESTATION_HASH_TEE_MEMORY measures here: our own code (every Python
    source of the package, by relative path, in sorted order)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.digest()


@register
class AttestationPta(PseudoTa):
    uuid = PTA_ATTESTATION_UUID
    name = "attestation.pta"

    def __init__(self, env: PtaEnv) -> None:
        super().__init__(env)
        self._key: RSA.RsaKey | None = None
        self._lock = threading.Lock()

    def invoke(self, session: object, caller: PtaCaller, cmd: int, types: int,
               params: list[PtaParam]) -> int:
        handler = {PTA_ATTESTATION_GET_PUBKEY: self.get_pubkey,
                   PTA_ATTESTATION_GET_TA_SHDR_DIGEST: self.get_ta_shdr_digest,
                   PTA_ATTESTATION_HASH_TA_MEMORY: self.hash_ta_memory,
                   PTA_ATTESTATION_HASH_TEE_MEMORY: self.hash_tee_memory}.get(cmd)
        if handler is None:
            return TEE_ERROR_BAD_PARAMETERS  # invoke_command() starts from BAD_PARAMETERS
        return handler(caller, types, params)

    # -- the device key ---------------------------------------------------------------------

    def init_key(self) -> tuple[int, RSA.RsaKey | None]:
        """init_key(): load the key from storage, or generate and store it."""
        with self._lock:
            if self._key is not None:
                return TEE_SUCCESS, self._key
            store = self._store()
            if store is None:
                return TEE_ERROR_NOT_IMPLEMENTED, None  # no file operations
            try:
                key = self._load(store)
                if key is None:
                    key = RSA.generate(ATTESTATION_KEY_BITS, e=65537)
                    try:
                        store.create(KEY_OBJECT_ID, ObjectMeta(), serialize_key(key), overwrite=False)
                    except ItemExists:  # another process of this TEE was first
                        key = self._load(store)
            except StorageError as exc:
                return exc.result, None
            except ValueError:
                return TEE_ERROR_GENERIC, None
            if key is None:
                return TEE_ERROR_GENERIC, None
            self._key = key
            return TEE_SUCCESS, key

    def _store(self):  # type: ignore[no-untyped-def]
        services = self.env.services
        if services.storage is None:
            from ..gp_api.pobj import StorageServices
            with services.lock:
                if services.storage is None:
                    services.storage = StorageServices.for_platform(self.env.platform)
        if services.storage is None:
            return None
        return services.storage.secure.store(PTA_ATTESTATION_UUID)

    @staticmethod
    def _load(store) -> RSA.RsaKey | None:  # type: ignore[no-untyped-def]
        try:
            head = store.open(KEY_OBJECT_ID)
        except ItemNotFound:
            return None
        return deserialize_key(store.read(KEY_OBJECT_ID, 0, head.size))

    def _signed(self, key: RSA.RsaKey, out: PtaParam, nonce: bytes, digest: bytes) -> int:
        """sign_buffer(): digest || signature of SHA-256(nonce || digest), into out."""
        signature = pss.new(key, salt_bytes=HASH_SIZE).sign(SHA256.new(nonce + digest))
        assert out.mem is not None
        out.mem.write(digest + signature)
        return TEE_SUCCESS

    def _output(self, key: RSA.RsaKey, out: PtaParam) -> bool:
        """Set the needed size; False when the buffer is too small."""
        have = out.size
        out.size = HASH_SIZE + key.size_in_bytes()
        return have >= out.size and out.mem is not None

    # -- commands -----------------------------------------------------------------------------

    def get_pubkey(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """cmd_get_pubkey(): e and n, big-endian; the signature algorithm in p2.a."""
        if types != param_types(_MO, _MO, _VO):
            return TEE_ERROR_BAD_PARAMETERS
        res, key = self.init_key()
        if key is None:
            return res
        for param, number in ((p[0], key.e), (p[1], key.n)):
            raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
            if param.size >= len(raw) and param.mem is not None:
                param.mem.write(raw)
            else:
                res = TEE_ERROR_SHORT_BUFFER
            param.size = len(raw)
        p[2].a = TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256
        return res

    def get_ta_shdr_digest(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """cmd_get_ta_shdr_digest(): the hash in a TA binary's signed header, signed."""
        if types != param_types(_MI, _MI, _MO):
            return TEE_ERROR_BAD_PARAMETERS
        if p[0].size != 16:
            return TEE_ERROR_BAD_PARAMETERS
        if not p[1].buffer or not p[1].size or (not p[2].buffer and p[2].size):
            return TEE_ERROR_BAD_PARAMETERS
        res, key = self.init_key()
        if key is None:
            return res
        if not self._output(key, p[2]):
            return TEE_ERROR_SHORT_BUFFER
        ta = read_uuid(p[0])
        digest = self.env.ta_digest(ta) if ta is not None else None
        if digest is None:
            return TEE_ERROR_ITEM_NOT_FOUND
        assert p[1].mem is not None
        return self._signed(key, p[2], p[1].mem.read(), digest)

    def hash_ta_memory(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """cmd_hash_ta_memory(): SHA-256 of the calling TA's read-only mappings, smallest
        first (equal sizes by content), so the order does not depend on addresses."""
        if types != param_types(_MI, _MO):
            return TEE_ERROR_BAD_PARAMETERS
        if not p[0].buffer or not p[0].size or (not p[1].buffer and p[1].size):
            return TEE_ERROR_BAD_PARAMETERS
        if caller.uuid is None:
            return TEE_ERROR_ACCESS_DENIED
        res, key = self.init_key()
        if key is None:
            return res
        if not self._output(key, p[1]):
            return TEE_ERROR_SHORT_BUFFER
        h = hashlib.sha256()
        for region in sorted(caller.measured_regions(), key=lambda r: (len(r), r)):
            h.update(region)
        assert p[0].mem is not None
        return self._signed(key, p[1], p[0].mem.read(), h.digest())

    def hash_tee_memory(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """cmd_hash_tee_memory(): a measurement of the TEE's own code."""
        if types != param_types(_MI, _MO):
            return TEE_ERROR_BAD_PARAMETERS
        if not p[0].buffer or not p[0].size or (not p[1].buffer and p[1].size):
            return TEE_ERROR_BAD_PARAMETERS
        res, key = self.init_key()
        if key is None:
            return res
        if not self._output(key, p[1]):
            return TEE_ERROR_SHORT_BUFFER
        assert p[0].mem is not None
        return self._signed(key, p[1], p[0].mem.read(), _tee_digest())


_TEE_DIGEST: list[bytes] = []


def _tee_digest() -> bytes:
    if not _TEE_DIGEST:
        _TEE_DIGEST.append(tee_code_digest())
    return _TEE_DIGEST[0]
