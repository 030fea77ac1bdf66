"""Crypto syscall throughput next to pycryptodome called directly, as JSON medians.

Bulk: SHA-256, AES-128-CBC and AES-128-GCM over 1 MiB in 64 KiB updates, driven
through the syscall handlers (state alloc, init, update x16, final) over an address
space holding the data, i.e. the North layer a TA reaches with `svc`, without the
guest code around the calls. Asymmetric: RSA-2048 PKCS#1 v1.5 SHA-256 and ECDSA P-256
sign/verify rates through syscalls 39/40 next to the host library.

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
from optee_litebox.core.memory import PROT_READ, PROT_WRITE, AddressSpace
from optee_litebox.deterministic import deterministic_platform
from optee_litebox.gp_api import SessionState, SyscallContext, TaIdentity
from optee_litebox.gp_api import crypto as cr
from optee_litebox.gp_api.context import TeeServices

MIB, CHUNK = 1 << 20, 64 << 10
BASE, SCRATCH = 0x40000000, 0x40200000


class Bench:
    def __init__(self) -> None:
        import uuid
        platform = deterministic_platform(seed=1)
        mem = AddressSpace()
        mem.map(BASE, 2 * MIB, PROT_READ | PROT_WRITE, "data")
        mem.map(SCRATCH, 0x10000, PROT_READ | PROT_WRITE, "scratch")
        self.ctx = SyscallContext(mem, platform, TaIdentity(uuid.uuid4(), 0, "bench"),
                                  TeeServices(), session=SessionState(1))
        mem.write(BASE, bytes(range(256)) * (MIB // 256))
        self.top = SCRATCH

    def put(self, data: bytes) -> int:
        addr = self.top
        if data:
            self.ctx.mem.write(addr, data)
        self.top += (len(data) + 15) & ~15 or 16
        return addr

    def key(self, otype: int, bits: int, attrs: list[tuple[int, bytes | int]]) -> int:
        out = self.put(bytes(4))
        assert cr.object_calls.syscall_cryp_obj_alloc(self.ctx, otype, bits, out) == 0
        h = self.ctx.mem.read_u32(out)
        raw = b""
        for aid, val in attrs:
            if isinstance(val, int):
                raw += struct.pack("<QQI4x", val, 0, aid)
            else:
                raw += struct.pack("<QQI4x", self.put(val), len(val), aid)
        assert cr.object_calls.syscall_cryp_obj_populate(self.ctx, h, self.put(raw), len(attrs)) == 0
        return h

    def state(self, algo: int, mode: int, key: int = 0) -> int:
        out = self.put(bytes(4))
        assert cr.state.syscall_cryp_state_alloc(self.ctx, algo, mode, key, 0, out) == 0
        return self.ctx.mem.read_u32(out)


def median_rate(fn: Callable[[], None], repeat: int, units: float) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return units / statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    b = Bench()
    ctx = b.ctx
    data = ctx.mem.read(BASE, MIB)
    key = bytes(16)
    aes = b.key(c.TEE_TYPE_AES, 128, [(c.TEE_ATTR_SECRET_VALUE, key)])
    out, lenp, tagp, taglenp = b.put(bytes(16)), b.put(bytes(8)), b.put(bytes(16)), b.put(bytes(8))
    sha = b.state(c.TEE_ALG_SHA256, c.TEE_MODE_DIGEST)
    cbc = b.state(c.TEE_ALG_AES_CBC_NOPAD, c.TEE_MODE_ENCRYPT, aes)
    aes2 = b.key(c.TEE_TYPE_AES, 128, [(c.TEE_ATTR_SECRET_VALUE, key)])
    gcm = b.state(c.TEE_ALG_AES_GCM, c.TEE_MODE_ENCRYPT, aes2)
    iv, nonce = b.put(bytes(16)), b.put(bytes(12))

    def ta_sha() -> None:
        cr.digest.syscall_hash_init(ctx, sha, 0, 0)
        for off in range(0, MIB, CHUNK):
            cr.digest.syscall_hash_update(ctx, sha, BASE + off, CHUNK)
        ctx.mem.write_u64(lenp, 32)
        assert cr.digest.syscall_hash_final(ctx, sha, 0, 0, out, lenp) == 0

    def ta_cbc() -> None:
        cr.cipher.syscall_cipher_init(ctx, cbc, iv, 16)
        for off in range(0, MIB, CHUNK):
            ctx.mem.write_u64(lenp, CHUNK)
            assert cr.cipher.syscall_cipher_update(ctx, cbc, BASE + off, CHUNK, BASE + MIB + off, lenp) == 0

    def ta_gcm() -> None:
        cr.authenc.syscall_authenc_init(ctx, gcm, nonce, 12, 16, 0, MIB)
        for off in range(0, MIB - CHUNK, CHUNK):
            ctx.mem.write_u64(lenp, CHUNK)
            assert cr.authenc.syscall_authenc_update_payload(ctx, gcm, BASE + off, CHUNK, BASE + MIB + off, lenp) == 0
        ctx.mem.write_u64(lenp, CHUNK)
        ctx.mem.write_u64(taglenp, 16)
        assert cr.authenc.syscall_authenc_enc_final(ctx, gcm, BASE + MIB - CHUNK, CHUNK, BASE + 2 * MIB - CHUNK, lenp, tagp, taglenp) == 0

    def host_sha() -> None:
        h = SHA256.new()
        for off in range(0, MIB, CHUNK):
            h.update(data[off:off + CHUNK])
        h.digest()

    def host_cbc() -> None:
        e = AES.new(key, AES.MODE_CBC, iv=bytes(16))
        for off in range(0, MIB, CHUNK):
            e.encrypt(data[off:off + CHUNK])

    def host_gcm() -> None:
        e = AES.new(key, AES.MODE_GCM, nonce=bytes(12))
        for off in range(0, MIB, CHUNK):
            e.encrypt(data[off:off + CHUNK])
        e.digest()

    result: dict[str, object] = {"unit_bulk": "MiB/s", "unit_asym": "ops/s", "repeat": args.repeat}
    for name, ta, host in (("sha256", ta_sha, host_sha), ("aes128_cbc", ta_cbc, host_cbc),
                           ("aes128_gcm", ta_gcm, host_gcm)):
        t = median_rate(ta, args.repeat, 1.0)
        h = median_rate(host, args.repeat, 1.0)
        result[name] = {"syscalls": round(t, 1), "pycryptodome": round(h, 1), "ratio": round(t / h, 3)}

    rk = RSA.generate(2048)
    enc = lambda x: x.to_bytes((x.bit_length() + 7) // 8, "big")  # noqa: E731
    digest = SHA256.new(b"bench")
    src = b.put(digest.digest())
    sig_out, sig_len = b.put(bytes(256)), b.put(bytes(8))
    rsa_attrs = [(c.TEE_ATTR_RSA_MODULUS, enc(rk.n)), (c.TEE_ATTR_RSA_PUBLIC_EXPONENT, enc(rk.e)),
                 (c.TEE_ATTR_RSA_PRIVATE_EXPONENT, enc(rk.d)), (c.TEE_ATTR_RSA_PRIME1, enc(rk.p)),
                 (c.TEE_ATTR_RSA_PRIME2, enc(rk.q)), (c.TEE_ATTR_RSA_EXPONENT1, enc(rk.d % (rk.p - 1))),
                 (c.TEE_ATTR_RSA_EXPONENT2, enc(rk.d % (rk.q - 1))),
                 (c.TEE_ATTR_RSA_COEFFICIENT, enc(pow(rk.q, -1, rk.p)))]
    rsa_sign = b.state(c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, c.TEE_MODE_SIGN,
                       b.key(c.TEE_TYPE_RSA_KEYPAIR, 2048, rsa_attrs))
    rsa_verify = b.state(c.TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, c.TEE_MODE_VERIFY,
                         b.key(c.TEE_TYPE_RSA_PUBLIC_KEY, 2048, rsa_attrs[:2]))
    rsa_sig = b.put(pkcs1_15.new(rk).sign(digest))
    ek = ECC.generate(curve="P-256")
    ecc_attrs = [(c.TEE_ATTR_ECC_PRIVATE_VALUE, int(ek.d).to_bytes(32, "big")),
                 (c.TEE_ATTR_ECC_PUBLIC_VALUE_X, int(ek.pointQ.x).to_bytes(32, "big")),
                 (c.TEE_ATTR_ECC_PUBLIC_VALUE_Y, int(ek.pointQ.y).to_bytes(32, "big")),
                 (c.TEE_ATTR_ECC_CURVE, c.TEE_ECC_CURVE_NIST_P256)]
    ec_sign = b.state(c.TEE_ALG_ECDSA_SHA256, c.TEE_MODE_SIGN, b.key(c.TEE_TYPE_ECDSA_KEYPAIR, 256, ecc_attrs))
    ec_verify = b.state(c.TEE_ALG_ECDSA_SHA256, c.TEE_MODE_VERIFY,
                        b.key(c.TEE_TYPE_ECDSA_PUBLIC_KEY, 256, ecc_attrs[1:]))
    ec_sig = b.put(DSS.new(ek, "fips-186-3").sign(digest))
    n = 20

    def loop(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(n):
                fn()
        return run

    def sign_via(state: int, size: int) -> Callable[[], None]:
        def one() -> None:
            ctx.mem.write_u64(sig_len, size)
            assert cr.asymm.syscall_asymm_operate(ctx, state, 0, 0, src, 32, sig_out, sig_len) == 0
        return one

    def verify_via(state: int, sig: int, size: int) -> Callable[[], None]:
        return lambda: None if cr.asymm.syscall_asymm_verify(ctx, state, 0, 0, src, 32, sig, size) == 0 else 1 / 0

    pub = rk.public_key()
    cases = {
        "rsa2048_sign": (sign_via(rsa_sign, 256), lambda: pkcs1_15.new(rk).sign(digest)),
        "rsa2048_verify": (verify_via(rsa_verify, rsa_sig, 256),
                           lambda: pkcs1_15.new(pub).verify(digest, ctx.mem.read(rsa_sig, 256))),
        "ecdsa_p256_sign": (sign_via(ec_sign, 64), lambda: DSS.new(ek, "fips-186-3").sign(digest)),
        "ecdsa_p256_verify": (verify_via(ec_verify, ec_sig, 64),
                              lambda: DSS.new(ek.public_key(), "fips-186-3").verify(digest, ctx.mem.read(ec_sig, 64))),
    }
    for name, (ta, host) in cases.items():
        t = median_rate(loop(ta), args.repeat, n)
        h = median_rate(loop(host), args.repeat, n)  # type: ignore[arg-type]
        result[name] = {"syscalls": round(t, 1), "pycryptodome": round(h, 1), "ratio": round(t / h, 3)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
