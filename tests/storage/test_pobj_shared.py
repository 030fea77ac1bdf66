"""Open persistent objects are TEE-wide even when instances run in separate processes
(the server's workers): ACCESS_CONFLICT between processes, references of dead processes
dropped."""
from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

from optee_litebox.abi.results import (
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_BAD_STATE,
    TEE_SUCCESS,
)
from optee_litebox.client import Context, Operation, TempMemref, Value
from optee_litebox.gp_api.pobj import PobjUsage
from optee_litebox.gp_api.pobj_shared import SharedPobjTable
from optee_litebox.samples import sample

from ..server.conftest import start_server
from .conftest import READ, RW, SHARE_READ, TA_A, new_secure


def test_conflicts_and_dead_holders_across_processes() -> None:
    _, secure = new_secure()
    store = secure.store(TA_A)
    table = SharedPobjTable(slots=8)
    holder: list[object] = []

    def open_exclusive() -> int:
        res, po = table.get(store, b"obj", RW, PobjUsage.OPEN)
        holder.append(po)
        return res

    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child: hold the object until told otherwise
        os.close(rfd)
        os.write(wfd, b"%d" % open_exclusive())
        os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    os.close(wfd)
    assert os.read(rfd, 16) == b"0"
    os.waitpid(pid, os.WSTOPPED)
    assert table.get(store, b"obj", READ, PobjUsage.OPEN) == (TEE_ERROR_ACCESS_CONFLICT, None)
    res, po = table.get(store, b"other", READ | SHARE_READ, PobjUsage.OPEN)
    assert res == TEE_SUCCESS and po is not None
    os.kill(pid, signal.SIGKILL)  # dies holding "obj"
    os.waitpid(pid, 0)
    res, po2 = table.get(store, b"obj", READ, PobjUsage.OPEN)
    assert res == TEE_SUCCESS and po2 is not None
    # and in this process the usual rules: a second reference needs compatible flags
    assert table.get(store, b"other", READ | SHARE_READ, PobjUsage.OPEN)[0] == TEE_SUCCESS
    assert table.get(store, b"other", READ, PobjUsage.OPEN)[0] == TEE_ERROR_ACCESS_CONFLICT


def test_rename_needs_the_only_reference_anywhere() -> None:
    _, secure = new_secure()
    store = secure.store(TA_A)
    table = SharedPobjTable(slots=8)
    res, po = table.get(store, b"a", RW, PobjUsage.OPEN)
    assert res == TEE_SUCCESS and po is not None
    res, enum_ref = table.get(store, b"a", 0, PobjUsage.ENUM)  # as syscall 49 holds it briefly
    res, target = table.get(store, b"b", 0x4, PobjUsage.RENAME)
    assert target is not None
    assert table.rename(po, b"b") == TEE_ERROR_BAD_STATE
    assert enum_ref is not None
    table.release(enum_ref)
    assert table.rename(po, b"b") == TEE_SUCCESS
    table.release(target)
    assert table.get(store, b"b", READ, PobjUsage.OPEN)[0] == TEE_ERROR_ACCESS_CONFLICT
    assert table.get(store, b"a", RW, PobjUsage.OPEN)[0] == TEE_SUCCESS  # the old ID is free
    table.release(po)
    assert table.get(store, b"b", READ, PobjUsage.OPEN)[0] == TEE_SUCCESS


def invoke(session, cmd: int, *params):  # type: ignore[no-untyped-def]
    op = Operation(*params)
    session.invoke(cmd, op)
    return op.params[3].a


def test_instances_in_separate_workers_see_each_others_open_objects() -> None:
    srv = start_server(Path(tempfile.mkdtemp(prefix="litebox-pobj-")) / "srv")
    uuid = str(sample("storage").uuid)
    try:
        with Context(socket_path=srv.socket) as ctx:
            one, two = ctx.open_session(uuid), ctx.open_session(uuid)  # two instances
            oid = TempMemref.input(b"x")
            assert invoke(one, 0, oid, Value.input(RW, 1), TempMemref.input(b"d"),
                          Value.inout(0, 1)) == TEE_SUCCESS
            assert invoke(one, 1, oid, Value.input(RW, 1), None, Value.output()) == TEE_SUCCESS
            assert invoke(two, 1, oid, Value.input(READ, 1), None, Value.output()) == \
                TEE_ERROR_ACCESS_CONFLICT
            one.close()  # its instance ends, its worker releases the object
            assert invoke(two, 1, oid, Value.input(READ, 1), None, Value.output()) == TEE_SUCCESS
    finally:
        srv.stop()
