"""The engine's instrumentation API: native block counts, pauses, steps; off by default."""
from __future__ import annotations

import platform
import shutil
import subprocess
from pathlib import Path

import pytest

from optee_litebox.core import blockcount
from optee_litebox.tools.testing import Litebox, value_inout


@pytest.mark.parametrize("arch,source,code,cc", [
    ("x86_64", blockcount.X86_64_SOURCE, blockcount.X86_64_CODE, "gcc"),
    ("aarch64", blockcount.AARCH64_SOURCE, blockcount.AARCH64_CODE, "aarch64-linux-gnu-gcc"),
])
def test_native_counter_bytes_match_their_assembler_source(tmp_path: Path, arch: str, source: str,
                                                            code: bytes, cc: str) -> None:
    objcopy = cc.replace("gcc", "objcopy") if cc != "gcc" else "objcopy"
    if (cc == "gcc" and platform.machine() != "x86_64") or not shutil.which(cc) or not shutil.which(objcopy):
        pytest.skip(f"no {arch} assembler here")
    (tmp_path / "c.S").write_text(source)
    subprocess.run([cc, "-c", str(tmp_path / "c.S"), "-o", str(tmp_path / "c.o")], check=True)
    subprocess.run([objcopy, "-O", "binary", "-j", ".text", str(tmp_path / "c.o"),
                    str(tmp_path / "c.bin")], check=True)
    assert (tmp_path / "c.bin").read_bytes() == code


def run_hello(box: Litebox, cmd: int = 0) -> None:
    s = box.open_session("hello_world")
    assert s.invoke(cmd, value_inout(1)) == "TEE_SUCCESS"


def test_native_and_python_block_counts_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    def blocks(native: bool) -> list[tuple[int, int, int]]:
        if not native:
            monkeypatch.setattr("optee_litebox.core.instrument.native_callback", lambda: None)
        box = Litebox()
        got: list = []

        def attach(instance) -> None:  # type: ignore[no-untyped-def]
            lo, hi = next((s.vaddr, s.vaddr + s.memsz) for s in instance.image.plan.segments if s.executable)
            counts, is_native = instance.engine.instrument().block_counter(instance.modules[0].base + lo,
                                                                          instance.modules[0].base + hi)
            assert is_native == native
            got.append(counts)
        box.tee.on_instance = attach
        run_hello(box)
        result = sorted(got[0].blocks())
        box.close()
        return result
    if blockcount.native_callback() is None:
        pytest.skip("no native block counter on this host")
    native = blocks(True)
    assert native and native == blocks(False)
    assert (0, native[0][1], 1) == native[0]  # adjust() at offset 0 ran once


def test_code_hook_pauses_before_the_instruction_and_resumes() -> None:
    box = Litebox()
    seen: list[tuple[str, int]] = []

    class Listener:
        def __init__(self, ins) -> None:  # type: ignore[no-untyped-def]
            self.ins = ins

        def on_pause(self, reason: str) -> None:
            seen.append((reason, self.ins.read("pc")))
            if reason == "breakpoint":
                self.ins.write("x2", 3)  # adjust(..., delta) gets 3 instead of 1
                self.ins.step()

    def attach(instance) -> None:  # type: ignore[no-untyped-def]
        ins = instance.engine.instrument()
        target = instance.modules[0].base  # adjust()
        ins.add_listener(Listener(ins))
        ins.code_hook(target, target, lambda a, s: ins.pause("breakpoint") if not seen else None)
    box.tee.on_instance = attach
    s = box.open_session("hello_world")
    res = s.invoke(0, value_inout(10))
    assert res.values[0] == (13, 0)
    base = s.session.instance.modules[0].base  # type: ignore[union-attr]
    assert seen == [("breakpoint", base), ("step", base + 4)]
    box.close()


def test_no_tools_no_instrument() -> None:
    box = Litebox()
    s = box.open_session("hello_world")
    assert s.session is not None and s.session.instance.engine.tools is None
    box.close()
