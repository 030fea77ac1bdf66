"""`optee-litebox serve`, `host` and `libteec` from the command line."""
from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from optee_litebox.client import Context, Operation, TeecError, Value
from optee_litebox.client.paths import client_socket_path, default_socket_path
from optee_litebox.samples import sample

from .conftest import start_server, wait_ready

CLI = [sys.executable, "-m", "optee_litebox.cli"]


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "XDG_DATA_HOME": str(tmp_path / "data"), **extra}
    env.pop("OPTEE_LITEBOX_SOCKET", None)
    return env


@pytest.fixture(scope="module")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One libteec build for every `host` run of this module."""
    base = tmp_path_factory.mktemp("cli")
    return cli_env(base)


def host(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "host", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_libteec_prints_the_directory_of_the_library(cache_env: dict[str, str]) -> None:
    out = subprocess.run([*CLI, "libteec"], env=cache_env, capture_output=True, text=True, check=True)
    libdir = Path(out.stdout.strip())
    assert (libdir / "libteec.so.2").is_file()
    assert libdir.is_relative_to(Path(cache_env["XDG_CACHE_HOME"]))
    inc = subprocess.run([*CLI, "libteec", "--include"], env=cache_env, capture_output=True,
                         text=True, check=True)
    assert Path(inc.stdout.strip()) == libdir / "include"


def test_host_runs_a_client_against_a_private_server(cache_env: dict[str, str],
                                                     teec_check: Path) -> None:
    run = host(cache_env, "--", str(teec_check), "values")
    assert run.returncode == 0, run.stderr
    assert "values=12,35" in run.stdout
    assert "session 1 opened to TA" in run.stderr  # the server's log


def test_host_environment_and_exit_status(cache_env: dict[str, str]) -> None:
    run = host(cache_env, "--", "sh", "-c",
               'echo "$OPTEE_LITEBOX_SOCKET"; echo "$LD_LIBRARY_PATH"; test -S "$OPTEE_LITEBOX_SOCKET"; exit 7')
    assert run.returncode == 7
    sock, libpath = run.stdout.splitlines()
    assert Path(libpath.split(":")[0], "libteec.so.2").is_file()
    assert not Path(sock).exists()  # removed with the server
    assert host(cache_env, "--", "sh", "-c", "kill -TERM $$").returncode == 128 + 15
    assert host(cache_env, "--", "/nonexistent/program").returncode == 127
    usage = host(cache_env, "sh")
    assert usage.returncode == 2 and "-- PROGRAM" in usage.stderr


def test_host_serves_only_the_files_given(cache_env: dict[str, str], teec_check: Path) -> None:
    files = [str(sample(n).ta_path) for n in ("hello_world", "params")]
    ok = host(cache_env, "--ta-pubkey", str(sample("params").ta_path.parent / "sample_ta_dev.pub.pem"),
              *files, "--", str(teec_check), "values")
    assert ok.returncode == 0, ok.stderr
    missing = host(cache_env, files[0], "--", str(teec_check), "lifecycle")
    assert missing.returncode == 1 and "open session: 0xffff0008 origin 3" in missing.stderr


def test_serve_socket_is_private_and_not_stolen(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "a")
    try:
        mode = os.stat(srv.socket).st_mode
        assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
        second = subprocess.run([*CLI, "serve", "--socket", srv.socket], capture_output=True,
                                text=True, env=cli_env(tmp_path), timeout=60)
        assert second.returncode == 2 and "already listening" in second.stderr
    finally:
        srv.stop()
    assert not os.path.exists(srv.socket)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # a socket nobody listens on
    stale.bind(srv.socket)
    stale.close()
    srv = start_server(tmp_path / "a")
    try:
        with Context(socket_path=srv.socket) as ctx, ctx.open_session(sample("hello_world").uuid) as s:
            op = Operation(Value.inout(1))
            s.invoke(0, op)
            assert op.params[0].a == 2
    finally:
        srv.stop()
    log = srv.log()
    assert f"loaded TA {sample('hello_world').uuid}" in log and "opened to TA" in log
    assert "I/TA: Hello from the litebox hello_world TA" in log  # TA log output


def test_serve_with_a_ta_dir_finds_tas_by_uuid(tmp_path: Path) -> None:
    tas = tmp_path / "tas"
    tas.mkdir()
    hello = sample("hello_world")
    (tas / f"{hello.uuid}.ta").write_bytes(hello.ta_path.read_bytes())
    srv = start_server(tmp_path / "b", "--ta-dir", str(tas))
    try:
        with Context(socket_path=srv.socket) as ctx:
            ctx.open_session(hello.uuid).close()
            with pytest.raises(TeecError) as missing:
                ctx.open_session(sample("params").uuid)
            assert (missing.value.result, missing.value.origin) == (0xFFFF0008, 3)
    finally:
        srv.stop()
    bad = subprocess.run([*CLI, "serve", "--ta-dir", str(tmp_path / "none"), "--socket",
                          str(tmp_path / "x.sock")], capture_output=True, text=True,
                         env=cli_env(tmp_path), timeout=60)
    assert bad.returncode == 2 and "no such directory" in bad.stderr


def test_default_socket_paths_agree_between_server_and_c_library(tmp_path: Path,
                                                                 teec_check: Path) -> None:
    assert default_socket_path({"XDG_RUNTIME_DIR": "/run/user/5"}) == "/run/user/5/optee-litebox.sock"
    assert default_socket_path({"TMPDIR": "/t"}, uid=7) == "/t/optee-litebox-7/optee-litebox.sock"
    assert client_socket_path({"OPTEE_LITEBOX_SOCKET": "/x.sock", "XDG_RUNTIME_DIR": "/r"}) == "/x.sock"
    # A Unix socket path must stay under 108 bytes: pytest's tmp_path is too deep under
    # pytest-xdist, so this test works in a short directory of its own.
    tmp_path = Path(tempfile.mkdtemp(prefix="olb-"))
    for runtime in (True, False):
        env = cli_env(tmp_path, TMPDIR=str(tmp_path / "tmp"))
        env.pop("XDG_RUNTIME_DIR", None)
        (tmp_path / "tmp").mkdir(exist_ok=True)
        if runtime:
            env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
            (tmp_path / "run").mkdir(mode=0o700)
        path = default_socket_path(env)
        proc = subprocess.Popen([*CLI, "serve", "-q"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            wait_ready(path, proc)
            if not runtime:
                assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
            run = subprocess.run([str(teec_check), "values"], env=env, capture_output=True, text=True,
                                 timeout=60)
            assert run.returncode == 0, run.stderr
        finally:
            proc.terminate()
            assert proc.wait(30) == 0
    shutil.rmtree(tmp_path, ignore_errors=True)
