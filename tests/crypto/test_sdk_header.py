"""The SDK's crypto and object headers carry the same numbers as optee_litebox.abi.crypto."""
from __future__ import annotations

import re

from optee_litebox.abi import crypto as c

from ..conftest import REPO

SDK = REPO / "sample_tas" / "sdk" / "include" / "sdk"
DEFINE = re.compile(r"^#define\s+((?:__OPTEE_|TEE_)\w+)\s+0x([0-9A-Fa-f]+)u\s*$", re.M)


def header_constants() -> dict[str, int]:
    found: dict[str, int] = {}
    for name in ("api_object.h", "api_crypto.h"):
        for m in DEFINE.finditer((SDK / name).read_text()):
            assert m.group(1) not in found, f"{m.group(1)} defined twice"
            found[m.group(1)] = int(m.group(2), 16)
    return found


def test_every_header_constant_matches_the_abi_module() -> None:
    found = header_constants()
    assert len(found) > 250
    wrong = {n: hex(v) for n, v in found.items() if getattr(c, n, None) != v}
    assert not wrong


def test_every_algorithm_type_and_attribute_of_the_abi_is_in_the_sdk() -> None:
    found = header_constants()
    wanted = [n for n in vars(c) if re.match(r"^(TEE_ALG_|TEE_TYPE_|TEE_ATTR_|__OPTEE_)", n)]
    missing = [n for n in wanted if n not in found and not n.startswith("TEE_ATTR_BIT_")]
    assert not missing
