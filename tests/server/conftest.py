"""Fixtures for the server tests: a running `optee-litebox serve`, our libteec.so.2 and
the C client built from tests/c_clients against it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

C_CLIENTS = Path(__file__).resolve().parent.parent / "c_clients"


@dataclass
class ServerProc:
    """A server subprocess: its socket, process and log file."""

    socket: str
    proc: subprocess.Popen
    log_path: Path
    state: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "OPTEE_LITEBOX_SOCKET": self.socket}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def wait_ready(path: str, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return
        except OSError:
            time.sleep(0.02)
        finally:
            s.close()
    raise RuntimeError("server did not get ready")


def start_server(base: Path, *args: str) -> ServerProc:
    base.mkdir(parents=True, exist_ok=True)
    path = str(base / "run" / "s.sock")
    log_path = base / "serve.log"
    env = {**os.environ, "XDG_DATA_HOME": str(base / "data"), "XDG_RUNTIME_DIR": str(base / "run")}
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "optee_litebox.cli", "serve", "--socket", path,
                             "--storage", str(base / "state"), *args],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    wait_ready(path, proc)
    return ServerProc(path, proc, log_path, base / "state")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The bundled samples served with a short cancellation grace (0.5 s)."""
    srv = start_server(tmp_path_factory.mktemp("server"), "--cancel-grace", "0.5")
    yield srv
    srv.stop()


@pytest.fixture()
def fresh_server(tmp_path: Path):
    """A server of the test's own (for tests that kill workers or count processes)."""
    srv = start_server(tmp_path / "srv", "--cancel-grace", "0.5")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def libteec_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from optee_litebox.libteec import ensure_built

    return ensure_built(cache=tmp_path_factory.mktemp("libteec-cache"),
                        extra_flags=["-Werror"])


def build_c(out: Path, sources: list[Path], libdir: Path, *, cc: str = "cc",
            extra: tuple[str, ...] = ()) -> Path:
    cmd = [cc, "-O2", "-Wall", "-Wextra", "-Werror", "-pthread", "-I", str(libdir / "include"),
           "-I", str(C_CLIENTS), *map(str, sources), "-L", str(libdir), "-lteec",
           f"-Wl,-rpath,{libdir}", *extra, "-o", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="session")
def teec_check(tmp_path_factory: pytest.TempPathFactory, libteec_dir: Path) -> Path:
    """tests/c_clients/teec_check built against our libteec.so.2."""
    out = tmp_path_factory.mktemp("cbin") / "teec_check"
    return build_c(out, [C_CLIENTS / "teec_check.c", C_CLIENTS / "teec_check_more.c"], libteec_dir)
