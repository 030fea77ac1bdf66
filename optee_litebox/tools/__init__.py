"""Developer tools for TAs: tracing, a gdb stub, code coverage (and a pytest plugin).

``ToolConfig`` says which tools to run; it is plain, picklable data, so a server can hand
it to its worker processes. ``Toolbox`` is the live tools of one process: ``attach(tee)``
hooks every TA instance the TEE creates, ``finish()`` writes what the tools produced
(coverage of this process is saved as a part and, in the process that owns the report,
merged with the parts of other processes into lcov and drcov files).

Libraries a TA dlopens at run time are followed too: the runtime announces each
(``Tee.on_module``) and every tool takes it before the TA runs it (``follow.py``).

A server (``serve``, ``host``) makes ``server_toolbox`` before it forks workers: it owns
the coverage report and the gdb claim. Each worker makes ``worker_toolbox``: it traces
(lines tagged with its pid), counts coverage into live files that survive it, and, if it
is the first worker to start a TA instance, runs the gdb stub.

With no tool configured nothing is attached and the engine's hot path is untouched.
"""
from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from .claim import ForkClaim
from .follow import ModuleFollower
from .modules import ModuleInfo, instance_modules, module_info

if TYPE_CHECKING:
    from ..runtime.image import LoadedModule
    from ..runtime.instance import TaInstance
    from ..runtime.tee import Tee
    from ..ta_loader import TaImage
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
        from ..errors import LiteboxError
        if self.trace_format not in ("text", "json"):
            raise LiteboxError(f"unknown trace format {self.trace_format!r} (text or json)")
        if self.coverage and not os.path.isdir(os.path.dirname(os.path.abspath(self.coverage))):
            raise LiteboxError(f"--coverage {self.coverage}: no such directory")


@dataclass
class Toolbox:
    """The tools of one process, built from a ToolConfig."""

    config: ToolConfig
    #: True in the process that writes the coverage report (False in server workers).
    owner: bool = True
    tracer: Tracer | None = None
    coverage: CoverageRecorder | None = None
    gdb: GdbStub | None = None
    #: Server processes: which worker gets gdb (shared with every worker forked later).
    gdb_claim: ForkClaim | None = None
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
            self.coverage = CoverageRecorder(cfg.coverage, list(cfg.source_dirs), live=not self.owner)
            if self.owner:
                self.coverage.start_report()
        if cfg.gdb_port is not None and self.owner:
            from .gdbstub.stub import GdbStub
            self.gdb = GdbStub(cfg.gdb_port, cfg.gdb_host)

    def attach(self, tee: Tee) -> None:
        """Instrument every instance tee creates from now on, and the libraries those
        instances dlopen."""
        if not self.config.enabled:
            return
        previous = tee.on_instance
        previous_module = tee.on_module
        find = tee.sources.find_library

        def on_instance(instance: TaInstance) -> None:
            if previous is not None:
                previous(instance)
            self.attach_instance(instance, instance_modules(instance, find, self.config.debug_dirs))

        def on_module(instance: TaInstance, module: LoadedModule) -> None:
            if previous_module is not None:
                previous_module(instance, module)
            self.module_added(instance, module, find)
        tee.on_instance = on_instance
        tee.on_module = on_module

    def attach_instance(self, instance: TaInstance, modules: list[ModuleInfo]) -> None:
        if self.gdb is None and self.config.gdb_port is not None and not self.owner \
                and not self._gdb_tried:
            self._gdb_tried = True
            if self.gdb_claim is None or self.gdb_claim.claim():
                self.gdb = _worker_gdb(self.config, instance)
        debugged = self.gdb is not None and self.gdb.follows(instance)
        if self.coverage is None and self.tracer is None and not debugged:
            return  # nothing to attach: the engine stays bare
        # The follower listens first: the tools know of a new library before any of
        # them handles the pause that follows its dlopen.
        ins = instance.engine.instrument()
        follower = ModuleFollower(self, ins)
        ins.add_listener(follower)
        # Coverage first: its block hook should see code the debugger stops in, too.
        if self.coverage is not None:
            self.coverage.attach(instance, modules)
            follower.targets.append(functools.partial(self.coverage.attach, instance))
        if self.tracer is not None:
            follower.targets.append(self.tracer.attach(instance, modules).add_modules)
        if self.gdb is not None:
            debug = self.gdb.attach(instance, modules)
            if debug is not None:
                follower.targets.append(debug.add_modules)

    def module_added(self, instance: TaInstance, module: LoadedModule,
                     find_library: Callable[[str], TaImage | None] | None = None) -> None:
        """instance dlopened module (Tee.on_module): the tools attached to the instance
        take it before the TA runs on (see follow.py)."""
        ins = instance.engine.tools
        if ins is None:
            return
        follower = next((item for item in ins.listeners
                         if isinstance(item, ModuleFollower) and item.owner is self), None)
        if follower is None:
            return
        from ..errors import LiteboxError
        try:  # from inside the TA's syscall: a tool's trouble must not become the TA's
            image = module.image
            if image is None and find_library is not None and module.uuid is not None:
                image = find_library(str(module.uuid))
            if image is not None:
                follower.add(module_info(module, image, self.config.debug_dirs))
        except (OSError, LiteboxError) as exc:
            print(f"optee-litebox: tools do not follow {module.name}: {exc}", file=sys.stderr)

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


