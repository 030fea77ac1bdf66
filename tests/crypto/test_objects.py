"""The object model (gp_api/objects.py): type table rules, attribute storage, handles."""
from __future__ import annotations

from optee_litebox.abi import crypto as c
from optee_litebox.abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
                                       TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_NOT_IMPLEMENTED,
                                       TEE_ERROR_NOT_SUPPORTED, TEE_SUCCESS)
from optee_litebox.gp_api.objects import (CrypTables, GpObject, attr_copy_from,
                                          attr_from_binary, attr_to_binary, check_key_size,
                                          set_type, type_props)


def new(obj_type: int, size: int) -> GpObject:
    obj = GpObject()
    assert set_type(obj, obj_type, size) == TEE_SUCCESS
    return obj


def test_key_size_rules_follow_the_type_table() -> None:
    aes = type_props(c.TEE_TYPE_AES)
    assert aes is not None
    assert [check_key_size(aes, s) for s in (128, 192, 256)] == [TEE_SUCCESS] * 3
    assert check_key_size(aes, 64) == TEE_ERROR_NOT_SUPPORTED  # below min
    assert check_key_size(aes, 160) == TEE_ERROR_NOT_SUPPORTED  # not a multiple of 64
    des3 = type_props(c.TEE_TYPE_DES3)
    assert des3 is not None
    # GP 1.0 sizes without parity bits are accepted (CFG_COMPAT_GP10_DES).
    assert check_key_size(des3, 112) == check_key_size(des3, 168) == TEE_SUCCESS
    hmac = type_props(c.TEE_TYPE_HMAC_SHA256)
    assert hmac is not None
    assert check_key_size(hmac, 184) == TEE_ERROR_NOT_SUPPORTED
    assert check_key_size(hmac, 192) == TEE_SUCCESS


def test_set_type_results() -> None:
    assert set_type(GpObject(), 0x12345678, 128) == TEE_ERROR_NOT_SUPPORTED
    assert set_type(GpObject(), c.TEE_TYPE_DATA, 8) == TEE_ERROR_NOT_SUPPORTED
    assert set_type(GpObject(), c.TEE_TYPE_DATA, 0) == TEE_SUCCESS
    assert set_type(GpObject(), c.TEE_TYPE_X448_KEYPAIR, 448) == TEE_ERROR_NOT_IMPLEMENTED
    obj = new(c.TEE_TYPE_AES, 256)
    assert obj.usage == c.TEE_USAGE_DEFAULT and obj.max_object_size == 256
    assert set_type(obj, c.TEE_TYPE_AES, 128) == TEE_ERROR_BAD_STATE  # only once
    # No SM2 implementation: the key types answer as a build without CFG_CRYPTO_SM2_*.
    assert set_type(GpObject(), c.TEE_TYPE_SM2_DSA_KEYPAIR, 256) == TEE_ERROR_NOT_IMPLEMENTED


def test_binary_round_trip_keeps_attributes_in_table_order() -> None:
    src = new(c.TEE_TYPE_ECDSA_KEYPAIR, 256)
    src.set(c.TEE_ATTR_ECC_PRIVATE_VALUE, 0x0102)
    src.set(c.TEE_ATTR_ECC_PUBLIC_VALUE_X, 0xAB)
    src.set(c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, 0)
    src.set(c.TEE_ATTR_ECC_CURVE, c.TEE_ECC_CURVE_NIST_P256)
    res, blob = attr_to_binary(src)
    assert res == TEE_SUCCESS
    assert blob == (b"\0\0\0\x02\x01\x02" b"\0\0\0\x01\xab" b"\0\0\0\0" b"\0\0\0\x03")
    dst = new(c.TEE_TYPE_ECDSA_KEYPAIR, 256)
    assert attr_from_binary(dst, blob) == TEE_SUCCESS
    assert dst.values == src.values
    assert attr_from_binary(dst, blob[:-1]) == TEE_ERROR_CORRUPT_OBJECT


def test_secret_too_long_for_the_type_is_a_corrupt_object() -> None:
    aes = new(c.TEE_TYPE_AES, 128)
    assert attr_from_binary(aes, b"\0\0\0\x21" + bytes(33)) == TEE_ERROR_CORRUPT_OBJECT
    assert attr_from_binary(aes, b"\0\0\0\x10" + bytes(range(16))) == TEE_SUCCESS
    assert aes.secret() == bytes(range(16))


def test_public_key_copies_only_from_its_key_pair() -> None:
    pair = new(c.TEE_TYPE_RSA_KEYPAIR, 512)
    for attr in (c.TEE_ATTR_RSA_MODULUS, c.TEE_ATTR_RSA_PUBLIC_EXPONENT,
                 c.TEE_ATTR_RSA_PRIVATE_EXPONENT):
        pair.set(attr, 7)
    pub = new(c.TEE_TYPE_RSA_PUBLIC_KEY, 512)
    assert attr_copy_from(pub, pair) == TEE_SUCCESS
    assert pub.has(c.TEE_ATTR_RSA_MODULUS) and pub.get(c.TEE_ATTR_RSA_PUBLIC_EXPONENT) == 7
    assert not pub.has(c.TEE_ATTR_RSA_PRIVATE_EXPONENT)
    ecc_pub = new(c.TEE_TYPE_ECDSA_PUBLIC_KEY, 256)
    assert attr_copy_from(ecc_pub, pair) == TEE_ERROR_BAD_PARAMETERS


def test_handles_are_per_table_and_shared_with_states() -> None:
    one, two = CrypTables(), CrypTables()
    obj = new(c.TEE_TYPE_AES, 128)
    handle = one.objects.add(obj)
    assert one.objects.get(handle) is obj and two.objects.get(handle) is None
    state_handle = one.new_handle()
    assert state_handle != handle and one.objects.get(state_handle) is None
    one.objects.close(obj)
    assert one.objects.get(handle) is None and len(one.objects) == 0
