"""The South contract: what the host gives the library OS.

Small Protocols passed in as arguments, never globals. Every method here is attack
surface between a TA and the host, so the interface stays narrow. Implementations:
``optee_litebox.south_linux`` (real host) and ``optee_litebox.deterministic`` (tests).
The client transport is added by a later component as its own Protocol.
"""
from __future__ import annotations

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
