"""Randomness, clocks, log output and the device key on a Linux host."""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from ..platform import Platform
from .plugins import PluginHost
from .sockets import HostSockets
from .state import default_state_dir, load_or_create_huk
from .storage import FileStorage

#: Trusted storage lives in this subdirectory of the state directory.
STORAGE_SUBDIR = "storage"


class SystemRandom:
    def random_bytes(self, n: int) -> bytes:
        return os.urandom(n)  # getrandom(2)


class LinuxClock:
    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def ree_time_ns(self) -> int:
        return time.time_ns()

    def sleep_ns(self, ns: int) -> None:
        time.sleep(max(ns, 0) / 1e9)


class StderrLog:
    """TA log lines go to stderr tagged with the TA's UUID; TEE messages likewise."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self._lock = threading.Lock()
        self._partial: dict[str, str] = {}

    def ta_log(self, ta: str, text: str) -> None:
        if self.quiet:
            return
        with self._lock:
            buf = self._partial.pop(ta, "") + text
            *lines, rest = buf.split("\n")
            for line in lines:
                self.stream.write(f"[{ta}] {line}\n")
            if rest:
                self._partial[ta] = rest
            self.stream.flush()

    def tee_log(self, level: str, text: str) -> None:
        if self.quiet and level not in ("E", "error"):
            return
        with self._lock:
            for line in text.rstrip("\n").split("\n"):
                self.stream.write(f"[tee] {level}: {line}\n")
            self.stream.flush()


def linux_platform(state_dir: str | os.PathLike[str] | None = None, *, quiet: bool = False,
                   stream: TextIO | None = None,
                   plugin_dir: str | os.PathLike[str] | None = None) -> Platform:
    """The Linux platform; the device key and trusted storage live in state_dir (created on
    first use). Supplicant plugins are loaded (and initialized) from plugin_dir now."""
    directory = Path(state_dir) if state_dir is not None else default_state_dir()
    log = StderrLog(stream, quiet=quiet)
    return Platform(rng=SystemRandom(), clock=LinuxClock(), log=log,
                    huk=load_or_create_huk(directory),
                    storage=FileStorage(directory / STORAGE_SUBDIR),
                    sockets=HostSockets(),
                    plugins=PluginHost(plugin_dir, log) if plugin_dir is not None else None)
