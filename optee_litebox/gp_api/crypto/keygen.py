"""Syscall 54: key generation (syscall_obj_generate_key).

Secret keys come from the platform RNG. RSA key pairs are made like libtomcrypt's
rsa_make_key (two primes of (size / 8) / 2 bytes with the two top bits set, d modulo
lcm(p-1, q-1), the modulus must come out at exactly the size asked for) with
pycryptodome's primality test, so that every size the type table allows (256..4096
bits) can be generated, not only what pycryptodome's generators accept (>= 1024-bit
keys, >= 160-bit primes).
DSA and DH key pairs draw the private value and raise the generator to it over the
TA's domain parameters; NIST-curve, Ed25519 and X25519 keys come from pycryptodome.
"""
from __future__ import annotations

from math import gcd, lcm
from typing import Callable

from ...abi import crypto as c
from ...abi.results import (TEE_ERROR_BAD_FORMAT, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                            TEE_ERROR_EXCESS_DATA, TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS)
from ..context import SyscallContext
from ..objects import GpObject, check_key_size, is_gp_legacy_des_key_size
from ..registry import syscall
from . import keys
from .common import Bounce, copy_in_attrs
from .object_calls import check_attrs, populate_type

_SECRET_TYPES = {c.TEE_TYPE_AES, c.TEE_TYPE_DES, c.TEE_TYPE_DES3, c.TEE_TYPE_SM4,
                 c.TEE_TYPE_HMAC_MD5, c.TEE_TYPE_HMAC_SHA1, c.TEE_TYPE_HMAC_SHA224,
                 c.TEE_TYPE_HMAC_SHA256, c.TEE_TYPE_HMAC_SHA384, c.TEE_TYPE_HMAC_SHA512,
                 c.TEE_TYPE_HMAC_SHA3_224, c.TEE_TYPE_HMAC_SHA3_256, c.TEE_TYPE_HMAC_SHA3_384,
                 c.TEE_TYPE_HMAC_SHA3_512, c.TEE_TYPE_HMAC_SM3, c.TEE_TYPE_GENERIC_SECRET}


def _rand_below(rng: Callable[[int], bytes], bound: int) -> int:
    """Uniform in [1, bound-1] by rejection."""
    nbytes = (bound.bit_length() + 7) // 8
    while True:
        x = int.from_bytes(rng(nbytes), "big") >> (nbytes * 8 - bound.bit_length())
        if 0 < x < bound:
            return x


def rand_prime(nbytes: int, rng: Callable[[int], bytes]) -> int:
    """libtomcrypt's rand_prime(): nbytes random bytes with the two top bits and the low
    bit set until the library's primality test (trial division, Miller-Rabin, Lucas)
    accepts one. Any size from 2 bytes up, like upstream (pycryptodome's own prime
    generation refuses less than 160 bits)."""
    from Crypto.Math.Primality import PROBABLY_PRIME, test_probable_prime
    while True:
        buf = bytearray(rng(nbytes))
        buf[0] |= 0xC0
        buf[-1] |= 0x01
        candidate = int.from_bytes(buf, "big")
        if test_probable_prime(candidate, rng) == PROBABLY_PRIME:
            return candidate


def check_pub_rsa_key(e: int) -> int:
    """NIST SP800-56B: odd, 65537 <= e < 2^256 (CFG_RSA_PUB_EXPONENT_3=n)."""
    n = (e.bit_length() + 7) // 8
    if n > 32 or n < 1 or not e & 1:
        return TEE_ERROR_BAD_PARAMETERS
    if n <= 3 and e < 65537:
        return TEE_ERROR_BAD_PARAMETERS
    return TEE_SUCCESS


