"""RSA, DSA, ECDSA and Ed25519 through the crypto sample TA: outputs checked with the host
library (and RFC 8032 vectors), salt and digest-length rules, short buffers, bad signatures
and the panics of OP-TEE's libutee."""
from __future__ import annotations

import pytest
from Crypto.Cipher import PKCS1_OAEP, PKCS1_v1_5
from Crypto.Hash import MD5, SHA1, SHA224, SHA256, SHA384, SHA512
from Crypto.PublicKey import DSA, ECC, RSA
from Crypto.Signature import DSS, pkcs1_15, pss

from optee_litebox.abi import crypto as c
from optee_litebox.abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_SHORT_BUFFER,
                                       TEE_ERROR_SIGNATURE_INVALID, TEE_SUCCESS)

from . import vectors as v
from .ta_client import DECRYPT, ENCRYPT, SIGN, CryptoTA

SIGN_MODE, VERIFY_MODE = c.TEE_MODE_SIGN, c.TEE_MODE_VERIFY
RSA_KEY = RSA.generate(1024)  # one key per run; every output is checked with the host library


def b(x: int, n: int = 0) -> bytes:
    return x.to_bytes(n or (x.bit_length() + 7) // 8, "big")


def rsa_pair(cta: CryptoTA, k: RSA.RsaKey = RSA_KEY) -> int:
    return cta.key(c.TEE_TYPE_RSA_KEYPAIR, k.size_in_bits(), [
        (c.TEE_ATTR_RSA_MODULUS, b(k.n)), (c.TEE_ATTR_RSA_PUBLIC_EXPONENT, b(k.e)),
        (c.TEE_ATTR_RSA_PRIVATE_EXPONENT, b(k.d)), (c.TEE_ATTR_RSA_PRIME1, b(k.p)),
        (c.TEE_ATTR_RSA_PRIME2, b(k.q)), (c.TEE_ATTR_RSA_EXPONENT1, b(k.d % (k.p - 1))),
        (c.TEE_ATTR_RSA_EXPONENT2, b(k.d % (k.q - 1))), (c.TEE_ATTR_RSA_COEFFICIENT, b(pow(k.q, -1, k.p)))])


def rsa_public(cta: CryptoTA, k: RSA.RsaKey = RSA_KEY) -> int:
    return cta.key(c.TEE_TYPE_RSA_PUBLIC_KEY, k.size_in_bits(),
                   [(c.TEE_ATTR_RSA_MODULUS, b(k.n)), (c.TEE_ATTR_RSA_PUBLIC_EXPONENT, b(k.e))])


V15 = [(c.TEE_ALG_RSASSA_PKCS1_V1_5_MD5, MD5), (c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA1, SHA1),
       (c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA224, SHA224), (c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, SHA256),
       (c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA384, SHA384), (c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA512, SHA512)]


@pytest.mark.parametrize("algo,hmod", V15)
def test_rsa_pkcs1_v15_signatures_are_the_host_signatures(cta: CryptoTA, algo: int, hmod) -> None:  # type: ignore[no-untyped-def]
    h = hmod.new(b"message")
    op = cta.op(algo, SIGN_MODE, 1024, key=rsa_pair(cta))
    res, sig, n = cta.asym(op, SIGN, h.digest())
    assert res == TEE_SUCCESS and n == 128 and sig == pkcs1_15.new(RSA_KEY).sign(h)
    ver = cta.op(algo, VERIFY_MODE, 1024, key=rsa_public(cta))
    assert cta.verify(ver, h.digest(), sig) == TEE_SUCCESS
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    assert cta.verify(ver, h.digest(), bad) == TEE_ERROR_SIGNATURE_INVALID


def test_rsa_sign_short_buffer_and_digest_length(cta: CryptoTA) -> None:
    op = cta.op(c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, SIGN_MODE, 1024, key=rsa_pair(cta))
    assert cta.asym(op, SIGN, bytes(32), room=64) == (TEE_ERROR_SHORT_BUFFER, b"", 128)
    # A digest of the wrong length is BAD_PARAMETERS from the kernel: libutee panics.
    assert cta.panicked_with(cta.asym(op, SIGN, bytes(20))[0], TEE_ERROR_BAD_PARAMETERS)


def test_rsa_hashless_v15_signature(cta: CryptoTA) -> None:
    op = cta.op(c.TEE_ALG_RSASSA_PKCS1_V1_5, SIGN_MODE, 1024, key=rsa_pair(cta))
    data = b"raw DigestInfo or anything up to k-11 bytes"
    res, sig, _ = cta.asym(op, SIGN, data)
    em = b"\x00\x01" + b"\xff" * (128 - 3 - len(data)) + b"\x00" + data
    assert res == TEE_SUCCESS and pow(int.from_bytes(sig, "big"), RSA_KEY.e, RSA_KEY.n) == \
        int.from_bytes(em, "big")


PSS = [(c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1, SHA1), (c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, SHA256),
       (c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384, SHA384)]


@pytest.mark.parametrize("algo,hmod", PSS)
def test_rsa_pss_salt_rules(cta: CryptoTA, algo: int, hmod) -> None:  # type: ignore[no-untyped-def]
    h = hmod.new(b"pss")
    op = cta.op(algo, SIGN_MODE, 1024, key=rsa_pair(cta))
    ver = cta.op(algo, VERIFY_MODE, 1024, key=rsa_public(cta))
    # Without the attribute the salt is as long as the digest.
    res, sig, _ = cta.asym(op, SIGN, h.digest())
    assert res == TEE_SUCCESS
    pss.new(RSA_KEY.public_key(), salt_bytes=h.digest_size).verify(h, sig)
    assert cta.verify(ver, h.digest(), sig) == TEE_SUCCESS
    # An explicit salt length is used for signing and must be given to verify too.
    salt = [(c.TEE_ATTR_RSA_PSS_SALT_LENGTH, 5)]
    res, sig5, _ = cta.asym(op, SIGN, h.digest(), attrs=salt)
    pss.new(RSA_KEY.public_key(), salt_bytes=5).verify(h, sig5)
    assert cta.verify(ver, h.digest(), sig5, attrs=salt) == TEE_SUCCESS
    assert cta.verify(ver, h.digest(), sig5) == TEE_ERROR_SIGNATURE_INVALID


@pytest.mark.parametrize("salt", [[(c.TEE_ATTR_RSA_PSS_SALT_LENGTH, 63)], None])
def test_rsa_pss_salt_too_long_for_the_modulus_panics(cta: CryptoTA, salt) -> None:  # type: ignore[no-untyped-def]
    # With a 1024-bit key and SHA-512 the salt can be 128 - 64 - 2 = 62 bytes at most; the
    # default (the digest length, 64) is too long as well. libtomcrypt refuses, the kernel
    # answers BAD_PARAMETERS and libutee panics.
    op = cta.op(c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512, SIGN_MODE, 1024, key=rsa_pair(cta))
    assert cta.panicked_with(cta.asym(op, SIGN, bytes(64), attrs=salt)[0], TEE_ERROR_BAD_PARAMETERS)



def test_rsa_verify_with_a_wrong_length_digest_panics(cta: CryptoTA) -> None:
    ver = cta.op(c.TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, VERIFY_MODE, 1024, key=rsa_public(cta))
    assert cta.panicked_with(cta.verify(ver, bytes(20), bytes(128)), TEE_ERROR_BAD_PARAMETERS)


OAEP = [(c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, SHA1), (c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, SHA256),
        (c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384, SHA384)]


@pytest.mark.parametrize("algo,hmod", OAEP)
def test_rsa_oaep_both_ways_with_a_label(cta: CryptoTA, algo: int, hmod) -> None:  # type: ignore[no-untyped-def]
    label = [(c.TEE_ATTR_RSA_OAEP_LABEL, b"label")]
    enc = cta.op(algo, c.TEE_MODE_ENCRYPT, 1024, key=rsa_public(cta))
    res, ct, n = cta.asym(enc, ENCRYPT, b"secret", attrs=label)
    assert res == TEE_SUCCESS and n == 128
    assert PKCS1_OAEP.new(RSA_KEY, hashAlgo=hmod, label=b"label").decrypt(ct) == b"secret"
    host_ct = PKCS1_OAEP.new(RSA_KEY.public_key(), hashAlgo=hmod, label=b"label").encrypt(b"back")
    dec = cta.op(algo, c.TEE_MODE_DECRYPT, 1024, key=rsa_pair(cta))
    assert cta.asym(dec, DECRYPT, host_ct, attrs=label) == (TEE_SUCCESS, b"back", 4)
    assert cta.asym(dec, DECRYPT, host_ct, attrs=label, room=2) == (TEE_ERROR_SHORT_BUFFER, b"", 4)


def test_rsa_oaep_mgf1_hash_attribute(cta: CryptoTA) -> None:
    from Crypto.Signature.pss import MGF1
    mgf = [(c.TEE_ATTR_RSA_OAEP_MGF_HASH, c.TEE_ALG_SHA1.to_bytes(4, "little"))]
    enc = cta.op(c.TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, c.TEE_MODE_ENCRYPT, 1024,
                 key=rsa_public(cta))
    res, ct, _ = cta.asym(enc, ENCRYPT, b"m", attrs=mgf)
    host = PKCS1_OAEP.new(RSA_KEY, hashAlgo=SHA256, mgfunc=lambda x, y: MGF1(x, y, SHA1))
    assert res == TEE_SUCCESS and host.decrypt(ct) == b"m"


def test_rsa_pkcs1_v15_encryption_and_bad_padding(cta: CryptoTA) -> None:
    enc = cta.op(c.TEE_ALG_RSAES_PKCS1_V1_5, c.TEE_MODE_ENCRYPT, 1024, key=rsa_public(cta))
    assert cta.asym(enc, ENCRYPT, b"hi", room=100) == (TEE_ERROR_SHORT_BUFFER, b"", 128)
    res, ct, _ = cta.asym(enc, ENCRYPT, b"hi")
    assert res == TEE_SUCCESS and PKCS1_v1_5.new(RSA_KEY).decrypt(ct, None) == b"hi"
    dec = cta.op(c.TEE_ALG_RSAES_PKCS1_V1_5, c.TEE_MODE_DECRYPT, 1024, key=rsa_pair(cta))
    host_ct = PKCS1_v1_5.new(RSA_KEY.public_key()).encrypt(b"there")
    assert cta.asym(dec, DECRYPT, host_ct)[:2] == (TEE_SUCCESS, b"there")
    # Not PKCS#1 v1.5 after decryption: BAD_PARAMETERS, which libutee returns.
    assert cta.asym(dec, DECRYPT, b(RSA_KEY.n - 12345, 128))[0] == TEE_ERROR_BAD_PARAMETERS
    # Too long for the padding.
    assert cta.asym(enc, ENCRYPT, bytes(118))[0] == TEE_ERROR_BAD_PARAMETERS


def test_rsa_nopad_is_the_raw_exponentiation(cta: CryptoTA) -> None:
    m = 0x1234567890ABCDEF
    enc = cta.op(c.TEE_ALG_RSA_NOPAD, c.TEE_MODE_ENCRYPT, 1024, key=rsa_public(cta))
    res, out, _ = cta.asym(enc, ENCRYPT, b(m, 128))
    assert res == TEE_SUCCESS and int.from_bytes(out, "big") == pow(m, RSA_KEY.e, RSA_KEY.n)
    dec = cta.op(c.TEE_ALG_RSA_NOPAD, c.TEE_MODE_DECRYPT, 1024, key=rsa_pair(cta))
    res, back, n = cta.asym(dec, DECRYPT, out)
    assert res == TEE_SUCCESS and back == b(m) and n == 8  # leading zeros stripped


def test_asymmetric_calls_in_the_wrong_mode_panic(cta: CryptoTA) -> None:
    op = cta.op(c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, SIGN_MODE, 1024, key=rsa_pair(cta))
    assert cta.panicked_with(cta.asym(op, ENCRYPT, bytes(32))[0], 0)


DSA_CASES = [(c.TEE_ALG_DSA_SHA1, SHA1, 1024, (v.DSA1024_P, v.DSA1024_Q, v.DSA1024_G)),
             (c.TEE_ALG_DSA_SHA224, SHA224, 2048, (v.DSA2048_P, v.DSA2048_Q, v.DSA2048_G))]


@pytest.mark.parametrize("algo,hmod,bits,domain", DSA_CASES)
def test_dsa_generated_key_signs_for_the_host(cta: CryptoTA, algo: int, hmod, bits: int,  # type: ignore[no-untyped-def]
                                              domain: tuple[int, int, int]) -> None:
    p, q, g = domain
    res, k = cta.obj_alloc(c.TEE_TYPE_DSA_KEYPAIR, bits)
    assert res == TEE_SUCCESS
    assert cta.generate(k, bits, [(c.TEE_ATTR_DSA_PRIME, b(p)), (c.TEE_ATTR_DSA_SUBPRIME, b(q)),
                                  (c.TEE_ATTR_DSA_BASE, b(g))]) == TEE_SUCCESS
    y = int.from_bytes(cta.get_buffer(k, c.TEE_ATTR_DSA_PUBLIC_VALUE)[1], "big")
    host = DSA.construct((y, g, p, q))
    h = hmod.new(b"dsa")
    op = cta.op(algo, SIGN_MODE, bits, key=k)
    res, sig, n = cta.asym(op, SIGN, h.digest())
    assert res == TEE_SUCCESS and n == 2 * len(b(q))
    DSS.new(host, "fips-186-3").verify(h, sig)
    ver = cta.op(algo, VERIFY_MODE, bits, key=k)
    assert cta.verify(ver, h.digest(), sig) == TEE_SUCCESS
    assert cta.verify(ver, h.digest(), sig[:-1] + bytes([sig[-1] ^ 1])) == \
        TEE_ERROR_SIGNATURE_INVALID


def test_dsa_maximum_key_sizes_follow_libutee(cta: CryptoTA) -> None:
    from optee_litebox.abi.results import TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(c.TEE_ALG_DSA_SHA1, SIGN_MODE, 2048)[0] == TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(c.TEE_ALG_DSA_SHA224, SIGN_MODE, 3072)[0] == TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(c.TEE_ALG_DSA_SHA256, SIGN_MODE, 3072)[0] == TEE_SUCCESS


CURVES = [(c.TEE_ECC_CURVE_NIST_P192, "P-192", 192, c.TEE_ALG_ECDSA_SHA1, SHA1),
          (c.TEE_ECC_CURVE_NIST_P224, "P-224", 224, c.TEE_ALG_ECDSA_SHA224, SHA224),
          (c.TEE_ECC_CURVE_NIST_P256, "P-256", 256, c.TEE_ALG_ECDSA_SHA256, SHA256),
          (c.TEE_ECC_CURVE_NIST_P384, "P-384", 384, c.TEE_ALG_ECDSA_SHA384, SHA384),
          (c.TEE_ECC_CURVE_NIST_P521, "P-521", 521, c.TEE_ALG_ECDSA_SHA512, SHA512)]


def ecc_attrs(k: ECC.EccKey, curve: int, private: bool = True) -> list:  # type: ignore[type-arg]
    n = (k.pointQ.size_in_bits() + 7) // 8
    pub = [(c.TEE_ATTR_ECC_PUBLIC_VALUE_X, b(int(k.pointQ.x), n)),
           (c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, b(int(k.pointQ.y), n)), (c.TEE_ATTR_ECC_CURVE, curve)]
    return ([(c.TEE_ATTR_ECC_PRIVATE_VALUE, b(int(k.d), n))] if private else []) + pub


@pytest.mark.parametrize("curve,name,bits,algo,hmod", CURVES)
def test_ecdsa_on_every_nist_curve(cta: CryptoTA, curve: int, name: str, bits: int, algo: int,  # type: ignore[no-untyped-def]
                                   hmod) -> None:
    k = ECC.generate(curve=name)
    h = hmod.new(b"ecdsa")
    pair = cta.key(c.TEE_TYPE_ECDSA_KEYPAIR, bits, ecc_attrs(k, curve))
    op = cta.op(algo, SIGN_MODE, bits, key=pair)
    nbytes = (bits + 7) // 8
    assert cta.asym(op, SIGN, h.digest(), room=2 * nbytes - 1) == \
        (TEE_ERROR_SHORT_BUFFER, b"", 2 * nbytes)
    res, sig, n = cta.asym(op, SIGN, h.digest())
    assert res == TEE_SUCCESS and n == 2 * nbytes
    host = DSS.new(k.public_key(), "fips-186-3")
    host._valid_hash = lambda _h: True  # SHA-1 with P-192 is what the algorithm says
    host.verify(h, sig)
    pub = cta.key(c.TEE_TYPE_ECDSA_PUBLIC_KEY, bits, ecc_attrs(k, curve, private=False))
    ver = cta.op(algo, VERIFY_MODE, bits, key=pub)
    signer = DSS.new(k, "fips-186-3")
    signer._valid_hash = lambda _h: True
    host_sig = signer.sign(h)
    assert cta.verify(ver, h.digest(), host_sig) == TEE_SUCCESS
    assert cta.verify(ver, hmod.new(b"other").digest(), host_sig) == TEE_ERROR_SIGNATURE_INVALID


def test_ecdsa_signs_with_the_private_value_whatever_point_the_pair_holds(cta: CryptoTA) -> None:
    # The key pair's public coordinates are not checked against its private value (as
    # upstream's sign): the signature is made with d and verifies under d * G.
    k, other = ECC.generate(curve="P-256"), ECC.generate(curve="P-256")
    attrs = ecc_attrs(k, c.TEE_ECC_CURVE_NIST_P256)[:1] + \
        ecc_attrs(other, c.TEE_ECC_CURVE_NIST_P256, private=False)
    pair = cta.key(c.TEE_TYPE_ECDSA_KEYPAIR, 256, attrs)
    op = cta.op(c.TEE_ALG_ECDSA_SHA256, SIGN_MODE, 256, key=pair)
    h = SHA256.new(b"mismatched point")
    res, sig, _ = cta.asym(op, SIGN, h.digest())
    assert res == TEE_SUCCESS
    DSS.new(k.public_key(), "fips-186-3").verify(h, sig)


def test_ecdsa_key_size_and_curve_must_match_the_algorithm(cta: CryptoTA) -> None:
    from optee_litebox.abi.results import TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(c.TEE_ALG_ECDSA_SHA256, SIGN_MODE, 384)[0] == TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(c.__OPTEE_ALG_ECDSA_P256, SIGN_MODE, 256)[0] == TEE_SUCCESS
    # A P-256 key in a P-384 operation: the kernel refuses, libutee panics.
    pair = cta.key(c.TEE_TYPE_ECDSA_KEYPAIR, 256,
                   ecc_attrs(ECC.generate(curve="P-256"), c.TEE_ECC_CURVE_NIST_P256))
    op = cta.op(c.TEE_ALG_ECDSA_SHA384, SIGN_MODE, 384, key=pair)
    assert cta.panicked_with(cta.asym(op, SIGN, bytes(48))[0], TEE_ERROR_BAD_PARAMETERS)


ED_CASES = [("pure", v.ED25519[0], v.ED25519[1], v.ED25519[2], None, v.ED25519[3]),
            ("ctx", v.ED25519_CTX[0], v.ED25519_CTX[1], v.ED25519_CTX[2], v.ED25519_CTX[3],
             v.ED25519_CTX[4]),
            ("ph", v.ED25519_PH[0], v.ED25519_PH[1], v.ED25519_PH[2], None, v.ED25519_PH[3])]


@pytest.mark.parametrize("kind,priv,pub,msg,context,sig", ED_CASES)
def test_ed25519_rfc8032_vectors(cta: CryptoTA, kind: str, priv: bytes, pub: bytes, msg: bytes,
                                 context: bytes | None, sig: bytes) -> None:
    attrs: list = []  # type: ignore[type-arg]
    if kind == "ph":
        attrs = [(c.TEE_ATTR_EDDSA_PREHASH, 1)]
    if context is not None:
        attrs = [(c.TEE_ATTR_EDDSA_CTX, context)]
    pair = cta.key(c.TEE_TYPE_ED25519_KEYPAIR, 256, [(c.TEE_ATTR_ED25519_PRIVATE_VALUE, priv),
                                                     (c.TEE_ATTR_ED25519_PUBLIC_VALUE, pub)])
    op = cta.op(c.TEE_ALG_ED25519, SIGN_MODE, 256, key=pair)
    assert cta.asym(op, SIGN, msg, attrs=attrs) == (TEE_SUCCESS, sig, 64)
    pk = cta.key(c.TEE_TYPE_ED25519_PUBLIC_KEY, 256, [(c.TEE_ATTR_ED25519_PUBLIC_VALUE, pub)])
    ver = cta.op(c.TEE_ALG_ED25519, VERIFY_MODE, 256, key=pk)
    assert cta.verify(ver, msg, sig, attrs=attrs) == TEE_SUCCESS
    assert cta.verify(ver, msg + b"!", sig, attrs=attrs) == TEE_ERROR_SIGNATURE_INVALID
    if attrs:  # the variant is part of what is signed
        assert cta.verify(ver, msg, sig) == TEE_ERROR_SIGNATURE_INVALID


def test_ed25519_short_buffer_and_bad_prehash_value(cta: CryptoTA) -> None:
    priv, pub, msg, _ = v.ED25519
    pair = cta.key(c.TEE_TYPE_ED25519_KEYPAIR, 256, [(c.TEE_ATTR_ED25519_PRIVATE_VALUE, priv),
                                                     (c.TEE_ATTR_ED25519_PUBLIC_VALUE, pub)])
    op = cta.op(c.TEE_ALG_ED25519, SIGN_MODE, 256, key=pair)
    assert cta.asym(op, SIGN, msg, room=63) == (TEE_ERROR_SHORT_BUFFER, b"", 64)
    res = cta.asym(op, SIGN, msg, attrs=[(c.TEE_ATTR_EDDSA_PREHASH, 2)])[0]
    assert cta.panicked_with(res, TEE_ERROR_BAD_PARAMETERS)
