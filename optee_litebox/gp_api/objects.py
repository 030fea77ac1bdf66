"""GP objects: the object model shared by transient (crypto) and persistent (storage) objects.

Upstream keeps one ``struct tee_obj`` per handle in a per-TA list (core/tee/tee_obj.c) and
describes every object type by a table in core/tee/tee_svc_cryp.c: key-size rules (min,
max, multiple), how many bytes a secret may hold, and the ordered list of attributes of
the type with their flags. This module is that model, with no syscall in it:

- ``TYPE_PROPS`` / ``type_props()``: the per-type table (OP-TEE 4.10.0 default config).
- ``GpObject``: one object (``TEE_ObjectInfo`` fields, ``busy``, ``have_attrs`` bitmask and
  one attribute value per entry of the type's table, in table order).
- ``set_type()``, ``check_key_size()``, ``attr_clear()``, ``attr_copy_from()``,
  ``attr_to_binary()``, ``attr_from_binary()``: tee_obj_set_type() and the tee_obj_attr_*
  helpers, with upstream's result codes.
- ``ObjectTable`` / ``CrypTables``: the per-instance handle tables (``SyscallContext.cryp``).
  Handles are small non-zero numbers private to one TA instance; objects and operation
  states share one numbering, so a state handle is never a valid object handle.

How persistent objects (trusted storage) plug in
------------------------------------------------
A persistent object is a ``GpObject`` with ``TEE_HANDLE_FLAG_PERSISTENT`` (plus
``INITIALIZED`` and its TEE_DATA_FLAG_* bits) in ``handle_flags`` and a ``pobj`` that
implements ``PersistentLink``: upstream reads and writes the usage of a persistent object
through its ``tee_pobj`` (shared by every handle on the same object), so ``GpObject.usage``
delegates to ``pobj.usage`` and restricting the usage calls ``pobj.write_usage()``, which
returns a TEE_Result; closing the handle calls ``pobj.close()``. Storage creates the object
with ``GpObject()`` + ``set_type(obj, type, max_size)`` (TEE_TYPE_DATA is accepted with
max size 0), fills attributes with ``attr_from_binary()`` (the on-disk format of
tee_obj_attr_to_binary) and restores ``have_attrs`` from its file header, or copies them from
a transient object with ``attr_copy_from()``. ``data_size`` and ``data_position`` are the
data-stream fields reported by syscall 24; storage keeps them current. Register the handle
with ``ctx.cryp.objects.add(obj)``; look handles up with ``ctx.cryp.objects.get(handle)``.
"""
from __future__ import annotations

import enum
import itertools
import struct
from dataclasses import dataclass, field
from typing import Protocol, Union

from ..abi import crypto as c
from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                           TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_NOT_IMPLEMENTED,
                           TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_SECURITY, TEE_SUCCESS)

#: CFG_CORE_BIGNUM_MAX_BITS of a default build.
BIGNUM_MAX_BITS = 4096
#: Curve25519 keys are always 32 bytes.
KEY_SIZE_BYTES_25519 = 32

# Attribute flags of the type tables (TEE_TYPE_ATTR_*).
ATTR_OPTIONAL = 1 << 0
ATTR_REQUIRED = 1 << 1
ATTR_OPTIONAL_GROUP = 1 << 2
ATTR_SIZE_INDICATOR = 1 << 3
ATTR_GEN_KEY_OPT = 1 << 4
ATTR_GEN_KEY_REQ = 1 << 5
ATTR_BIGNUM_MAXBITS = 1 << 6


class AttrKind(enum.IntEnum):
    """How an attribute is stored (upstream's ATTR_OPS_INDEX_*)."""

    SECRET = 0  # bytes, at most the type's alloc size
    BIGNUM = 1  # a non-negative integer; read back without leading zeros
    VALUE = 2  # a 32-bit value (only content.value.a is kept)
    C25519 = 3  # exactly 32 bytes


AttrValue = Union[int, bytes]


@dataclass(frozen=True)
class TypeAttr:
    attr_id: int
    flags: int
    kind: AttrKind


