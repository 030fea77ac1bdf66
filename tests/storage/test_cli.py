"""`optee-litebox storage ls|cat|rm` over a state directory a TA wrote."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from optee_litebox.cli import main
from optee_litebox.runtime import Tee
from optee_litebox.samples import sample
from optee_litebox.south_linux import linux_platform

from .conftest import READ, RPMB, RW, StorageTa

UUID = str(sample("storage").uuid)


@pytest.fixture()
def state(tmp_path: Path) -> Path:
    tee = Tee(linux_platform(tmp_path, quiet=True))
    tee.add(sample("storage").ta_path)
    ta = StorageTa(tee)
    ta.create(b"greeting", RW, data=b"hello", null_obj=True)
    ta.create(b"\x00\x01bin", RW, data=b"\xff" * 3, null_obj=True)
    ta.key_create(b"aes", bytes(range(16)))
    ta.create(b"in-rpmb", RW, storage=RPMB, data=b"r", null_obj=True)
    tee.close()
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["storage", *args])
    return code, capsys.readouterr().out


def test_ls_lists_each_object(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "ls", "--storage", str(state))
    assert code == 0
    assert f"TA {UUID} (ree)" in out
    assert "greeting  5 bytes  TEE_TYPE_DATA" in out
    assert "hex:000162696e  3 bytes" in out
    assert "aes  0 bytes  TEE_TYPE_AES  usage 0xffffffff  1 attributes" in out
    assert "in-rpmb" not in out
    code, out = run(capsys, "ls", "--storage", str(state), "--rpmb", "--json")
    assert json.loads(out)[UUID]["objects"][0]["id"] == "in-rpmb"


def test_cat_decrypts_data_and_attributes(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "cat", "--storage", str(state), "--ta", UUID, "greeting")
    assert code == 0 and "data: 68656c6c6f" in out and "type: TEE_TYPE_DATA" in out
    code, out = run(capsys, "cat", "--storage", str(state), "--ta", UUID, "aes", "--json")
    info = json.loads(out)
    assert info["attributes"] == [{"id": "0xc0000000", "name": "TEE_ATTR_SECRET_VALUE",
                                   "value": bytes(range(16)).hex()}]
    assert info["object_size"] == 128
    code, out = run(capsys, "cat", "--storage", str(state), "--ta", UUID, "hex:000162696e")
    assert "data: ffffff" in out


def test_rm_removes_objects(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "rm", "--storage", str(state), "--ta", UUID, "greeting")[0] == 0
    code, out = run(capsys, "ls", "--storage", str(state))
    assert "greeting" not in out and "aes" in out
    assert run(capsys, "cat", "--storage", str(state), "--ta", UUID, "greeting")[0] == 2
    assert run(capsys, "rm", "--storage", str(state), "--ta", UUID, "--all")[0] == 0
    assert f"TA {UUID} (ree)\n" in run(capsys, "ls", "--storage", str(state))[1]
    # the TA sees what the CLI did
    tee = Tee(linux_platform(state, quiet=True))
    tee.add(sample("storage").ta_path)
    assert StorageTa(tee).open(b"aes", READ)[0] == 0xFFFF0008
    tee.close()


def test_wipe_clears_a_store_that_no_longer_authenticates(
        state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = next(state.glob("storage/ree-*/log"))
    data = bytearray(log.read_bytes())
    data[-3] ^= 1
    log.write_bytes(data)
    code, out = run(capsys, "ls", "--storage", str(state))
    assert "unreadable: commit: authentication failed" in out
    assert run(capsys, "rm", "--storage", str(state), "--ta", UUID, "--all")[0] == 2
    assert run(capsys, "rm", "--storage", str(state), "--ta", UUID, "--wipe")[0] == 0
    assert not list(log.parent.iterdir())
    tee = Tee(linux_platform(state, quiet=True))
    tee.add(sample("storage").ta_path)
    ta = StorageTa(tee)
    assert ta.create(b"again", RW, null_obj=True)[0] == 0
    assert ta.open(b"in-rpmb", READ, storage=RPMB)[0] == 0  # the RPMB side was not touched
    tee.close()


def test_nothing_stored_and_missing_ta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "ls", "--storage", str(tmp_path))
    assert code == 0 and out == "no ree storage\n"
    assert not (tmp_path / "huk.bin").exists()  # listing does not create a device key
    assert run(capsys, "cat", "--storage", str(tmp_path), "x")[0] == 2  # --ta is required


def test_run_keeps_objects_in_the_storage_directory(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    create = ["run", "storage", "--cmd", "0", "--storage", str(tmp_path), "-q", "--json",
              "--param", "memref-in:" + b"from-run".hex(), "--param", "value-in:7,1",
              "--param", "memref-in:" + b"kept".hex(), "--param", "value-inout:0,1"]
    assert main(create) == 0
    assert json.loads(capsys.readouterr().out)["params"][3]["a"] == 0  # TEE_SUCCESS
    assert main(create) == 0  # a second process: the object exists now
    assert json.loads(capsys.readouterr().out)["params"][3]["a"] == 0xFFFF0003
    code, out = run(capsys, "cat", "--storage", str(tmp_path), "--ta", UUID, "from-run")
    assert code == 0 and f"data: {b'kept'.hex()}" in out
