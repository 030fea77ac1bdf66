"""Build libteec.so.2 from the shipped C sources, once per source and compiler version."""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LiteboxError

SONAME = "libteec.so.2"
REAL_NAME = "libteec.so.2.0.0"
CFLAGS = ["-O2", "-g", "-fPIC", "-fvisibility=hidden", "-Wall", "-Wextra", "-pthread"]
LDFLAGS = ["-shared", f"-Wl,-soname,{SONAME}", "-Wl,--no-undefined", "-pthread"]


class LibteecBuildError(LiteboxError):
    """The C compiler could not build libteec.so.2 (the message has its output)."""


def source_dir() -> Path:
    """Where the C sources live: src/*.c, src/*.h, include/*.h."""
    return Path(__file__).resolve().parent


def _sources() -> list[Path]:
    base = source_dir()
    return sorted([*base.glob("src/*.c"), *base.glob("src/*.h"), *base.glob("include/*.h")])


def _compiler(cc: str | None) -> list[str]:
    return shlex.split(cc or os.environ.get("CC") or "cc")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "optee-litebox" / "libteec"


def _build_id(cc: list[str], extra: list[str]) -> str:
    h = hashlib.sha256()
    for path in _sources():
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        version = subprocess.run([*cc, "--version"], capture_output=True, check=True).stdout
        machine = subprocess.run([*cc, "-dumpmachine"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise LibteecBuildError(f"no usable C compiler {' '.join(cc)!r}: {exc}") from None
    h.update(version + machine + " ".join(cc + CFLAGS + LDFLAGS + extra).encode())
    return machine.decode().strip() + "-" + h.hexdigest()[:16]


def ensure_built(*, cc: str | None = None, cache: str | os.PathLike[str] | None = None,
                 extra_flags: list[str] | None = None, force: bool = False) -> Path:
    """The directory holding libteec.so.2 (built now if this source was never built)."""
    compiler = _compiler(cc)
    extra = list(extra_flags or [])
    root = Path(cache) if cache is not None else cache_root()
    out = root / _build_id(compiler, extra)
    if (out / SONAME).exists() and not force:
        return out
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        base = source_dir()
        cmd = [*compiler, *CFLAGS, *extra, "-I", str(base / "include"),
               *[str(p) for p in sorted(base.glob("src/*.c"))], *LDFLAGS, "-o", str(tmp / REAL_NAME)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise LibteecBuildError(f"building {SONAME} failed:\n$ {shlex.join(cmd)}\n"
                                    f"{proc.stdout}{proc.stderr}")
        os.symlink(REAL_NAME, tmp / SONAME)
        os.symlink(SONAME, tmp / "libteec.so")
        (tmp / "include").mkdir()
        for header in base.glob("include/*.h"):
            shutil.copy2(header, tmp / "include" / header.name)
        if force and out.exists():
            shutil.rmtree(out)
        try:
            os.rename(tmp, out)
        except OSError:
            if not (out / SONAME).exists():  # not just a concurrent build that won
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
