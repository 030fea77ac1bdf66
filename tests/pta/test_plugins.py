"""Supplicant plugins: the upstream plugin ABI loaded with ctypes, and a TA that calls
the sample plugin through the system pseudo-TA (tee_invoke_supp_plugin)."""
from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from optee_litebox.abi import results as R
from optee_litebox.deterministic import RecordingLog
from optee_litebox.runtime import Param
from optee_litebox.south_linux import PluginHost

from ..conftest import open_sample
from .conftest import PLUGIN_UUID

PING, ADD, UPPER, GREETING, COUNT, SUBCMD = range(6)


def _plugin(tee, s, cmd: int, data: bytes, sub_cmd: int = 0,  # type: ignore[no-untyped-def]
            target: uuid.UUID | None = None) -> tuple[int, int, bytes]:
    p = [Param.value_in(cmd, sub_cmd), Param.memref_inout(data), Param.value_out()]
    if target is not None:
        p.append(Param.memref_in(target.bytes_le))
    assert tee.invoke(s, 0, p)[0] == R.TEE_SUCCESS
    return p[2].a, p[2].b, p[1].data()


def test_plugin_host_loads_the_upstream_abi(plugin_dir: Path) -> None:
    log = RecordingLog()
    host = PluginHost(plugin_dir, log)
    assert [(p.name, str(p.uuid)) for p in host.plugins] == [("litebox-sample", PLUGIN_UUID)]
    data = bytearray(struct.pack("<II", 40, 2))
    assert host.invoke(uuid.UUID(PLUGIN_UUID), ADD, 0, data) == (R.TEE_SUCCESS, 4)
    assert struct.unpack("<II", data) == (42, 2)
    # init() ran once, at load: COUNT starts at 100.
    assert host.invoke(uuid.UUID(PLUGIN_UUID), COUNT, 0, data) == (R.TEE_SUCCESS, 4)
    assert struct.unpack_from("<I", data)[0] == 100
    assert host.invoke(uuid.UUID(int=1), PING, 0, bytearray()) == (R.TEE_ERROR_ITEM_NOT_FOUND, 0)


def test_bad_plugin_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "junk.plugin").write_bytes(b"not an ELF")
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc is not None
    src = tmp_path / "nosym.c"
    src.write_text("int something = 1;\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "nosym.plugin"), str(src)], check=True)
    log = RecordingLog()
    assert PluginHost(tmp_path, log).plugins == []
    text = "\n".join(t for _, t in log.lines)
    assert "open plugin <junk.plugin> failed" in text
    assert "find 'plugin_method' sym in <nosym.plugin> failed" in text
    assert PluginHost(tmp_path / "missing", log).plugins == []


def test_a_ta_round_trip_through_the_plugin(net_tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(net_tee, "services")
    assert _plugin(net_tee, s, ADD, struct.pack("<II", 20, 22)) == \
        (R.TEE_SUCCESS, 4, struct.pack("<II", 42, 22))
    assert _plugin(net_tee, s, UPPER, b"Mixed case 1") == (R.TEE_SUCCESS, 12, b"MIXED CASE 1")
    assert _plugin(net_tee, s, GREETING, bytes(20)) == \
        (R.TEE_SUCCESS, 18, b"plugin says hello\0\0\0")
    # The plugin answers SHORT_BUFFER with an output length; upstream's kernel then copies
    # the buffer back and returns that copy's result instead (tee_invoke_supp_plugin_rpc).
    assert _plugin(net_tee, s, GREETING, bytes(4)) == (R.TEE_SUCCESS, 18, bytes(4))
    assert _plugin(net_tee, s, SUBCMD, bytes(4), sub_cmd=0x5A5A)[2] == struct.pack("<I", 0x5A5A)
    assert _plugin(net_tee, s, 99, b"") == (0xFFFF000A, 0, b"")  # NOT_SUPPORTED
    # No plugin with that UUID: TEEC_ERROR_ITEM_NOT_FOUND from the supplicant.
    assert _plugin(net_tee, s, PING, b"", target=uuid.UUID(int=7))[0] == R.TEE_ERROR_ITEM_NOT_FOUND


def test_no_plugins_at_all(tee) -> None:  # type: ignore[no-untyped-def]
    s = open_sample(tee, "services")
    assert _plugin(tee, s, PING, b"")[0] == R.TEE_ERROR_ITEM_NOT_FOUND


@pytest.mark.parametrize("how", ["run", "host"])
def test_plugin_dir_option(how: str, plugin_dir: Path, tmp_path: Path) -> None:
    """`run --plugin-dir` in one process; `host --plugin-dir` behind the server."""
    cli = [sys.executable, "-m", "optee_litebox.cli"]
    state = ["--storage", str(tmp_path / "state")]
    if how == "run":
        out = subprocess.run([*cli, "run", "services", "--plugin-dir", str(plugin_dir), *state,
                              "--cmd", "0", "--param", "value-in:1,0",
                              "--param", "memref-inout:0500000007000000", "--param", "value-out",
                              "--json", "-q"], capture_output=True, text=True, timeout=120,
                             check=False)
        assert out.returncode == 0, out.stderr
        assert '"data": "0c00000007000000"' in out.stdout and '"a": 0, "b": 4' in out.stdout
        return
    script = tmp_path / "client.py"
    script.write_text(
        "from optee_litebox.client import Context, Operation, Value, TempMemref\n"
        "from optee_litebox.samples import sample\n"
        "with Context() as ctx, ctx.open_session(sample('services').uuid) as s:\n"
        "    op = Operation(Value.input(4, 0), TempMemref.inout(bytes(4)), Value.output())\n"
        "    for _ in range(2):\n"
        "        s.invoke(0, op)\n"
        "        print(op.params[2].a, op.params[2].b, op.params[1].data.hex())\n")
    out = subprocess.run([*cli, "host", "--plugin-dir", str(plugin_dir), *state, "--",
                          sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["0 4 64000000", "0 4 65000000"]  # COUNT: 100, 101
