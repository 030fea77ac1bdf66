"""Signed TA files: layout, hash, signatures, encryption and subkey chains."""
from __future__ import annotations

import hashlib
import random
import struct
import uuid

import pytest
from Crypto.PublicKey import RSA

from optee_litebox.errors import LoaderError, SignatureError
from optee_litebox.ta_loader import load_ta
from optee_litebox.ta_loader.sign import (
    encrypt_ta,
    sign_legacy_ta,
    sign_subkey,
    sign_ta,
    subkey_ta_uuid,
)
from optee_litebox.ta_loader.signed import parse_signed, subkey_next_uuid

from .elfbuilder import DEFAULT_UUID, TaSpec, build_ta

ENC_KEY = bytes(range(32))


def test_bootstrap_layout_matches_the_documented_format(ta_elf, root_key):
    """Check sign_ta's output field by field, without our parser."""
    ta = sign_ta(ta_elf, root_key.private, version=3, algo="pkcs1v15")
    magic, img_type, img_size, algo, hash_size, sig_size = struct.unpack_from("<IIIIHH", ta)
    assert (magic, img_type, img_size, algo) == (0x4F545348, 1, len(ta_elf), 0x70004830)
    assert (hash_size, sig_size) == (32, 256)
    bs = 20 + hash_size + sig_size
    assert ta[bs:bs + 16] == DEFAULT_UUID.bytes  # RFC 4122 byte order, unlike ta_head
    assert struct.unpack_from("<I", ta, bs + 16)[0] == 3
    assert ta[bs + 20:] == ta_elf
    assert ta[20:52] == hashlib.sha256(ta[:20] + ta[bs:bs + 20] + ta_elf).digest()


@pytest.mark.parametrize("algo,name", [
    ("pss", "RSASSA_PKCS1_PSS_MGF1_SHA256"),
    ("pkcs1v15", "RSASSA_PKCS1_V1_5_SHA256"),
    ("pss-sha512", "RSASSA_PKCS1_PSS_MGF1_SHA512"),
    ("pkcs1v15-sha384", "RSASSA_PKCS1_V1_5_SHA384"),
])
def test_right_key_verifies(ta_elf, root_key, algo, name):
    ta = sign_ta(ta_elf, root_key.private, version=7, algo=algo)
    info, elf = parse_signed(ta, pubkey_pem=root_key.public, name="t.ta")
    assert elf == ta_elf
    assert info.verified is True and "verified" in info.reason
    assert (info.img_type, info.algo, info.uuid, info.ta_version) == (1, name, DEFAULT_UUID, 7)
    assert info.key_fingerprint == hashlib.sha256(
        RSA.import_key(root_key.public).export_key(format="DER")).hexdigest()


def test_private_pem_works_as_the_verification_key(ta_elf, root_key):
    info, _ = parse_signed(sign_ta(ta_elf, root_key.private), pubkey_pem=root_key.private)
    assert info.verified is True


@pytest.mark.parametrize("algo", ["pss", "pkcs1v15"])
def test_wrong_key_fails(ta_elf, root_key, other_key, algo):
    ta = sign_ta(ta_elf, root_key.private, algo=algo)
    with pytest.raises(SignatureError, match="t.ta: signed header: signature does not match"):
        parse_signed(ta, pubkey_pem=other_key.public, name="t.ta")
    info, _ = parse_signed(ta, pubkey_pem=other_key.public, strict=False)
    assert info.verified is False and "does not match" in info.reason


def test_no_key_reports_not_verified(ta_elf, root_key):
    info, _ = parse_signed(sign_ta(ta_elf, root_key.private))
    assert info.verified is None and "not verified" in info.reason


def test_pkcs1_is_deterministic_and_pss_takes_injected_randomness(ta_elf, root_key):
    assert sign_ta(ta_elf, root_key.private, algo="pkcs1v15") == \
        sign_ta(ta_elf, root_key.private, algo="pkcs1v15")

    def seeded(seed):
        rng = random.Random(seed)
        return lambda n: bytes(rng.getrandbits(8) for _ in range(n))
    a = sign_ta(ta_elf, root_key.private, randbytes=seeded(1))
    assert a == sign_ta(ta_elf, root_key.private, randbytes=seeded(1))
    assert a != sign_ta(ta_elf, root_key.private, randbytes=seeded(2))


def test_hash_mismatch_is_always_detected(ta_elf, root_key):
    ta = bytearray(sign_ta(ta_elf, root_key.private))
    ta[-100] ^= 1
    with pytest.raises(SignatureError, match="hash mismatch"):
        parse_signed(bytes(ta))  # no key: the hash is still checked
    with pytest.raises(SignatureError, match="hash mismatch"):
        parse_signed(bytes(ta), pubkey_pem=root_key.public)


