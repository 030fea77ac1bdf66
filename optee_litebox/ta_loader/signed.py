"""Signed TA files (``<uuid>.ta``): parse the signed header chain, check it, return the ELF.

Layout (core/include/signed_hdr.h; checked in the order core/kernel/ree_fs_ta.c checks it)::

    [subkey image, name]*   optional chain, each: shdr(type 3) hash sig img(subkey hdr+key) name
    shdr                    magic, img_type, img_size, algo, hash_size, sig_size (20 bytes)
    hash, signature
    bootstrap header        types 1 and 2: uuid[16] (RFC 4122 byte order), u32 ta_version
    encryption header       type 2: enc_algo, flags, iv_size, tag_size, iv, tag
    payload                 img_size bytes: the ELF (type 2: its AES-GCM ciphertext)

The hash covers the 20-byte shdr, the bootstrap and encryption headers and the *plain* ELF.
A subkey image's hash covers its shdr and its img_size bytes (not the name after it). The
signature of each header is over its hash; the first header is checked with the caller's
key (if any), every later one with the key carried by the subkey before it.
"""
from __future__ import annotations

import hashlib
import uuid as _uuid
from dataclasses import dataclass

from construct import Bytes, ConstructError, Int16ul, Int32ul, Struct, this
from Crypto.Cipher import AES
from Crypto.PublicKey import RSA

from ..errors import LoaderError, SignatureError
from ._errors import boundary
from .keys import SigAlgo, fingerprint, load_rsa_key, rsa_from_numbers, rsa_verify, sig_algo

SHDR_MAGIC = 0x4F545348
SHDR_TA = 0
SHDR_BOOTSTRAP_TA = 1
SHDR_ENCRYPTED_TA = 2
SHDR_SUBKEY = 3
IMG_TYPE_NAMES = {SHDR_TA: "legacy", SHDR_BOOTSTRAP_TA: "bootstrap",
                  SHDR_ENCRYPTED_TA: "encrypted", SHDR_SUBKEY: "subkey"}

TEE_ALG_AES_GCM = 0x40000810
TEE_MAIN_ALGO_RSA = 0x30
TEE_ATTR_RSA_MODULUS = 0xD0000130
TEE_ATTR_RSA_PUBLIC_EXPONENT = 0xD0000230
SHDR_ENC_KEY_TYPE_MASK = 0x1
ENC_KEY_TYPE_NAMES = {0: "device-specific", 1: "class-wide"}
#: A chain longer than this is certainly not a real one (upstream has no fixed limit).
MAX_SUBKEY_CHAIN = 32

SHDR = Struct("magic" / Int32ul, "img_type" / Int32ul, "img_size" / Int32ul,
              "algo" / Int32ul, "hash_size" / Int16ul, "sig_size" / Int16ul)
SHDR_SIZE = SHDR.sizeof()  # 20
BOOTSTRAP_HDR = Struct("uuid" / Bytes(16), "ta_version" / Int32ul)
BOOTSTRAP_HDR_SIZE = BOOTSTRAP_HDR.sizeof()  # 20
ENC_HDR = Struct("enc_algo" / Int32ul, "flags" / Int32ul, "iv_size" / Int16ul,
                 "tag_size" / Int16ul, "iv" / Bytes(this.iv_size), "tag" / Bytes(this.tag_size))
ENC_HDR_FIXED_SIZE = 12
SUBKEY_HDR = Struct("uuid" / Bytes(16), "name_size" / Int32ul, "version" / Int32ul,
                    "max_depth" / Int32ul, "algo" / Int32ul, "attr_count" / Int32ul)
SUBKEY_HDR_SIZE = SUBKEY_HDR.sizeof()  # 36
SUBKEY_ATTR = Struct("id" / Int32ul, "offs" / Int32ul, "size" / Int32ul)
SUBKEY_ATTR_SIZE = SUBKEY_ATTR.sizeof()  # 12


@dataclass(frozen=True)
class SubkeyInfo:
    """One link of a subkey chain."""

    name: str  # the name that places the next image in this subkey's namespace ("" = identity)
    uuid: _uuid.UUID  # the subkey's own UUID (its namespace)
    next_uuid: _uuid.UUID  # UUID the next subkey or TA must have
    version: int
    max_depth: int
    algo: int  # TEE_ALG_* the subkey is meant for
    key_fingerprint: str  # SHA-256 of the subkey's public key (DER SubjectPublicKeyInfo)
    verified: bool | None  # signature over this subkey image (None: no key to check it with)


