"""Testing TAs from Python: a TEE harness, parameters from Python values, results by name.

This is what the pytest plugin's fixtures hand out, usable without pytest too::

    box = Litebox()                         # deterministic platform, in-memory storage
    s = box.open_session("path/to/<uuid>.ta")
    res = s.invoke(0, value_inout(41))
    assert res == "TEE_SUCCESS" and res.values[0] == (42, 0)
    box.close()

Parameters are built from Python values: ``None`` (none), an ``int`` or a pair of ints
(value input), ``bytes`` (memref input), a ``bytearray`` (memref output of its length,
filled in place with what the TA wrote), or ``value_out()``, ``value_inout(a, b)``,
``memref_inout(bytearray)``, ``memref_out(size)`` and plain ``runtime.Param`` objects.
Results compare equal to their TEE_Result name (``res == "TEE_ERROR_SHORT_BUFFER"``) or
number, and carry the TA log and crash report for failure messages.
"""
from __future__ import annotations

import os
import uuid as _uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..abi.params import TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_OUTPUT
from ..abi.results import TEE_SUCCESS, origin_name, result_code, result_name
from ..deterministic import FixedClock, RecordingLog, deterministic_platform
from ..platform import Platform
from ..runtime import CrashReport, Param, Session, Tee
from ..ta_loader import TaImage

__all__ = ["Litebox", "Result", "TaFailure", "TaSession", "memref_inout", "memref_out",
           "to_params", "value_inout", "value_out"]


def value_out() -> Param:
    return Param.value_out()


def value_inout(a: int, b: int = 0) -> Param:
    return Param.value_inout(a, b)


def memref_out(size: int) -> Param:
    return Param.memref_out(size)


@dataclass
class _Inout:
    buf: bytearray


def memref_inout(buf: bytearray) -> _Inout:
    """An in/out memref over buf: the TA sees its bytes, buf gets what the TA left."""
    return _Inout(buf)


def to_params(values: Sequence[Any]) -> tuple[list[Param], list[bytearray | None]]:
    """Params from Python values, and the bytearrays to fill after the call."""
    if len(values) > 4:
        raise ValueError(f"at most four parameters, got {len(values)}")
    params: list[Param] = []
    sinks: list[bytearray | None] = []
    for v in values:
        sink = None
        if v is None:
            p = Param.none()
        elif isinstance(v, Param):
            p = v
        elif isinstance(v, bool):
            raise TypeError("a bool is not a TEE parameter (use an int)")
        elif isinstance(v, int):
            p = Param.value_in(v)
        elif isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v):
            p = Param.value_in(v[0], v[1])
        elif isinstance(v, bytearray):
            p, sink = Param.memref_out(len(v)), v
        elif isinstance(v, _Inout):
            p, sink = Param.memref_inout(bytes(v.buf)), v.buf
        elif isinstance(v, (bytes, memoryview)):
            p = Param.memref_in(bytes(v))
        else:
            raise TypeError(f"cannot make a TEE parameter from {type(v).__name__}")
        params.append(p)
        sinks.append(sink)
    return params, sinks


@dataclass(eq=False)
class Result:
    """A TEE_Result with its origin and the parameters as the TA left them."""

    code: int
    origin: int
    params: list[Param] = field(default_factory=list)
    what: str = ""
    log: str = ""
    crash: CrashReport | None = None

    @property
    def name(self) -> str:
        return result_name(self.code)

    @property
    def ok(self) -> bool:
        return self.code == TEE_SUCCESS

    @property
    def values(self) -> list[tuple[int, int] | None]:
        """(a, b) of each value parameter after the call, None for the others."""
        return [(p.a, p.b) if p.is_value else None for p in self.params]

    @property
    def sizes(self) -> list[int | None]:
        """Size of each memref after the call (the size needed after SHORT_BUFFER)."""
        return [p.size if p.is_memref else None for p in self.params]

    @property
    def out(self) -> list[bytes | None]:
        """What the TA wrote into each output memref (its reported size, capped)."""
        outs: list[bytes | None] = []
        for p in self.params:
            if p.type in (TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT) and p.shm:
                outs.append(p.shm.read(p.offset, min(p.size, p.shm.size - p.offset)))
            else:
                outs.append(None)
        return outs

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return self.code == other.code
        if isinstance(other, (str, int)) and not isinstance(other, bool):
            try:
                return self.code == result_code(other)
            except KeyError:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"{self.name} (origin {origin_name(self.origin)})"

    def explain(self) -> list[str]:
        """What a failure message shows: the result, the TA log, the crash report."""
        lines = [f"{self.what or 'call'} returned {self!r}"]
        if self.crash is not None:  # the gist first: pytest shortens long messages
            lines.append(f"crash: {self.crash.summary}")
            frames = [f.split(" ", 1)[-1].split("!")[-1] for f in self.crash.backtrace]
            lines.append("call stack: " + " <- ".join(frames))
        if self.log:
            lines += ["TA log:"] + ["  " + line for line in self.log.rstrip("\n").splitlines()]
        if self.crash is not None:
            lines += ["crash report:"] + ["  " + line for line in self.crash.text.splitlines()]
        return lines


class TaFailure(AssertionError):
    """An expected-to-succeed call did not; the message has the log and crash report."""

    def __init__(self, result: Result) -> None:
        super().__init__("\n".join(result.explain()))
        self.result = result