def _worker_gdb(config: ToolConfig, instance: TaInstance | None = None) -> GdbStub | None:
    """A worker's gdb stub, bound when its first TA instance appears. Without a claim
    (no server) the first worker to bind the port gets gdb; the others run undebugged
    (and say so)."""
    from .gdbstub.stub import GdbStub
    try:
        stub = GdbStub(config.gdb_port or 0, config.gdb_host)
    except OSError as exc:
        print(f"optee-litebox: worker {os.getpid()}: no gdb stub ({exc.strerror}); "
              "another worker has the port", file=sys.stderr)
        return None
    if instance is not None:
        stub.conn.label = f"worker {os.getpid()}, TA {instance.uuid}"
    return stub


def worker_toolbox(config: ToolConfig | None, server: Toolbox | None = None) -> Toolbox | None:
    """Tools for a worker process of a server (server: the server's toolbox, made before
    the fork): tracing tagged with the worker's pid, coverage counted into live files
    and saved as a part at finish(), and gdb if this worker is the first to claim it."""
    if config is None or not config.enabled:
        return None
    box = Toolbox(config, owner=False, gdb_claim=server.gdb_claim if server is not None else None)
    if box.tracer is not None:
        box.tracer.pid = os.getpid()
    return box


def server_toolbox(config: ToolConfig | None) -> Toolbox | None:
    """The serving process's share, made before it forks workers: it owns the coverage
    report (finish() merges the parts and live files of its workers: call it after they
    have exited) and the claim that gives gdb to the first worker to start a TA
    instance. Raises LiteboxError if the gdb port is taken."""
    if config is None or not config.enabled:
        return None
    config.validate()
    _preload(config)
    if not (config.coverage or config.gdb_port is not None):
        return None
    claim = None
    if config.gdb_port is not None:
        _check_port(config.gdb_host, config.gdb_port)
        claim = ForkClaim()
    return Toolbox(ToolConfig(coverage=config.coverage, source_dirs=config.source_dirs),
                   gdb_claim=claim)


def _preload(config: ToolConfig) -> None:
    """Import (and set up) what the workers' tools use, once, before the server forks:
    a worker then pays nothing for it when a client opens a session."""
    import importlib
    names = ["optee_litebox.core.instrument"]
    if config.trace:
        names += ["optee_litebox.tools.trace.tracer", "optee_litebox.tools.trace.decode"]
    if config.gdb_port is not None:
        names += ["optee_litebox.tools.gdbstub.stub", "optee_litebox.tools.gdbstub.commands"]
    if config.coverage:
        names += ["optee_litebox.tools.coverage.recorder"]
    for name in names:
        importlib.import_module(name)
    if config.coverage:
        from ..core.blockcount import native_callback
        native_callback()


def _check_port(host: str, port: int) -> None:
    """Fail now, not when a TA starts, if the gdb port cannot be bound."""
    import socket

    from ..errors import LiteboxError
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise LiteboxError(f"gdb port {host}:{port}: {exc.strerror}") from None


__all__ = ["ForkClaim", "ModuleInfo", "ToolConfig", "Toolbox", "instance_modules", "server_toolbox",
           "worker_toolbox"]