@dataclass(frozen=True)
class SignedInfo:
    """What the signed header says and how much of it we could check."""

    img_type: int
    algo: str  # e.g. "RSASSA_PKCS1_PSS_MGF1_SHA256"
    algo_id: int
    hash: str  # hex digest from the header (checked against the image)
    verified: bool | None  # True: chain verified from the caller's key; None: no key given
    reason: str
    uuid: _uuid.UUID | None  # bootstrap UUID (or the UUID a subkey chain requires)
    ta_version: int | None
    subkeys: tuple[SubkeyInfo, ...] = ()
    encrypted: bool = False
    enc_key_type: str | None = None
    key_fingerprint: str | None = None  # key that checked the TA's own header, if any
    payload_offset: int = 0  # where the (possibly encrypted) ELF starts in the file

    @property
    def img_type_name(self) -> str:
        return IMG_TYPE_NAMES.get(self.img_type, str(self.img_type))


def is_signed(data: bytes) -> bool:
    """True if data starts with the signed-header magic."""
    return len(data) >= 4 and int.from_bytes(data[:4], "little") == SHDR_MAGIC


def subkey_next_uuid(namespace: _uuid.UUID | bytes, name: bytes | str) -> _uuid.UUID:
    """The UUID a subkey's name assigns to the next image: SHA-512 over namespace and name,
    shaped as a version-5 UUID (core/crypto/signed_hdr.c calc_next_uuid). The name ends at
    its first NUL."""
    ns = namespace.bytes if isinstance(namespace, _uuid.UUID) else bytes(namespace)
    raw = name.encode() if isinstance(name, str) else bytes(name)
    raw = raw.split(b"\0", 1)[0]
    return _uuid.UUID(bytes=hashlib.sha512(ns + raw).digest()[:16], version=5)


def parse_signed(data: bytes, *, pubkey_pem: bytes | None = None, enc_key: bytes | None = None,
                 name: str = "<bytes>", strict: bool = True) -> tuple[SignedInfo, bytes]:
    """Check a signed TA file and return (SignedInfo, ELF bytes).

    The hash is always checked. With ``pubkey_pem`` the signature chain is verified; a
    failure raises SignatureError (with ``strict=False`` it is reported in
    ``SignedInfo.verified`` instead). Encrypted TAs need ``enc_key`` (raw AES key bytes).
    Every problem raises LoaderError/SignatureError naming ``name``.
    """
    with boundary(name):
        return _Parser(bytes(data), pubkey_pem, enc_key, strict).run()


def _parse(struct: Struct, data: bytes, offs: int, what: str):  # type: ignore[no-untyped-def]
    try:
        return struct.parse(data[offs:])
    except ConstructError as exc:
        raise LoaderError(f"truncated {what} at offset {offs}") from exc