def test_tampered_hash_field_fails_the_signature(ta_elf, root_key):
    ta = bytearray(sign_ta(ta_elf, root_key.private))
    ta[25] ^= 0x80
    with pytest.raises(SignatureError, match="signature does not match"):
        parse_signed(bytes(ta), pubkey_pem=root_key.public)


def test_bootstrap_uuid_must_match_ta_head(ta_elf, root_key):
    other = uuid.UUID("11111111-2222-3333-4444-555555555555")
    ta = sign_ta(ta_elf, root_key.private, uuid=other)
    info, _ = parse_signed(ta, pubkey_pem=root_key.public)  # the header alone is fine
    assert info.uuid == other
    with pytest.raises(SignatureError, match=f"x.ta: signed header UUID {other} does not match"):
        load_ta(ta, pubkey_pem=root_key.public, name="x.ta")


def test_legacy_type0(ta_elf, root_key):
    ta = sign_legacy_ta(ta_elf, root_key.private)
    info, elf = parse_signed(ta, pubkey_pem=root_key.public)
    assert (info.img_type, info.img_type_name, info.uuid, info.ta_version) == (0, "legacy", None, None)
    assert elf == ta_elf
    assert load_ta(ta, pubkey_pem=root_key.public).plan.uuid == DEFAULT_UUID


def test_encrypted_with_and_without_key(ta_elf, root_key):
    ta = encrypt_ta(ta_elf, root_key.private, ENC_KEY, key_type="class", version=2)
    assert ta_elf[64:200] not in ta  # the ELF is not in clear
    info, elf = parse_signed(ta, pubkey_pem=root_key.public, enc_key=ENC_KEY)
    assert elf == ta_elf
    assert (info.img_type, info.encrypted, info.enc_key_type, info.verified) == (2, True, "class-wide", True)
    with pytest.raises(LoaderError, match="e.ta: encrypted TA: a decryption key is needed"):
        load_ta(ta, pubkey_pem=root_key.public, name="e.ta")
    with pytest.raises(SignatureError, match="decryption failed"):
        parse_signed(ta, enc_key=bytes(32))
    with pytest.raises(LoaderError, match="16, 24 or 32 bytes"):
        parse_signed(ta, enc_key=b"short")
    assert load_ta(ta, pubkey_pem=root_key.public, enc_key=ENC_KEY).plan.uuid == DEFAULT_UUID


def test_encrypted_hash_covers_the_plain_elf(ta_elf, root_key):
    ta = encrypt_ta(ta_elf, root_key.private, ENC_KEY, nonce=bytes(12))
    off = 20 + 32 + 256
    head = ta[off:off + 20 + 12 + 12 + 16]
    assert ta[20:52] == hashlib.sha256(ta[:20] + head + ta_elf).digest()


def _chain(root, subs, *, top_uuid="f04fa996-148a-453c-b037-1dcfbad120a6", algo="pss"):
    """root -> sub1 (max_depth 4, name 'mid') -> sub2 (name size 64)."""
    sub1 = sign_subkey(root.private, subs[0].public, uuid=top_uuid, name_size=64, max_depth=4, algo=algo)
    u2 = subkey_next_uuid(uuid.UUID(top_uuid), "mid")
    sub2 = sign_subkey(subs[0].private, subs[1].public, uuid=u2, name_size=64, parent=sub1,
                       parent_name="mid", algo=algo)
    return sub1, sub2


def test_subkey_uuid_derivation_vector():
    # Computed by upstream's scripts/sign_encrypt.py subkey-uuid.
    assert subkey_next_uuid(uuid.UUID("f04fa996-148a-453c-b037-1dcfbad120a6"), "mid") == \
        uuid.UUID("e72d4a34-9ccf-558b-8fe6-46d354f733ce")


def test_subkey_chain_verifies(root_key, subkeys):
    _, chain = _chain(root_key, subkeys)
    ta_uuid = subkey_ta_uuid(chain, "my_ta")
    elf = build_ta(TaSpec(uuid=ta_uuid))
    ta = sign_ta(elf, subkeys[1].private, subkey=chain, subkey_name="my_ta")
    image = load_ta(ta, pubkey_pem=root_key.public)
    info = image.signed
    assert info.verified is True and "2 subkey" in info.reason
    assert [(s.name, s.max_depth, s.verified) for s in info.subkeys] == \
        [("mid", 4, True), ("my_ta", 3, True)]
    assert info.subkeys[1].next_uuid == ta_uuid == info.uuid == image.uuid
    assert info.subkeys[0].key_fingerprint != info.subkeys[1].key_fingerprint
    # Without the root key the links are still checked, but nothing is anchored.
    unanchored = load_ta(ta).signed
    assert unanchored.verified is None
    assert [s.verified for s in unanchored.subkeys] == [None, True]
    with pytest.raises(SignatureError):
        load_ta(ta, pubkey_pem=subkeys[0].public)


