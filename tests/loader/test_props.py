"""Static reading of ta_props[]: through the symbols, and by the first entry when stripped."""
from __future__ import annotations

import uuid

import pytest

from optee_litebox.errors import LoaderError
from optee_litebox.ta_loader.elf import parse_elf
from optee_litebox.ta_loader.props import TaProperty, lenient_b64decode, read_ta_props

from .elfbuilder import DEFAULT_PROPS, TaSpec, build_ta

EXPECTED = [
    TaProperty("gpd.ta.singleInstance", "bool", False),
    TaProperty("gpd.ta.multiSession", "bool", True),
    TaProperty("gpd.ta.dataSize", "u32", 32768),
    TaProperty("gpd.ta.version", "string", "1.0"),
    TaProperty("gpd.ta.description", "string", "loader test TA"),
    TaProperty("test.uuid", "uuid", uuid.UUID("01020304-0506-0708-090a-0b0c0d0e0f10")),
    TaProperty("test.identity", "identity", (4, uuid.UUID(int=7))),
    TaProperty("test.blob", "binary", b"Hello"),
    TaProperty("test.u64", "u64", 1 << 40),
]


def test_all_property_types_through_symbols(ta_elf):
    plan = parse_elf(ta_elf)
    assert plan.ta_props_vaddr is not None
    assert read_ta_props(plan) == EXPECTED


def test_stripped_ta_finds_the_array_by_its_first_entry():
    plan = parse_elf(build_ta(TaSpec(symtab=False)))
    assert plan.ta_props_vaddr is None
    assert read_ta_props(plan) == EXPECTED


def test_heuristic_stops_at_an_unrelocated_lookalike():
    # Seen in upstream's supp_plugin TA: the object after ta_props[] decodes as an entry.
    plan = parse_elf(build_ta(TaSpec(symtab=False, decoy_after_props=True)))
    assert read_ta_props(plan) == EXPECTED
    assert len(read_ta_props(parse_elf(build_ta(TaSpec(decoy_after_props=True))))) == len(EXPECTED)


def test_library_without_props_has_none():
    assert read_ta_props(parse_elf(build_ta(TaSpec(library=True, props=[], symtab=False)))) == []


def test_invalid_property_type():
    props = list(DEFAULT_PROPS) + [("bad.type", 9, b"\0")]
    with pytest.raises(LoaderError, match="^p.elf: property 'bad.type' has invalid type 9"):
        read_ta_props(parse_elf(build_ta(TaSpec(props=props)), "p.elf"))


@pytest.mark.parametrize("text,value", [
    # optee_test's os_test properties, read the way libutils' base64_dec() reads them
    (b"SGVsbG8gd29ybGQh", b"Hello world!"), (b"/w==", b"\xff"), (b"//8=", b"\xff\xff"),
    (b"////", b"\xff\xff\xff"), (b"/////w==", b"\xff\xff\xff\xff"), (b"", b""),
    (b"====", b""), (b"-%@&", b""), (b"SGV sbG8", b"Hello"),
])
def test_lenient_base64(text, value):
    assert lenient_b64decode(text) == value
