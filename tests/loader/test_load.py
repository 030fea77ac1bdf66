"""The public entry points: sources, detection, libraries, and error messages."""
from __future__ import annotations

import pytest

from optee_litebox.errors import LoaderError
from optee_litebox.ta_loader import TaImage, load_library, load_ta
from optee_litebox.ta_loader.sign import sign_ta

from .elfbuilder import DEFAULT_UUID


def test_raw_elf_from_bytes(ta_elf):
    image = load_ta(ta_elf)
    assert isinstance(image, TaImage)
    assert image.signed is None and image.path is None and image.name == "<bytes>"
    assert image.uuid == DEFAULT_UUID and image.elf == ta_elf


def test_signed_file_from_path(tmp_path, ta_elf, root_key):
    path = tmp_path / f"{DEFAULT_UUID}.ta"
    path.write_bytes(sign_ta(ta_elf, root_key.private))
    image = load_ta(path, pubkey_pem=root_key.public)
    assert image.name == path.name and image.path == str(path)
    assert image.signed.verified is True and image.elf == ta_elf
    assert load_ta(str(path), name="hello").name == "hello"


def test_library(lib_elf, root_key):
    signed = sign_ta(lib_elf, root_key.private, uuid="ffd2bded-ab7d-4988-95ee-e4962fff7154")
    lib = load_library(signed, pubkey_pem=root_key.public, name="lib.ta")
    assert lib.plan.ta_head is None and str(lib.uuid) == "ffd2bded-ab7d-4988-95ee-e4962fff7154"
    with pytest.raises(LoaderError, match="^lib.ta: no ta_head symbol: .*load_library"):
        load_ta(signed, name="lib.ta")
    assert load_library(b"" + lib_elf).uuid is None  # raw library ELF: no name to go by


@pytest.mark.parametrize("data,message", [
    (b"", "neither a signed TA nor an ELF"),
    (b"MZ\x90\x00" + bytes(100), "neither a signed TA nor an ELF"),
    (b"\x7fELF", "too short for an ELF header"),
    (b"HSTO", "truncated signed header"),
])
def test_garbage(data, message):
    with pytest.raises(LoaderError, match=f"^junk: {message}"):
        load_ta(data, name="junk")


def test_missing_file_and_bad_source(tmp_path):
    with pytest.raises(LoaderError, match="^nope.ta: cannot read .*nope.ta"):
        load_ta(tmp_path / "nope.ta")
    with pytest.raises(LoaderError, match="cannot load from a int"):
        load_ta(42)  # type: ignore[arg-type]
    with pytest.raises(LoaderError, match="cannot read"):
        load_ta(tmp_path)  # a directory


def test_bad_public_key(ta_elf, root_key):
    with pytest.raises(LoaderError, match="^t: cannot read public key"):
        load_ta(sign_ta(ta_elf, root_key.private), pubkey_pem=b"not a key", name="t")
