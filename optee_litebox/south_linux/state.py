"""The state directory: where the device keeps its hardware-unique key (and later storage)."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import LiteboxError

HUK_FILE = "huk.bin"
HUK_SIZE = 16


def default_state_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "optee-litebox"


def load_or_create_huk(state_dir: Path) -> bytes:
    """Read the device key, creating it atomically (0600) on first use."""
    path = state_dir / HUK_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        raise LiteboxError(f"cannot read the device key {path}: {exc}") from exc
    if len(data) == HUK_SIZE:
        return data
    if data:
        raise LiteboxError(f"device key {path} is {len(data)} bytes, expected {HUK_SIZE}")
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = state_dir / f".{HUK_FILE}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, os.urandom(HUK_SIZE))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # fails if another process won the race: use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        dfd = os.open(state_dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
        return path.read_bytes()
    except OSError as exc:
        raise LiteboxError(f"cannot create the device key in {state_dir}: {exc}") from exc
