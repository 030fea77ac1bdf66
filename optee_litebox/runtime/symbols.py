"""Finding symbols for a stripped TA: the dev kit leaves `<uuid>.elf` next to `<uuid>.ta`.

A stripped TA keeps only a few dynamic symbols. When an unstripped ELF with the same GNU
build ID sits beside it (or in a directory the user names), its symbol table is used for
backtraces, and later by debuggers and coverage.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import LoaderError
from ..ta_loader import TaImage, load_library
from ..ta_loader.plan import LoadPlan


def _candidates(image: TaImage, extra_dirs: tuple[str, ...]) -> list[Path]:
    names = [f"{image.uuid}.elf", f"{image.uuid}.debug"]
    dirs = [Path(image.path).parent] if image.path else []
    dirs += [Path(d) for d in extra_dirs]
    return [d / n for d in dirs for n in names if image.path is None or d / n != Path(image.path)]


@lru_cache(maxsize=64)
def _load_debug(path: str, mtime: float) -> LoadPlan | None:
    try:
        return load_library(path).plan
    except LoaderError:
        return None


def debug_plan(image: TaImage, extra_dirs: tuple[str, ...] = ()) -> LoadPlan | None:
    """The plan of an unstripped twin of image (same build ID), or None."""
    if image.plan.has_debug_info or len(image.plan.symbols) > 8 or not image.plan.build_id:
        return None
    for path in _candidates(image, extra_dirs):
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        plan = _load_debug(str(path), mtime)
        if plan is not None and plan.build_id == image.plan.build_id:
            return plan
    return None
