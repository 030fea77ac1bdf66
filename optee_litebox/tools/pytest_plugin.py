"""pytest plugin for testing TAs (registered through the ``pytest11`` entry point).

Fixtures:

- ``litebox``: an in-process TEE (``testing.Litebox``) over a deterministic platform
  (seeded RNG, fixed clock, recording log, in-memory trusted storage), with the
  ``--ta-dir`` directories added; sessions it opened are closed after the test.
- ``ta_session``: ``litebox.open_session``: ``ta_session("path/to/x.ta", 41)``.
- ``tee_platform``, ``tee_clock`` (``advance(ns)``), ``tee_log``, ``tee_seed``, ``ta_dirs``.

Options: ``--ta-dir DIR`` (also the ``ta_dirs`` ini setting), ``--tee-seed N``,
``--ta-trace LEVEL`` / ``--ta-trace-format``, ``--ta-coverage FILE``, ``--ta-gdb PORT``.
Failing comparisons of results show the TA log and any crash report. Works with
pytest-xdist: each worker saves its coverage and the controller merges the reports.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..deterministic import FixedClock, RecordingLog
    from ..platform import Platform
    from . import Toolbox
    from .testing import Litebox, Result, TaSession

_TOOLBOX = pytest.StashKey["Toolbox | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("optee-litebox", "testing OP-TEE trusted applications")
    group.addoption("--ta-dir", action="append", default=[], metavar="DIR",
                    help="directory of <uuid>.ta files for the litebox fixture (repeatable)")
    group.addoption("--tee-seed", type=int, default=None, metavar="N",
                    help="seed of the deterministic RNG (default 0)")
    group.addoption("--ta-trace", metavar="LEVEL",
                    help="trace TAs: log, syscalls, calls[:PATTERN], insn:FUNCTION[:N], all")
    group.addoption("--ta-trace-format", choices=("text", "json"), default="text")
    group.addoption("--ta-coverage", metavar="FILE",
                    help="record TA coverage; lcov to FILE and drcov beside it")
    group.addoption("--ta-gdb", type=int, metavar="PORT",
                    help="wait for gdb on PORT at the first TA entry (not with xdist workers)")
    parser.addini("ta_dirs", "directories of <uuid>.ta files", type="paths", default=[])


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _xdist_controller(config: pytest.Config) -> bool:
    return not _is_worker(config) and bool(getattr(config.option, "numprocesses", None)) \
        and config.pluginmanager.hasplugin("xdist")


def _tool_config(config: pytest.Config) -> Any:
    from . import ToolConfig
    coverage = config.getoption("--ta-coverage")
    return ToolConfig(trace=config.getoption("--ta-trace"),
                      trace_format=config.getoption("--ta-trace-format"),
                      gdb_port=config.getoption("--ta-gdb"),
                      coverage=os.path.abspath(coverage) if coverage else None)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TOOLBOX] = None
    tools = _tool_config(config)
    if not tools.enabled:
        return
    try:
        tools.validate()
    except Exception as exc:
        raise pytest.UsageError(str(exc)) from exc
    if _xdist_controller(config):
        if tools.gdb_port is not None:
            raise pytest.UsageError("--ta-gdb needs a single process: add -n0 or -p no:xdist")
        if tools.coverage:
            from .coverage.data import clear_parts
            clear_parts(tools.coverage)


def _toolbox(config: pytest.Config) -> Toolbox | None:
    """The run's tools, made when the first TEE of this process is."""
    box = config.stash.get(_TOOLBOX, None)
    tools = _tool_config(config)
    if box is None and tools.enabled:
        from . import Toolbox
        box = Toolbox(tools, owner=not _is_worker(config))
        config.stash[_TOOLBOX] = box
    return box


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    box = config.stash.get(_TOOLBOX, None)
    tools = _tool_config(config)
    if box is not None:
        written = box.finish(0 if session.testsfailed == 0 else 1)
    elif tools.coverage and _xdist_controller(config):
        from .coverage.recorder import CoverageRecorder
        lcov, drcov = CoverageRecorder(tools.coverage).write_report()
        written = {"lcov": lcov, "drcov": drcov}
    else:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not _is_worker(config):
        for kind in ("lcov", "drcov"):
            if written.get(kind):
                reporter.write_line(f"optee-litebox: TA {kind} coverage written to {written[kind]}")


# -- fixtures ------------------------------------------------------------------------------------

@pytest.fixture()
def tee_seed(request: pytest.FixtureRequest) -> int:
    """The deterministic RNG's seed (--tee-seed, default 0)."""
    seed = request.config.getoption("--tee-seed")
    return 0 if seed is None else int(seed)


@pytest.fixture()
def ta_dirs(request: pytest.FixtureRequest) -> list[Path]:
    """TA directories from --ta-dir and the ta_dirs ini setting."""
    dirs = [Path(d) for d in request.config.getoption("--ta-dir")]
    return dirs + [Path(p) for p in request.config.getini("ta_dirs")]


@pytest.fixture()
def tee_platform(tee_seed: int) -> Platform:
    """A deterministic platform: seeded RNG, fixed clock, recording log, memory storage."""
    from ..deterministic import deterministic_platform
    return deterministic_platform(tee_seed)


@pytest.fixture()
def tee_clock(tee_platform: Platform) -> FixedClock:
    """The platform's clock; time moves only by tee_clock.advance(ns) (and TA waits)."""
    from ..deterministic import FixedClock
    clock = tee_platform.clock
    assert isinstance(clock, FixedClock)
    return clock


@pytest.fixture()
def tee_log(tee_platform: Platform) -> RecordingLog:
    from ..deterministic import RecordingLog
    log = tee_platform.log
    assert isinstance(log, RecordingLog)
    return log


@pytest.fixture()
def litebox(request: pytest.FixtureRequest, tee_platform: Platform,
            ta_dirs: list[Path]) -> Iterator[Litebox]:
    """An in-process TEE for this test; its sessions close when the test ends."""
    from .testing import Litebox
    box = Litebox(tee_platform, ta_dirs=ta_dirs)
    tools = _toolbox(request.config)
    if tools is not None:
        tools.attach(box.tee)
    yield box
    box.close()


@pytest.fixture()
def ta_session(litebox: Litebox) -> Callable[..., TaSession]:
    """Open a session: ta_session(ta, *params, check=True) (see Litebox.open_session)."""
    return litebox.open_session


# -- failure messages ----------------------------------------------------------------------------

def pytest_assertrepr_compare(config: pytest.Config, op: str, left: object,
                              right: object) -> list[str] | None:
    from .testing import Result
    result: Result | None = left if isinstance(left, Result) else \
        right if isinstance(right, Result) else None
    if result is None or op not in ("==", "!="):
        return None
    other = right if result is left else left
    shown = other.name if isinstance(other, Result) else \
        f"0x{other:08X}" if isinstance(other, int) else str(other)
    lines = [f"{result!r} {op} {shown}"]
    return lines + result.explain()[1:]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    box = getattr(item, "funcargs", {}).get("litebox")
    if box is None:
        return
    log = box.log_text()
    if log:
        report.sections.append(("TA log", log))
    for crash in box.crashes:
        report.sections.append(("TA crash report", crash.text))
