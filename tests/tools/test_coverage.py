"""Coverage: lcov line hits follow the branches a TA takes; drcov; parts across processes."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optee_litebox.samples import sample
from optee_litebox.tools import Toolbox, ToolConfig
from optee_litebox.tools.coverage.data import CoverageData, load_parts, save_part
from optee_litebox.tools.coverage.drcov import read_drcov
from optee_litebox.tools.coverage.dwarf import line_ranges
from optee_litebox.tools.coverage.lcov import parse_lcov
from optee_litebox.tools.testing import Litebox, value_inout

HELLO_C = "hello_world/hello_world_ta.c"
# hello_world_ta.c, adjust(): line 39 returns TEE_ERROR_BAD_PARAMETERS for wrong parameter
# types; lines 41-43 log and change the value when the types are right.
BAD_TYPES_LINE, GOOD_LINES = 39, (41, 42, 43)


def covered(tmp_path: Path, name: str, calls: list[tuple[int, tuple]]) -> dict[int, int]:
    report = tmp_path / f"{name}.info"
    tools = Toolbox(ToolConfig(coverage=str(report)))
    box = Litebox()
    tools.attach(box.tee)
    s = box.open_session("hello_world")
    for cmd, params in calls:
        s.invoke(cmd, *params)
    box.close()
    written = tools.finish()
    assert written["lcov"] == str(report)
    files = parse_lcov(report.read_text())
    return next(lines for path, lines in files.items() if path.endswith(HELLO_C))


def test_line_hits_follow_the_branch_the_parameters_choose(tmp_path: Path) -> None:
    good = covered(tmp_path, "good", [(0, (value_inout(41),))])
    bad = covered(tmp_path, "bad", [(0, ())])
    assert good[BAD_TYPES_LINE] == 0 and bad[BAD_TYPES_LINE] == 1
    for line in GOOD_LINES:
        assert good[line] == 1 and bad[line] == 0
    both = covered(tmp_path, "both", [(0, (value_inout(1),)), (1, (value_inout(1),)), (1, ())])
    assert both[BAD_TYPES_LINE] == 1 and both[41] == 2
    assert set(good) == set(bad)  # the same instrumentable lines either way


def test_lcov_has_functions_and_resolves_sources(tmp_path: Path) -> None:
    covered(tmp_path, "fn", [(0, (value_inout(1),))])
    text = (tmp_path / "fn.info").read_text()
    assert "FN:31,adjust" in text and "FNDA:1,adjust" in text
    sf = next(line for line in text.splitlines() if line.endswith(HELLO_C))
    assert Path(sf[3:]).is_file()  # found in the source checkout, not just a DWARF name


def test_dwarf5_line_table_of_a_sample() -> None:
    ranges = line_ranges(str(sample("hello_world").elf_path))
    files = {r.file for r in ranges}
    assert HELLO_C in files and "sdk/src/entry.c" in files
    assert all(r.start < r.end for r in ranges)


def test_drcov_lists_the_blocks_that_ran(tmp_path: Path) -> None:
    covered(tmp_path, "dr", [(0, (value_inout(1),))])
    raw = (tmp_path / "dr.drcov").read_bytes()
    assert raw.startswith(b"DRCOV VERSION: 2\n")
    blocks = read_drcov(raw)
    (path, bbs), = blocks.items()
    assert path.endswith(".ta")
    adjust = 0  # adjust() is linked at offset 0 of the hello_world TA
    assert any(start == adjust for start, _ in bbs)
    assert all(size > 0 and size % 4 == 0 for _, size in bbs)


def test_parts_from_processes_are_merged(tmp_path: Path) -> None:
    report = tmp_path / "merged.info"
    code = ("import sys; from optee_litebox.tools import ToolConfig, worker_toolbox; "
            "from optee_litebox.tools.testing import Litebox, value_inout; "
            "t = worker_toolbox(ToolConfig(coverage=sys.argv[1])); b = Litebox(); t.attach(b.tee); "
            "s = b.open_session('hello_world'); s.invoke(0, *([value_inout(1)] if sys.argv[2] == 'good' else [])); "
            "b.close(); t.finish()")
    for kind in ("good", "bad", "good"):
        subprocess.run([sys.executable, "-c", code, str(report), kind], check=True, timeout=60)
    assert len(list((tmp_path / "merged.info.parts").glob("*.json"))) == 3
    merged = load_parts(report)
    mod, = merged.modules.values()
    assert mod.uuid == str(sample("hello_world").uuid)
    owner = Toolbox(ToolConfig(coverage=str(report)), owner=False)  # merge without clearing
    owner.owner = True
    owner.finish()
    lines = next(v for k, v in parse_lcov(report.read_text()).items() if k.endswith(HELLO_C))
    assert lines[BAD_TYPES_LINE] == 1 and lines[41] == 2
    assert not (tmp_path / "merged.info.parts").exists()


def test_data_round_trips_through_json(tmp_path: Path) -> None:
    data = CoverageData()
    mod = data.module("k", name="m", uuid="u", build_id="b", size=0x1000)
    mod.add(0x10, 8, 3)
    mod.add(0x10, 8, 2)
    save_part(tmp_path / "r.info", data)
    back = load_parts(tmp_path / "r.info")
    assert back.modules["k"].blocks == {0x10: [8, 5]}
    assert back.modules["k"].instruction_counts() == {0x10: 5, 0x14: 5}


def test_run_coverage_on_the_command_line(tmp_path: Path) -> None:
    report = tmp_path / "cli.info"
    res = subprocess.run([sys.executable, "-m", "optee_litebox.cli", "run", "hello_world", "-q",
                          "--param", "value-inout:1,0", "--coverage", str(report)], check=False, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert f"lcov coverage written to {report}" in res.stderr
    lines = next(v for k, v in parse_lcov(report.read_text()).items() if k.endswith(HELLO_C))
    assert lines[41] == 1 and lines[BAD_TYPES_LINE] == 0


@pytest.mark.skipif(shutil.which("genhtml") is None, reason="genhtml (apt package lcov) missing")
def test_genhtml_turns_the_tracefile_into_html(tmp_path: Path) -> None:
    covered(tmp_path, "html", [(0, (value_inout(1),))])
    res = subprocess.run(["genhtml", "-q", str(tmp_path / "html.info"), "-o", str(tmp_path / "out")],
                         check=False, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    page = next((tmp_path / "out").rglob("hello_world_ta.c.gcov.html")).read_text()
    assert "adjust" in page and "lineCov" in page and "lineNoCov" in page
