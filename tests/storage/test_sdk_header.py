"""The SDK's storage header carries the numbers the kernel side uses."""
from __future__ import annotations

import re

from optee_litebox.abi import crypto as c
from optee_litebox.gp_api import pobj, storage

from ..conftest import REPO

HEADER = REPO / "sample_tas" / "sdk" / "include" / "sdk" / "api_storage.h"


def test_storage_header_numbers_match_the_kernel_side() -> None:
    text = HEADER.read_text()
    found = {m.group(1): int(m.group(2), 0) for m in
             re.finditer(r"^#define\s+(TEE_\w+)\s+(0x[0-9A-Fa-f]+|\d+)u?\s*$", text, re.M)}
    expected = {name: getattr(c, name) for name in found if name.startswith("TEE_DATA_FLAG_")}
    expected.update(TEE_STORAGE_PRIVATE=pobj.TEE_STORAGE_PRIVATE,
                    TEE_STORAGE_PRIVATE_REE=pobj.TEE_STORAGE_PRIVATE_REE,
                    TEE_STORAGE_PRIVATE_RPMB=pobj.TEE_STORAGE_PRIVATE_RPMB,
                    TEE_DATA_MAX_POSITION=storage.TEE_DATA_MAX_POSITION,
                    TEE_OBJECT_ID_MAX_LEN=storage.TEE_OBJECT_ID_MAX_LEN)
    assert found == expected and len(found) == 11
    whence = dict(re.findall(r"(TEE_DATA_SEEK_\w+) = (\d)", text))
    assert whence == {"TEE_DATA_SEEK_SET": str(storage.TEE_DATA_SEEK_SET),
                      "TEE_DATA_SEEK_CUR": str(storage.TEE_DATA_SEEK_CUR),
                      "TEE_DATA_SEEK_END": str(storage.TEE_DATA_SEEK_END)}
