"""The listening socket: owner-only, never stealing a live server's path."""
from __future__ import annotations

import errno
import os
import socket
import stat

from ..errors import LiteboxError


def bind_socket(path: str) -> socket.socket:
    """Listen on path (mode 0600). A stale socket is replaced; a live one is an error.

    The directory is created (0700) when missing; an existing directory must belong to
    this user and not be writable by others, so nobody else can swap the socket.
    """
    directory = os.path.dirname(os.path.abspath(path))
    _ensure_private_dir(directory)
    if os.path.lexists(path):
        st = os.lstat(path)
        if not stat.S_ISSOCK(st.st_mode):
            raise LiteboxError(f"{path} exists and is not a socket")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
        except OSError:
            os.unlink(path)  # nobody listens: a stale socket from a server that died
        else:
            raise LiteboxError(f"another server is already listening on {path}")
        finally:
            probe.close()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.ENAMETOOLONG or "too long" in str(exc):
            raise LiteboxError(f"socket path too long: {path}") from None
        raise LiteboxError(f"cannot listen on {path}: {exc.strerror or exc}") from None
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _ensure_private_dir(directory: str) -> None:
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        st = os.stat(directory)
    except OSError as exc:
        raise LiteboxError(f"cannot create the socket directory {directory}: {exc.strerror}") from None
    if st.st_uid != os.getuid() and not (st.st_mode & stat.S_ISVTX):
        raise LiteboxError(f"socket directory {directory} belongs to another user")
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        raise LiteboxError(f"socket directory {directory} is writable by others")


def remove_socket(path: str) -> None:
    try:
        if stat.S_ISSOCK(os.lstat(path).st_mode):
            os.unlink(path)
    except OSError:
        pass