def gen_rsa(o: GpObject, key_size: int, rng: Callable[[int], bytes]) -> int:
    e = o.get_int(c.TEE_ATTR_RSA_PUBLIC_EXPONENT) if o.has(c.TEE_ATTR_RSA_PUBLIC_EXPONENT) else 0
    if e:
        res = check_pub_rsa_key(e)
        if res:
            return res
    else:
        e = 65537
    plen = (key_size // 8) // 2  # bytes per prime, as rsa_make_key(size / 8) -> rand_prime(size / 2)
    if plen < 2:
        return TEE_ERROR_BAD_PARAMETERS

    def prime() -> int:
        while True:
            p = rand_prime(plen, rng)
            if gcd(p - 1, e) == 1:
                return p

    p, q = prime(), prime()
    n = p * q
    if n.bit_length() != key_size:
        return TEE_ERROR_BAD_PARAMETERS
    d = pow(e, -1, lcm(p - 1, q - 1))
    for attr, value in ((c.TEE_ATTR_RSA_MODULUS, n), (c.TEE_ATTR_RSA_PUBLIC_EXPONENT, e),
                        (c.TEE_ATTR_RSA_PRIVATE_EXPONENT, d), (c.TEE_ATTR_RSA_PRIME1, p),
                        (c.TEE_ATTR_RSA_PRIME2, q), (c.TEE_ATTR_RSA_EXPONENT1, d % (p - 1)),
                        (c.TEE_ATTR_RSA_EXPONENT2, d % (q - 1)),
                        (c.TEE_ATTR_RSA_COEFFICIENT, pow(q, -1, p))):
        o.set(attr, value)
    return TEE_SUCCESS


def gen_dsa(o: GpObject, rng: Callable[[int], bytes]) -> int:
    p, q, g = (o.get_int(a) for a in (c.TEE_ATTR_DSA_PRIME, c.TEE_ATTR_DSA_SUBPRIME,
                                      c.TEE_ATTR_DSA_BASE))
    if q < 2 or p < 3 or (p - 1) % q:
        return TEE_ERROR_BAD_PARAMETERS
    x = _rand_below(rng, q)
    o.set(c.TEE_ATTR_DSA_PRIVATE_VALUE, x)
    o.set(c.TEE_ATTR_DSA_PUBLIC_VALUE, pow(g, x, p))
    return TEE_SUCCESS


def gen_dh(o: GpObject, key_size: int, rng: Callable[[int], bytes]) -> int:
    """crypto_acipher_gen_dh_key(): the key size must be the prime's size in bytes * 8."""
    p, g = o.get_int(c.TEE_ATTR_DH_PRIME), o.get_int(c.TEE_ATTR_DH_BASE)
    if key_size != 8 * ((p.bit_length() + 7) // 8) or p < 3:
        return TEE_ERROR_BAD_PARAMETERS
    q = o.get_int(c.TEE_ATTR_DH_SUBPRIME) if o.has(c.TEE_ATTR_DH_SUBPRIME) else 0
    xbits = o.get_int(c.TEE_ATTR_DH_X_BITS) if o.has(c.TEE_ATTR_DH_X_BITS) else 0
    if xbits:
        if xbits > p.bit_length():
            return TEE_ERROR_BAD_PARAMETERS
        x = _rand_below(rng, 1 << xbits) | (1 << (xbits - 1))
    else:
        x = _rand_below(rng, q if q else p - 1)
    o.set(c.TEE_ATTR_DH_PRIVATE_VALUE, x)
    o.set(c.TEE_ATTR_DH_PUBLIC_VALUE, pow(g, x, p))
    o.set(c.TEE_ATTR_DH_X_BITS, xbits)
    return TEE_SUCCESS


def gen_ecc(o: GpObject, key_size: int, rng: Callable[[int], bytes]) -> int:
    curve = keys.ecc_curve(o)
    info = keys.NIST_CURVES.get(curve)
    if info is None:
        return TEE_ERROR_NOT_SUPPORTED
    name, bits, _ = info
    if key_size != bits:
        return TEE_ERROR_BAD_PARAMETERS
    from Crypto.PublicKey import ECC
    key = ECC.generate(curve=name, randfunc=rng)
    o.set(c.TEE_ATTR_ECC_PRIVATE_VALUE, int(key.d))
    o.set(c.TEE_ATTR_ECC_PUBLIC_VALUE_X, int(key.pointQ.x))
    o.set(c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, int(key.pointQ.y))
    o.set(c.TEE_ATTR_ECC_CURVE, curve)
    return TEE_SUCCESS


def gen_25519(o: GpObject, key_size: int, rng: Callable[[int], bytes]) -> int:
    if key_size != 256:
        return TEE_ERROR_BAD_PARAMETERS
    from Crypto.PublicKey import ECC
    seed = rng(32)
    if o.obj_type == c.TEE_TYPE_ED25519_KEYPAIR:
        pub = ECC.construct(curve="Ed25519", seed=seed).public_key().export_key(format="raw")
        o.set(c.TEE_ATTR_ED25519_PRIVATE_VALUE, seed)
        o.set(c.TEE_ATTR_ED25519_PUBLIC_VALUE, pub)
    else:
        pub = ECC.construct(curve="Curve25519", seed=seed).public_key().export_key(format="raw")
        o.set(c.TEE_ATTR_X25519_PRIVATE_VALUE, seed)
        o.set(c.TEE_ATTR_X25519_PUBLIC_VALUE, pub)
    return TEE_SUCCESS


@syscall(54)
def syscall_obj_generate_key(ctx: SyscallContext, obj: int, key_size: int, params: int,
                             param_count: int) -> int:
    """TEE_Result syscall_obj_generate_key(unsigned long obj, unsigned long key_size, const struct utee_attribute *params, unsigned long param_count);"""
    o = ctx.cryp.objects.get(obj)
    if o is None:
        return TEE_ERROR_BAD_STATE
    if o.persistent or o.initialized:
        return TEE_ERROR_BAD_STATE
    props = o.props
    if props is None:
        return TEE_ERROR_NOT_SUPPORTED
    res = check_key_size(props, key_size)
    if res:
        return res
    bb = Bounce()
    res, attrs = copy_in_attrs(ctx, bb, params, param_count)
    if res != TEE_SUCCESS:
        return res
    res = check_attrs(props, attrs, generate=True)
    if res != TEE_SUCCESS:
        return res
    rng = ctx.platform.rng.random_bytes
    if o.obj_type in _SECRET_TYPES:
        size = key_size // 8
        if is_gp_legacy_des_key_size(o.obj_type, key_size):
            size = (key_size + key_size // 7) // 8
        if size > props.secret_alloc:
            return TEE_ERROR_EXCESS_DATA
        o.values[0] = rng(size)
        o.have_attrs = (1 << len(props.attrs)) - 1
    elif o.obj_type in (c.TEE_TYPE_RSA_KEYPAIR, c.TEE_TYPE_DSA_KEYPAIR, c.TEE_TYPE_DH_KEYPAIR,
                        c.TEE_TYPE_ECDSA_KEYPAIR, c.TEE_TYPE_ECDH_KEYPAIR,
                        c.TEE_TYPE_X25519_KEYPAIR, c.TEE_TYPE_ED25519_KEYPAIR):
        res = populate_type(ctx, bb, o, attrs)
        if res != TEE_SUCCESS:
            return res
        if o.obj_type == c.TEE_TYPE_RSA_KEYPAIR:
            res = gen_rsa(o, key_size, rng)
            o.have_attrs = (1 << len(props.attrs)) - 1
        elif o.obj_type == c.TEE_TYPE_DSA_KEYPAIR:
            res = gen_dsa(o, rng)
            o.have_attrs = (1 << len(props.attrs)) - 1
        elif o.obj_type == c.TEE_TYPE_DH_KEYPAIR:
            res = gen_dh(o, key_size, rng)
        elif o.obj_type in (c.TEE_TYPE_ECDSA_KEYPAIR, c.TEE_TYPE_ECDH_KEYPAIR):
            res = gen_ecc(o, key_size, rng)
        else:
            res = gen_25519(o, key_size, rng)
        if res != TEE_SUCCESS:
            return res
    else:
        return TEE_ERROR_BAD_FORMAT
    o.object_size = key_size
    o.handle_flags |= c.TEE_HANDLE_FLAG_INITIALIZED
    return TEE_SUCCESS