class _Parser:
    """One pass over a signed file, in upstream's order."""

    def __init__(self, data: bytes, pubkey_pem: bytes | None, enc_key: bytes | None,
                 strict: bool) -> None:
        self.data = data
        self.root_key = load_rsa_key(pubkey_pem) if pubkey_pem is not None else None
        self.enc_key = enc_key
        self.strict = strict
        self.failure: str | None = None

    def read_shdr(self, offs: int) -> tuple[object, bytes, SigAlgo, int]:
        shdr = _parse(SHDR, self.data, offs, "signed header")
        if shdr.magic != SHDR_MAGIC:
            raise LoaderError(f"bad signed-header magic 0x{shdr.magic:08x} at offset {offs}")
        algo = sig_algo(shdr.algo)
        if shdr.hash_size != algo.hash_size:
            raise LoaderError(f"hash_size {shdr.hash_size} does not fit {algo.name}")
        size = SHDR_SIZE + shdr.hash_size + shdr.sig_size
        if offs + size > len(self.data):
            raise LoaderError(f"truncated signed header at offset {offs}")
        return shdr, self.data[offs:offs + SHDR_SIZE], algo, size

    def check_sig(self, key: RSA.RsaKey | None, algo: SigAlgo, shdr: object, offs: int,
                  what: str) -> bool | None:
        if key is None:
            return None
        hash_ = self.data[offs + SHDR_SIZE:offs + SHDR_SIZE + shdr.hash_size]  # type: ignore[attr-defined]
        sig_start = offs + SHDR_SIZE + shdr.hash_size  # type: ignore[attr-defined]
        sig = self.data[sig_start:sig_start + shdr.sig_size]  # type: ignore[attr-defined]
        ok, reason = rsa_verify(key, algo, hash_, sig)
        if not ok:
            msg = f"{what}: {reason}"
            if self.strict:
                raise SignatureError(msg)
            self.failure = self.failure or msg
        return ok

    def run(self) -> tuple[SignedInfo, bytes]:
        offs = 0
        shdr, shdr_raw, algo, shdr_size = self.read_shdr(offs)
        key = self.root_key
        sig_ok = self.check_sig(key, algo, shdr, offs, "signed header")
        subkeys: list[SubkeyInfo] = []
        max_depth = 0xFFFFFFFF
        next_uuid: _uuid.UUID | None = None
        while shdr.img_type == SHDR_SUBKEY:
            if len(subkeys) >= MAX_SUBKEY_CHAIN:
                raise LoaderError(f"subkey chain longer than {MAX_SUBKEY_CHAIN}")
            info, sk_key, end = self.read_subkey(offs, shdr_size, shdr, shdr_raw, algo,
                                                 len(subkeys), max_depth, next_uuid, sig_ok)
            subkeys.append(info)
            max_depth, next_uuid, key, offs = info.max_depth, info.next_uuid, sk_key, end
            shdr, shdr_raw, algo, shdr_size = self.read_shdr(offs)
            what = f"image signed by subkey '{info.name or info.uuid}'"
            sig_ok = self.check_sig(key, algo, shdr, offs, what)
        return self.read_ta(offs, shdr, shdr_raw, algo, shdr_size, subkeys, next_uuid, key)

    def read_subkey(self, shdr_offs: int, shdr_size: int, shdr, shdr_raw: bytes,  # type: ignore[no-untyped-def]
                    algo: SigAlgo, index: int, max_depth: int, expect_uuid: _uuid.UUID | None,
                    sig_ok: bool | None) -> tuple[SubkeyInfo, RSA.RsaKey, int]:
        offs = shdr_offs + shdr_size
        img_size = shdr.img_size
        img = self.data[offs:offs + img_size]
        if img_size < SUBKEY_HDR_SIZE:
            raise LoaderError(f"subkey {index}: image of {img_size} bytes is too small")
        if len(img) < img_size:
            raise LoaderError(f"subkey {index}: truncated (needs {img_size} bytes at offset {offs})")
        if algo.new_hash(shdr_raw + img).digest() != shdr_hash(self.data, shdr_offs):
            raise SignatureError(f"subkey {index}: hash does not match the subkey image")
        sk = SUBKEY_HDR.parse(img)
        if SUBKEY_HDR_SIZE + sk.attr_count * SUBKEY_ATTR_SIZE > img_size:
            raise LoaderError(f"subkey {index}: {sk.attr_count} attributes do not fit the image")
        attrs = {}
        for n in range(sk.attr_count):
            attr = SUBKEY_ATTR.parse(img[SUBKEY_HDR_SIZE + n * SUBKEY_ATTR_SIZE:])
            if attr.offs + attr.size > img_size:
                raise LoaderError(f"subkey {index}: attribute 0x{attr.id:08x} out of range")
            attrs.setdefault(attr.id, img[attr.offs:attr.offs + attr.size])
        if sk.max_depth >= max_depth:
            raise SignatureError(f"subkey {index}: max_depth {sk.max_depth} is not below "
                                 f"the parent's {max_depth}")
        own_uuid = _uuid.UUID(bytes=sk.uuid)
        if expect_uuid is not None and own_uuid != expect_uuid:
            raise SignatureError(f"subkey {index}: UUID {own_uuid} is not the {expect_uuid} "
                                 f"its parent's name assigns")
        name_start = offs + img_size
        name_raw = self.data[name_start:name_start + sk.name_size]
        if len(name_raw) < sk.name_size:
            raise LoaderError(f"subkey {index}: truncated name")
        nxt = subkey_next_uuid(own_uuid, name_raw) if sk.name_size else own_uuid
        if sk.algo & 0xFF != TEE_MAIN_ALGO_RSA:
            raise LoaderError(f"subkey {index}: unsupported key algorithm 0x{sk.algo:08x}")
        if TEE_ATTR_RSA_MODULUS not in attrs or TEE_ATTR_RSA_PUBLIC_EXPONENT not in attrs:
            raise LoaderError(f"subkey {index}: RSA modulus or exponent missing")
        key = rsa_from_numbers(int.from_bytes(attrs[TEE_ATTR_RSA_MODULUS], "big"),
                               int.from_bytes(attrs[TEE_ATTR_RSA_PUBLIC_EXPONENT], "big"))
        name = name_raw.split(b"\0", 1)[0].decode("utf-8", "replace")
        info = SubkeyInfo(name=name, uuid=own_uuid, next_uuid=nxt, version=sk.version,
                          max_depth=sk.max_depth, algo=sk.algo, key_fingerprint=fingerprint(key),
                          verified=sig_ok)
        return info, key, name_start + sk.name_size

    def read_ta(self, offs: int, shdr, shdr_raw: bytes, algo: SigAlgo, shdr_size: int,  # type: ignore[no-untyped-def]
                subkeys: list[SubkeyInfo], next_uuid: _uuid.UUID | None,
                key: RSA.RsaKey | None) -> tuple[SignedInfo, bytes]:
        data = self.data
        img_type = shdr.img_type
        if img_type not in (SHDR_TA, SHDR_BOOTSTRAP_TA, SHDR_ENCRYPTED_TA):
            raise LoaderError(f"unsupported signed image type {img_type}")
        h = algo.new_hash(shdr_raw)
        p = offs + shdr_size
        ta_uuid: _uuid.UUID | None = None
        version: int | None = None
        if img_type in (SHDR_BOOTSTRAP_TA, SHDR_ENCRYPTED_TA):
            bs = _parse(BOOTSTRAP_HDR, data, p, "bootstrap header")
            h.update(data[p:p + BOOTSTRAP_HDR_SIZE])  # type: ignore[attr-defined]
            p += BOOTSTRAP_HDR_SIZE
            ta_uuid, version = _uuid.UUID(bytes=bs.uuid), bs.ta_version
        if next_uuid is not None:
            if ta_uuid is not None and ta_uuid != next_uuid:
                raise SignatureError(f"TA UUID {ta_uuid} is not in the subkey namespace "
                                     f"(expected {next_uuid})")
            ta_uuid = next_uuid
        enc_key_type = None
        ehdr = None
        if img_type == SHDR_ENCRYPTED_TA:
            ehdr = _parse(ENC_HDR, data, p, "encryption header")
            size = ENC_HDR_FIXED_SIZE + ehdr.iv_size + ehdr.tag_size
            h.update(data[p:p + size])  # type: ignore[attr-defined]
            p += size
            if ehdr.enc_algo != TEE_ALG_AES_GCM:
                raise LoaderError(f"unsupported TA encryption algorithm 0x{ehdr.enc_algo:08x}")
            if not 1 <= ehdr.iv_size <= 64 or not 4 <= ehdr.tag_size <= 16:
                raise LoaderError(f"bad AES-GCM iv_size {ehdr.iv_size} or tag_size {ehdr.tag_size}")
            enc_key_type = ENC_KEY_TYPE_NAMES[ehdr.flags & SHDR_ENC_KEY_TYPE_MASK]
        end = p + shdr.img_size
        if end > len(data):
            raise LoaderError(f"truncated: header promises {shdr.img_size} payload bytes at "
                              f"offset {p}, file has {len(data) - p}")
        if end < len(data):
            raise LoaderError(f"{len(data) - end} bytes of trailing data after the payload")
        payload = data[p:end]
        if ehdr is not None:
            if self.enc_key is None:
                raise LoaderError("encrypted TA: a decryption key is needed (enc_key)")
            payload = _decrypt(self.enc_key, ehdr, payload)
        h.update(payload)  # type: ignore[attr-defined]
        digest = h.digest()  # type: ignore[attr-defined]
        stored = shdr_hash(data, offs)
        if digest != stored:
            raise SignatureError(f"hash mismatch: header has {stored.hex()}, "
                                 f"image hashes to {digest.hex()}")
        verified, reason = self.verdict(subkeys)
        info = SignedInfo(img_type=img_type, algo=algo.name, algo_id=algo.id, hash=stored.hex(),
                          verified=verified, reason=reason, uuid=ta_uuid, ta_version=version,
                          subkeys=tuple(subkeys), encrypted=ehdr is not None,
                          enc_key_type=enc_key_type,
                          key_fingerprint=fingerprint(key) if key is not None else None,
                          payload_offset=p)
        return info, payload

    def verdict(self, subkeys: list[SubkeyInfo]) -> tuple[bool | None, str]:
        if self.failure is not None:
            return False, self.failure
        chain = f" through {len(subkeys)} subkey(s)" if subkeys else ""
        if self.root_key is None:
            return None, f"not verified: no public key supplied{chain and ' (subkey links check out)'}"
        return True, f"signature verified with key {fingerprint(self.root_key)[:16]}{chain}"


def shdr_hash(data: bytes, offs: int) -> bytes:
    """The hash field of the shdr at ``offs``."""
    hash_size = int.from_bytes(data[offs + 16:offs + 18], "little")
    return data[offs + SHDR_SIZE:offs + SHDR_SIZE + hash_size]


def _decrypt(enc_key: bytes, ehdr, ciphertext: bytes) -> bytes:  # type: ignore[no-untyped-def]
    key = bytes(enc_key)
    if len(key) not in (16, 24, 32):
        raise LoaderError(f"TA encryption key must be 16, 24 or 32 bytes, not {len(key)}")
    cipher = AES.new(key, AES.MODE_GCM, nonce=ehdr.iv, mac_len=ehdr.tag_size)
    try:
        return cipher.decrypt_and_verify(ciphertext, ehdr.tag)
    except ValueError as exc:
        raise SignatureError("decryption failed: wrong TA encryption key or corrupted "
                             "ciphertext") from exc
