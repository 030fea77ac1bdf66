"""Sealed data: every frame and file of trusted storage is one AES-256-GCM envelope.

::

    offset  size  field
    0       4     magic "OLXS"
    4       1     format version (1)
    5       1     kind: 1 commit, 2 object head, 3 data chunk, 4 log header
    6       2     reserved, zero
    8       12    nonce
    20      n     ciphertext
    20+n    16    GCM tag

The associated data is the 20-byte header followed by the context (storage namespace and
TA UUID), so a file only opens as the kind, namespace and TA it was written for; the TA's
key (keys.py) already differs between TAs and devices. The tag doubles as the file's
identity: a parent (a commit for heads, a head for chunks) records the tag of the exact
version it refers to, which is how substituted or rolled-back data is caught.

Nonces are HMAC-SHA256(nonce key, file name || 16 random bytes || plaintext)[:12], a
synthetic IV: even if the random source repeats (a deterministic test platform, a cloned
VM), a nonce only repeats for the same name and the same plaintext.
"""
from __future__ import annotations

import hashlib
import hmac
import struct

from cryptography.exceptions import InvalidTag

from ..platform import Randomness
from .errors import CorruptObject
from .keys import TaKeys

MAGIC = b"OLXS"
VERSION = 1
KIND_COMMIT = 1
KIND_HEAD = 2
KIND_CHUNK = 3
KIND_LOG = 4
HEADER = struct.Struct("<4sBBH12s")
TAG_SIZE = 16
OVERHEAD = HEADER.size + TAG_SIZE


def seal(keys: TaKeys, kind: int, context: bytes, name: str, plaintext: bytes,
         rng: Randomness) -> bytes:
    """Encrypt and authenticate plaintext as a file of the given kind."""
    mac = hmac.new(keys.nonce, name.encode() + b"\0" + rng.random_bytes(16), hashlib.sha256)
    mac.update(plaintext)
    nonce = mac.digest()[:12]
    header = HEADER.pack(MAGIC, VERSION, kind, 0, nonce)
    return header + keys.aead.encrypt(nonce, plaintext, header + context)


def unseal(keys: TaKeys, kind: int, context: bytes, blob: bytes, what: str) -> bytes:
    """Decrypt a sealed file; CorruptObject if it is not an authentic file of that kind."""
    if len(blob) < OVERHEAD:
        raise CorruptObject(f"{what}: truncated ({len(blob)} bytes)")
    magic, version, got_kind, _, nonce = HEADER.unpack_from(blob)
    if magic != MAGIC or version != VERSION or got_kind != kind:
        raise CorruptObject(f"{what}: not a sealed file of the expected kind")
    try:
        return keys.aead.decrypt(nonce, blob[HEADER.size:], blob[:HEADER.size] + context)
    except InvalidTag:
        raise CorruptObject(f"{what}: authentication failed") from None


def tag_of(blob: bytes) -> bytes:
    """The GCM tag that identifies one sealed file version."""
    return blob[-TAG_SIZE:]
