"""The optee-litebox command line: run, inspect, sign."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from optee_litebox.cli import main
from optee_litebox.samples import sample, sample_pubkey


def run_cli(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_run_hello_world_json_reports_42(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(capsys, "run", str(sample("hello_world").ta_path),
                             "--param", "value-inout:41,0", "--json")
    assert code == 0
    assert json.loads(out) == {"result": 0, "origin": 4,
                               "params": [{"type": "value-inout", "a": 42, "b": 0}]}
    assert f"[{sample('hello_world').uuid}] I/TA:" in err  # TA log on stderr, tagged


def test_run_with_no_arguments_runs_the_bundled_sample(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "run", "-q")
    assert code == 0 and "signature verified" in out and "a=42" in out


def test_run_memrefs_and_exit_status(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "run", "sha256", "--param", "memref-in:616263",
                           "--param", "memref-out:32", "--json", "-q")
    digest = json.loads(out)["params"][1]
    assert code == 0 and digest["size"] == 32
    assert digest["data"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    code, out, _ = run_cli(capsys, "run", "sha256", "--param", "memref-in:616263",
                           "--param", "memref-out:8", "--json", "-q")
    res = json.loads(out)
    assert code == 1 and res["result"] == 0xFFFF0010 and res["params"][1]["size"] == 32


def test_run_a_crashing_ta_exits_1_with_a_report(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(capsys, "run", "fault", "--cmd", "0", "-q")
    assert code == 1 and "TEE_ERROR_TARGET_DEAD" in out and "data abort" in err


def test_run_bad_file_is_a_clear_error(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.ta"
    bad.write_bytes(b"HSTO" + bytes(40))
    code, _, err = run_cli(capsys, "run", str(bad))
    assert code == 2 and "bad.ta" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "run", str(tmp_path / "missing.ta"))
    assert code == 2 and "missing.ta" in err


def test_bad_param_spec_is_rejected(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["run", "--param", "value-in:notanumber"])
    assert "bad parameter" in capsys.readouterr().err


def test_wrong_public_key_refuses_the_ta(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from Crypto.PublicKey import RSA
    key = tmp_path / "other.pem"
    key.write_bytes(RSA.generate(2048).publickey().export_key())
    code, _, err = run_cli(capsys, "run", str(sample("hello_world").ta_path), "--ta-pubkey", str(key))
    assert code == 2 and "signature" in err.lower()


def test_inspect_json(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "inspect", "syscalls", "--json")
    info = json.loads(out)
    assert code == 0 and info["uuid"] == str(sample("syscalls").uuid) and info["kind"] == "TA"
    assert info["signature"]["verified"] is True
    props = {p["name"]: p["value"] for p in info["properties"]}
    assert props["org.litebox.sample.u32"] == 0xC0FFEE42
    assert props["org.litebox.sample.binary"] == "0001020304050607ff"
    assert [s["perms"] for s in info["segments"]] == ["r-x", "rw-"]


def test_inspect_text(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "inspect", "lifecycle_keepalive")
    assert code == 0 and "SINGLE_INSTANCE MULTI_SESSION INSTANCE_KEEP_ALIVE" in out


def test_sign_then_run(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from Crypto.PublicKey import RSA
    key = RSA.generate(2048)
    (tmp_path / "k.pem").write_bytes(key.export_key())
    (tmp_path / "k.pub").write_bytes(key.publickey().export_key())
    elf = tmp_path / "hw.elf"
    elf.write_bytes(sample("hello_world").elf_path.read_bytes())
    code, out, _ = run_cli(capsys, "sign", str(elf), "--key", str(tmp_path / "k.pem"))
    signed = Path(out.strip())
    assert code == 0 and signed.name == f"{sample('hello_world').uuid}.ta"
    code, out, _ = run_cli(capsys, "run", str(signed), "--ta-pubkey", str(tmp_path / "k.pub"),
                           "--param", "value-inout:1,0", "--json", "-q")
    assert code == 0 and json.loads(out)["params"][0]["a"] == 2


def test_console_script_entry_point_works() -> None:
    proc = subprocess.run([sys.executable, "-m", "optee_litebox.cli", "run", "-q", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["params"][0]["a"] == 42
    assert sample_pubkey() is not None
