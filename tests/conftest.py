"""Shared fixtures: a deterministic platform and handler contexts with no engine behind them."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from optee_litebox.core.memory import PROT_EXEC, PROT_READ, PROT_WRITE, AddressSpace
from optee_litebox.deterministic import deterministic_platform
from optee_litebox.gp_api import SessionState, SyscallContext, TaIdentity
from optee_litebox.gp_api.context import TeeServices
from optee_litebox.platform import Platform

TEST_UUID = uuid.UUID("11111111-2222-3333-4444-555555555555")
CODE, DATA, PARAM = 0x40000000, 0x40010000, 0x80000000
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real state directory or runtime socket directory."""
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base / "run"))
    (base / "run").mkdir(mode=0o700)


@pytest.fixture()
def tee(platform: Platform):
    """An in-process TEE over the deterministic platform with every bundled sample."""
    from optee_litebox.runtime import Tee
    from optee_litebox.samples import samples

    t = Tee(platform)
    for s in samples().values():
        t.add(s.ta_path)
    yield t
    t.close()


def open_sample(tee, name: str, params=None):  # type: ignore[no-untyped-def]
    """Open a session to a bundled sample; asserts success and returns the session."""
    from optee_litebox.abi.results import result_name
    from optee_litebox.samples import sample

    res, origin, session = tee.open_session(sample(name).uuid, params)
    assert session is not None, f"open {name}: {result_name(res)} origin {origin}"
    return session


@pytest.fixture()
def platform() -> Platform:
    return deterministic_platform(seed=1)


@pytest.fixture()
def ctx(platform: Platform) -> SyscallContext:
    """A TA context with .text (r-x), .data (rw-, 4 pages) and one shared memref page."""
    mem = AddressSpace()
    mem.map(CODE, 0x2000, PROT_READ | PROT_EXEC, "text", data=b"\x11" * 0x2000)
    mem.map(DATA, 0x4000, PROT_READ | PROT_WRITE, "data")
    mem.map(PARAM, 0x1000, PROT_READ | PROT_WRITE, "[param]", shared=True, secure=False)
    services = TeeServices(boot_ns=platform.clock.monotonic_ns())
    logged: list[str] = []
    c = SyscallContext(mem, platform, TaIdentity(TEST_UUID, 0, "test"), services,
                       session=SessionState(7), log=logged.append)
    c.logged = logged  # type: ignore[attr-defined]
    return c
