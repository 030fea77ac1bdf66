"""Where the server's socket lives (the C library computes the same path)."""
from __future__ import annotations

import os
from collections.abc import Mapping

#: Environment variable that points clients (and `host` children) at a socket.
SOCKET_ENV = "OPTEE_LITEBOX_SOCKET"
SOCKET_NAME = "optee-litebox.sock"


def default_socket_path(env: Mapping[str, str] | None = None, uid: int | None = None) -> str:
    """$XDG_RUNTIME_DIR/optee-litebox.sock, else <tmp>/optee-litebox-<uid>/optee-litebox.sock."""
    env = os.environ if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, SOCKET_NAME)
    uid = os.getuid() if uid is None else uid
    return os.path.join(fallback_dir(uid, env), SOCKET_NAME)


def fallback_dir(uid: int, env: Mapping[str, str] | None = None) -> str:
    """The per-user directory in the temp dir used without XDG_RUNTIME_DIR."""
    env = os.environ if env is None else env
    tmp = env.get("TMPDIR") or "/tmp"
    return os.path.join(tmp, f"optee-litebox-{uid}")


def client_socket_path(env: Mapping[str, str] | None = None) -> str:
    """The socket a client connects to: $OPTEE_LITEBOX_SOCKET, else the default."""
    env = os.environ if env is None else env
    return env.get(SOCKET_ENV) or default_socket_path(env)
