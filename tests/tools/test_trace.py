"""Tracing: decoded syscalls, log lines, calls by symbol, instruction windows, formats."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys

import pytest

from optee_litebox.abi.syscalls import SCN
from optee_litebox.core.memory import PROT_READ, PROT_WRITE, AddressSpace
from optee_litebox.errors import LiteboxError
from optee_litebox.tools import Toolbox, ToolConfig
from optee_litebox.tools.testing import Litebox, value_inout, value_out
from optee_litebox.tools.trace.decode import decode_syscall, format_call
from optee_litebox.tools.trace.tracer import TraceSpec

BUF = 0x10000


def traced(spec: str, fmt: str = "text") -> tuple[Litebox, io.StringIO, list[dict]]:
    box = Litebox()
    out = io.StringIO()
    tools = Toolbox(ToolConfig(trace=spec, trace_format=fmt))
    assert tools.tracer is not None
    tools.tracer._out = out
    events: list[dict] = []
    tools.tracer.sink = events.append
    tools.attach(box.tee)
    return box, out, events


def test_syscalls_are_decoded_by_name() -> None:
    box, out, events = traced("syscalls")
    s = box.open_session("hello_world")
    assert s.invoke(0, value_inout(41)) == "TEE_SUCCESS"
    box.close()
    text = out.getvalue()
    assert '   log(buf="I/TA: Got value: 41 from the client\\n", len=36) = TEE_SUCCESS' in text
    assert "return(ret=TEE_SUCCESS) = TEE_SUCCESS" in text
    assert ">> invoke_command session=1 cmd=0" in text and "<< TEE_SUCCESS" in text
    names = [e["name"] for e in events if e["ev"] == "syscall"]
    assert names[:2] == ["cryp_random_number_generate", "log"]


def test_property_syscalls_name_the_set_and_result() -> None:
    box, out, _ = traced("syscalls")
    s = box.open_session("syscalls")
    res = s.invoke(1, value_inout(0xFFFFFFFF, 0), b"gpd.ta.appID", bytearray(64), value_out())
    assert res == "TEE_SUCCESS" and res.values[0][0] == 0
    box.close()
    text = out.getvalue()
    assert 'get_property_name_to_index(prop_set=TEE_PROPSET_CURRENT_TA, name="gpd.ta.appID"' in text
    assert "get_property(prop_set=TEE_PROPSET_CURRENT_TA, index=0, name=NULL, name_len=NULL, " \
        "buf=de3edd1185b04343a57d5fbde91c168b, blen=16, prop_type=USER_TA_PROP_TYPE_UUID)" in text


def test_unknown_property_and_bad_results_by_name() -> None:
    box, out, _ = traced("syscalls")
    s = box.open_session("syscalls")
    res = s.invoke(1, value_inout(0xFFFFFFFD, 0), b"no.such.property", bytearray(8), value_out())
    assert res == "TEE_SUCCESS" and res.values[0][0] == 0xFFFF0008
    box.close()
    assert "prop_set=TEE_PROPSET_TEE_IMPLEMENTATION" in out.getvalue()
    assert "= TEE_ERROR_ITEM_NOT_FOUND" in out.getvalue()


def fake_mem() -> AddressSpace:
    mem = AddressSpace()
    mem.map(BUF, 0x1000, PROT_READ | PROT_WRITE, "data")
    return mem


def test_crypto_and_storage_arguments_decode_from_the_abi_tables() -> None:
    mem = fake_mem()
    got = decode_syscall(SCN["cryp_state_alloc"], (0x50000004, 5, 0, 0, BUF), mem)
    assert got["args"]["algo"] == "TEE_ALG_SHA256" and got["args"]["op_mode"] == "TEE_MODE_DIGEST"
    got = decode_syscall(SCN["cryp_obj_alloc"], (0xA0000010, 256, BUF), mem)
    assert got["args"]["type"] == "TEE_TYPE_AES"
    mem.poke(BUF + 0x100, b"my-object")
    got = decode_syscall(SCN["storage_obj_open"], (1, BUF + 0x100, 9, 0x407, BUF), mem)
    assert got["args"]["storage_id"] == "TEE_STORAGE_PRIVATE"
    assert got["args"]["flags"] == ("TEE_DATA_FLAG_ACCESS_READ|TEE_DATA_FLAG_ACCESS_WRITE|"
                                    "TEE_DATA_FLAG_ACCESS_WRITE_META|TEE_DATA_FLAG_OVERWRITE")
    assert got["args"]["object_id"] == b"my-object".hex()
    mem.poke(BUF + 0x200, struct.pack("<QQI4x", 0, 0, 0xC0000000) * 2)
    got = decode_syscall(SCN["cryp_obj_populate"], (3, BUF + 0x200, 2), mem)
    assert got["args"]["attrs"] == ["TEE_ATTR_SECRET_VALUE"] * 2
    got = decode_syscall(SCN["storage_obj_seek"], (3, 0xFFFFFFFC, 2), mem)
    assert got["args"]["offset"] == -4 and got["args"]["whence"] == "TEE_DATA_SEEK_END"


def test_bad_pointers_are_shown_never_raised() -> None:
    got = decode_syscall(SCN["log"], (0xDEAD0000, 12), fake_mem())
    assert got["args"]["buf"] == "0xdead0000"
    got = decode_syscall(SCN["get_time"], (2, 0), fake_mem())
    assert got["args"] == {"cat": "UTEE_TIME_CAT_REE", "time": "0x0"}
    assert format_call("wait", {"timeout": "TEE_TIMEOUT_INFINITE"}) == "wait(timeout=TEE_TIMEOUT_INFINITE)"


def test_log_level_shows_only_log_lines_and_entries() -> None:
    box, out, events = traced("log")
    box.open_session("hello_world").invoke(1, value_inout(5))
    box.close()
    kinds = {e["ev"] for e in events}
    assert kinds == {"enter", "log", "exit"}
    assert "   I/TA: Value is now: 4" in out.getvalue()


def test_calls_level_pairs_entries_and_returns() -> None:
    box, out, events = traced("calls:TA_*")
    box.open_session("hello_world").invoke(0, value_inout(1))
    box.close()
    calls = [(e["ev"], e["fn"]) for e in events if e["ev"] in ("call", "return")]
    assert ("call", "TA_InvokeCommandEntryPoint") in calls
    for fn in ("TA_CreateEntryPoint", "TA_OpenSessionEntryPoint", "TA_InvokeCommandEntryPoint",
               "TA_CloseSessionEntryPoint", "TA_DestroyEntryPoint"):  # the last is tail-called
        assert calls.count(("call", fn)) == calls.count(("return", fn)) == 1, fn
    ret = next(e for e in events if e["ev"] == "return" and e["fn"] == "TA_InvokeCommandEntryPoint")
    assert ret["x0"] == 0  # TEE_SUCCESS
    assert "  -> TA_InvokeCommandEntryPoint(0x0, 0x0, 0x3, 0x" in out.getvalue()


def test_instruction_window_is_bounded() -> None:
    box, out, events = traced("insn:adjust:5", "json")
    box.open_session("hello_world").invoke(0, value_inout(1))
    box.close()
    insns = [e for e in events if e["ev"] == "insn"]
    assert len(insns) == 5
    assert insns[0]["sym"] == "adjust" and insns[1]["sym"] == "adjust+0x4"
    assert [e["pc"] - insns[0]["pc"] for e in insns] == [0, 4, 8, 12, 16]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["ev"] == "enter" and all("ta" in line for line in lines)


def test_spec_parsing() -> None:
    spec = TraceSpec.parse("syscalls,calls:TA_*,insn:0x40000000-0x40000010:3")
    assert spec.log and spec.syscalls and spec.calls == ("TA_*",)
    assert spec.insn == (("0x40000000-0x40000010", 3),)
    assert TraceSpec.parse("all").calls == ("*",)
    for bad in ("", "bogus", "insn", "insn:f:x"):
        with pytest.raises(LiteboxError):
            TraceSpec.parse(bad)


def test_run_trace_json_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    trace = tmp_path / "trace.jsonl"
    res = subprocess.run([sys.executable, "-m", "optee_litebox.cli", "run", "hello_world", "-q",
                          "--param", "value-inout:7,0", "--trace", "syscalls",
                          "--trace-format", "json", "--trace-out", str(trace)],
                         check=False, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    logs = [e["args"]["buf"] for e in events if e.get("name") == "log"]
    assert "I/TA: Got value: 7 from the client\n" in logs
    assert all(e["ta"] == "2a9145a6-ce70-417f-93ab-fd61d7f99112" for e in events)


def test_tools_off_attach_nothing() -> None:
    box = Litebox()
    Toolbox(ToolConfig()).attach(box.tee)
    s = box.open_session("hello_world")
    assert s.session is not None and s.session.instance.engine.tools is None
    box.close()


def test_a_crypto_ta_traces_object_types_by_name() -> None:
    box, out, _ = traced("syscalls")
    s = box.open_session("crypto")
    res = s.invoke(0, (0xA0000010, 256), value_out())  # OBJ_ALLOC: TEE_TYPE_AES, 256 bits
    assert res == "TEE_SUCCESS"
    box.close()
    assert "cryp_obj_alloc(type=TEE_TYPE_AES, max_size=256, obj=" in out.getvalue()
