"""Copying a pycryptodome AES-GCM object mid-stream (TEE_CopyOperation on AES-GCM).

The library has no copy for its AEAD objects. A GCM object is a counter-mode cipher,
a GHASH accumulator and some bookkeeping (lengths, the partial GHASH block, which
calls may come next): ``gcm_clone`` builds a fresh object for the same key and nonce
and gives it the source's accumulator, bookkeeping and keystream position. That uses
attributes the library does not document, so ``gcm_clone_works`` checks the result
against the library itself (both objects continue and must agree, for AAD and payload,
encryption and decryption) once per process; callers that get False keep a replay log
instead. ``gcm_tag`` is the library's own tag computation, which the truncated tags of
TEE_AEDecryptFinal need (verify() only takes full-length tags).
"""
from __future__ import annotations

from typing import Any

_ZEROS = bytes(64 * 1024)
_works: bool | None = None


def gcm_tag(obj: Any) -> bytes:
    """The full tag of a (decrypting) pycryptodome GCM object."""
    return bytes(obj._compute_mac())  # noqa: SLF001


def gcm_clone(src: Any, key: bytes, nonce: bytes, encrypt: bool) -> Any:
    """A GCM object in the state of src (created with key and nonce, 16-byte tag)."""
    from Crypto.Cipher import AES

    dst = AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=16)
    dst._signer._last_y[0:16] = src._signer.digest()  # noqa: SLF001 - the accumulator
    for name in ("_cache", "_auth_len", "_msg_len", "_status", "_tag"):
        setattr(dst, name, getattr(src, name))
    dst._next = list(src._next)  # noqa: SLF001
    # The fresh counter is at the first payload block: run it over what src has
    # processed (in the same direction: the library's CTR refuses to mix them).
    run = dst._cipher.encrypt if encrypt else dst._cipher.decrypt  # noqa: SLF001
    left = src._msg_len  # noqa: SLF001
    while left:
        n = min(left, len(_ZEROS))
        run(_ZEROS[:n])
        left -= n
    return dst


def _self_test() -> bool:
    from Crypto.Cipher import AES

    key, aad, first, rest = bytes(range(16)), b"seventeen bytes!!", b"x" * 21, b"y" * 30
    for nonce in (bytes(range(12)), bytes(range(7))):
        for encrypt in (True, False):
            def new() -> Any:
                return AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=16)

            def run(o: Any, data: bytes) -> bytes:
                return bytes(o.encrypt(data) if encrypt else o.decrypt(data))

            ref = new()
            ref.update(aad + aad)
            expected = run(ref, first + rest)
            a = new()
            a.update(aad)
            b = gcm_clone(a, key, nonce, encrypt)  # while AAD is still coming
            for o in (a, b):
                o.update(aad)
            head = run(a, first)
            c = gcm_clone(a, key, nonce, encrypt)  # inside a payload block
            tails = [run(o, rest) for o in (a, c)]
            tail_b = run(b, first + rest)
            if head + tails[0] != expected or head + tails[1] != expected or tail_b != expected:
                return False
            if not gcm_tag(a) == gcm_tag(b) == gcm_tag(c) == gcm_tag(ref):
                return False
    return True


def gcm_clone_works() -> bool:
    """Whether gcm_clone gives objects that behave like the library's (checked once)."""
    global _works
    if _works is None:
        try:
            _works = _self_test()
        except Exception:  # noqa: BLE001 - any mismatch with the library's internals
            _works = False
    return _works
