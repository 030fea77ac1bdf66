"""The sample TAs built by our own SDK (optee_litebox/sample_tas), when present."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from optee_litebox.ta_loader import load_ta, read_ta_props
from optee_litebox.ta_loader.relocate import relocated_image
from optee_litebox.ta_loader.sign import sign_ta

from .test_elf import _pyelftools_relocs

SAMPLES = Path(__file__).resolve().parents[2] / "optee_litebox" / "sample_tas"
INDEX = SAMPLES / "samples.json"
ENTRIES = json.loads(INDEX.read_text()) if INDEX.is_file() else {}

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
    images = relocated_image(plan, 0x4000_0000, lambda _name: None)
    assert set(images) == set(range(len(plan.segments)))
    signed = load_ta(sign_ta(stripped.elf, root_key.private), pubkey_pem=root_key.public)
    assert signed.signed.verified is True and signed.plan.relocations == plan.relocations


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_shipped_signed_sample(name):
    meta = ENTRIES[name]
    ta, pub = SAMPLES / f"{meta['uuid']}.ta", SAMPLES / "sample_ta_dev.pub.pem"
    if not (ta.is_file() and pub.is_file()):
        pytest.skip("no signed sample or key")
    image = load_ta(ta, pubkey_pem=pub.read_bytes())
    assert image.signed.verified is True and str(image.uuid) == meta["uuid"]
    assert image.elf == (SAMPLES / meta["stripped_elf"]).read_bytes()
