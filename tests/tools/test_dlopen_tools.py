"""Coverage and tracing follow libraries a TA dlopens at run time (tlib_user -> tlib_dl).

tlib_user links against tlib (DT_NEEDED, mapped with the TA) and, on command 2
(DL_CALL), dlopens tlib_dl through the system PTA and calls tlib_dl_scale(x) = 3x +
tlib_version() and tlib_dl_count() through dlsym'ed pointers. Command 1 (COUNT) never
touches tlib_dl.
"""
from __future__ import annotations

import io
from pathlib import Path

from optee_litebox.abi.pta import RTLD_GLOBAL, RTLD_NODELETE, RTLD_NOW
from optee_litebox.samples import sample
from optee_litebox.ta_loader import load_library
from optee_litebox.tools import Toolbox, ToolConfig
from optee_litebox.tools.coverage.drcov import read_drcov
from optee_litebox.tools.coverage.lcov import lcov_text, parse_lcov
from optee_litebox.tools.testing import Litebox, value_inout, value_out

TLIB_DL = sample("tlib_dl")
TLIB_DL_C = "tlib_dl/tlib_dl.c"
# tlib_dl.c: line 7 is tlib_dl_scale's `return x * 3 + tlib_version();`, line 12
# tlib_dl_count's `return tlib_count();`.
SCALE_LINE, COUNT_LINE = 7, 12
COUNT, DL_CALL = 1, 2


def dl_lines(text: str) -> dict[int, int]:
    """tlib_dl.c's line hits in an lcov text ({} when the library is not in it)."""
    files = parse_lcov(text)
    return next((lines for path, lines in files.items() if path.endswith(TLIB_DL_C)), {})


def test_coverage_counts_a_dlopened_library_from_its_first_call(tmp_path: Path) -> None:
    report = tmp_path / "dl.info"
    tools = Toolbox(ToolConfig(coverage=str(report)))
    assert tools.coverage is not None
    box = Litebox()
    tools.attach(box.tee)
    s = box.open_session("tlib_user")
    assert s.invoke(COUNT, value_out()) == "TEE_SUCCESS"
    before = lcov_text(tools.coverage.collect())
    assert not any(dl_lines(before).values())           # nothing of tlib_dl ran (or is known)
    assert "tlib/tlib.c" in before                        # the DT_NEEDED library is counted
    res = s.invoke(DL_CALL, value_inout(5))
    assert res == "TEE_SUCCESS" and res.values[0] == (5 * 3 + 0x102, 2)
    after = dl_lines(lcov_text(tools.coverage.collect()))
    assert after[SCALE_LINE] == 1 and after[COUNT_LINE] == 1
    assert s.invoke(DL_CALL, value_inout(1)) == "TEE_SUCCESS"   # already loaded: no new dlopen
    s.close()
    # A second instance loads the library at its own time; its counts add up by build ID.
    s2 = box.open_session("tlib_user")
    assert s2.invoke(DL_CALL, value_inout(2)) == "TEE_SUCCESS"
    box.close()
    written = tools.finish()
    text = report.read_text()
    lines = dl_lines(text)
    assert lines[SCALE_LINE] == 3 and lines[COUNT_LINE] == 3
    assert "FNDA:3,tlib_dl_scale" in text and "FNDA:3,tlib_dl_count" in text
    sf = next(line for line in text.splitlines() if line.endswith(TLIB_DL_C))
    assert Path(sf[3:]).is_file()                         # DWARF source found in the checkout
    drcov = read_drcov(Path(written["drcov"]).read_bytes())
    blocks = next(b for path, b in drcov.items() if f"{TLIB_DL.uuid}" in path)
    assert blocks and all(off < 0x1000 for off, _ in blocks)  # offsets from its own base