@dataclass(frozen=True)
class TypeProps:
    """One row of tee_cryp_obj_props[]: key-size rules and the type's attributes."""

    obj_type: int
    quanta: int
    min_size: int
    max_size: int
    #: Bytes a secret-value object can hold (0 for key pairs and public keys).
    secret_alloc: int
    attrs: tuple[TypeAttr, ...]

    def index(self, attr_id: int) -> int:
        """Position of attr_id in the table, or -1 (tee_svc_cryp_obj_find_type_attr_idx)."""
        for n, attr in enumerate(self.attrs):
            if attr.attr_id == attr_id:
                return n
        return -1

    @property
    def is_secret(self) -> bool:
        """A simple symmetric key (one secret value): what derive_key can produce."""
        return self.secret_alloc > 0


_S, _B, _V, _X = AttrKind.SECRET, AttrKind.BIGNUM, AttrKind.VALUE, AttrKind.C25519
_REQ, _SZ, _GO, _GR = ATTR_REQUIRED, ATTR_SIZE_INDICATOR, ATTR_GEN_KEY_OPT, ATTR_GEN_KEY_REQ
_GRP, _MAX = ATTR_OPTIONAL_GROUP, ATTR_BIGNUM_MAXBITS


def _secret(attr_id: int = c.TEE_ATTR_SECRET_VALUE) -> tuple[TypeAttr, ...]:
    return (TypeAttr(attr_id, _REQ | _SZ, _S),)


_RSA_PUB = (TypeAttr(c.TEE_ATTR_RSA_MODULUS, _REQ | _SZ, _B),
            TypeAttr(c.TEE_ATTR_RSA_PUBLIC_EXPONENT, _REQ, _B))
_RSA_PAIR = (TypeAttr(c.TEE_ATTR_RSA_MODULUS, _REQ | _SZ, _B),
             TypeAttr(c.TEE_ATTR_RSA_PUBLIC_EXPONENT, _REQ | _GO, _B),
             TypeAttr(c.TEE_ATTR_RSA_PRIVATE_EXPONENT, _REQ, _B),
             TypeAttr(c.TEE_ATTR_RSA_PRIME1, _GRP, _B),
             TypeAttr(c.TEE_ATTR_RSA_PRIME2, _GRP, _B),
             TypeAttr(c.TEE_ATTR_RSA_EXPONENT1, _GRP, _B),
             TypeAttr(c.TEE_ATTR_RSA_EXPONENT2, _GRP, _B),
             TypeAttr(c.TEE_ATTR_RSA_COEFFICIENT, _GRP, _B))
_DSA_PUB = (TypeAttr(c.TEE_ATTR_DSA_PRIME, _REQ | _MAX | _SZ, _B),
            TypeAttr(c.TEE_ATTR_DSA_SUBPRIME, _REQ, _B),
            TypeAttr(c.TEE_ATTR_DSA_BASE, _REQ | _MAX, _B),
            TypeAttr(c.TEE_ATTR_DSA_PUBLIC_VALUE, _REQ | _MAX, _B))
_DSA_PAIR = (TypeAttr(c.TEE_ATTR_DSA_PRIME, _REQ | _GR | _MAX | _SZ, _B),
             TypeAttr(c.TEE_ATTR_DSA_SUBPRIME, _REQ | _GR, _B),
             TypeAttr(c.TEE_ATTR_DSA_BASE, _REQ | _GR | _MAX, _B),
             TypeAttr(c.TEE_ATTR_DSA_PRIVATE_VALUE, _REQ | _MAX, _B),
             TypeAttr(c.TEE_ATTR_DSA_PUBLIC_VALUE, _REQ | _MAX, _B))
_DH_PAIR = (TypeAttr(c.TEE_ATTR_DH_PRIME, _REQ | _SZ | _GR, _B),
            TypeAttr(c.TEE_ATTR_DH_BASE, _REQ | _GR, _B),
            TypeAttr(c.TEE_ATTR_DH_PUBLIC_VALUE, _REQ, _B),
            TypeAttr(c.TEE_ATTR_DH_PRIVATE_VALUE, _REQ, _B),
            TypeAttr(c.TEE_ATTR_DH_SUBPRIME, _GRP | _GO, _B),
            TypeAttr(c.TEE_ATTR_DH_X_BITS, _GO, _V))
_ECC_PUB = (TypeAttr(c.TEE_ATTR_ECC_PUBLIC_VALUE_X, _REQ, _B),
            TypeAttr(c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, _REQ, _B),
            TypeAttr(c.TEE_ATTR_ECC_CURVE, _REQ | _SZ, _V))
