"""GlobalPlatform cryptography with OP-TEE's kernel semantics: syscalls 15-40 and 54.

One module per family, each registering its handlers: ``state`` (15-17), ``digest``
(18-20, digests and MACs), ``cipher`` (21-23), ``object_calls`` (24-31), ``derive`` (32),
``authenc`` (34-38), ``asymm`` (39-40), ``keygen`` (54). The object model they share
with trusted storage is ``optee_litebox.gp_api.objects``.

Registering the handlers loads no crypto library: pycryptodome's and `cryptography`'s
modules are imported where a TA first needs them (an operation context, a key), and
the library-heavy code lives in modules imported on first use: ``aead`` (GCM/CCM
contexts), ``rsa_ops`` and ``ecc_ops`` (asymmetric operations).
"""
from . import (asymm, authenc, cipher, derive, digest, keygen, mac,  # noqa: F401 (registration)
               object_calls, state)
