"""Produce signed TA files laid out exactly as upstream's scripts/sign_encrypt.py does.

* :func:`sign_ta`: type 1 (bootstrap) — what every upstream build produces.
* :func:`encrypt_ta`: type 2, the ELF encrypted with AES-GCM (12-byte nonce, 16-byte tag).
* :func:`sign_subkey`: a type-3 subkey image (optionally below a parent chain); pass the
  result as ``subkey=`` to sign_ta/encrypt_ta together with the subkey's private key.
* :func:`sign_legacy_ta`: type 0, the pre-bootstrap format (for tests and old tools).

PKCS#1 v1.5 signatures are deterministic; PSS draws a salt from ``randbytes`` (default: the
system RNG), which tests may replace for reproducible output. Bad arguments raise
ValueError; an ELF without ``ta_head`` needs an explicit ``uuid``.
"""
from __future__ import annotations

import os
import struct
import uuid as _uuid
from collections.abc import Callable

from Crypto.Cipher import AES

from .elf import parse_elf
from .keys import ALGO_BY_SHORT_NAME, SigAlgo, load_rsa_key, rsa_sign, sig_algo
from .signed import (
    BOOTSTRAP_HDR,
    SHDR,
    SHDR_BOOTSTRAP_TA,
    SHDR_ENCRYPTED_TA,
    SHDR_MAGIC,
    SHDR_SIZE,
    SHDR_SUBKEY,
    SHDR_TA,
    SUBKEY_HDR,
    SUBKEY_HDR_SIZE,
    TEE_ALG_AES_GCM,
    TEE_ATTR_RSA_MODULUS,
    TEE_ATTR_RSA_PUBLIC_EXPONENT,
    subkey_next_uuid,
)

RandBytes = Callable[[int], bytes]
NONCE_SIZE = 12
TAG_SIZE = 16
ENC_KEY_TYPES = {"device": 0, "class": 1}


def _algo(name: str | int) -> SigAlgo:
    if isinstance(name, int):
        return sig_algo(name)
    if name not in ALGO_BY_SHORT_NAME:
        raise ValueError(f"unknown algorithm {name!r}; use one of {sorted(ALGO_BY_SHORT_NAME)}")
    return sig_algo(ALGO_BY_SHORT_NAME[name])


def _signed_image(img_type: int, img_size: int, covered: bytes, tail: bytes, key_pem: bytes,
                  algo: str | int, randbytes: RandBytes | None) -> bytes:
    """shdr + hash + signature + tail, where the hash covers shdr + ``covered``."""
    key = load_rsa_key(key_pem, "signing key")
    a = _algo(algo)
    shdr = SHDR.build(dict(magic=SHDR_MAGIC, img_type=img_type, img_size=img_size, algo=a.id,
                           hash_size=a.hash_size, sig_size=key.size_in_bytes()))
    digest = a.new_hash(shdr + covered).digest()  # type: ignore[attr-defined]
    return shdr + digest + rsa_sign(key, a, digest, randbytes) + tail


def _ta_uuid(elf: bytes, uuid: _uuid.UUID | str | None) -> _uuid.UUID:
    if uuid is not None:
        return uuid if isinstance(uuid, _uuid.UUID) else _uuid.UUID(str(uuid))
    plan = parse_elf(elf, "<elf to sign>")
    if plan.ta_head is None:
        raise ValueError("the ELF has no ta_head (a library?): pass uuid=")
    return plan.ta_head.uuid


def _chain_prefix(subkey: bytes | None, name: str) -> bytes:
    """The subkey chain and the name that places the next image in its namespace."""
    if subkey is None:
        if name:
            raise ValueError("subkey_name given without subkey")
        return b""
    name_size, _max_depth, _uuid_last = subkey_chain_tail(subkey)
    raw = name.encode()
    if len(raw) > name_size:
        raise ValueError(f"name {name!r} is longer than the subkey's name_size {name_size}")
    return bytes(subkey) + raw.ljust(name_size, b"\0")


def sign_ta(elf: bytes, key_pem: bytes, *, uuid: _uuid.UUID | str | None = None,
            version: int = 0, algo: str | int = "pss", randbytes: RandBytes | None = None,
            subkey: bytes | None = None, subkey_name: str = "") -> bytes:
    """A type-1 (bootstrap) signed TA: shdr, hash, sig, {uuid, version}, ELF.

    ``uuid`` defaults to the one in ``ta_head``. With ``subkey`` (from sign_subkey), the
    file starts with that chain and ``subkey_name``, and ``key_pem`` is the subkey's key.
    """
    ta_uuid = _ta_uuid(elf, uuid)
    bs = BOOTSTRAP_HDR.build(dict(uuid=ta_uuid.bytes, ta_version=version))
    image = _signed_image(SHDR_BOOTSTRAP_TA, len(elf), bs + elf, bs + elf, key_pem, algo, randbytes)
    return _chain_prefix(subkey, subkey_name) + image


