"""The attestation pseudo-TA: a per-device RSA key kept in trusted storage, signed digests
of TA binaries, of a calling TA's read-only memory and of our own code."""
from __future__ import annotations

import hashlib

import pytest
from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pss

from optee_litebox.abi import results as R
from optee_litebox.abi.crypto import TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256
from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample, samples

from ..conftest import open_sample

ATTESTATION = "39800861-182a-4720-9b67-2bcd622bc0b5"
GET_PUBKEY, GET_TA_SHDR_DIGEST, HASH_TA_MEMORY, HASH_TEE_MEMORY = range(4)
SIG = 384  # CFG_ATTESTATION_PTA_KEY_SIZE 3072


@pytest.fixture(scope="module")
def device():  # type: ignore[no-untyped-def]
    """One device (platform with storage) for the module: the key is made once."""
    return deterministic_platform(seed=7)


@pytest.fixture()
def att_tee(device):  # type: ignore[no-untyped-def]
    t = Tee(device)
    for s in samples().values():
        t.add(s.ta_path)
    yield t
    t.close()


def _pubkey(tee) -> RSA.RsaKey:  # type: ignore[no-untyped-def]
    res, _, s = tee.open_session(ATTESTATION)
    assert res == R.TEE_SUCCESS
    p = [Param.memref_out(3), Param.memref_out(SIG), Param.value_out()]
    assert tee.invoke(s, GET_PUBKEY, p)[0] == R.TEE_SUCCESS
    assert p[2].a == TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256
    tee.close_session(s)
    return RSA.construct((int.from_bytes(p[1].data(), "big"), int.from_bytes(p[0].data(), "big")))


def _verify(key: RSA.RsaKey, nonce: bytes, out: bytes) -> bytes:
    digest, signature = out[:32], out[32:]
    pss.new(key, salt_bytes=32).verify(SHA256.new(nonce + digest), signature)
    return digest


def test_public_key_and_short_buffers(att_tee) -> None:  # type: ignore[no-untyped-def]
    key = _pubkey(att_tee)
    assert key.e == 65537 and key.n.bit_length() == 3072
    _, _, s = att_tee.open_session(ATTESTATION)
    p = [Param.memref_out(2), Param.memref_out(100), Param.value_out()]
    assert att_tee.invoke(s, GET_PUBKEY, p) == (R.TEE_ERROR_SHORT_BUFFER, R.TEE_ORIGIN_TRUSTED_APP)
    assert (p[0].size, p[1].size) == (3, SIG)


def test_the_key_stays_with_the_device(att_tee, device) -> None:  # type: ignore[no-untyped-def]
    again = Tee(device)  # a new TEE on the same device: the key comes from storage
    assert _pubkey(again).n == _pubkey(att_tee).n
    again.close()
    other = Tee(deterministic_platform(seed=8))
    assert _pubkey(other).n != _pubkey(att_tee).n
    other.close()


def test_signed_header_digest_of_a_ta(att_tee) -> None:  # type: ignore[no-untyped-def]
    key = _pubkey(att_tee)
    _, _, s = att_tee.open_session(ATTESTATION)
    image = att_tee.sources.find(sample("hello_world").uuid)

    def digest_of(uuid_bytes: bytes, nonce: bytes = b"nonce!", out: int = 32 + SIG):  # type: ignore[no-untyped-def]
        p = [Param.memref_in(uuid_bytes), Param.memref_in(nonce), Param.memref_out(out)]
        return att_tee.invoke(s, GET_TA_SHDR_DIGEST, p)[0], p[2]
    res, out = digest_of(sample("hello_world").uuid.bytes_le)
    assert res == R.TEE_SUCCESS and out.size == 32 + SIG
    assert _verify(key, b"nonce!", out.data()) == bytes.fromhex(image.signed.hash)
    lib = att_tee.sources.find_library(str(sample("tlib").uuid))
    res, out = digest_of(sample("tlib").uuid.bytes_le)  # libraries too
    assert _verify(key, b"nonce!", out.data()) == bytes.fromhex(lib.signed.hash)
    assert digest_of(bytes(16))[0] == R.TEE_ERROR_ITEM_NOT_FOUND
    assert digest_of(sample("hello_world").uuid.bytes_le, nonce=b"")[0] == R.TEE_ERROR_BAD_PARAMETERS
    res, out = digest_of(sample("hello_world").uuid.bytes_le, out=40)
    assert (res, out.size) == (R.TEE_ERROR_SHORT_BUFFER, 32 + SIG)
    assert digest_of(b"short")[0] == R.TEE_ERROR_BAD_PARAMETERS


def test_a_ta_measures_its_own_memory(att_tee) -> None:  # type: ignore[no-untyped-def]
    key = _pubkey(att_tee)
    s = open_sample(att_tee, "services")

    def attest(nonce: bytes) -> tuple[int, bytes]:
        p = [Param.memref_in(nonce), Param.memref_out(32 + SIG)]
        res, _ = att_tee.invoke(s, 4, p)
        return res, p[1].data()
    res, out = attest(b"n1")
    assert res == R.TEE_SUCCESS
    digest = _verify(key, b"n1", out)
    regions = sorted((bytes(r.view) for m in s.instance.modules for r in m.regions
                      if not r.prot & 2), key=lambda b: (len(b), b))
    assert digest == hashlib.sha256(b"".join(regions)).digest()
    assert _verify(key, b"n2", attest(b"n2")[1]) == digest
    att_tee.close_session(s)
    s = open_sample(att_tee, "services")  # a new instance, the same code
    assert _verify(key, b"n3", attest(b"n3")[1]) == digest


def test_client_applications_get_the_tee_but_not_ta_memory(att_tee) -> None:  # type: ignore[no-untyped-def]
    key = _pubkey(att_tee)
    _, _, s = att_tee.open_session(ATTESTATION)
    p = [Param.memref_in(b"nonce"), Param.memref_out(32 + SIG)]
    assert att_tee.invoke(s, HASH_TA_MEMORY, p)[0] == R.TEE_ERROR_ACCESS_DENIED
    p = [Param.memref_in(b"nonce"), Param.memref_out(32 + SIG)]
    assert att_tee.invoke(s, HASH_TEE_MEMORY, p)[0] == R.TEE_SUCCESS
    first = _verify(key, b"nonce", p[1].data())
    p = [Param.memref_in(b"other"), Param.memref_out(32 + SIG)]
    att_tee.invoke(s, HASH_TEE_MEMORY, p)
    assert _verify(key, b"other", p[1].data()) == first
    assert att_tee.invoke(s, 9, []) == (R.TEE_ERROR_BAD_PARAMETERS, R.TEE_ORIGIN_TRUSTED_APP)
