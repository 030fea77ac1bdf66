"""Coverage data: which blocks of which module ran, how often; saved per process, merged.

A module is keyed by its GNU build ID (or its name when it has none), so data from
several processes, instances and sessions of the same TA add up. Block offsets are from
the module's load base, so they do not depend on where it was loaded.

Each process writes its part as JSON into ``<FILE>.parts/``; the process that owns the
report merges every part into the lcov and drcov files and removes the parts. Processes
that do not own the report also count into live files there while they run (``live.py``),
so the counts of one that was killed are merged too; a JSON part names the live files it
replaces.
"""
from __future__ import annotations

import json
import os
import socket
import uuid as _uuid
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "optee-litebox-coverage/1"


@dataclass
class ModuleCoverage:
    name: str
    uuid: str
    build_id: str | None
    size: int
    debug_path: str | None = None
    path: str | None = None
    #: offset from the load base -> [block size in bytes, times run]
    blocks: dict[int, list[int]] = field(default_factory=dict)

    def add(self, offset: int, size: int, count: int) -> None:
        slot = self.blocks.get(offset)
        if slot is None:
            self.blocks[offset] = [size, count]
        else:
            slot[0] = max(slot[0], size)
            slot[1] += count

    def instruction_counts(self) -> dict[int, int]:
        """offset of each instruction that ran -> times run (blocks may overlap)."""
        counts: dict[int, int] = {}
        for offset, (size, count) in self.blocks.items():
            for insn in range(offset, offset + max(size, 4), 4):
                counts[insn] = counts.get(insn, 0) + count
        return counts


@dataclass
class CoverageData:
    modules: dict[str, ModuleCoverage] = field(default_factory=dict)

    def module(self, key: str, **info: object) -> ModuleCoverage:
        mod = self.modules.get(key)
        if mod is None:
            mod = self.modules[key] = ModuleCoverage(**info)  # type: ignore[arg-type]
        return mod

    def merge(self, other: CoverageData) -> None:
        for key, mod in other.modules.items():
            mine = self.module(key, name=mod.name, uuid=mod.uuid, build_id=mod.build_id,
                               size=mod.size, debug_path=mod.debug_path, path=mod.path)
            mine.debug_path = mine.debug_path or mod.debug_path
            for offset, (size, count) in mod.blocks.items():
                mine.add(offset, size, count)

    def to_json(self, supersedes: list[str] | None = None) -> dict[str, object]:
        return {"format": FORMAT, "supersedes": list(supersedes or ()), "modules": {
            key: {"name": m.name, "uuid": m.uuid, "build_id": m.build_id, "size": m.size,
                  "debug_path": m.debug_path, "path": m.path,
                  "blocks": [[off, size, count] for off, (size, count) in sorted(m.blocks.items())]}
            for key, m in self.modules.items()}}

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> CoverageData:
        if raw.get("format") != FORMAT:
            raise ValueError(f"not {FORMAT} data")
        data = cls()
        modules = raw.get("modules")
        assert isinstance(modules, dict)
        for key, m in modules.items():
            mod = data.module(key, name=m["name"], uuid=m["uuid"], build_id=m["build_id"],
                              size=int(m["size"]), debug_path=m.get("debug_path"), path=m.get("path"))
            for off, size, count in m["blocks"]:
                mod.add(int(off), int(size), int(count))
        return data


def parts_dir(report: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(report)}.parts")


def save_part(report: str | os.PathLike[str], data: CoverageData,
              supersedes: list[str] | None = None) -> Path | None:
    """Write this process's data next to the report (atomically), saying which live
    files of this process it replaces; None if there is nothing to write."""
    if not data.modules and not supersedes:
        return None
    directory = parts_dir(report)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{socket.gethostname()}-{os.getpid()}-{_uuid.uuid4().hex[:8]}.json"
    tmp = directory / f".{name}.tmp"
    tmp.write_text(json.dumps(data.to_json(supersedes)))
    os.replace(tmp, directory / name)
    return directory / name


def load_parts(report: str | os.PathLike[str], *, remove: bool = False) -> CoverageData:
    """Merge every part saved for report, and the live files of processes that ended
    without saving one (unreadable files are skipped)."""
    from .live import SUFFIX, read_live

    merged = CoverageData()
    directory = parts_dir(report)
    if not directory.is_dir():
        return merged
    replaced: set[str] = set()
    for part in sorted(directory.glob("*.json")):
        try:
            raw = json.loads(part.read_text())
            merged.merge(CoverageData.from_json(raw))
            replaced.update(str(n) for n in raw.get("supersedes", ()))
        except (OSError, ValueError, KeyError, TypeError, AssertionError, AttributeError):
            continue
        if remove:
            part.unlink(missing_ok=True)
    for live in sorted(directory.glob(f"*{SUFFIX}")):
        if live.name not in replaced:
            try:
                merged.merge(read_live(live))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        if remove:
            live.unlink(missing_ok=True)
    if remove:
        try:
            directory.rmdir()
        except OSError:
            pass
    return merged


def clear_parts(report: str | os.PathLike[str]) -> None:
    """Forget parts (and live files) left by an earlier run with the same report file."""
    from .live import SUFFIX

    directory = parts_dir(report)
    if directory.is_dir():
        for pattern in ("*.json", f"*{SUFFIX}", ".*.tmp"):
            for part in directory.glob(pattern):
                part.unlink(missing_ok=True)
