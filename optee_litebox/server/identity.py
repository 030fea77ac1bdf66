"""Client identities for login methods, computed as the Linux TEE driver computes them.

Upstream (drivers/tee/tee_core.c) forms the client UUID the TA sees in
``gpd.client.identity``: the nil UUID for PUBLIC; a version-5 UUID of ``uid=%x`` (the
caller's effective uid) or ``gid=%x`` (a group the caller is in) in a fixed namespace
for USER and GROUP. Other methods are refused (EINVAL), a group the caller is not in
is EPERM, and the REE-kernel range is reserved for kernel clients (EPERM). libteec turns
EINVAL into TEEC_ERROR_BAD_PARAMETERS and any other errno into TEEC_ERROR_GENERIC,
with origin COMMS. The server takes the caller's ids from SO_PEERCRED.
"""
from __future__ import annotations

import uuid as _uuid
from dataclasses import dataclass

from ..abi.props import TEE_LOGIN_GROUP, TEE_LOGIN_PUBLIC, TEE_LOGIN_USER
from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS,
                           TEE_SUCCESS)
from ..gp_api import ClientIdentity

#: The namespace of client UUIDs (tee_client_uuid_ns in the Linux driver).
CLIENT_UUID_NS = _uuid.UUID("58ac9ca0-2086-4683-a1b8-ec4bc08e01b6")
#: TEE_IOCTL_LOGIN_REE_KERNEL_MIN .. MAX: not allowed from user space.
REE_KERNEL_MIN = 0x80000000
REE_KERNEL_MAX = 0xBFFFFFFF


@dataclass(frozen=True)
class PeerCred:
    """Credentials of the connecting process (SO_PEERCRED: pid, effective uid and gid)."""

    pid: int
    uid: int
    gid: int
    #: Supplementary groups of the process, when known.
    groups: frozenset[int] = frozenset()


def client_identity(login: int, gid: int | None,
                    cred: PeerCred) -> tuple[int, int, ClientIdentity | None]:
    """(TEEC result, origin, identity) for an open-session request."""
    if REE_KERNEL_MIN <= login <= REE_KERNEL_MAX:
        return TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS, None  # EPERM
    if login == TEE_LOGIN_PUBLIC:
        return TEE_SUCCESS, 0, ClientIdentity(TEE_LOGIN_PUBLIC)
    if login == TEE_LOGIN_USER:
        return TEE_SUCCESS, 0, ClientIdentity(login, _uuid.uuid5(CLIENT_UUID_NS, f"uid={cred.uid:x}"))
    if login == TEE_LOGIN_GROUP:
        group = 0 if gid is None else gid
        if group == 0xFFFFFFFF or (group != cred.gid and group not in cred.groups):
            return TEE_ERROR_GENERIC, TEE_ORIGIN_COMMS, None  # EPERM: not a member
        return TEE_SUCCESS, 0, ClientIdentity(login, _uuid.uuid5(CLIENT_UUID_NS, f"gid={group:x}"))
    return TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_COMMS, None  # EINVAL: no UUID for this method


def process_groups(pid: int) -> frozenset[int]:
    """Supplementary groups of a live process (from /proc), or none if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Groups:"):
                    return frozenset(int(g) for g in line.split()[1:] if g.isdigit())
    except OSError:
        pass
    return frozenset()