def encrypt_ta(elf: bytes, key_pem: bytes, enc_key: bytes, *,
               uuid: _uuid.UUID | str | None = None, version: int = 0,
               algo: str | int = "pss", key_type: str = "device", nonce: bytes | None = None,
               randbytes: RandBytes | None = None, subkey: bytes | None = None,
               subkey_name: str = "") -> bytes:
    """A type-2 (encrypted) signed TA. The hash covers the plain ELF; the file holds
    the AES-GCM ciphertext. ``key_type`` is "device" (SHDR_ENC_KEY_DEV_SPECIFIC) or
    "class" (SHDR_ENC_KEY_CLASS_WIDE); it only sets a flag, the key is ``enc_key``."""
    if len(enc_key) not in (16, 24, 32):
        raise ValueError("enc_key must be 16, 24 or 32 bytes")
    if key_type not in ENC_KEY_TYPES:
        raise ValueError(f"key_type must be one of {sorted(ENC_KEY_TYPES)}")
    ta_uuid = _ta_uuid(elf, uuid)
    nonce = nonce if nonce is not None else os.urandom(NONCE_SIZE)
    cipher = AES.new(bytes(enc_key), AES.MODE_GCM, nonce=nonce, mac_len=TAG_SIZE)
    ciphertext, tag = cipher.encrypt_and_digest(elf)
    bs = BOOTSTRAP_HDR.build(dict(uuid=ta_uuid.bytes, ta_version=version))
    ehdr = struct.pack("<IIHH", TEE_ALG_AES_GCM, ENC_KEY_TYPES[key_type], len(nonce), len(tag))
    head = bs + ehdr + nonce + tag
    image = _signed_image(SHDR_ENCRYPTED_TA, len(elf), head + elf, head + ciphertext, key_pem,
                          algo, randbytes)
    return _chain_prefix(subkey, subkey_name) + image


def sign_legacy_ta(elf: bytes, key_pem: bytes, *, algo: str | int = "pss",
                   randbytes: RandBytes | None = None) -> bytes:
    """A type-0 signed TA: shdr, hash, sig, ELF (no bootstrap header)."""
    return _signed_image(SHDR_TA, len(elf), elf, elf, key_pem, algo, randbytes)


def _int_bytes(x: int) -> bytes:
    # sign_encrypt.py's int_to_bytes: one spare byte, so a 2048-bit modulus takes 257 bytes.
    return x.to_bytes((x.bit_length() + 8) // 8, "big")


def sign_subkey(signing_key_pem: bytes, subkey_pem: bytes, *, uuid: _uuid.UUID | str,
                name_size: int, max_depth: int | None = None, version: int = 0,
                algo: str | int = "pss", parent: bytes | None = None, parent_name: str = "",
                randbytes: RandBytes | None = None) -> bytes:
    """A type-3 subkey image for ``subkey_pem``'s public key, signed with
    ``signing_key_pem`` (the root key, or the parent subkey's private key when ``parent``
    is given). ``name_size`` 0 makes an identity subkey (the next image keeps its UUID).
    ``max_depth`` defaults to the parent's minus one, or 0 at the top."""
    sk_uuid = uuid if isinstance(uuid, _uuid.UUID) else _uuid.UUID(str(uuid))
    if parent is not None:
        parent_depth = subkey_chain_tail(parent)[1]
        if max_depth is None:
            if parent_depth <= 0:
                raise ValueError(f"parent subkey has max_depth {parent_depth}: no room below")
            max_depth = parent_depth - 1
        elif max_depth >= parent_depth:
            raise ValueError("max_depth must be below the parent's")
    elif max_depth is None:
        max_depth = 0
    pub = load_rsa_key(subkey_pem, "subkey").public_key()
    n, e = _int_bytes(pub.n), _int_bytes(pub.e)
    attrs_end = SUBKEY_HDR_SIZE + 2 * 12
    a = _algo(algo)
    img = sk_uuid.bytes + struct.pack(
        "<IIIIIIIIIII", name_size, version, max_depth, a.id, 2,
        TEE_ATTR_RSA_MODULUS, attrs_end, len(n),
        TEE_ATTR_RSA_PUBLIC_EXPONENT, attrs_end + len(n), len(e)) + n + e
    prefix = _chain_prefix(parent, parent_name) if parent is not None else b""
    return prefix + _signed_image(SHDR_SUBKEY, len(img), img, img, signing_key_pem, algo, randbytes)


def subkey_chain_tail(chain: bytes) -> tuple[int, int, _uuid.UUID]:
    """(name_size, max_depth, uuid) of the last subkey in a chain made by sign_subkey."""
    offs, last = 0, None
    while offs < len(chain):
        shdr = SHDR.parse(chain[offs:])
        if shdr.magic != SHDR_MAGIC or shdr.img_type != SHDR_SUBKEY:
            raise ValueError(f"not a subkey image at offset {offs}")
        img_at = offs + SHDR_SIZE + shdr.hash_size + shdr.sig_size
        last = SUBKEY_HDR.parse(chain[img_at:img_at + SUBKEY_HDR_SIZE])
        offs = img_at + shdr.img_size
        if offs < len(chain):  # a name, then the next subkey
            offs += last.name_size
    if last is None:
        raise ValueError("empty subkey chain")
    return last.name_size, last.max_depth, _uuid.UUID(bytes=last.uuid)


def subkey_ta_uuid(chain: bytes, name: str) -> _uuid.UUID:
    """The UUID a TA signed below ``chain`` with ``name`` must have."""
    name_size, _depth, sk_uuid = subkey_chain_tail(chain)
    return subkey_next_uuid(sk_uuid, name) if name_size else sk_uuid
