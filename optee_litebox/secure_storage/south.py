"""Calls into the South storage with its OSErrors turned into storage errors."""
from __future__ import annotations

import errno
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from ..platform import Storage
from .errors import NoSpace, StorageUnavailable

T = TypeVar("T")
_FULL = (errno.ENOSPC, errno.EDQUOT)


def _translate(exc: OSError) -> Exception:
    if exc.errno in _FULL:
        return NoSpace(f"storage full: {exc}")
    return StorageUnavailable(f"storage failed: {exc}")


def south_call(fn: Callable[..., T], *args: object) -> T:
    """fn(*args), with OSError raised as NoSpace or StorageUnavailable."""
    try:
        return fn(*args)
    except OSError as exc:
        raise _translate(exc) from exc


@contextmanager
def locked(storage: Storage, directory: str, exclusive: bool) -> Iterator[None]:
    """storage.lock() with its OSErrors translated the same way."""
    try:
        cm = storage.lock(directory, exclusive)
        cm.__enter__()
    except OSError as exc:
        raise _translate(exc) from exc
    try:
        yield
    finally:
        cm.__exit__(None, None, None)
