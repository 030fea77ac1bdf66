"""The sample TAs that ship with the package (built from sample_tas/ by our own SDK)."""
from __future__ import annotations

import json
import uuid as _uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_tas"
#: Public half of the development key the samples are signed with (sample_tas/keys/).
SAMPLE_PUBKEY = SAMPLE_DIR / "sample_ta_dev.pub.pem"


@dataclass(frozen=True)
class Sample:
    name: str
    uuid: _uuid.UUID
    flags: int
    description: str
    #: A TA shared library (no ta_head): loaded by the TAs that need it, never run.
    library: bool = False

    @property
    def ta_path(self) -> Path:
        """The signed TA (what a user deploys)."""
        return SAMPLE_DIR / f"{self.uuid}.ta"

    @property
    def elf_path(self) -> Path:
        """The unstripped ELF with debug info (for debuggers and coverage)."""
        return SAMPLE_DIR / f"{self.uuid}.elf"


@lru_cache(maxsize=1)
def samples() -> dict[str, Sample]:
    index = SAMPLE_DIR / "samples.json"
    try:
        raw = json.loads(index.read_text())
    except FileNotFoundError:
        return {}
    out = {}
    for name, info in raw.items():
        out[name] = Sample(name, _uuid.UUID(info["uuid"]), int(info.get("flags", 0)),
                           info.get("description", ""), bool(info.get("library", False)))
    return out


def sample(name: str) -> Sample:
    try:
        return samples()[name.replace("-", "_")]
    except KeyError:
        known = ", ".join(sorted(samples())) or "none installed"
        raise KeyError(f"no sample TA named {name!r} (known: {known})") from None


def sample_pubkey() -> bytes | None:
    return SAMPLE_PUBKEY.read_bytes() if SAMPLE_PUBKEY.is_file() else None
