"""Loader: bytes in, plain data out (signed header checks, ELF to a frozen load plan).

Public API::

    load_ta(source, *, pubkey_pem=None, enc_key=None, name=None) -> TaImage
    load_library(source, ...) -> TaImage          # TA shared library (no ta_head)
    parse_signed(data, ...) -> (SignedInfo, elf)  # signed header only
    parse_elf(elf, name) -> LoadPlan              # ELF only
    apply_relocations(plan, base, write_u64, resolve) / relocated_image(plan, base, resolve)
    read_ta_props(plan) -> list[TaProperty]
    sign_ta / encrypt_ta / sign_subkey            # in ta_loader.sign

Every malformed input raises LoaderError (SignatureError for hash, signature, decryption
and UUID mismatches) whose message starts with the file name. See docs/loader.md.
"""
from __future__ import annotations

import os
import uuid as _uuid
from dataclasses import dataclass, field

from ..errors import LoaderError, SignatureError
from ._errors import boundary
from .elf import parse_elf
from .plan import LoadPlan, Relocation, Segment, Symbol, TlsInfo
from .props import TaProperty, read_ta_props
from .relocate import RELOC_HANDLERS, apply_relocations, relocated_image
from .signed import SignedInfo, SubkeyInfo, is_signed, parse_signed

#: Refuse files larger than this before reading them (the biggest real TA is ~1 MiB).
MAX_FILE_SIZE = 256 << 20
ELF_MAGIC = b"\x7fELF"

__all__ = [
    "LoadPlan", "Relocation", "Segment", "Symbol", "TlsInfo", "SignedInfo", "SubkeyInfo",
    "TaImage", "TaProperty", "RELOC_HANDLERS", "load_ta", "load_library", "parse_signed",
    "parse_elf", "apply_relocations", "relocated_image", "read_ta_props", "is_signed",
]


@dataclass(frozen=True)
class TaImage:
    """A loaded (checked, not yet mapped) TA or TA library."""

    name: str
    path: str | None  # None when loaded from bytes
    signed: SignedInfo | None  # None for a raw ELF
    plan: LoadPlan
    elf: bytes = field(repr=False)

    @property
    def uuid(self) -> _uuid.UUID | None:
        """ta_head's UUID, else the signed header's (libraries are named by the latter)."""
        if self.plan.ta_head is not None:
            return self.plan.ta_head.uuid
        return self.signed.uuid if self.signed is not None else None


def load_ta(source: str | os.PathLike[str] | bytes, *, pubkey_pem: bytes | None = None,
            enc_key: bytes | None = None, name: str | None = None,
            strict: bool = True) -> TaImage:
    """Load a TA: a signed ``.ta`` file or a raw ELF, from a path or bytes.

    With ``pubkey_pem`` the signature (chain) must verify; without it ``signed.verified``
    is None. ``enc_key`` is the raw AES key for encrypted TAs. ``strict=False`` reports a
    bad signature in ``signed.verified``/``signed.reason`` instead of raising (the hash and
    everything else is still checked).
    """
    return _load(source, pubkey_pem, enc_key, name, strict, library=False)


def load_library(source: str | os.PathLike[str] | bytes, *, pubkey_pem: bytes | None = None,
                 enc_key: bytes | None = None, name: str | None = None,
                 strict: bool = True) -> TaImage:
    """Load a TA shared library (a DT_NEEDED dependency or dlopen target). Same checks as
    load_ta, but ``ta_head`` may be absent (``plan.ta_head is None``)."""
    return _load(source, pubkey_pem, enc_key, name, strict, library=True)


def _read_source(source: str | os.PathLike[str] | bytes,
                 name: str | None) -> tuple[str | None, bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return None, bytes(source), name or "<bytes>"
    if not isinstance(source, (str, os.PathLike)):
        raise LoaderError(f"cannot load from a {type(source).__name__}: pass a path or bytes")
    path = os.fspath(source)
    label = name or os.path.basename(path) or path
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_SIZE:
            raise LoaderError(f"{label}: file of {size} bytes is larger than any TA "
                              f"({MAX_FILE_SIZE} bytes cap)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise LoaderError(f"{label}: cannot read {path}: {exc.strerror or exc}") from exc
    return path, data, label


def _load(source: str | os.PathLike[str] | bytes, pubkey_pem: bytes | None,
          enc_key: bytes | None, name: str | None, strict: bool, library: bool) -> TaImage:
    path, data, label = _read_source(source, name)
    with boundary(label):
        info: SignedInfo | None = None
        if is_signed(data):
            info, elf = parse_signed(data, pubkey_pem=pubkey_pem, enc_key=enc_key, name=label,
                                     strict=strict)
        elif data[:4] == ELF_MAGIC:
            elf = data
        else:
            raise LoaderError(f"neither a signed TA nor an ELF file (starts with {data[:4]!r})")
        plan = parse_elf(elf, label)
        if not library and plan.ta_head is None:
            raise LoaderError("no ta_head symbol: this is a TA library, not a TA "
                              "(use load_library)")
        if (info is not None and info.uuid is not None and plan.ta_head is not None
                and info.uuid != plan.ta_head.uuid):
            raise SignatureError(f"signed header UUID {info.uuid} does not match ta_head "
                                 f"UUID {plan.ta_head.uuid}")
        return TaImage(name=label, path=path, signed=info, plan=plan, elf=elf)