_ECC_PAIR = (TypeAttr(c.TEE_ATTR_ECC_PRIVATE_VALUE, _REQ, _B),
             TypeAttr(c.TEE_ATTR_ECC_PUBLIC_VALUE_X, _REQ, _B),
             TypeAttr(c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, _REQ, _B),
             TypeAttr(c.TEE_ATTR_ECC_CURVE, _REQ | _SZ | _GR, _V))
_SM2_PUB = _ECC_PUB[:2]
_SM2_PAIR = _ECC_PAIR[:3]
_X25519_PAIR = (TypeAttr(c.TEE_ATTR_X25519_PRIVATE_VALUE, _REQ, _X),
                TypeAttr(c.TEE_ATTR_X25519_PUBLIC_VALUE, _REQ, _X))
_X448_PAIR = (TypeAttr(c.TEE_ATTR_X448_PRIVATE_VALUE, _REQ, _X),
              TypeAttr(c.TEE_ATTR_X448_PUBLIC_VALUE, _REQ, _X))
_ED25519_PUB = (TypeAttr(c.TEE_ATTR_ED25519_PUBLIC_VALUE, _REQ, _X),)
_ED25519_PAIR = (TypeAttr(c.TEE_ATTR_ED25519_PRIVATE_VALUE, _REQ, _X),
                 TypeAttr(c.TEE_ATTR_ED25519_PUBLIC_VALUE, _REQ, _X))


