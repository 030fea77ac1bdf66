"""Fixtures for the tests that go through the crypto sample TA."""
from __future__ import annotations

import pytest

from ..conftest import open_sample
from .ta_client import SAMPLE, CryptoTA


@pytest.fixture()
def cta(tee) -> CryptoTA:  # type: ignore[no-untyped-def]
    """A fresh session (and instance) of the crypto sample TA."""
    return CryptoTA(tee, open_sample(tee, SAMPLE))