def test_identity_subkey_keeps_the_uuid(root_key, subkeys):
    elf = build_ta()
    chain = sign_subkey(root_key.private, subkeys[0].public, uuid=DEFAULT_UUID, name_size=0)
    ta = sign_ta(elf, subkeys[0].private, subkey=chain, algo="pkcs1v15")
    info = load_ta(ta, pubkey_pem=root_key.public).signed
    assert info.verified is True and info.subkeys[0].name == "" and info.uuid == DEFAULT_UUID


def test_ta_outside_the_subkey_namespace_is_refused(root_key, subkeys):
    _, chain = _chain(root_key, subkeys)
    ta = sign_ta(build_ta(), subkeys[1].private, subkey=chain, subkey_name="my_ta")
    with pytest.raises(SignatureError, match="not in the subkey namespace"):
        parse_signed(ta, pubkey_pem=root_key.public)


def test_subkey_signed_by_the_wrong_key_fails(root_key, subkeys):
    _, chain = _chain(root_key, subkeys)
    elf = build_ta(TaSpec(uuid=subkey_ta_uuid(chain, "t")))
    ta = sign_ta(elf, subkeys[0].private, subkey=chain, subkey_name="t")  # not sub2's key
    with pytest.raises(SignatureError, match="image signed by subkey 't'"):
        parse_signed(ta)


def test_max_depth_must_decrease(root_key, subkeys):
    top = sign_subkey(root_key.private, subkeys[0].public, uuid=DEFAULT_UUID, name_size=0, max_depth=2)
    # A second identity subkey with the same depth, spliced by hand (sign_subkey refuses it).
    same = sign_subkey(subkeys[0].private, subkeys[1].public, uuid=DEFAULT_UUID, name_size=0, max_depth=2)
    ta = sign_ta(build_ta(), subkeys[1].private, subkey=top + same)
    with pytest.raises(SignatureError, match="max_depth 2 is not below the parent's 2"):
        parse_signed(ta, pubkey_pem=root_key.public)


def test_subkey_uuid_must_follow_the_parents_name(root_key, subkeys):
    sub1 = sign_subkey(root_key.private, subkeys[0].public, uuid=DEFAULT_UUID, name_size=16, max_depth=3)
    stray = sign_subkey(subkeys[0].private, subkeys[1].public, uuid=uuid.uuid4(), name_size=16,
                        parent=sub1, parent_name="n")
    ta = sign_ta(build_ta(), subkeys[1].private, uuid=DEFAULT_UUID, subkey=stray, subkey_name="x")
    with pytest.raises(SignatureError, match="is not the .* its parent's name assigns"):
        parse_signed(ta)


def test_tampered_subkey_key_is_detected(root_key, subkeys):
    chain = bytearray(sign_subkey(root_key.private, subkeys[0].public, uuid=DEFAULT_UUID, name_size=0))
    chain[-40] ^= 1  # inside the subkey's modulus
    ta = sign_ta(build_ta(), subkeys[0].private, subkey=bytes(chain))
    with pytest.raises(SignatureError, match="subkey 0: hash does not match"):
        parse_signed(ta)


def test_weak_and_unsupported(ta_elf):
    weak = RSA.generate(1024)
    ta = sign_ta(ta_elf, weak.export_key(), algo="pkcs1v15")
    with pytest.raises(SignatureError, match="1024 bits is below the 2048-bit minimum"):
        parse_signed(ta, pubkey_pem=weak.public_key().export_key())
    sha1 = bytearray(ta)
    sha1[12:16] = struct.pack("<I", 0x70002830)  # RSASSA_PKCS1_V1_5_SHA1: refused upstream too
    with pytest.raises(LoaderError, match="unsupported signature algorithm 0x70002830"):
        parse_signed(bytes(sha1))


@pytest.mark.parametrize("cut", [0, 4, 19, 20, 51, 52, 200, 308, 327, 328])
def test_truncated_headers(ta_elf, root_key, cut):
    ta = sign_ta(ta_elf, root_key.private, algo="pkcs1v15")
    with pytest.raises(LoaderError, match="^cut.ta: "):
        load_ta(ta[:cut] if cut else b"", name="cut.ta")


def test_trailing_and_missing_payload(ta_elf, root_key):
    ta = sign_ta(ta_elf, root_key.private)
    with pytest.raises(LoaderError, match="3 bytes of trailing data"):
        parse_signed(ta + b"abc")
    with pytest.raises(LoaderError, match="truncated: header promises"):
        parse_signed(ta[:-1])


def test_unsupported_image_type(ta_elf, root_key):
    ta = bytearray(sign_ta(ta_elf, root_key.private))
    ta[4] = 9
    with pytest.raises(LoaderError, match="unsupported signed image type 9"):
        parse_signed(bytes(ta))
