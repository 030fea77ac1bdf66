"""Our C client (tests/c_clients) through our libteec.so.2 against the sample TAs.

Each scenario checks its own results, origins and outputs and exits 1 on a failed check
(stderr says which); the test also checks the values it prints.
"""
from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

from optee_litebox.server.identity import CLIENT_UUID_NS

from .conftest import ServerProc

SYSCALLS = "11dd3ede-b085-4343-a57d-5fbde91c168b"


def run_scenario(binary: Path, server: ServerProc, name: str, timeout: float = 120) -> dict[str, str]:
    proc = subprocess.run([str(binary), name], env=server.env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{name}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    out = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    assert out.get("failures") == "0"
    return out


def test_value_parameters(teec_check: Path, server: ServerProc) -> None:
    assert run_scenario(teec_check, server, "values")["values"] == "12,35"


def test_temporary_memrefs(teec_check: Path, server: ServerProc) -> None:
    out = run_scenario(teec_check, server, "temp")
    text = b"optee-litebox temporary memref"
    h = 0x811C9DC5
    for byte in text:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    assert out["checksum"] == f"{h:08x}"


def test_null_memrefs(teec_check: Path, server: ServerProc) -> None:
    assert run_scenario(teec_check, server, "null")["null"] == "ok"


def test_shared_memory_allocated_registered_and_by_fd(teec_check: Path, server: ServerProc) -> None:
    out = run_scenario(teec_check, server, "shm")
    # two partial memrefs of one shared memory, at offsets 4 and 40, are one mapping in the TA
    for kind in ("allocated", "registered", "fd_pages", "fd_bytes"):
        assert out[f"{kind}_mapping_delta"] == "36"


def test_bad_arguments_and_ta_errors(teec_check: Path, server: ServerProc) -> None:
    assert run_scenario(teec_check, server, "errors")["errors"] == "ok"


def test_login_identities_as_the_linux_driver_computes_them(teec_check: Path,
                                                            server: ServerProc) -> None:
    out = run_scenario(teec_check, server, "login")
    assert out["public"] == f"0:{uuid.UUID(int=0)}"
    assert out["user"] == f"1:{uuid.uuid5(CLIENT_UUID_NS, f'uid={os.geteuid():x}')}"
    gid = int(out["gid"])
    assert out["group"] == f"2:{uuid.uuid5(CLIENT_UUID_NS, f'gid={gid:x}')}"
    assert out["foreign_group"] == "error:ffff0000:2"   # EPERM: GENERIC, origin COMMS
    assert out["application"] == "error:ffff0006:2"     # EINVAL: BAD_PARAMETERS, origin COMMS


def test_request_cancellation_from_another_thread(teec_check: Path, server: ServerProc) -> None:
    assert run_scenario(teec_check, server, "cancel")["cancel_result"] == "ffff0002"


def test_runaway_ta_is_stopped_after_the_cancellation_grace(teec_check: Path,
                                                            server: ServerProc) -> None:
    out = run_scenario(teec_check, server, "runaway")
    assert 0.4 < float(out["runaway_seconds"]) < 10
    assert "still running 0.5 s after a cancellation: stopping it" in server.log()


def test_lifecycle_busy_and_keep_alive(teec_check: Path, server: ServerProc) -> None:
    assert int(run_scenario(teec_check, server, "lifecycle")["keepalive_counter"]) >= 3


def test_threads_with_their_own_sessions(teec_check: Path, server: ServerProc) -> None:
    assert run_scenario(teec_check, server, "threads")["thread_calls"] == "1600"


def test_without_a_server_initialize_context_finds_no_tee(teec_check: Path, tmp_path: Path) -> None:
    env = {**os.environ, "OPTEE_LITEBOX_SOCKET": str(tmp_path / "nobody.sock")}
    proc = subprocess.run([str(teec_check), "values"], env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "TEEC_InitializeContext: 0xffff0008" in proc.stderr


def _wait_for(predicate, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_client_killed_during_a_call_has_its_session_closed(teec_check: Path,
                                                              server: ServerProc) -> None:
    """Killed inside TEE_Wait(infinite): the call is cancelled and the session closed."""
    marker = f"to TA {SYSCALLS} closed"
    before = server.log().count(marker)
    proc = subprocess.Popen([str(teec_check), "cancel"], env=server.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)  # inside the TA's TEE_Wait, before the scenario cancels it itself
    proc.kill()
    proc.wait()
    assert _wait_for(lambda: server.log().count(marker) > before), server.log()[-2000:]
    assert "went away during a call: cancelling it" in server.log()
