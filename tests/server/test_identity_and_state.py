"""Login identities (as the Linux TEE driver forms them) and TEE-wide state shared by
every worker process."""
from __future__ import annotations

import os
import uuid

from optee_litebox.abi.results import TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS
from optee_litebox.gp_api import ClientIdentity
from optee_litebox.server.identity import PeerCred, client_identity, process_groups
from optee_litebox.server.shared_state import SharedTaTime

NS = uuid.UUID("58ac9ca0-2086-4683-a1b8-ec4bc08e01b6")
CRED = PeerCred(pid=1, uid=0x3E8, gid=0x64, groups=frozenset({27, 100}))


def test_public_user_and_group_identities() -> None:
    assert client_identity(0, None, CRED) == (0, 0, ClientIdentity(0, uuid.UUID(int=0)))
    # uuid5 of "uid=3e8" (lowercase hex, no padding) in the driver's namespace
    res, _, ident = client_identity(1, None, CRED)
    assert res == 0 and ident == ClientIdentity(1, uuid.uuid5(NS, "uid=3e8"))
    assert str(ident.uuid) == str(uuid.uuid5(NS, "uid=3e8"))
    assert client_identity(2, 27, CRED)[2] == ClientIdentity(2, uuid.uuid5(NS, "gid=1b"))
    assert client_identity(2, 100, CRED)[2] == ClientIdentity(2, uuid.uuid5(NS, "gid=64"))


def test_refused_logins_give_the_results_libteec_maps_from_errno() -> None:
    assert client_identity(2, 5, CRED) == (TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS, None)  # EPERM
    for method in (4, 5, 6, 3, 0x7FFFFFFF):                                             # EINVAL
        assert client_identity(method, None, CRED) == (TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS, None)
    for method in (0x80000000, 0xBFFFFFFF):                    # reserved for kernel clients
        assert client_identity(method, None, CRED)[:2] == (TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS)


def test_process_groups_reads_proc() -> None:
    assert process_groups(os.getpid()) == frozenset(os.getgroups())
    assert process_groups(2**22 + 12345) == frozenset()


def test_ta_persistent_time_is_shared_across_forked_processes() -> None:
    times = SharedTaTime(slots=4)
    a, b = uuid.uuid4(), uuid.uuid4()
    times[a] = (1000, True)
    pid = os.fork()
    if pid == 0:  # a worker: sees the parent's value and sets its own
        ok = times.get(a) == (1000, True) and times.get(b) is None
        times[b] = (5, False)
        times[a] = (2000, False)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert times[b] == (5, False) and times[a] == (2000, False)
    assert set(times) == {a, b} and len(times) == 2
    del times[a]
    assert a not in times
    extra = [uuid.uuid4() for _ in range(5)]
    for i, u in enumerate(extra):  # more TAs than slots: the rest stay process-local
        times[u] = (i, True)
    assert [times[u] for u in extra] == [(i, True) for i in range(5)]
