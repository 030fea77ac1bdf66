"""Registering the crypto syscalls does not load the crypto libraries' heavy modules:
they are imported when a TA first allocates an operation or builds a key."""
from __future__ import annotations

import json
import subprocess
import sys

#: Modules only the crypto syscalls use (ta_loader and storage import pycryptodome's
#: AES, RSA and PKCS#1 signatures themselves, so those are not listed).
HEAVY = ["Crypto.PublicKey.ECC", "Crypto.PublicKey.DSA", "Crypto.Signature.DSS",
         "Crypto.Signature.eddsa", "Crypto.Cipher.PKCS1_OAEP", "Crypto.Cipher.DES3",
         "Crypto.Protocol.KDF", "Crypto.Protocol.DH", "Crypto.Hash.CMAC", "Crypto.Hash.HMAC",
         "Crypto.Math.Primality", "optee_litebox.gp_api.crypto.aead",
         "optee_litebox.gp_api.crypto.rsa_ops", "optee_litebox.gp_api.crypto.ecc_ops"]

PROBE = """
import json, sys
from optee_litebox.gp_api import implemented
import optee_litebox.gp_api.crypto
done = implemented()
print(json.dumps({"loaded": [m for m in %r if m in sys.modules],
                  "syscalls": [n for n in list(range(15, 41)) + [54] if done.get(n)]}))
"""


def test_registration_leaves_the_libraries_unloaded_and_the_table_complete() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,)], capture_output=True,
                         text=True, check=True)
    report = json.loads(out.stdout)
    assert report["loaded"] == []
    assert report["syscalls"] == list(range(15, 41)) + [54]