def _p(obj_type: int, quanta: int, lo: int, hi: int, alloc_bits: int,
       attrs: tuple[TypeAttr, ...]) -> TypeProps:
    return TypeProps(obj_type, quanta, lo, hi, alloc_bits // 8, attrs)


#: tee_cryp_obj_props[] of a default 4.10.0 build (CFG_HMAC_64_1024_RANGE=n,
#: CFG_CRYPTO_HKDF/CONCAT_KDF/PBKDF2=y).
TYPE_PROPS: dict[int, TypeProps] = {p.obj_type: p for p in (
    _p(c.TEE_TYPE_AES, 64, 128, 256, 256, _secret()),
    _p(c.TEE_TYPE_DES, 64, 64, 64, 64, _secret()),
    _p(c.TEE_TYPE_DES3, 64, 128, 192, 192, _secret()),
    _p(c.TEE_TYPE_SM4, 128, 128, 128, 128, _secret()),
    _p(c.TEE_TYPE_HMAC_MD5, 8, 64, 512, 512, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA1, 8, 80, 512, 512, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA224, 8, 112, 512, 512, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA256, 8, 192, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA384, 8, 256, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA512, 8, 256, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA3_224, 8, 192, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA3_256, 8, 256, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA3_384, 8, 256, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SHA3_512, 8, 256, 1024, 1024, _secret()),
    _p(c.TEE_TYPE_HMAC_SM3, 8, 80, 1024, 512, _secret()),
    _p(c.TEE_TYPE_GENERIC_SECRET, 8, 0, 4096, 4096, _secret()),
    _p(c.TEE_TYPE_HKDF_IKM, 8, 0, 4096, 4096, _secret(c.TEE_ATTR_HKDF_IKM)),
    _p(c.TEE_TYPE_CONCAT_KDF_Z, 8, 0, 4096, 4096, _secret(c.TEE_ATTR_CONCAT_KDF_Z)),
    _p(c.TEE_TYPE_PBKDF2_PASSWORD, 8, 0, 4096, 4096, _secret(c.TEE_ATTR_PBKDF2_PASSWORD)),
    _p(c.TEE_TYPE_RSA_PUBLIC_KEY, 1, 256, BIGNUM_MAX_BITS, 0, _RSA_PUB),
    _p(c.TEE_TYPE_RSA_KEYPAIR, 1, 256, BIGNUM_MAX_BITS, 0, _RSA_PAIR),
    _p(c.TEE_TYPE_DSA_PUBLIC_KEY, 64, 512, 3072, 0, _DSA_PUB),
    _p(c.TEE_TYPE_DSA_KEYPAIR, 64, 512, 3072, 0, _DSA_PAIR),
    _p(c.TEE_TYPE_DH_KEYPAIR, 1, 256, 2048, 0, _DH_PAIR),
    _p(c.TEE_TYPE_ECDSA_PUBLIC_KEY, 1, 192, 521, 0, _ECC_PUB),
    _p(c.TEE_TYPE_ECDSA_KEYPAIR, 1, 192, 521, 0, _ECC_PAIR),
    _p(c.TEE_TYPE_ECDH_PUBLIC_KEY, 1, 192, 521, 0, _ECC_PUB),
    _p(c.TEE_TYPE_ECDH_KEYPAIR, 1, 192, 521, 0, _ECC_PAIR),
    _p(c.TEE_TYPE_SM2_DSA_PUBLIC_KEY, 1, 256, 256, 0, _SM2_PUB),
    _p(c.TEE_TYPE_SM2_DSA_KEYPAIR, 1, 256, 256, 0, _SM2_PAIR),
    _p(c.TEE_TYPE_SM2_PKE_PUBLIC_KEY, 1, 256, 256, 0, _SM2_PUB),
    _p(c.TEE_TYPE_SM2_PKE_KEYPAIR, 1, 256, 256, 0, _SM2_PAIR),
    _p(c.TEE_TYPE_SM2_KEP_PUBLIC_KEY, 1, 256, 256, 0, _SM2_PUB),
    _p(c.TEE_TYPE_SM2_KEP_KEYPAIR, 1, 256, 256, 0, _SM2_PAIR),
    _p(c.TEE_TYPE_X25519_KEYPAIR, 1, 256, 256, 0, _X25519_PAIR),
    _p(c.TEE_TYPE_X448_KEYPAIR, 1, 448, 448, 0, _X448_PAIR),
    _p(c.TEE_TYPE_ED25519_PUBLIC_KEY, 1, 256, 256, 0, _ED25519_PUB),
    _p(c.TEE_TYPE_ED25519_KEYPAIR, 1, 256, 256, 0, _ED25519_PAIR),
)}

#: Types in the table whose key structure cannot be allocated: allocating one answers
#: TEE_ERROR_NOT_IMPLEMENTED, as upstream does for X448 (CFG_CRYPTO_X448 is off in a
#: default build) and for SM2 in a build without CFG_CRYPTO_SM2_* (we have no SM2
#: implementation; see docs/deviations.md).
NOT_IMPLEMENTED_TYPES = frozenset({
    c.TEE_TYPE_X448_KEYPAIR,
    c.TEE_TYPE_SM2_DSA_PUBLIC_KEY, c.TEE_TYPE_SM2_DSA_KEYPAIR,
    c.TEE_TYPE_SM2_PKE_PUBLIC_KEY, c.TEE_TYPE_SM2_PKE_KEYPAIR,
    c.TEE_TYPE_SM2_KEP_PUBLIC_KEY, c.TEE_TYPE_SM2_KEP_KEYPAIR,
})

#: SM2 key structures come with their curve preset (it is not an attribute of the type).
SM2_TYPES = frozenset({c.TEE_TYPE_SM2_DSA_PUBLIC_KEY, c.TEE_TYPE_SM2_DSA_KEYPAIR,
                       c.TEE_TYPE_SM2_PKE_PUBLIC_KEY, c.TEE_TYPE_SM2_PKE_KEYPAIR,
                       c.TEE_TYPE_SM2_KEP_PUBLIC_KEY, c.TEE_TYPE_SM2_KEP_KEYPAIR})

#: Public-key type -> the key-pair type it may be copied from (tee_obj_attr_copy_from).
PUBLIC_OF_PAIR = {
    c.TEE_TYPE_RSA_PUBLIC_KEY: c.TEE_TYPE_RSA_KEYPAIR,
    c.TEE_TYPE_DSA_PUBLIC_KEY: c.TEE_TYPE_DSA_KEYPAIR,
    c.TEE_TYPE_ECDSA_PUBLIC_KEY: c.TEE_TYPE_ECDSA_KEYPAIR,
    c.TEE_TYPE_ECDH_PUBLIC_KEY: c.TEE_TYPE_ECDH_KEYPAIR,
    c.TEE_TYPE_SM2_DSA_PUBLIC_KEY: c.TEE_TYPE_SM2_DSA_KEYPAIR,
    c.TEE_TYPE_SM2_PKE_PUBLIC_KEY: c.TEE_TYPE_SM2_PKE_KEYPAIR,
    c.TEE_TYPE_SM2_KEP_PUBLIC_KEY: c.TEE_TYPE_SM2_KEP_KEYPAIR,
    c.TEE_TYPE_ED25519_PUBLIC_KEY: c.TEE_TYPE_ED25519_KEYPAIR,
    c.TEE_TYPE_X25519_PUBLIC_KEY: c.TEE_TYPE_X25519_KEYPAIR,
    c.TEE_TYPE_X448_PUBLIC_KEY: c.TEE_TYPE_X448_KEYPAIR,
}


def type_props(obj_type: int) -> TypeProps | None:
    """tee_svc_find_type_props()."""
    return TYPE_PROPS.get(obj_type)


def is_gp_legacy_des_key_size(obj_type: int, size: int) -> bool:
    """GP 1.0 counted DES key sizes without parity bits (CFG_COMPAT_GP10_DES=y)."""
    return (obj_type == c.TEE_TYPE_DES and size == 56) or \
        (obj_type == c.TEE_TYPE_DES3 and size in (112, 168))


def check_key_size(props: TypeProps, key_size: int) -> int:
    """check_key_size(): multiple of the quanta and inside [min, max], else NOT_SUPPORTED."""
    size = key_size
    if is_gp_legacy_des_key_size(props.obj_type, size):
        size += size // 7
    if size % props.quanta or size < props.min_size or size > props.max_size:
        return TEE_ERROR_NOT_SUPPORTED
    return TEE_SUCCESS


def empty_value(kind: AttrKind) -> AttrValue:
    return 0 if kind in (AttrKind.BIGNUM, AttrKind.VALUE) else (
        bytes(KEY_SIZE_BYTES_25519) if kind == AttrKind.C25519 else b"")


class PersistentLink(Protocol):
    """What a persistent object's handle shares with its storage (upstream: tee_pobj)."""

    #: obj_info_usage, shared by every handle opened on the same object.
    usage: int

    def write_usage(self, usage: int) -> int:
        """Store a new usage (tee_svc_storage_write_usage); returns a TEE_Result."""
        ...

    def close(self) -> None:
        """The handle goes away (fops->close + tee_pobj_release)."""
        ...


@dataclass(eq=False)
class GpObject:
    """struct tee_obj: TEE_ObjectInfo, busy flag, attributes, persistent link."""

    obj_type: int = 0
    object_size: int = 0
    max_object_size: int = 0
    handle_flags: int = 0
    data_size: int = 0
    data_position: int = 0
    #: Used by an operation state (a key set with TEE_SetOperationKey): such a handle is
    #: not closeable and cannot be given to a second state.
    busy: bool = False
    props: TypeProps | None = None
    #: Bit n set: attribute n of props.attrs has been set (upstream have_attrs).
    have_attrs: int = 0
    #: One value per entry of props.attrs (int for bignum/value, bytes otherwise).
    values: list[AttrValue] = field(default_factory=list)
    #: Preset ECC curve of SM2 key structures (TEE_ECC_CURVE_SM2), else 0.
    curve: int = 0
    pobj: PersistentLink | None = None
    _usage: int = c.TEE_USAGE_DEFAULT

    @property
    def persistent(self) -> bool:
        return bool(self.handle_flags & c.TEE_HANDLE_FLAG_PERSISTENT)

    @property
    def initialized(self) -> bool:
        return bool(self.handle_flags & c.TEE_HANDLE_FLAG_INITIALIZED)

    @property
    def usage(self) -> int:
        """objectUsage, read through the persistent object when there is one."""
        if self.persistent and self.pobj is not None:
            return self.pobj.usage
        return self._usage

    @usage.setter
    def usage(self, value: int) -> None:
        if self.persistent and self.pobj is not None:
            self.pobj.usage = value & 0xFFFFFFFF
        else:
            self._usage = value & 0xFFFFFFFF

    # -- attribute access by id -------------------------------------------------------------

    def has(self, attr_id: int) -> bool:
        """get_attribute(): the attribute is part of the type and has been set."""
        if self.props is None:
            return False
        idx = self.props.index(attr_id)
        return idx >= 0 and bool(self.have_attrs & (1 << idx))

    def get(self, attr_id: int) -> AttrValue:
        """The stored value of an attribute of this type (set or not)."""
        assert self.props is not None
        return self.values[self.props.index(attr_id)]

    def get_int(self, attr_id: int) -> int:
        value = self.get(attr_id)
        return value if isinstance(value, int) else int.from_bytes(value, "big")

    def get_bytes(self, attr_id: int) -> bytes:
        value = self.get(attr_id)
        return value if isinstance(value, bytes) else int_to_bytes(value)

    def set(self, attr_id: int, value: AttrValue) -> None:
        """Store a value and mark it present (set_attribute())."""
        assert self.props is not None
        idx = self.props.index(attr_id)
        self.values[idx] = value
        self.have_attrs |= 1 << idx

    def secret(self) -> bytes:
        """The key bytes of a secret-value object (key + 1 upstream)."""
        value = self.values[0] if self.values else b""
        return value if isinstance(value, bytes) else b""


def int_to_bytes(value: int) -> bytes:
    """crypto_bignum_bn2bin(): big endian, no leading zeros, empty for 0."""
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def set_type(obj: GpObject, obj_type: int, max_key_size: int) -> int:
    """tee_obj_set_type(): check the maximum size and create the type's empty attributes."""
    if obj.props is not None:
        return TEE_ERROR_BAD_STATE
    if obj_type == c.TEE_TYPE_DATA:
        if max_key_size:
            return TEE_ERROR_NOT_SUPPORTED
        props = None
    else:
        props = type_props(obj_type)
        if props is None:
            return TEE_ERROR_NOT_SUPPORTED
        res = check_key_size(props, max_key_size)
        if res:
            return res
        if obj_type in NOT_IMPLEMENTED_TYPES:
            return TEE_ERROR_NOT_IMPLEMENTED
    obj.props = props
    obj.values = [empty_value(a.kind) for a in props.attrs] if props else []
    obj.have_attrs = 0
    obj.curve = c.TEE_ECC_CURVE_SM2 if obj_type in SM2_TYPES else 0
    obj.obj_type = obj_type
    obj.max_object_size = max_key_size
    obj.usage = c.TEE_USAGE_DEFAULT
    return TEE_SUCCESS


def attr_clear(obj: GpObject) -> None:
    """tee_obj_attr_clear(): every attribute back to empty (have_attrs is left alone)."""
    if obj.props is not None:
        obj.values = [empty_value(a.kind) for a in obj.props.attrs]


def attr_copy_from(dst: GpObject, src: GpObject) -> int:
    """tee_obj_attr_copy_from(): same type, or a public key from its key pair."""
    if dst.obj_type == c.TEE_TYPE_DATA:
        return TEE_SUCCESS
    if dst.props is None:
        return TEE_ERROR_BAD_STATE
    if dst.obj_type == src.obj_type:
        for n, attr in enumerate(dst.props.attrs):
            value = src.values[n]
            if attr.kind == AttrKind.SECRET and isinstance(value, bytes) and \
                    len(value) > dst.props.secret_alloc:
                return TEE_ERROR_BAD_STATE
        dst.values = list(src.values)
        dst.have_attrs = src.have_attrs
        return TEE_SUCCESS
    if PUBLIC_OF_PAIR.get(dst.obj_type) != src.obj_type:
        return TEE_ERROR_BAD_PARAMETERS
    if src.props is None:
        return TEE_ERROR_BAD_STATE
    for n, attr in enumerate(dst.props.attrs):
        idx = src.props.index(attr.attr_id)
        if idx < 0:
            return TEE_ERROR_BAD_STATE
        dst.values[n] = src.values[idx]
    dst.have_attrs = (1 << len(dst.props.attrs)) - 1
    return TEE_SUCCESS


_U32 = struct.Struct(">I")


def attr_to_binary(obj: GpObject) -> tuple[int, bytes]:
    """tee_obj_attr_to_binary(): (result, bytes) in the storage format.

    Every attribute of the type, in table order: a big-endian u32 length then the bytes
    (secret, bignum without leading zeros, 32-byte curve25519 keys), or a big-endian u32
    for value attributes. A data object has no attributes.
    """
    if obj.obj_type == c.TEE_TYPE_DATA:
        return TEE_SUCCESS, b""
    if obj.props is None:
        return TEE_ERROR_BAD_STATE, b""
    out = bytearray()
    for n, attr in enumerate(obj.props.attrs):
        value = obj.values[n]
        if attr.kind == AttrKind.VALUE:
            out += _U32.pack(int(value) & 0xFFFFFFFF)
            continue
        raw = int_to_bytes(value) if isinstance(value, int) else value
        out += _U32.pack(len(raw)) + raw
    return TEE_SUCCESS, bytes(out)


def attr_from_binary(obj: GpObject, data: bytes) -> int:
    """tee_obj_attr_from_binary(): TEE_ERROR_CORRUPT_OBJECT when data does not parse.

    have_attrs is not touched: storage restores it from its own header.
    """
    if obj.obj_type == c.TEE_TYPE_DATA:
        return TEE_SUCCESS
    if obj.props is None:
        return TEE_ERROR_BAD_STATE
    offs = 0
    values: list[AttrValue] = []
    for attr in obj.props.attrs:
        if offs + 4 > len(data):
            return TEE_ERROR_CORRUPT_OBJECT
        (n,) = _U32.unpack_from(data, offs)
        offs += 4
        if attr.kind == AttrKind.VALUE:
            values.append(n)
            continue
        if offs + n > len(data):
            return TEE_ERROR_CORRUPT_OBJECT
        raw = bytes(data[offs:offs + n])
        offs += n
        if attr.kind == AttrKind.SECRET:
            if n > obj.props.secret_alloc:
                return TEE_ERROR_CORRUPT_OBJECT
            values.append(raw)
        elif attr.kind == AttrKind.C25519:
            if n > KEY_SIZE_BYTES_25519:
                return TEE_ERROR_CORRUPT_OBJECT
            values.append(raw + bytes(KEY_SIZE_BYTES_25519 - n))
        else:
            values.append(int.from_bytes(raw, "big"))
    obj.values = values
    return TEE_SUCCESS


def secret_from_user(obj: GpObject, idx: int, data: bytes) -> int:
    """op_attr_secret_value_from_user(): the data must fit the type's buffer."""
    assert obj.props is not None
    if len(data) > obj.props.secret_alloc:
        return TEE_ERROR_SECURITY
    obj.values[idx] = bytes(data)
    return TEE_SUCCESS


class ObjectTable:
    """utc->objects: the object handles of one TA instance."""

    def __init__(self, handles: itertools.count) -> None:  # type: ignore[type-arg]
        self._handles = handles
        self._by_handle: dict[int, GpObject] = {}
        self._handle_of: dict[int, int] = {}

    def add(self, obj: GpObject) -> int:
        """tee_obj_add(): register obj and return its new handle."""
        handle = next(self._handles)
        self._by_handle[handle] = obj
        self._handle_of[id(obj)] = handle
        return handle

    def get(self, handle: int) -> GpObject | None:
        """tee_obj_get(): None for a handle this instance does not hold (upstream answers
        TEE_ERROR_BAD_STATE; most callers pass that on, some translate it)."""
        return self._by_handle.get(handle)

    def handle_of(self, obj: GpObject) -> int:
        return self._handle_of.get(id(obj), 0)

    def close(self, obj: GpObject) -> None:
        """tee_obj_close(): drop the handle; a persistent object closes its file."""
        handle = self._handle_of.pop(id(obj), None)
        if handle is not None:
            del self._by_handle[handle]
        if obj.persistent and obj.pobj is not None:
            obj.pobj.close()

    def __len__(self) -> int:
        return len(self._by_handle)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._by_handle.values()))


class CrypTables:
    """Per-instance crypto state (user_ta_ctx objects + cryp_states).

    ``states`` maps operation-state handles to the state objects of
    ``gp_api.crypto.state``; it is typed loosely here so that this module stays free of
    any crypto library.
    """

    #: First handle value; handles are multiples of 8 like kernel heap references.
    HANDLE_BASE = 0x1000

    def __init__(self) -> None:
        self._handles = itertools.count(self.HANDLE_BASE, 8)
        self.objects = ObjectTable(self._handles)
        self.states: dict[int, object] = {}

    def new_handle(self) -> int:
        """A handle value never used before in this instance (objects and states alike)."""
        return next(self._handles)
