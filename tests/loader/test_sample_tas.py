"""The sample TAs built by our own SDK (optee_litebox/sample_tas), when present."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from optee_litebox.ta_loader import load_library, load_ta, read_ta_props
from optee_litebox.ta_loader.relocate import relocated_image
from optee_litebox.ta_loader.sign import sign_ta

from .test_elf import _pyelftools_relocs

SAMPLES = Path(__file__).resolve().parents[2] / "optee_litebox" / "sample_tas"
INDEX = SAMPLES / "samples.json"
INDEX_ENTRIES = json.loads(INDEX.read_text()) if INDEX.is_file() else {}
ENTRIES = {n: m for n, m in INDEX_ENTRIES.items() if not m.get("library")}
LIBRARIES = {n: m for n, m in INDEX_ENTRIES.items() if m.get("library")}


def _library_resolver(needed: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Symbols of the TA libraries a TA names, each at its own made-up base."""
    plans = [load_library(SAMPLES / f"{uuid}.elf").plan for uuid in needed]

    def resolve(name: str) -> int | None:
        for i, plan in enumerate(plans):
            sym = plan.lookup(name)
            if sym is not None:
                return 0x5000_0000 + 0x100_0000 * i + sym.value
        return None
    return resolve

pytestmark = pytest.mark.skipif(not ENTRIES, reason="no sample TAs built")


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_sample_ta(name, root_key):
    meta = ENTRIES[name]
    full = load_ta(SAMPLES / meta["elf"])
    stripped = load_ta(SAMPLES / meta["stripped_elf"])
    plan = full.plan
    assert str(plan.uuid) == meta["uuid"] == str(stripped.plan.uuid)
    assert (plan.ta_head.stack_size, plan.ta_head.flags) == (meta["stack_size"], meta["flags"])
    assert plan.relocations == stripped.plan.relocations
    assert sorted((r.offset, r.type, r.addend, r.symbol) for r in plan.relocations) == \
        sorted(_pyelftools_relocs(stripped.elf))
    props = {p.name: p.value for p in read_ta_props(plan)}
    assert props["gpd.ta.dataSize"] == meta["data_size"]
    assert props["gpd.ta.description"] == meta["description"]
    assert read_ta_props(stripped.plan) == read_ta_props(plan)
    images = relocated_image(plan, 0x4000_0000, _library_resolver(plan.needed))
    assert set(images) == set(range(len(plan.segments)))
    signed = load_ta(sign_ta(stripped.elf, root_key.private), pubkey_pem=root_key.public)
    assert signed.signed.verified is True and signed.plan.relocations == plan.relocations


@pytest.mark.parametrize("name", sorted(LIBRARIES))
def test_sample_library(name, root_key):
    """A TA library loads (as a library only), relocates and signs under its UUID."""
    meta = LIBRARIES[name]
    full = load_library(SAMPLES / meta["elf"])
    stripped = load_library(SAMPLES / meta["stripped_elf"])
    assert full.plan.ta_head is None and full.plan.needed == tuple(meta["needed"])
    assert full.plan.relocations == stripped.plan.relocations
    images = relocated_image(full.plan, 0x4000_0000, _library_resolver(full.plan.needed))
    assert set(images) == set(range(len(full.plan.segments)))
    signed = load_library(sign_ta(stripped.elf, root_key.private, uuid=meta["uuid"]),
                          pubkey_pem=root_key.public)
    assert signed.signed.verified is True and str(signed.uuid) == meta["uuid"]
    with pytest.raises(Exception, match="TA library"):
        load_ta(SAMPLES / meta["elf"])


@pytest.mark.parametrize("name", sorted(INDEX_ENTRIES))
def test_shipped_signed_sample(name):
    meta = INDEX_ENTRIES[name]
    ta, pub = SAMPLES / f"{meta['uuid']}.ta", SAMPLES / "sample_ta_dev.pub.pem"
    if not (ta.is_file() and pub.is_file()):
        pytest.skip("no signed sample or key")
    load = load_library if meta.get("library") else load_ta
    image = load(ta, pubkey_pem=pub.read_bytes())
    assert image.signed.verified is True and str(image.uuid) == meta["uuid"]
    assert image.elf == (SAMPLES / meta["stripped_elf"]).read_bytes()
