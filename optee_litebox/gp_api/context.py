"""The narrow view of the TEE that a syscall handler receives.

A handler sees the calling TA's memory, its identity, the session it runs in, the
South platform and the few TEE-wide services it needs. Never the runtime itself.
"""
from __future__ import annotations

import threading
import uuid as _uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from ..abi.props import TEE_LOGIN_PUBLIC
from ..core.memory import AddressSpace
from ..platform import Platform
from .objects import CrypTables

NIL_UUID = _uuid.UUID(int=0)


@dataclass(frozen=True)
class ClientIdentity:
    """TEE_Identity of the client of a session: login method and client UUID."""

    login: int = TEE_LOGIN_PUBLIC
    uuid: _uuid.UUID = NIL_UUID

    def pack(self) -> bytes:
        """struct TEE_Identity { uint32_t login; TEE_UUID uuid; } as seen by an arm64 TA."""
        return self.login.to_bytes(4, "little") + self.uuid.bytes_le


@dataclass(frozen=True)
class TaIdentity:
    uuid: _uuid.UUID
    flags: int
    name: str = ""  # human label for logs: file name or sample name


@dataclass
class SessionState:
    """Per-session kernel state the syscalls read or change (tee_ta_session)."""

    id: int
    client: ClientIdentity = field(default_factory=ClientIdentity)
    #: TEEC_RequestCancellation arrived (set from another thread).
    cancel: bool = False
    #: Cancellation masked: upstream starts every entry masked.
    cancel_mask: bool = True
    #: Absolute system time (ms) at which the operation times out, or None (infinite).
    cancel_time_ms: int | None = None
    wakeup: threading.Event = field(default_factory=threading.Event, repr=False)

    def is_cancelled(self, now_ms: int | None) -> bool:
        """tee_ta_session_is_cancelled(): masked never, else flag or elapsed timeout."""
        if self.cancel_mask:
            return False
        if self.cancel:
            return True
        if self.cancel_time_ms is None or now_ms is None:
            return False
        return now_ms >= self.cancel_time_ms

    def request_cancel(self) -> None:
        self.cancel = True
        self.wakeup.set()


@dataclass
class TeeServices:
    """State shared by every TA of one TEE (upstream: kernel globals)."""

    #: TA persistent time offsets: uuid -> (offset_ms, positive). Lost on restart, like upstream.
    ta_time: dict[_uuid.UUID, tuple[int, bool]] = field(default_factory=dict)
    #: Extra vendor properties per set (TEE_PROPSET_* -> [(name, type, bytes)]).
    vendor_props: dict[int, list[tuple[str, int, bytes]]] = field(default_factory=dict)
    #: Monotonic clock reading (ns) taken when the TEE started: system time counts from it.
    boot_ns: int = 0
    #: Property values that describe this TEE (gpd.tee.*); defaults mirror OP-TEE 4.10.0.
    tee_config: dict[str, object] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: Trusted storage and its open persistent objects (gp_api.pobj.StorageServices),
    #: created on first use from the platform's storage.
    storage: Any = field(default=None, repr=False)


@dataclass
class SyscallContext:
    mem: AddressSpace
    platform: Platform
    ta: TaIdentity
    services: TeeServices
    #: The session whose entry is running; set by the runtime around every entry call.
    session: SessionState | None = None
    #: Receives decoded TA log text (syscall 1).
    log: Callable[[str], None] | None = None
    #: This instance's object and operation-state handles (syscalls 15-54).
    cryp: CrypTables = field(default_factory=CrypTables, repr=False)
    #: This instance's persistent-object enumerators by handle (syscalls 45-49).
    storage_enums: dict[int, Any] = field(default_factory=dict, repr=False)
    #: The runtime's TA-to-TA client for this instance (syscalls 5-7; ta_client.TaClient).
    ta_client: Any = field(default=None, repr=False)
