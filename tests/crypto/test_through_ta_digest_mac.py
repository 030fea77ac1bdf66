"""Digests and MACs through the crypto sample TA: published vectors, streaming, result codes
and the panics OP-TEE's libutee raises (TARGET_DEAD with the panic code in the crash report)."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from Crypto.Cipher import DES3
from Crypto.Hash import CMAC

from optee_litebox.abi import crypto as c
from optee_litebox.abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                                       TEE_ERROR_MAC_INVALID, TEE_ERROR_NOT_SUPPORTED,
                                       TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS)

from . import vectors as v
from .ta_client import CryptoTA

H = bytes.fromhex
MSG = bytes(range(256)) * 3 + b"tail"


@pytest.mark.parametrize("algo", sorted(v.DIGEST_ABC))
def test_digest_abc_vectors(cta: CryptoTA, algo: int) -> None:
    op = cta.op(algo, c.TEE_MODE_DIGEST)
    expected = H(v.DIGEST_ABC[algo])
    assert cta.digest(op, b"abc") == (TEE_SUCCESS, expected, len(expected))
    # The operation is re-initialized by DoFinal: the same answer again, fed byte by byte.
    assert cta.digest(op, b"abc", chunk=1, tail=0)[1] == expected
    info = cta.op_info(op)
    assert info["digestLength"] == len(expected) and info["operationClass"] == c.TEE_OPERATION_DIGEST
    assert info["handleState"] == c.TEE_HANDLE_FLAG_KEY_SET | c.TEE_HANDLE_FLAG_INITIALIZED


@pytest.mark.parametrize("chunk,tail", [(1, 0), (7, 5), (64, 100), (0, 0), (1000, 1)])
def test_digest_streaming_chunks_give_the_same_digest(cta: CryptoTA, chunk: int, tail: int) -> None:
    op = cta.op(c.TEE_ALG_SHA512, c.TEE_MODE_DIGEST)
    res, out, n = cta.digest(op, MSG, chunk=chunk, tail=tail)
    assert res == TEE_SUCCESS and out == hashlib.sha512(MSG).digest() and n == 64


def test_digest_short_buffer_reports_the_size_and_keeps_the_data(cta: CryptoTA) -> None:
    op = cta.op(c.TEE_ALG_SHA256, c.TEE_MODE_DIGEST)
    # The updates happen, DoFinal answers SHORT_BUFFER with 32 and leaves the state alone.
    assert cta.digest(op, b"ab", tail=0, room=16) == (TEE_ERROR_SHORT_BUFFER, b"", 32)
    assert cta.digest(op, b"c") == (TEE_SUCCESS, H(v.DIGEST_ABC[c.TEE_ALG_SHA256]), 32)
    assert cta.digest(op, b"", room=0)[0::2] == (TEE_ERROR_SHORT_BUFFER, 32)


@pytest.mark.parametrize("algo", sorted(v.SHAKE_EMPTY))
def test_shake_extracts_any_length_in_pieces(cta: CryptoTA, algo: int) -> None:
    op = cta.op(algo, c.TEE_MODE_DIGEST)
    res, out = cta.extract(op, b"", 32)
    assert res == TEE_SUCCESS and out == H(v.SHAKE_EMPTY[algo])
    assert cta.op_info(op)["digestLength"] == 0
    xof = hashlib.shake_128 if algo == c.TEE_ALG_SHAKE128 else hashlib.shake_256
    op2 = cta.op(algo, c.TEE_MODE_DIGEST)
    res, out = cta.extract(op2, MSG, 200, piece=33, chunk=50)
    assert res == TEE_SUCCESS and out == xof(MSG).digest(200)
    assert cta.op_info(op2)["handleState"] & c.TEE_HANDLE_FLAG_EXTRACTING


def test_digest_extract_of_a_fixed_digest_and_the_extracting_state(cta: CryptoTA) -> None:
    op = cta.op(c.TEE_ALG_SHA256, c.TEE_MODE_DIGEST)
    res, out = cta.extract(op, b"abc", 40, piece=10)  # stops after the 32 bytes there are
    assert res == TEE_SUCCESS and out == H(v.DIGEST_ABC[c.TEE_ALG_SHA256])
    # Once extracting, DoFinal with more data is a libutee panic (BAD_PARAMETERS).
    op2 = cta.op(c.TEE_ALG_SHA256, c.TEE_MODE_DIGEST)
    assert cta.extract(op2, b"abc", 8)[0] == TEE_SUCCESS
    res = cta.digest(op2, b"x")[0]
    assert cta.panicked_with(res, TEE_ERROR_BAD_PARAMETERS)


def test_digest_operation_copy_continues_independently(cta: CryptoTA) -> None:
    a = cta.op(c.TEE_ALG_SHA1, c.TEE_MODE_DIGEST)
    b = cta.op(c.TEE_ALG_SHA1, c.TEE_MODE_DIGEST)
    assert cta.digest(a, b"ab", tail=0, room=0)[0] == TEE_ERROR_SHORT_BUFFER  # "ab" fed
    assert cta.op_copy(b, a) == TEE_SUCCESS
    assert cta.digest(b, b"c")[1] == H(v.DIGEST_ABC[c.TEE_ALG_SHA1])
    assert cta.digest(a, b"cd")[1] == hashlib.sha1(b"abcd").digest()


def test_digest_modes_and_unknown_algorithms_are_not_supported(cta: CryptoTA) -> None:
    assert cta.op_alloc(c.TEE_ALG_SHA256, c.TEE_MODE_MAC)[0] == TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(c.TEE_ALG_MD5SHA1, c.TEE_MODE_DIGEST)[0] == TEE_ERROR_NOT_SUPPORTED
    assert cta.op_alloc(0x50000099, c.TEE_MODE_DIGEST)[0] == TEE_ERROR_NOT_SUPPORTED


@pytest.mark.parametrize("algo,ktype,key,msg,expected", v.HMAC)
def test_hmac_published_vectors(cta: CryptoTA, algo: int, ktype: int, key: bytes, msg: bytes,
                                expected: str) -> None:
    k = cta.secret(ktype, key)
    op = cta.op(algo, c.TEE_MODE_MAC, len(key) * 8, key=k)
    assert cta.mac_init(op) == TEE_SUCCESS
    res, out, n = cta.mac(op, msg, chunk=3, tail=len(msg) // 2)
    assert (res, out.hex(), n) == (TEE_SUCCESS, expected, len(expected) // 2)
    assert cta.mac_init(op) == TEE_SUCCESS
    assert cta.mac_compare(op, msg, H(expected)) == TEE_SUCCESS


HMAC_HOST = [
    (c.TEE_ALG_HMAC_SHA384, c.TEE_TYPE_HMAC_SHA384, "sha384", 32),
    (c.TEE_ALG_HMAC_SHA512, c.TEE_TYPE_HMAC_SHA512, "sha512", 64),
    (c.TEE_ALG_HMAC_SHA3_224, c.TEE_TYPE_HMAC_SHA3_224, "sha3_224", 24),
    (c.TEE_ALG_HMAC_SHA3_256, c.TEE_TYPE_HMAC_SHA3_256, "sha3_256", 32),
    (c.TEE_ALG_HMAC_SHA3_384, c.TEE_TYPE_HMAC_SHA3_384, "sha3_384", 48),
    (c.TEE_ALG_HMAC_SHA3_512, c.TEE_TYPE_HMAC_SHA3_512, "sha3_512", 128),
    (c.TEE_ALG_HMAC_SM3, c.TEE_TYPE_HMAC_SM3, "sm3", 16),
]


@pytest.mark.parametrize("algo,ktype,name,klen", HMAC_HOST)
def test_hmac_over_every_other_digest_matches_the_host(cta: CryptoTA, algo: int, ktype: int,
                                                       name: str, klen: int) -> None:
    key = bytes(range(1, klen + 1))
    k = cta.secret(ktype, key)
    op = cta.op(algo, c.TEE_MODE_MAC, klen * 8, key=k)
    assert cta.mac_init(op) == TEE_SUCCESS
    res, out, _ = cta.mac(op, MSG, chunk=100)
    if name == "sm3":
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import hmac as chmac
        h = chmac.HMAC(key, hashes.SM3())
        h.update(MSG)
        expected = h.finalize()
    else:
        expected = hmac.new(key, MSG, name).digest()
    assert res == TEE_SUCCESS and out == expected


def test_aes_cmac_sp800_38b_examples(cta: CryptoTA) -> None:
    k = cta.secret(c.TEE_TYPE_AES, v.AES128_KEY)
    op = cta.op(c.TEE_ALG_AES_CMAC, c.TEE_MODE_MAC, 128, key=k)
    for n, expected in v.CMAC_AES128:
        assert cta.mac_init(op) == TEE_SUCCESS
        assert cta.mac(op, v.SP800_38A_PT[:n], chunk=5, tail=n % 7) == (TEE_SUCCESS, H(expected), 16)


def test_cbc_mac_nopad_pkcs5_and_des_variants(cta: CryptoTA) -> None:
    k = cta.secret(c.TEE_TYPE_AES, v.AES128_KEY)
    nopad = cta.op(c.TEE_ALG_AES_CBC_MAC_NOPAD, c.TEE_MODE_MAC, 128, key=k)
    assert cta.mac_init(nopad) == TEE_SUCCESS
    # CBC-MAC of whole blocks: the last block of CBC with a zero IV (SP 800-38A F.2.1 has IV
    # 000102..., so compare the first block, which equals ECB of the first plaintext block).
    assert cta.mac(nopad, v.SP800_38A_PT[:16], chunk=3)[1] == v.ECB_AES128_CT[:16]
    pkcs5 = cta.op(c.TEE_ALG_AES_CBC_MAC_PKCS5, c.TEE_MODE_MAC, 128, key=k)
    assert cta.mac_init(pkcs5) == TEE_SUCCESS
    from Crypto.Cipher import AES
    padded = v.SP800_38A_PT[:20] + bytes([12]) * 12
    expected = AES.new(v.AES128_KEY, AES.MODE_CBC, iv=bytes(16)).encrypt(padded)[-16:]
    assert cta.mac(pkcs5, v.SP800_38A_PT[:20], chunk=7) == (TEE_SUCCESS, expected, 16)
    # DES and 3DES CBC-MAC (8-byte MACs) and DES3 CMAC against the host library.
    key3 = bytes(range(24))
    k3 = cta.secret(c.TEE_TYPE_DES3, key3)
    for algo in (c.TEE_ALG_DES3_CBC_MAC_NOPAD, c.TEE_ALG_DES3_CMAC):
        op = cta.op(algo, c.TEE_MODE_MAC, 192, key=k3)
        assert cta.mac_init(op) == TEE_SUCCESS
        res, out, n = cta.mac(op, MSG[:64], chunk=9)
        if algo == c.TEE_ALG_DES3_CMAC:
            expected = CMAC.new(key3, MSG[:64], ciphermod=DES3).digest()
        else:
            expected = DES3.new(key3, DES3.MODE_CBC, iv=bytes(8)).encrypt(MSG[:64])[-8:]
        assert (res, out, n) == (TEE_SUCCESS, expected, 8)
    kd = cta.secret(c.TEE_TYPE_DES, v.DES_KEY)
    des = cta.op(c.TEE_ALG_DES_CBC_MAC_NOPAD, c.TEE_MODE_MAC, 64, key=kd)
    assert cta.mac_init(des) == TEE_SUCCESS
    assert cta.mac(des, v.DES_PT) == (TEE_SUCCESS, v.DES_CT, 8)


def test_cbc_mac_nopad_with_a_partial_block_panics_with_bad_state(cta: CryptoTA) -> None:
    k = cta.secret(c.TEE_TYPE_AES, bytes(16))
    op = cta.op(c.TEE_ALG_AES_CBC_MAC_NOPAD, c.TEE_MODE_MAC, 128, key=k)
    assert cta.mac_init(op) == TEE_SUCCESS
    assert cta.panicked_with(cta.mac(op, bytes(5))[0], TEE_ERROR_BAD_STATE)


def test_mac_compare_with_a_wrong_mac_is_mac_invalid(cta: CryptoTA) -> None:
    _, _, key, msg, expected = v.HMAC[1]
    k = cta.secret(c.TEE_TYPE_HMAC_SHA1, key)
    op = cta.op(c.TEE_ALG_HMAC_SHA1, c.TEE_MODE_MAC, 160, key=k)
    bad = bytearray(H(expected))
    bad[-1] ^= 1
    assert cta.mac_init(op) == TEE_SUCCESS
    assert cta.mac_compare(op, msg, bytes(bad)) == TEE_ERROR_MAC_INVALID
    assert cta.mac_init(op) == TEE_SUCCESS
    assert cta.mac_compare(op, msg, H(expected)[:10]) == TEE_ERROR_MAC_INVALID  # truncated


def test_mac_short_buffer_and_calls_out_of_order(cta: CryptoTA) -> None:
    _, _, key, msg, expected = v.HMAC[0]
    k = cta.secret(c.TEE_TYPE_HMAC_MD5, key)
    op = cta.op(c.TEE_ALG_HMAC_MD5, c.TEE_MODE_MAC, 128, key=k)
    assert cta.mac_init(op) == TEE_SUCCESS
    # The size is checked before the final chunk is fed: the retry passes the message again.
    assert cta.mac(op, msg, room=8) == (TEE_ERROR_SHORT_BUFFER, b"", 16)
    assert cta.mac(op, msg, room=16) == (TEE_SUCCESS, H(expected), 16)
    # After the final the operation is no longer initialized: a final panics (BAD_PARAMETERS).
    assert cta.panicked_with(cta.mac(op, msg)[0], TEE_ERROR_BAD_PARAMETERS)


def test_mac_init_without_a_key_panics(cta: CryptoTA) -> None:
    res, op = cta.op_alloc(c.TEE_ALG_HMAC_SHA256, c.TEE_MODE_MAC, 256)
    assert res == TEE_SUCCESS
    assert cta.panicked_with(cta.mac_init(op), 0)