class TaSession:
    """A session that closes itself (at the end of the test, or with ``with``)."""

    def __init__(self, box: Litebox, session: Session | None, result: Result) -> None:
        self.box = box
        self.session = session
        self.result = result  # of the open

    @property
    def crash(self) -> CrashReport | None:
        return self.session.crash if self.session is not None else None

    @property
    def opened(self) -> bool:
        return self.session is not None

    def invoke(self, cmd: int, *params: Any, check: bool = False, timeout: int = 0xFFFFFFFF) -> Result:
        """Invoke cmd with params (see to_params); check=True raises TaFailure unless
        the TA answered TEE_SUCCESS."""
        if self.session is None:
            raise RuntimeError(f"the session did not open: {self.result!r}")
        plist, sinks = to_params(params)
        code, origin = self.box.tee.invoke(self.session, cmd, plist, timeout=timeout)
        _fill(plist, sinks)
        res = self.box._result(code, origin, plist, f"invoke command {cmd}", self.session.uuid,
                               self.session.crash)
        if check and not res.ok:
            raise TaFailure(res)
        return res

    def close(self) -> None:
        if self.session is not None and not self.session.closed:
            self.box.tee.close_session(self.session)

    def __enter__(self) -> TaSession:  # noqa: PYI034 - Python 3.10 has no typing.Self
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fill(params: list[Param], sinks: list[bytearray | None]) -> None:
    for p, sink in zip(params, sinks):
        if sink is not None and p.shm is not None and p.size <= len(sink):
            sink[:] = p.shm.read(p.offset, p.size)


class Litebox:
    """An in-process TEE over a deterministic platform, for tests."""

    def __init__(self, platform: Platform | None = None, *, seed: int = 0,
                 ta_dirs: Sequence[str | os.PathLike[str]] = (), samples: bool = True) -> None:
        self.platform = platform or deterministic_platform(seed)
        self.tee = Tee(self.platform)
        self.sessions: list[TaSession] = []
        self.crashes: list[CrashReport] = []
        self.tee.on_crash = self.crashes.append
        for d in ta_dirs:
            self.tee.add_dir(d)
        self._samples = samples

    @property
    def clock(self) -> FixedClock:
        clock = self.platform.clock
        assert isinstance(clock, FixedClock), "not a deterministic platform"
        return clock

    @property
    def log(self) -> RecordingLog:
        log = self.platform.log
        assert isinstance(log, RecordingLog), "not a deterministic platform"
        return log

    def log_text(self, ta: _uuid.UUID | str | None = None) -> str:
        """Everything TAs logged (or one TA's lines)."""
        log = self.platform.log
        if not isinstance(log, RecordingLog):
            return ""
        key = str(ta) if ta is not None else None
        return "".join(text if text.endswith("\n") else text + "\n" for src, text in log.lines
                       if not src.startswith("tee:") and (key is None or src == key))

    def add_dir(self, path: str | os.PathLike[str]) -> None:
        self.tee.add_dir(path)

    def load(self, ta: str | os.PathLike[str] | TaImage) -> TaImage:
        """A TA file (.ta or ELF) or a TaImage, added to the TEE; a directory is added as
        a TA directory (TAs found by UUID); returns the image."""
        if isinstance(ta, TaImage):
            return self.tee.add(ta)
        path = Path(ta)
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a TA directory: use add_dir() and open by UUID")
        return self.tee.add(path)

    def _uuid_of(self, ta: str | os.PathLike[str] | TaImage | _uuid.UUID) -> _uuid.UUID:
        if isinstance(ta, _uuid.UUID):
            return ta
        if isinstance(ta, TaImage):
            image = self.load(ta)
        elif isinstance(ta, str) and not os.path.exists(ta):
            try:
                return _uuid.UUID(ta)
            except ValueError:
                pass
            if not self._samples:
                raise FileNotFoundError(f"{ta}: no such TA file")
            from ..samples import SAMPLE_DIR, sample
            image = self.load(sample(ta).ta_path)  # a bundled sample by name
            if SAMPLE_DIR not in self.tee.sources.dirs:  # and the TA libraries beside it
                self.add_dir(SAMPLE_DIR)
        else:
            image = self.load(ta)
        assert image.uuid is not None
        return image.uuid

    def open_session(self, ta: str | os.PathLike[str] | TaImage | _uuid.UUID, *params: Any,
                     check: bool = True) -> TaSession:
        """Open a session to ta (path, TaImage, UUID in a TA directory, or a bundled sample
        name) with params; check=True (default) raises TaFailure if it does not open."""
        uuid = self._uuid_of(ta)
        plist, sinks = to_params(params)
        before = len(self.crashes)
        code, origin, session = self.tee.open_session(uuid, plist)
        _fill(plist, sinks)
        crash = self.crashes[-1] if len(self.crashes) > before else None
        res = self._result(code, origin, plist, f"open session to {uuid}", uuid, crash)
        handle = TaSession(self, session, res)
        self.sessions.append(handle)
        if check and session is None:
            raise TaFailure(res)
        return handle

    def _result(self, code: int, origin: int, params: list[Param], what: str,
                ta: _uuid.UUID, crash: CrashReport | None) -> Result:
        return Result(code, origin, params, what, self.log_text(ta), crash)

    def close(self) -> None:
        for s in self.sessions:
            s.close()
        self.tee.close()
