"""The South contract: what the host gives the library OS.

Small Protocols passed in as arguments, never globals. Every method here is attack
surface between a TA and the host, so the interface stays narrow. Implementations:
``optee_litebox.south_linux`` (real host) and ``optee_litebox.deterministic`` (tests).
The client transport is added by a later component as its own Protocol. ``Sockets`` and
``Plugins`` are what tee-supplicant serves over RPC upstream (the socket pseudo-TA and
supplicant plugins).
"""
from __future__ import annotations

import uuid as _uuid
from dataclasses import dataclass
from typing import ContextManager, Mapping, Protocol, runtime_checkable


@runtime_checkable
class Randomness(Protocol):
    def random_bytes(self, n: int) -> bytes:
        """Return n bytes from a cryptographically secure source."""


@runtime_checkable
class Clock(Protocol):
    def monotonic_ns(self) -> int:
        """Nanoseconds since an arbitrary start (TEE system time source)."""

    def ree_time_ns(self) -> int:
        """Wall-clock nanoseconds since the Unix epoch (REE time)."""

    def sleep_ns(self, ns: int) -> None:
        """Block for ns nanoseconds (used by TEE_Wait)."""


@runtime_checkable
class LogSink(Protocol):
    def ta_log(self, ta: str, text: str) -> None:
        """One chunk of TA log output (syscall 1), already decoded; ta names its UUID."""

    def tee_log(self, level: str, text: str) -> None:
        """A message from the TEE itself (panics, abort reports, loader notes)."""


@runtime_checkable
class Storage(Protocol):
    """Opaque files for trusted storage (``optee_litebox.secure_storage`` encrypts them).

    Names are ``directory/file`` (one level; ASCII letters, digits, ``.``, ``-``, ``_``).
    Failures raise OSError; ``errno.ENOSPC``/``EDQUOT`` mean the medium is full.
    """

    def read(self, name: str, offset: int = 0, size: int | None = None) -> bytes | None:
        """Bytes from offset (at most size, all to the end if None); None if no such file."""

    def replace(self, files: Mapping[str, bytes]) -> None:
        """Create or replace each file atomically (after a crash it has its old or its new
        contents, never a mix) and make all of them durable before returning."""

    def write_at(self, name: str, offset: int, data: bytes) -> None:
        """Write data into an existing file at offset (extending it) and make it durable
        before returning; a crash during the call may leave any mix in that range."""

    def remove(self, names: list[str]) -> None:
        """Delete files (missing ones are fine); not necessarily durable on return."""

    def listdir(self, directory: str) -> list[str]:
        """File names in directory (none if it does not exist); "" lists the directories."""

    def lock(self, directory: str, exclusive: bool) -> ContextManager[None]:
        """Hold a lock on directory against other threads and processes (not reentrant)."""


@runtime_checkable
class Sockets(Protocol):
    """Client sockets in the normal world (tee-supplicant's OPTEE_RPC_CMD_SOCKET service).

    Every call answers a TEE_Result as tee-supplicant does (TEE_ISOCKET_* codes for
    timeouts and name lookups). Sockets belong to a TA instance (``instance``).
    """

    def open(self, instance: int, ip_version: int, server: bytes, port: int,
             protocol: int) -> tuple[int, int]:
        """Connect; server is the host name with its NUL. Returns (result, handle)."""

    def close(self, instance: int, handle: int) -> int: ...

    def close_all(self, instance: int) -> int: ...

    def send(self, instance: int, handle: int, data: bytes, timeout_ms: int) -> tuple[int, int]:
        """Returns (result, bytes sent)."""

    def recv(self, instance: int, handle: int, size: int, timeout_ms: int) -> tuple[int, bytes, int]:
        """Returns (result, bytes received, length to report: more than len(bytes) when a
        datagram was cut, or what is queued when size is 0)."""

    def ioctl(self, instance: int, handle: int, command: int, data: bytes) -> tuple[int, bytes]:
        """Returns (result, the buffer as the command left it)."""


@runtime_checkable
class Plugins(Protocol):
    """tee-supplicant plugins: normal-world code a TA reaches through the system PTA."""

    def invoke(self, uuid: _uuid.UUID, cmd: int, sub_cmd: int,
               data: bytearray) -> tuple[int, int]:
        """Call the plugin named by uuid on data (changed in place); returns (TEEC_Result,
        output length). No plugin with that UUID: TEEC_ERROR_ITEM_NOT_FOUND."""


@dataclass
class Platform:
    """The bundle of South services a TEE instance is built on."""

    rng: Randomness
    clock: Clock
    log: LogSink
    #: The device's hardware-unique key (16 bytes): every device-bound key derives from it.
    huk: bytes = bytes(16)
    #: Where trusted storage keeps its (encrypted) files; None: no storage available.
    storage: Storage | None = None
    #: The normal world's client sockets (socket PTA); None: no socket service.
    sockets: Sockets | None = None
    #: Supplicant plugins (system PTA); None: no plugin is loaded.
    plugins: Plugins | None = None
