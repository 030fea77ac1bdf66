"""RSA keys and the signature algorithms a signed TA header may name.

The header's ``algo`` is a GlobalPlatform ``TEE_ALG_RSASSA_*`` value; the digest algorithm is
implied by it (upstream: ``TEE_DIGEST_HASH_TO_ALGO``). ``scripts/sign_encrypt.py`` only
produces the two SHA-256 variants; the upstream kernel also accepts SHA-384 and SHA-512 ones,
and so do we. PSS uses MGF1 with the same hash and a salt as long as the digest.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from Crypto.Hash import SHA256, SHA384, SHA512
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15, pss

from ..errors import LoaderError

TEE_ALG_RSASSA_PKCS1_V1_5_SHA256 = 0x70004830
TEE_ALG_RSASSA_PKCS1_V1_5_SHA384 = 0x70005830
TEE_ALG_RSASSA_PKCS1_V1_5_SHA512 = 0x70006830
TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256 = 0x70414930
TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384 = 0x70515930
TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512 = 0x70616930

#: Upstream refuses RSA keys below this size (core/crypto/signed_hdr.c, is_weak_key_size).
MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class SigAlgo:
    """One signature algorithm: its TEE_ALG_* id, a short name and how to compute it."""

    id: int
    name: str
    hash_module: ModuleType
    pss: bool

    @property
    def hash_size(self) -> int:
        return int(self.hash_module.digest_size)

    def new_hash(self, data: bytes = b"") -> object:
        return self.hash_module.new(data)


SIG_ALGOS: dict[int, SigAlgo] = {
    a.id: a
    for a in (
        SigAlgo(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, "RSASSA_PKCS1_PSS_MGF1_SHA256", SHA256, True),
        SigAlgo(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384, "RSASSA_PKCS1_PSS_MGF1_SHA384", SHA384, True),
        SigAlgo(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512, "RSASSA_PKCS1_PSS_MGF1_SHA512", SHA512, True),
        SigAlgo(TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, "RSASSA_PKCS1_V1_5_SHA256", SHA256, False),
        SigAlgo(TEE_ALG_RSASSA_PKCS1_V1_5_SHA384, "RSASSA_PKCS1_V1_5_SHA384", SHA384, False),
        SigAlgo(TEE_ALG_RSASSA_PKCS1_V1_5_SHA512, "RSASSA_PKCS1_V1_5_SHA512", SHA512, False),
    )
}

#: Short names accepted by the signer.
ALGO_BY_SHORT_NAME: dict[str, int] = {
    "pss": TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
    "pkcs1v15": TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
    "pss-sha384": TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384,
    "pss-sha512": TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512,
    "pkcs1v15-sha384": TEE_ALG_RSASSA_PKCS1_V1_5_SHA384,
    "pkcs1v15-sha512": TEE_ALG_RSASSA_PKCS1_V1_5_SHA512,
}


def sig_algo(algo_id: int) -> SigAlgo:
    """The SigAlgo for a header's algo field, or LoaderError if we do not accept it."""
    algo = SIG_ALGOS.get(algo_id)
    if algo is None:
        raise LoaderError(f"unsupported signature algorithm 0x{algo_id:08x}")
    return algo


def load_rsa_key(pem: bytes | str, what: str = "public key") -> RSA.RsaKey:
    """Import an RSA key (PEM or DER, public or private) or raise LoaderError.

    Imports are cached: importing a private key runs consistency checks that cost tens of
    milliseconds, and a runtime loads many TAs signed with the same key.
    """
    try:
        return _import_key(pem.encode() if isinstance(pem, str) else bytes(pem))
    except (ValueError, IndexError, TypeError) as exc:
        raise LoaderError(f"cannot read {what}: {exc}") from exc


@lru_cache(maxsize=16)
def _import_key(pem: bytes) -> RSA.RsaKey:
    return RSA.import_key(pem)


def rsa_from_numbers(n: int, e: int) -> RSA.RsaKey:
    """A public key from its modulus and exponent (the subkey header stores them big-endian)."""
    try:
        return RSA.construct((n, e))
    except ValueError as exc:
        raise LoaderError(f"invalid RSA public key in subkey: {exc}") from exc


def fingerprint(key: RSA.RsaKey) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, hex (as ``openssl pkey -pubout -outform DER``)."""
    return hashlib.sha256(key.public_key().export_key(format="DER")).hexdigest()


class _Prehashed:
    """A digest computed elsewhere, shaped like a pycryptodome hash object for the signers."""

    def __init__(self, algo: SigAlgo, digest: bytes) -> None:
        self._algo = algo
        self._digest = digest
        self.digest_size = algo.hash_size
        self.oid = algo.hash_module.new().oid

    def digest(self) -> bytes:
        return self._digest

    def new(self, data: bytes | None = None) -> object:
        return self._algo.hash_module.new(data)


def rsa_verify(key: RSA.RsaKey, algo: SigAlgo, digest: bytes, signature: bytes) -> tuple[bool, str]:
    """Check ``signature`` over the precomputed ``digest``; returns (ok, reason)."""
    bits = key.size_in_bits()
    if bits < MIN_RSA_BITS:
        return False, f"RSA key of {bits} bits is below the {MIN_RSA_BITS}-bit minimum"
    if len(signature) != key.size_in_bytes():
        return False, (f"signature is {len(signature)} bytes, key modulus is "
                       f"{key.size_in_bytes()} bytes")
    hashed = _Prehashed(algo, digest)
    try:
        if algo.pss:
            pss.new(key.public_key(), salt_bytes=algo.hash_size).verify(hashed, signature)
        else:
            pkcs1_15.new(key.public_key()).verify(hashed, signature)
    except (ValueError, TypeError):
        return False, "signature does not match the key"
    return True, "signature verified"


def rsa_sign(key: RSA.RsaKey, algo: SigAlgo, digest: bytes,
             randbytes: Callable[[int], bytes] | None = None) -> bytes:
    """Sign a precomputed digest. PKCS#1 v1.5 is deterministic; PSS draws a salt from randbytes."""
    if not key.has_private():
        raise ValueError("signing needs a private key")
    hashed = _Prehashed(algo, digest)
    if algo.pss:
        kwargs = {"rand_func": randbytes} if randbytes is not None else {}
        return pss.new(key, salt_bytes=algo.hash_size, **kwargs).sign(hashed)
    return pkcs1_15.new(key).sign(hashed)
