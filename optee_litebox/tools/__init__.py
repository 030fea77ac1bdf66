"""Developer tools for TAs: tracing, a gdb stub, code coverage (and a pytest plugin).

``ToolConfig`` says which tools to run; it is plain, picklable data, so a server can hand
it to its worker processes. ``Toolbox`` is the live tools of one process: ``attach(tee)``
hooks every TA instance the TEE creates, ``finish()`` writes what the tools produced
(coverage of this process is saved as a part and, in the process that owns the report,
merged with the parts of other processes into lcov and drcov files).

With no tool configured nothing is attached and the engine's hot path is untouched.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from .modules import ModuleInfo, instance_modules

if TYPE_CHECKING:
    from ..runtime.instance import TaInstance
    from ..runtime.tee import Tee
    from .coverage.recorder import CoverageRecorder
    from .gdbstub.stub import GdbStub
    from .trace.tracer import Tracer


@dataclass(frozen=True)
class ToolConfig:
    """Which developer tools to run (all off by default)."""

    trace: str | None = None  # a trace spec, e.g. "syscalls,calls:TA_*"
    trace_format: str = "text"  # or "json"
    trace_out: str | None = None  # file to append trace lines to (default stderr)
    gdb_port: int | None = None  # 0 picks a free port
    gdb_host: str = "127.0.0.1"
    coverage: str | None = None  # report file: lcov (and .drcov beside it), or a .drcov file
    source_dirs: tuple[str, ...] = ()  # where relative DWARF source paths are looked up
    debug_dirs: tuple[str, ...] = ()  # more places to look for <uuid>.elf with symbols

    @property
    def enabled(self) -> bool:
        return bool(self.trace or self.gdb_port is not None or self.coverage)

    def validate(self) -> None:
        """Raise LiteboxError for a bad spec before anything runs."""
        from .trace.tracer import TraceSpec
        if self.trace:
            TraceSpec.parse(self.trace)
        if self.trace_format not in ("text", "json"):
            from ..errors import LiteboxError
            raise LiteboxError(f"unknown trace format {self.trace_format!r} (text or json)")


@dataclass
class Toolbox:
    """The tools of one process, built from a ToolConfig."""

    config: ToolConfig
    #: True in the process that writes the coverage report (False in server workers).
    owner: bool = True
    tracer: Tracer | None = None
    coverage: CoverageRecorder | None = None
    gdb: GdbStub | None = None
    _trace_file: IO[str] | None = field(default=None, repr=False)
    _finished: bool = False
    _gdb_tried: bool = False

    def __post_init__(self) -> None:
        cfg = self.config
        cfg.validate()
        if cfg.trace:
            from .trace.tracer import Tracer, TraceSpec
            if cfg.trace_out:
                self._trace_file = open(cfg.trace_out, "a", buffering=1)  # noqa: SIM115
            self.tracer = Tracer(TraceSpec.parse(cfg.trace), cfg.trace_format, self._trace_file)
        if cfg.coverage:
            from .coverage.recorder import CoverageRecorder
            self.coverage = CoverageRecorder(cfg.coverage, list(cfg.source_dirs))
            if self.owner:
                self.coverage.start_report()
        if cfg.gdb_port is not None and self.owner:
            from .gdbstub.stub import GdbStub
            self.gdb = GdbStub(cfg.gdb_port, cfg.gdb_host)

    def attach(self, tee: Tee) -> None:
        """Instrument every instance tee creates from now on."""
        if not self.config.enabled:
            return
        previous = tee.on_instance

        def on_instance(instance: TaInstance) -> None:
            if previous is not None:
                previous(instance)
            self.attach_instance(instance, instance_modules(
                instance, tee.sources.find_library, self.config.debug_dirs))
        tee.on_instance = on_instance

    def attach_instance(self, instance: TaInstance, modules: list[ModuleInfo]) -> None:
        # Coverage first: its block hook should see code the debugger stops in, too.
        if self.coverage is not None:
            self.coverage.attach(instance, modules)
        if self.tracer is not None:
            self.tracer.attach(instance, modules)
        if self.gdb is None and self.config.gdb_port is not None and not self.owner \
                and not self._gdb_tried:
            self._gdb_tried = True
            self.gdb = _worker_gdb(self.config)
        if self.gdb is not None:
            self.gdb.attach(instance, modules)

    def finish(self, status: int = 0) -> dict[str, Any]:
        """Write reports, end the gdb session; returns what was written."""
        out: dict[str, Any] = {}
        if self._finished:
            return out
        self._finished = True
        if self.gdb is not None:
            self.gdb.finish(status)
        if self.coverage is not None:
            if self.owner:
                lcov, drcov = self.coverage.write_report()
                out.update(lcov=lcov, drcov=drcov)
            else:
                self.coverage.save_part()
        if self._trace_file is not None:
            self._trace_file.close()
        return out


def _worker_gdb(config: ToolConfig) -> GdbStub | None:
    """A worker's gdb stub, bound when its first TA instance appears: the first worker
    to bind the port gets gdb, the others run undebugged (and say so)."""
    from .gdbstub.stub import GdbStub
    try:
        return GdbStub(config.gdb_port or 0, config.gdb_host)
    except OSError as exc:
        print(f"optee-litebox: worker {os.getpid()}: no gdb stub ({exc.strerror}); "
              "another worker has the port", file=sys.stderr)
        return None


def worker_toolbox(config: ToolConfig | None) -> Toolbox | None:
    """Tools for a worker process of a server: tracing, gdb (first worker), coverage
    saved as a part at finish() for the serving process to merge."""
    if config is None or not config.enabled:
        return None
    return Toolbox(config, owner=False)


def server_toolbox(config: ToolConfig | None) -> Toolbox | None:
    """The serving process's share: it owns the coverage report; finish() merges the
    parts its workers saved (call it after the workers have exited)."""
    if config is None or not config.coverage:
        return None
    return Toolbox(ToolConfig(coverage=config.coverage, source_dirs=config.source_dirs))


__all__ = ["ModuleInfo", "ToolConfig", "Toolbox", "instance_modules", "server_toolbox",
           "worker_toolbox"]
