"""Fixtures for loader tests: RSA keys generated per session, TA ELFs from elfbuilder."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from Crypto.PublicKey import RSA

from .elfbuilder import TaSpec, build_ta


@dataclass(frozen=True)
class KeyPair:
    private: bytes
    public: bytes


def _keypair(bits: int) -> KeyPair:
    key = RSA.generate(bits)
    return KeyPair(key.export_key(), key.public_key().export_key())


@pytest.fixture(scope="session")
def root_key() -> KeyPair:
    return _keypair(2048)


@pytest.fixture(scope="session")
def other_key() -> KeyPair:
    return _keypair(2048)


@pytest.fixture(scope="session")
def subkeys() -> tuple[KeyPair, KeyPair]:
    return _keypair(2048), _keypair(2048)


@pytest.fixture(scope="session")
def ta_elf() -> bytes:
    """A main TA in the dev kit's layout (first PT_LOAD at 0x1000, .rela.got in RW)."""
    return build_ta()


@pytest.fixture(scope="session")
def lib_elf() -> bytes:
    """A TA library: ELF header in the first segment, RW offset only congruent."""
    return build_ta(TaSpec(library=True))

