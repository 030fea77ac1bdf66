"""What developer tools need to know about the modules loaded into a TA instance.

For each module (the TA, then its libraries in load order): where it sits, its code
ranges, its functions, and the file that carries its debug information (the unstripped
``<uuid>.elf`` the dev kit leaves next to the ``.ta``, found by build ID), which gdb
loads symbols from and coverage reads DWARF line tables from.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LoaderError
from ..ta_loader import TaImage, load_library
from ..ta_loader.plan import LoadPlan, Symbol

if TYPE_CHECKING:
    from ..runtime.image import LoadedModule
    from ..runtime.instance import TaInstance


@dataclass(frozen=True)
class ModuleInfo:
    """One mapped module as tools see it."""

    name: str
    uuid: str
    base: int
    end: int
    build_id: str | None
    #: Executable ranges (absolute addresses, end exclusive).
    code: tuple[tuple[int, int], ...]
    #: The plan whose symbol table is best (the unstripped twin's if there is one).
    symbols: LoadPlan = field(repr=False)
    #: An ELF file with DWARF for this module, or None (binary-only TA).
    debug_path: str | None = None
    #: The file the module was loaded from (.ta or .elf), if any.
    path: str | None = None
    #: Address of the module's .dynamic (0 if none): gdb checks it against its own reading.
    dynamic: int = 0
    image: TaImage | None = field(default=None, repr=False, compare=False)

    @property
    def elf_path(self) -> str | None:
        """An ELF file of this module for gdb: the one with DWARF, else the module itself
        (written out of a signed .ta into the temp directory)."""
        if self.debug_path:
            return self.debug_path
        if self.path and _is_elf_file(self.path):
            return self.path
        return _extracted(self.image) if self.image is not None else None

    def functions(self) -> list[tuple[int, Symbol]]:
        """(absolute address, symbol) of each function with code, by address."""
        out = [(self.base + s.value, s) for s in self.symbols.symbols
               if s.kind == "func" and s.defined and s.name]
        return sorted(out, key=lambda item: item[0])

    def contains(self, addr: int) -> bool:
        return self.base <= addr < self.end

    def symbolize(self, addr: int) -> str:
        found = self.symbols.symbol_at(addr - self.base)
        if found is None:
            return f"{self.name}+0x{addr - self.base:x}"
        sym, off = found
        return sym.name if off == 0 else f"{sym.name}+0x{off:x}"


def _is_elf_file(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


@lru_cache(maxsize=64)
def _plan_of(path: str, mtime: float) -> LoadPlan | None:
    try:
        return load_library(path).plan
    except LoaderError:
        return None


def _extracted(image: TaImage) -> str:
    """The ELF inside a signed .ta, written out once (gdb reads symbols from files)."""
    digest = hashlib.sha256(image.elf).hexdigest()[:16]
    out = Path(tempfile.gettempdir()) / f"optee-litebox-{os.getuid()}" / f"{image.uuid}-{digest}.elf"
    if not out.is_file():
        out.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(image.elf)
        os.replace(tmp, out)
    return str(out)


def debug_file(image: TaImage, extra_dirs: tuple[str, ...] = ()) -> str | None:
    """The ELF with DWARF for image: itself, `<uuid>.elf`/`.debug` beside it or in
    extra_dirs with the same build ID, or the ELF inside a signed .ta; None if none."""
    if image.plan.has_debug_info and image.path and _is_elf_file(image.path):
        return image.path
    dirs = [Path(image.path).parent] if image.path else []
    dirs += [Path(d) for d in extra_dirs]
    for directory in dirs:
        for name in (f"{image.uuid}.elf", f"{image.uuid}.debug"):
            path = directory / name
            if image.path is not None and path == Path(image.path):
                continue
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue
            plan = _plan_of(str(path), mtime)
            if plan is not None and plan.has_debug_info and plan.build_id == image.plan.build_id:
                return str(path)
    if image.plan.has_debug_info:
        return _extracted(image)
    return None


def module_info(module: LoadedModule, image: TaImage,
                extra_dirs: tuple[str, ...] = ()) -> ModuleInfo:
    """What tools need to know of one module mapped into an instance."""
    plan = module.plan
    code = tuple((module.base + s.vaddr, module.base + s.vaddr + s.memsz)
                 for s in plan.segments if s.executable)
    return ModuleInfo(name=plan.name, uuid=str(image.uuid), base=module.base, end=module.end,
                      build_id=plan.build_id, code=code, symbols=module.debug or plan,
                      path=image.path, image=image,
                      dynamic=module.base + plan.dynamic_vaddr if plan.dynamic_vaddr else 0,
                      debug_path=debug_file(image, extra_dirs))


def instance_modules(instance: TaInstance, find_library: Callable[[str], TaImage | None],
                     extra_dirs: tuple[str, ...] = ()) -> list[ModuleInfo]:
    """ModuleInfo for every module of instance, in load order (libraries it dlopened
    included)."""
    out = []
    for i, module in enumerate(instance.modules):
        image = module.image
        if image is None:  # a module mapped by hand: find its image again
            image = instance.image if i == 0 else _find(find_library, module)
        if image is not None:
            out.append(module_info(module, image, extra_dirs))
    return out


def _find(find_library: Callable[[str], TaImage | None], module: LoadedModule) -> TaImage | None:
    try:
        return find_library(str(module.uuid)) if module.uuid is not None else None
    except LoaderError:
        return None
