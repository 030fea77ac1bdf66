"""The South contract: what the host gives the library OS.

Small Protocols passed in as arguments, never globals. Every method here is attack
surface between a TA and the host, so the interface stays narrow. Implementations:
``optee_litebox.south_linux`` (real host) and ``optee_litebox.deterministic`` (tests).
Storage and the client transport are added by later components as their own Protocols.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


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


@dataclass
class Platform:
    """The bundle of South services a TEE instance is built on."""

    rng: Randomness
    clock: Clock
    log: LogSink
    #: The device's hardware-unique key (16 bytes): every device-bound key derives from it.
    huk: bytes = bytes(16)
