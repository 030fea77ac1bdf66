"""Toolbox roles: the process that owns reports, server workers, the gdb port."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from optee_litebox.errors import LiteboxError
from optee_litebox.tools import Toolbox, ToolConfig, server_toolbox, worker_toolbox
from optee_litebox.tools.testing import Litebox, value_inout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_only_one_worker_gets_the_gdb_port(capsys: pytest.CaptureFixture[str]) -> None:
    from optee_litebox.tools import _worker_gdb

    cfg = ToolConfig(gdb_port=free_port())
    worker = worker_toolbox(cfg)
    assert worker is not None and worker.gdb is None  # nothing is bound before a TA appears
    first = _worker_gdb(cfg)
    assert first is not None and first.port == cfg.gdb_port
    assert _worker_gdb(cfg) is None  # the next worker runs undebugged, and says why
    assert "another worker has the port" in capsys.readouterr().err
    first.conn.close()


def test_server_keeps_only_the_coverage_report(tmp_path: Path) -> None:
    cfg = ToolConfig(trace="syscalls", coverage=str(tmp_path / "s.info"))
    main = server_toolbox(cfg)
    assert main is not None and main.tracer is None and main.coverage is not None
    assert server_toolbox(ToolConfig(trace="log")) is None
    worker = worker_toolbox(cfg)
    assert worker is not None and worker.tracer is not None
    box = Litebox()
    worker.attach(box.tee)
    box.open_session("hello_world").invoke(0, value_inout(1))
    box.close()
    worker.finish()
    assert list((tmp_path / "s.info.parts").glob("*.json"))
    written = main.finish()
    assert written["lcov"] == str(tmp_path / "s.info") and "hello_world_ta.c" in (tmp_path / "s.info").read_text()


def test_bad_configs_are_refused_before_anything_runs() -> None:
    with pytest.raises(LiteboxError):
        Toolbox(ToolConfig(trace="nonsense"))
    with pytest.raises(LiteboxError):
        Toolbox(ToolConfig(trace="log", trace_format="xml"))