def test_a_dlopen_outside_an_entry_is_followed_at_once(tmp_path: Path) -> None:
    tools = Toolbox(ToolConfig(coverage=str(tmp_path / "x.info")))
    assert tools.coverage is not None
    box = Litebox()
    tools.attach(box.tee)
    s = box.open_session("tlib_user")
    assert s.session is not None
    instance = s.session.instance
    flags = RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE
    assert instance.dlopen(TLIB_DL.uuid, flags) == 0
    assert any(m.name.startswith(str(TLIB_DL.uuid)) for m in instance.modules)
    keys = {st.info["uuid"] for st in tools.coverage._stores.values()}
    assert str(TLIB_DL.uuid) in keys                           # counters in place before any call
    assert s.invoke(DL_CALL, value_inout(5)) == "TEE_SUCCESS"
    assert dl_lines(lcov_text(tools.coverage.collect()))[SCALE_LINE] == 1
    box.close()
    tools.finish()


def traced(spec: str) -> tuple[Litebox, io.StringIO, list[dict]]:
    box = Litebox()
    out = io.StringIO()
    tools = Toolbox(ToolConfig(trace=spec))
    assert tools.tracer is not None
    tools.tracer._out = out
    events: list[dict] = []
    tools.tracer.sink = events.append
    tools.attach(box.tee)
    return box, out, events


def test_calls_into_a_dlopened_library_are_traced_by_name() -> None:
    box, out, events = traced("calls:tlib_*")
    s = box.open_session("tlib_user")
    s.invoke(COUNT, value_out())
    assert not any(e.get("fn", "").startswith("tlib_dl") for e in events)
    s.invoke(DL_CALL, value_inout(5))
    box.close()
    calls = [(e["ev"], e["fn"]) for e in events if e["ev"] in ("call", "return")]
    for fn in ("tlib_dl_scale", "tlib_dl_count"):
        assert calls.count(("call", fn)) == calls.count(("return", fn)) == 1, fn
    scale = next(e for e in events if e["ev"] == "call" and e["fn"] == "tlib_dl_scale")
    assert scale["args"][0] == 5
    ret = next(e for e in events if e["ev"] == "return" and e["fn"] == "tlib_dl_scale")
    assert ret["x0"] == 5 * 3 + 0x102
    # tlib_version is called from inside tlib_dl_scale: one level deeper.
    inner = next(e for e in events if e["ev"] == "call" and e["fn"] == "tlib_version"
                 and e["depth"] > scale["depth"])
    assert inner["depth"] == scale["depth"] + 1
    assert "-> tlib_dl_scale(0x5, " in out.getvalue()


def test_an_instruction_window_in_a_dlopened_library() -> None:
    box, _, events = traced("insn:tlib_dl_scale:3")
    s = box.open_session("tlib_user")
    s.invoke(DL_CALL, value_inout(5))
    box.close()
    insns = [e for e in events if e["ev"] == "insn"]
    assert [e["sym"] for e in insns] == ["tlib_dl_scale", "tlib_dl_scale+0x4", "tlib_dl_scale+0x8"]
    base = next(m.base for m in s.session.instance.modules if m.name.startswith(str(TLIB_DL.uuid)))
    plan = load_library(TLIB_DL.elf_path).plan
    assert insns[0]["pc"] - base == next(sym.value for sym in plan.symbols if sym.name == "tlib_dl_scale")



def test_the_runtime_announces_each_module_a_dlopen_maps_once() -> None:
    box = Litebox()
    seen: list[tuple[int, str, int]] = []
    box.tee.on_module = lambda instance, module: seen.append(
        (instance.instance_id, str(module.uuid), module.base))
    s = box.open_session("tlib_user")
    s.invoke(COUNT, value_out())
    assert seen == []                                     # DT_NEEDED tlib is no news
    s.invoke(DL_CALL, value_inout(1))
    s.invoke(DL_CALL, value_inout(1))                     # loaded already: no second notice
    assert s.session is not None
    instance = s.session.instance
    lib = next(m for m in instance.modules if m.uuid == TLIB_DL.uuid)
    assert seen == [(instance.instance_id, str(TLIB_DL.uuid), lib.base)]
    assert lib.image is not None and lib.image.uuid == TLIB_DL.uuid
    box.close()
