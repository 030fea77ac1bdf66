"""A deterministic South platform for tests: seeded RNG, a clock that only moves when
asked (or by a fixed step per reading), and a log that records everything.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from .platform import Platform, Storage
from .secure_storage.memory import MemoryStorage

DEFAULT_EPOCH_NS = 1_767_225_600 * 1_000_000_000  # 2026-01-01T00:00:00Z


class SeededRandom:
    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def random_bytes(self, n: int) -> bytes:
        with self._lock:
            return self._rng.randbytes(n)


class FixedClock:
    """Starts at a fixed instant; each reading advances by `step_ns`; sleeps advance it."""

    def __init__(self, start_ns: int = 0, step_ns: int = 0, epoch_ns: int = DEFAULT_EPOCH_NS) -> None:
        self.now_ns = start_ns
        self.step_ns = step_ns
        self.epoch_ns = epoch_ns
        self._lock = threading.Lock()

    def monotonic_ns(self) -> int:
        with self._lock:
            now = self.now_ns
            self.now_ns += self.step_ns
            return now

    def ree_time_ns(self) -> int:
        with self._lock:
            return self.epoch_ns + self.now_ns

    def sleep_ns(self, ns: int) -> None:
        self.advance(ns)

    def advance(self, ns: int) -> None:
        with self._lock:
            self.now_ns += max(ns, 0)


@dataclass
class RecordingLog:
    lines: list[tuple[str, str]] = field(default_factory=list)  # (source, text)
    echo: bool = False

    def ta_log(self, ta: str, text: str) -> None:
        self.lines.append((ta, text))
        if self.echo:
            print(f"[{ta}] {text}", end="" if text.endswith("\n") else "\n")

    def tee_log(self, level: str, text: str) -> None:
        self.lines.append((f"tee:{level}", text))
        if self.echo:
            print(f"[tee {level}] {text}")

    def ta_text(self) -> str:
        return "".join(text for src, text in self.lines if not src.startswith("tee:"))

    def tee_text(self) -> str:
        return "\n".join(text for src, text in self.lines if src.startswith("tee:"))


def deterministic_platform(seed: int = 0, *, step_ns: int = 0, huk: bytes | None = None,
                           storage: Storage | None = None) -> Platform:
    """Seeded RNG, fixed clock, recording log; trusted storage in memory unless given."""
    return Platform(rng=SeededRandom(seed), clock=FixedClock(step_ns=step_ns), log=RecordingLog(),
                    huk=huk if huk is not None else bytes(range(16)),
                    storage=storage if storage is not None else MemoryStorage())
