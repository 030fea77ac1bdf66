"""Our libteec.so.2: built from its shipped source, the OP-TEE client 4.x ABI on x86-64 and
aarch64 (checked against the numbers in optee-abi.md), the exported symbols, and the
aarch64 build working against the server under qemu-aarch64."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from optee_litebox.libteec import LibteecBuildError, ensure_built

from .conftest import C_CLIENTS, ServerProc, build_c

#: OP-TEE client 4.x, identical on x86-64 and aarch64 (optee-abi.md).
ABI = {
    "sizeof(TEEC_Context)": 8, "TEEC_Context.imp.fd": 0, "TEEC_Context.imp.reg_mem": 4,
    "TEEC_Context.imp.memref_null": 5,
    "sizeof(TEEC_UUID)": 16, "TEEC_UUID.timeMid": 4, "TEEC_UUID.timeHiAndVersion": 6,
    "TEEC_UUID.clockSeqAndNode": 8,
    "sizeof(TEEC_SharedMemory)": 56, "TEEC_SharedMemory.buffer": 0, "TEEC_SharedMemory.size": 8,
    "TEEC_SharedMemory.flags": 16, "TEEC_SharedMemory.imp.id": 24,
    "TEEC_SharedMemory.imp.alloced_size": 32, "TEEC_SharedMemory.imp.shadow_buffer": 40,
    "TEEC_SharedMemory.imp.registered_fd": 48, "TEEC_SharedMemory.imp.flags": 52,
    "sizeof(TEEC_TempMemoryReference)": 16, "TEEC_TempMemoryReference.size": 8,
    "sizeof(TEEC_RegisteredMemoryReference)": 24, "TEEC_RegisteredMemoryReference.parent": 0,
    "TEEC_RegisteredMemoryReference.size": 8, "TEEC_RegisteredMemoryReference.offset": 16,
    "sizeof(TEEC_Value)": 8, "TEEC_Value.b": 4, "sizeof(TEEC_Parameter)": 24,
    "sizeof(TEEC_Session)": 16, "TEEC_Session.imp.ctx": 0, "TEEC_Session.imp.session_id": 8,
    "sizeof(TEEC_Operation)": 112, "TEEC_Operation.started": 0, "TEEC_Operation.paramTypes": 4,
    "TEEC_Operation.params": 8, "TEEC_Operation.imp.session": 104,
}
EXPORTS = {"TEEC_InitializeContext", "TEEC_FinalizeContext", "TEEC_OpenSession",
           "TEEC_CloseSession", "TEEC_InvokeCommand", "TEEC_RegisterSharedMemory",
           "TEEC_RegisterSharedMemoryFileDescriptor", "TEEC_AllocateSharedMemory",
           "TEEC_ReleaseSharedMemory", "TEEC_RequestCancellation", "_dprintf", "dump_buffer"}
QEMU_ENV = {"QEMU_LD_PREFIX": "/usr/aarch64-linux-gnu"}


def layout(output: str) -> dict[str, int]:
    out = {}
    for line in output.splitlines():
        key, value = line.split("=")
        out[key] = int(value, 0)
    return out


def test_soname_and_exactly_the_teec_exports(libteec_dir: Path) -> None:
    lib = libteec_dir / "libteec.so.2"
    dyn = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True, check=True).stdout
    assert "Library soname: [libteec.so.2]" in dyn
    syms = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True, text=True,
                          check=True).stdout
    exported = {line.split()[-1] for line in syms.splitlines() if " T " in line}
    assert exported == EXPORTS
    assert (libteec_dir / "libteec.so").resolve() == lib.resolve()
    assert (libteec_dir / "include" / "tee_client_api.h").is_file()


def test_abi_layout_on_x86_64(tmp_path: Path, libteec_dir: Path) -> None:
    exe = tmp_path / "abi_layout"
    subprocess.run(["cc", "-I", str(libteec_dir / "include"), str(C_CLIENTS / "abi_layout.c"),
                    "-o", str(exe)], check=True)
    got = layout(subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout)
    assert got.pop("TEEC_PARAM_TYPES(1,5,0xC,0xF)") == 0xFC51
    assert got == ABI


@pytest.fixture(scope="module")
def aarch64_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our library and clients cross-compiled for aarch64."""
    if not shutil.which("aarch64-linux-gnu-gcc") or not shutil.which("qemu-aarch64"):
        pytest.fail("needs aarch64-linux-gnu-gcc and qemu-aarch64 (.ci/run installs them)")
    lib = ensure_built(cc="aarch64-linux-gnu-gcc", extra_flags=["-Werror"],
                       cache=tmp_path_factory.mktemp("a64-cache"))
    out = tmp_path_factory.mktemp("a64")
    subprocess.run(["aarch64-linux-gnu-gcc", "-I", str(lib / "include"),
                    str(C_CLIENTS / "abi_layout.c"), "-o", str(out / "abi_layout")], check=True)
    build_c(out / "teec_check", [C_CLIENTS / "teec_check.c", C_CLIENTS / "teec_check_more.c"], lib,
            cc="aarch64-linux-gnu-gcc")
    return out


def test_abi_layout_on_aarch64(aarch64_build: Path) -> None:
    run = subprocess.run(["qemu-aarch64", str(aarch64_build / "abi_layout")], capture_output=True,
                         text=True, check=True, env={**os.environ, **QEMU_ENV})
    got = layout(run.stdout)
    got.pop("TEEC_PARAM_TYPES(1,5,0xC,0xF)")
    assert got == ABI


@pytest.mark.parametrize("scenario", ["values", "shm", "errors"])
def test_aarch64_client_and_library_against_the_server(aarch64_build: Path, server: ServerProc,
                                                       scenario: str) -> None:
    run = subprocess.run(["qemu-aarch64", str(aarch64_build / "teec_check"), scenario],
                         capture_output=True, text=True, timeout=120,
                         env={**server.env, **QEMU_ENV})
    assert run.returncode == 0, run.stderr
    assert "failures=0" in run.stdout


def test_builds_once_per_source_and_compiler(tmp_path: Path) -> None:
    first = ensure_built(cache=tmp_path)
    stamp = (first / "libteec.so.2.0.0").stat().st_mtime_ns
    assert ensure_built(cache=tmp_path) == first
    assert (first / "libteec.so.2.0.0").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no leftovers


def test_a_failing_compiler_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LibteecBuildError, match="no usable C compiler"):
        ensure_built(cc="/nonexistent/cc", cache=tmp_path)
    with pytest.raises(LibteecBuildError, match="building libteec.so.2 failed"):
        ensure_built(cache=tmp_path, extra_flags=["-DNOT_A_FLAG", "-fno-such-option"])
