"""Library key objects built from GP objects, and the pre-hashed input wrapper.

RSA, DSA, NIST-curve ECC and Ed25519 keys as pycryptodome objects. The library is
imported by the functions that build keys. Construction
errors (values that do not form a key) raise ValueError; callers turn that into the
result upstream's library gives for an unusable key.
"""
from __future__ import annotations

from typing import Any

from ...abi import crypto as c
from ..objects import GpObject

#: TEE curve -> (pycryptodome curve name, key size in bits, bytes)
NIST_CURVES = {c.TEE_ECC_CURVE_NIST_P192: ("P-192", 192, 24),
               c.TEE_ECC_CURVE_NIST_P224: ("P-224", 224, 28),
               c.TEE_ECC_CURVE_NIST_P256: ("P-256", 256, 32),
               c.TEE_ECC_CURVE_NIST_P384: ("P-384", 384, 48),
               c.TEE_ECC_CURVE_NIST_P521: ("P-521", 521, 66)}
#: ECDSA algorithm each curve accepts (ecc_get_curve_info in core/lib/libtomcrypt/ecc.c).
ECDSA_ALGO_OF_CURVE = {c.TEE_ECC_CURVE_NIST_P192: c.TEE_ALG_ECDSA_SHA1,
                       c.TEE_ECC_CURVE_NIST_P224: c.TEE_ALG_ECDSA_SHA224,
                       c.TEE_ECC_CURVE_NIST_P256: c.TEE_ALG_ECDSA_SHA256,
                       c.TEE_ECC_CURVE_NIST_P384: c.TEE_ALG_ECDSA_SHA384,
                       c.TEE_ECC_CURVE_NIST_P521: c.TEE_ALG_ECDSA_SHA512}

_SHA512_OID = "2.16.840.1.101.3.4.2.3"


class Prehashed:
    """A hash object whose digest the TA computed (TEE_AsymmetricSignDigest input).

    pycryptodome's signature schemes take a hash object; this one returns the TA's
    bytes as digest() and forwards new() (used by MGF1) to the real hash.
    """

    def __init__(self, digest: bytes, module: Any = None, oid: str | None = None) -> None:
        self._digest = bytes(digest)
        self._module = module
        self.digest_size = len(self._digest)
        if oid is not None:
            self.oid = oid
        elif module is not None:
            self.oid = module.new().oid
        else:
            self.oid = _SHA512_OID

    def digest(self) -> bytes:
        return self._digest

    def new(self, data: bytes = b"") -> Any:
        return self._module.new(data)


def rsa_public(o: GpObject) -> Any:
    from Crypto.PublicKey import RSA
    return RSA.construct((o.get_int(c.TEE_ATTR_RSA_MODULUS),
                          o.get_int(c.TEE_ATTR_RSA_PUBLIC_EXPONENT)), consistency_check=False)


def rsa_private(o: GpObject) -> Any:
    """The private key; without the CRT attributes pycryptodome recovers p and q from d."""
    from Crypto.PublicKey import RSA
    n = o.get_int(c.TEE_ATTR_RSA_MODULUS)
    e = o.get_int(c.TEE_ATTR_RSA_PUBLIC_EXPONENT)
    d = o.get_int(c.TEE_ATTR_RSA_PRIVATE_EXPONENT)
    p = o.get_int(c.TEE_ATTR_RSA_PRIME1)
    if p:
        q = o.get_int(c.TEE_ATTR_RSA_PRIME2)
        return RSA.construct((n, e, d, p, q), consistency_check=False)
    return RSA.construct((n, e, d), consistency_check=False)


def rsa_key(o: GpObject) -> Any:
    return rsa_private(o) if o.obj_type == c.TEE_TYPE_RSA_KEYPAIR else rsa_public(o)


def modulus_size(o: GpObject) -> int:
    n = o.get_int(c.TEE_ATTR_RSA_MODULUS)
    return (n.bit_length() + 7) // 8


def dsa_key(o: GpObject) -> Any:
    from Crypto.PublicKey import DSA
    parts = [o.get_int(c.TEE_ATTR_DSA_PUBLIC_VALUE), o.get_int(c.TEE_ATTR_DSA_BASE),
             o.get_int(c.TEE_ATTR_DSA_PRIME), o.get_int(c.TEE_ATTR_DSA_SUBPRIME)]
    if o.obj_type == c.TEE_TYPE_DSA_KEYPAIR:
        parts.append(o.get_int(c.TEE_ATTR_DSA_PRIVATE_VALUE))
    return DSA.construct(tuple(parts), consistency_check=False)


def ecc_curve(o: GpObject) -> int:
    return o.curve or o.get_int(c.TEE_ATTR_ECC_CURVE)


def ecc_key(o: GpObject, curve_name: str) -> Any:
    """A key pair's private key from its private value alone; a public key from its point.

    Upstream's sign and shared-secret operations use only the private scalar: the
    public coordinates stored in a key pair are never checked against it (a TA may
    populate any valid point there; xtest's ECDH vectors put the peer's). pycryptodome
    refuses a private value and point that do not match, so they are not both given.
    """
    from Crypto.PublicKey import ECC
    if o.has(c.TEE_ATTR_ECC_PRIVATE_VALUE):
        return ECC.construct(curve=curve_name, d=o.get_int(c.TEE_ATTR_ECC_PRIVATE_VALUE))
    return ECC.construct(curve=curve_name, point_x=o.get_int(c.TEE_ATTR_ECC_PUBLIC_VALUE_X),
                         point_y=o.get_int(c.TEE_ATTR_ECC_PUBLIC_VALUE_Y))


def ed25519_key(o: GpObject) -> Any:
    from Crypto.PublicKey import ECC
    if o.obj_type == c.TEE_TYPE_ED25519_KEYPAIR:
        return ECC.construct(curve="Ed25519", seed=o.get_bytes(c.TEE_ATTR_ED25519_PRIVATE_VALUE))
    from Crypto.Signature import eddsa
    return eddsa.import_public_key(o.get_bytes(c.TEE_ATTR_ED25519_PUBLIC_VALUE))
