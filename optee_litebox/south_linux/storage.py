"""South storage on a Linux filesystem: the state directory's ``storage/`` tree.

``replace`` writes a temporary file in the target directory, fsyncs it, renames it over
the target and fsyncs the directory: after a crash a file has its old or its new
contents, and a completed replace survives power loss. ``write_at`` is pwrite(2) and
fdatasync(2). Locks are ``flock(2)`` locks on
``.<directory>.lock`` files next to the directories; each thread (and each process,
after a fork) has its own descriptor per lock file, so they exclude threads as well as
processes, and the kernel releases them when a process dies. Locks do not nest: a
thread must not lock a directory it has locked already.
"""
from __future__ import annotations

import fcntl
import itertools
import os
import re
import threading
from contextlib import contextmanager
from typing import Iterator, Mapping

_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")
_TMP_PREFIX = "tmp."


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, offset)
        view = view[done:]
        offset += done


class FileStorage:
    """Files under root, two levels deep: ``root/<directory>/<file>``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.fspath(root)
        self._tmp_ids = itertools.count()
        self._known_dirs: set[str] = set()
        self._local = threading.local()
        self._guard = threading.Lock()

    def _path(self, name: str) -> tuple[str, str]:
        """(directory path, file path) of a checked name."""
        directory, sep, file = name.partition("/")
        if not sep or not _NAME.fullmatch(directory) or not _NAME.fullmatch(file):
            raise ValueError(f"bad storage name {name!r}")
        dpath = os.path.join(self.root, directory)
        return dpath, os.path.join(dpath, file)

    def _ensure_dir(self, path: str) -> None:
        """Create a directory (and the root) durably."""
        if path in self._known_dirs:
            return
        for p in (self.root, path):
            if not os.path.isdir(p):
                os.makedirs(p, mode=0o700, exist_ok=True)
                _fsync_dir(os.path.dirname(p))
        self._known_dirs.add(path)

    def read(self, name: str, offset: int = 0, size: int | None = None) -> bytes | None:
        _, path = self._path(name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            if size is None:
                size = max(os.fstat(fd).st_size - offset, 0)
            chunks = []
            while size > 0:
                data = os.pread(fd, size, offset)
                if not data:
                    break
                chunks.append(data)
                offset += len(data)
                size -= len(data)
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        finally:
            os.close(fd)

    def replace(self, files: Mapping[str, bytes]) -> None:
        staged: list[tuple[str, str]] = []
        dirs: set[str] = set()
        try:
            for name, data in files.items():
                dpath, path = self._path(name)
                self._ensure_dir(dpath)
                with self._guard:
                    n = next(self._tmp_ids)
                tmp = os.path.join(dpath, f"{_TMP_PREFIX}{os.getpid()}.{n}")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC,
                             0o600)
                staged.append((tmp, path))
                try:
                    _write_all(fd, data, 0)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                dirs.add(dpath)
            for tmp, final in staged:
                os.rename(tmp, final)
            staged.clear()
            for dpath in dirs:
                _fsync_dir(dpath)
        finally:
            for tmp, _ in staged:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def write_at(self, name: str, offset: int, data: bytes) -> None:
        _, path = self._path(name)
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            _write_all(fd, data, offset)
            os.fdatasync(fd)
        finally:
            os.close(fd)

    def remove(self, names: list[str]) -> None:
        for name in names:
            try:
                os.unlink(self._path(name)[1])
            except FileNotFoundError:
                pass

    def listdir(self, directory: str) -> list[str]:
        if directory != "" and not _NAME.fullmatch(directory):
            raise ValueError(f"bad storage directory {directory!r}")
        path = os.path.join(self.root, directory) if directory else self.root
        try:
            entries = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            return []
        want_dirs = directory == ""
        return sorted(e.name for e in entries
                      if not e.name.startswith(".") and e.is_dir(follow_symlinks=False) == want_dirs)

    def _lock_fd(self, directory: str) -> int:
        """This thread's descriptor of the directory's lock file (reopened after fork)."""
        fds: dict[str, int] | None = getattr(self._local, "fds", None)
        if fds is None or self._local.pid != os.getpid():
            fds = self._local.fds = {}
            self._local.pid = os.getpid()
        fd = fds.get(directory)
        if fd is None:
            if not _NAME.fullmatch(directory):
                raise ValueError(f"bad storage directory {directory!r}")
            self._ensure_dir(self.root)
            fd = os.open(os.path.join(self.root, f".{directory}.lock"),
                         os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            fds[directory] = fd
        return fd

    @contextmanager
    def lock(self, directory: str, exclusive: bool) -> Iterator[None]:
        fd = self._lock_fd(directory)
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
