"""Crypto throughput through a real TA next to pycryptodome called directly, as JSON medians.

The TA is the bundled crypto sample (sample_tas/crypto), built by our SDK, so every number
includes the guest code, libutee-style buffering in the SDK and the syscalls:

- bulk: SHA-256, AES-128-CBC and AES-128-GCM over 1 MiB. One invoke passes the 1 MiB as a
  memref and the TA loops over it in 64 KiB updates (TEE_DigestUpdate / TEE_CipherUpdate /
  TEE_AEUpdate), then finishes (DoFinal / AEEncryptFinal) in the same invoke; CBC and GCM
  take one more invoke before that for TEE_CipherInit / TEE_AEInit. The host side does
  the same 16 updates of 64 KiB with pycryptodome in the same process.
- asymmetric: RSA-2048 PKCS#1 v1.5 SHA-256 and ECDSA P-256 sign/verify, one invoke per
  operation (TEE_AsymmetricSignDigest / VerifyDigest) next to pycryptodome.

    python benchmarks/bench_crypto.py [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import struct
import time
from typing import Callable

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC, RSA
from Crypto.Signature import DSS, pkcs1_15

from optee_litebox.abi import crypto as c
from optee_litebox.abi import params as T
from optee_litebox.deterministic import deterministic_platform
from optee_litebox.runtime import Param, SharedMemory, Tee
from optee_litebox.samples import sample

MIB, CHUNK = 1 << 20, 64 << 10
# Command numbers of sample_tas/crypto/crypto_ta.h.
OBJ_ALLOC, OBJ_POPULATE, OP_ALLOC, OP_SET_KEY = 0, 1, 10, 12
DIGEST, CIPHER_INIT, CIPHER_UPDATE, AE_INIT, AE_UPDATE, ASYM = 16, 21, 22, 23, 25, 28
SIGN, VERIFY = 2, 3


class CryptoTa:
    def __init__(self) -> None:
        self.tee = Tee(deterministic_platform(seed=1))
        image = self.tee.add(sample("crypto").ta_path)
        res, _, session = self.tee.open_session(image.uuid)
        assert session is not None, hex(res)
        self.session = session

    def call(self, cmd: int, params: list[Param]) -> None:
        res, _ = self.tee.invoke(self.session, cmd, params)
        assert res == 0, f"command {cmd}: {res:#x}"

    def key(self, otype: int, bits: int, attrs: list[tuple[int, bytes | int]]) -> int:
        p = [Param.value_in(otype, bits), Param.value_out()]
        self.call(OBJ_ALLOC, p)
        blob = b""
        for aid, val in attrs:
            if isinstance(val, int):
                blob += struct.pack("<III", aid, val, 0)
            else:
                blob += struct.pack("<III", aid, len(val), 0) + val
        self.call(OBJ_POPULATE, [Param.value_in(p[1].a), Param.memref_in(blob)])
        return p[1].a

    def op(self, algo: int, mode: int, bits: int = 0, key: int | None = None) -> int:
        p = [Param.value_in(algo, mode), Param.value_in(bits), Param.value_out()]
        self.call(OP_ALLOC, p)
        if key is not None:
            self.call(OP_SET_KEY, [Param.value_in(p[2].a, key)])
        return p[2].a


def shm_param(ptype: int, shm: SharedMemory, size: int) -> Param:
    return Param(ptype, shm=shm, size=size)


def median_rates(fn_ta: Callable[[], None], fn_host: Callable[[], None], repeat: int,
                 units: float) -> dict[str, float]:
    """Median rates of the TA and the host, timed alternately so that both see the same
    machine load (a busy two-core machine moves either by tens of percent)."""
    times: dict[str, list[float]] = {"ta": [], "pycryptodome": []}
    fn_ta()  # warm: translation caches, first library use
    fn_host()
    for _ in range(repeat):
        for name, fn in (("ta", fn_ta), ("pycryptodome", fn_host)):
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    ta, host = (units / statistics.median(times[k]) for k in ("ta", "pycryptodome"))
    return {"ta": round(ta, 1), "pycryptodome": round(host, 1), "ratio": round(ta / host, 3)}


def bulk(ta: CryptoTa, repeat: int) -> dict[str, dict[str, float]]:
    data = bytes(range(256)) * (MIB // 256)
    src, dst = SharedMemory.from_bytes(data), SharedMemory(MIB)
    key, iv, nonce = bytes(16), bytes(16), bytes(12)
    aes = ta.key(c.TEE_TYPE_AES, 128, [(c.TEE_ATTR_SECRET_VALUE, key)])
    sha = ta.op(c.TEE_ALG_SHA256, c.TEE_MODE_DIGEST)
    cbc = ta.op(c.TEE_ALG_AES_CBC_NOPAD, c.TEE_MODE_ENCRYPT, 128, aes)
    gcm = ta.op(c.TEE_ALG_AES_GCM, c.TEE_MODE_ENCRYPT, 128, aes)
    src_in = lambda: shm_param(T.TEE_PARAM_TYPE_MEMREF_INPUT, src, MIB)  # noqa: E731
    dst_out = lambda: shm_param(T.TEE_PARAM_TYPE_MEMREF_OUTPUT, dst, MIB)  # noqa: E731

    def ta_sha() -> None:
        ta.call(DIGEST, [Param.value_in(sha, CHUNK), src_in(), Param.memref_out(32), Param.value_in(0)])

    def ta_cbc() -> None:
        ta.call(CIPHER_INIT, [Param.value_in(cbc), Param.memref_in(iv)])
        ta.call(CIPHER_UPDATE, [Param.value_in(cbc, CHUNK), src_in(), dst_out()])

    def ta_gcm() -> None:
        ta.call(AE_INIT, [Param.value_in(gcm, 128), Param.memref_in(nonce), Param.value_in(0, MIB)])
        ta.call(AE_UPDATE, [Param.value_in(gcm, CHUNK), src_in(), dst_out(), Param.memref_out(16)])

    def host_sha() -> None:
        h = SHA256.new()
        for off in range(0, MIB, CHUNK):
            h.update(data[off:off + CHUNK])
        h.digest()

    def host_cbc() -> None:
        e = AES.new(key, AES.MODE_CBC, iv=iv)
        for off in range(0, MIB, CHUNK):
            e.encrypt(data[off:off + CHUNK])

    def host_gcm() -> None:
        e = AES.new(key, AES.MODE_GCM, nonce=nonce)
        for off in range(0, MIB, CHUNK):
            e.encrypt(data[off:off + CHUNK])
        e.digest()

    ta_sha()  # the results are checked once, outside the timing
    ta_cbc()
    assert dst.read() == AES.new(key, AES.MODE_CBC, iv=iv).encrypt(data)
    out = {}
    for name, fn_ta, fn_host in (("sha256", ta_sha, host_sha), ("aes128_cbc", ta_cbc, host_cbc),
                                 ("aes128_gcm", ta_gcm, host_gcm)):
        out[name] = median_rates(fn_ta, fn_host, repeat, 1.0)
    return out


def asymmetric(ta: CryptoTa, repeat: int, n: int = 20) -> dict[str, dict[str, float]]:
    enc = lambda x: x.to_bytes((x.bit_length() + 7) // 8, "big")  # noqa: E731
    rk = RSA.generate(2048)
    rsa_attrs: list[tuple[int, bytes | int]] = [
        (c.TEE_ATTR_RSA_MODULUS, enc(rk.n)), (c.TEE_ATTR_RSA_PUBLIC_EXPONENT, enc(rk.e)),
        (c.TEE_ATTR_RSA_PRIVATE_EXPONENT, enc(rk.d)), (c.TEE_ATTR_RSA_PRIME1, enc(rk.p)),
        (c.TEE_ATTR_RSA_PRIME2, enc(rk.q)), (c.TEE_ATTR_RSA_EXPONENT1, enc(rk.d % (rk.p - 1))),
        (c.TEE_ATTR_RSA_EXPONENT2, enc(rk.d % (rk.q - 1))),
        (c.TEE_ATTR_RSA_COEFFICIENT, enc(pow(rk.q, -1, rk.p)))]
    ek = ECC.generate(curve="P-256")
    ecc_attrs: list[tuple[int, bytes | int]] = [
        (c.TEE_ATTR_ECC_PRIVATE_VALUE, int(ek.d).to_bytes(32, "big")),
        (c.TEE_ATTR_ECC_PUBLIC_VALUE_X, int(ek.pointQ.x).to_bytes(32, "big")),
        (c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, int(ek.pointQ.y).to_bytes(32, "big")),
        (c.TEE_ATTR_ECC_CURVE, c.TEE_ECC_CURVE_NIST_P256)]
    rsa_pair = ta.key(c.TEE_TYPE_RSA_KEYPAIR, 2048, rsa_attrs)
    ecc_pair = ta.key(c.TEE_TYPE_ECDSA_KEYPAIR, 256, ecc_attrs)
    alg_rsa, alg_ec = c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, c.TEE_ALG_ECDSA_SHA256
    ops = {"rsa_sign": ta.op(alg_rsa, c.TEE_MODE_SIGN, 2048, rsa_pair),
           "rsa_verify": ta.op(alg_rsa, c.TEE_MODE_VERIFY, 2048, rsa_pair),
           "ec_sign": ta.op(alg_ec, c.TEE_MODE_SIGN, 256, ecc_pair),
           "ec_verify": ta.op(alg_ec, c.TEE_MODE_VERIFY, 256, ecc_pair)}
    digest = SHA256.new(b"bench")
    rsa_sig = pkcs1_15.new(rk).sign(digest)
    ec_sig = DSS.new(ek, "fips-186-3").sign(digest)

    def ta_sign(op: int, size: int) -> Callable[[], None]:
        return lambda: ta.call(ASYM, [Param.value_in(op, SIGN), Param.none(),
                                      Param.memref_in(digest.digest()), Param.memref_out(size)])

    def ta_verify(op: int, sig: bytes) -> Callable[[], None]:
        return lambda: ta.call(ASYM, [Param.value_in(op, VERIFY), Param.none(),
                                      Param.memref_in(digest.digest()), Param.memref_in(sig)])

    def loop(fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(n):
                fn()
        return run

    pub_rsa, pub_ec = rk.public_key(), ek.public_key()
    cases = {
        "rsa2048_sign": (ta_sign(ops["rsa_sign"], 256), lambda: pkcs1_15.new(rk).sign(digest)),
        "rsa2048_verify": (ta_verify(ops["rsa_verify"], rsa_sig),
                           lambda: pkcs1_15.new(pub_rsa).verify(digest, rsa_sig)),
        "ecdsa_p256_sign": (ta_sign(ops["ec_sign"], 64), lambda: DSS.new(ek, "fips-186-3").sign(digest)),
        "ecdsa_p256_verify": (ta_verify(ops["ec_verify"], ec_sig),
                              lambda: DSS.new(pub_ec, "fips-186-3").verify(digest, ec_sig)),
    }
    out = {}
    for name, (fn_ta, fn_host) in cases.items():
        out[name] = median_rates(loop(fn_ta), loop(fn_host), repeat, n)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=21)
    args = ap.parse_args()
    ta = CryptoTa()
    result: dict[str, object] = {"unit_bulk": "MiB/s", "unit_asym": "ops/s", "repeat": args.repeat,
                                 "chunk": CHUNK}
    result.update(bulk(ta, args.repeat))
    result.update(asymmetric(ta, args.repeat))
    ta.tee.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
