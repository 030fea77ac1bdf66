"""One TA instance (upstream: a user TA context): its address space, CPU and entry calls."""
from __future__ import annotations

import itertools
import uuid as _uuid
from typing import Callable

from ..abi.params import UTEE_PARAMS
from ..abi.results import (TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE,
                           TEE_ORIGIN_TRUSTED_APP)
from ..core.engine import Engine
from ..core.exits import Outcome
from ..core.memory import PROT_READ, PROT_WRITE, AddressSpace, Region, page_up
from ..gp_api import SessionState, SyscallContext, TaIdentity, build_table
from ..gp_api.context import TeeServices
from ..platform import Platform
from ..ta_loader import TaImage
from .crash import CrashReport, build_report, symbolize
from .dynamic import ZiMappings, dlopen, dlsym
from .image import LoadedModule, dependency_order, map_module, resolver, write_phdr_info
from .params import (Param, has_outputs, map_params, normalize, pack_utee_params,
                     unmap_params, update_from_utee_params)
from .symbols import debug_plan
from .ta2ta import InstanceClient

#: Address-space layout of a TA instance (upstream randomizes; we stay reproducible).
#: The low bits of each area's page number differ so that the image, the stack and the
#: parameters do not evict each other from the engine's direct-mapped TLB.
TA_BASE = 0x4000_0000
LDELF_AREA = (0x2008_0000, 0x3000_0000)
STACK_AREA = (0x700C_0000, 0x7800_0000)
PARAM_AREA = (0x800A_0000, 0xC000_0000)
#: Unmapped space between modules, so an overrun of one faults instead of corrupting the next.
LIBRARY_GAP = 0x10_0000
#: sizeof(struct utee_params) rounded up to the stack alignment (16).
UTEE_PARAMS_SLOT = (UTEE_PARAMS.size + 15) & ~15
_instance_ids = itertools.count(1)


class TaInstance:
    """A loaded TA with its sessions' shared state; entries are serialized by the caller."""

    def __init__(self, image: TaImage, platform: Platform, services: TeeServices, *,
                 base: int = TA_BASE, on_crash: Callable[[CrashReport], None] | None = None,
                 find_library: Callable[[str], TaImage | None] | None = None) -> None:
        head = image.plan.ta_head
        if head is None:
            raise ValueError(f"{image.name} is a TA library, not a TA")
        self.image = image
        self.uuid = head.uuid
        self.flags = head.flags
        self.name = image.name
        self._uuid_str = str(self.uuid)
        self.platform = platform
        self.on_crash = on_crash
        self.instance_id = next(_instance_ids)
        self.find_library = find_library or (lambda _name: None)
        self.mem = AddressSpace()
        self.engine = Engine(self.mem)
        self.phdr_region: Region | None = None
        self.modules = self._load_modules(image, base, self.find_library)
        self.zi = ZiMappings(self.mem)
        stack_size = max(head.stack_size, 1)
        stack_start = self.mem.find_free(page_up(stack_size), *STACK_AREA)
        self.mem.map(stack_start, stack_size, PROT_READ | PROT_WRITE, "[stack]")
        self.stack = (stack_start, stack_start + page_up(stack_size))
        self.stack_top = stack_start + stack_size  # upstream: not rounded to a page
        self.entry = base + image.plan.entry
        self.ctx = SyscallContext(self.mem, platform, TaIdentity(self.uuid, self.flags, self.name),
                                  services, log=self._log)
        self.engine.syscalls, self.engine.unknown_syscall = build_table(self.ctx)
        #: Lifecycle state kept by the TEE (tee_ta_ctx fields; busy: see busy.py).
        self.ref_count = 0
        self.panicked = False
        self.busy = False
        self.crash: CrashReport | None = None
        #: Sessions this instance opened to other TAs (set by the Tee: ta2ta.InstanceClient).
        self.client: InstanceClient | None = None
        #: Called with each module a dlopen maps, before the TA runs on (set by the Tee).
        self.on_module: Callable[[LoadedModule], None] | None = None

    def _load_modules(self, image: TaImage, base: int,
                      find: Callable[[str], TaImage | None]) -> list[LoadedModule]:
        """Map the TA and its DT_NEEDED libraries (ldelf): bases first, then relocate all."""
        modules = []
        for img in dependency_order(image, find):
            modules.append(LoadedModule(img.plan, base, debug=debug_plan(img), uuid=img.uuid,
                                        image=img))
            base = page_up(base + img.plan.image_size) + LIBRARY_GAP
        resolve = resolver(modules)
        for module in modules:
            map_module(self.mem, module, resolve)
        self.phdr_region = write_phdr_info(self.mem, modules, *LDELF_AREA)
        return modules

    def _log(self, text: str) -> None:
        self.platform.log.ta_log(self._uuid_str, text)

    def enter(self, func: int, session: SessionState, cmd: int,
              params: list[Param] | None) -> tuple[int, int]:
        """user_ta_enter(): run one entry; returns (TEE_Result, origin).

        Memrefs are mapped for the call and unmapped after it; output values and sizes
        are copied back into params. A panic or abort marks the instance dead.
        """
        if self.panicked:
            return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE
        ops = normalize(params)
        try:
            mapped = map_params(self.mem, ops, *PARAM_AREA)
        except ValueError as exc:  # a memref outside its shared memory (entry_std.c checks)
            self.platform.log.tee_log("E", f"TA {self.uuid}: bad parameters: {exc}")
            return TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE
        try:
            sp = self.stack_top - UTEE_PARAMS_SLOT
            self.mem.poke(sp, pack_utee_params(mapped))
            self.ctx.session = session
            outcome = self.engine.call(self.entry, func, session.id, sp, cmd, sp)
            if outcome.kind == "return":
                if params and has_outputs(mapped.types):
                    update_from_utee_params(params, self.mem.peek(sp, UTEE_PARAMS.size))
                return outcome.result, TEE_ORIGIN_TRUSTED_APP
            self._died(outcome)
            return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE
        finally:
            self.ctx.session = None
            unmap_params(self.mem, mapped)
            session.cancel = False
            session.wakeup.clear()  # else a later unmasked TEE_Wait never sleeps
            session.cancel_mask = True

    def _died(self, outcome: Outcome) -> None:
        self.panicked = True
        self.crash = build_report(str(self.uuid), self.name, outcome, self.mem, self.modules,
                                  self.stack)
        self.platform.log.tee_log("E", self.crash.text)
        if self.on_crash is not None:
            self.on_crash(self.crash)

    def interrupt(self) -> None:
        """Stop the running entry from another thread (Tee.interrupt also stops what it
        called)."""
        self.engine.interrupt()

    def symbolize(self, addr: int) -> str:
        return symbolize(self.modules, addr)

    # -- what the system and attestation PTAs do for this TA (pta.PtaCaller) --------------

    def dlopen(self, library: _uuid.UUID, flags: int) -> int:
        count = len(self.modules)
        res, self.phdr_region = dlopen(self.mem, self.modules, library, flags, self.find_library,
                                       LDELF_AREA, self.phdr_region)
        if self.on_module is not None:
            for module in self.modules[count:]:
                self.on_module(module)
        return res

    def dlsym(self, library: _uuid.UUID | None, name: str) -> tuple[int, int]:
        return dlsym(self.modules, library, name)

    def map_zi(self, size: int, shareable: bool, va: int, pad_begin: int,
               pad_end: int) -> tuple[int, int]:
        return self.zi.map_zi(size, shareable, va, pad_begin, pad_end)

    def unmap(self, va: int, size: int) -> int:
        return self.zi.unmap(va, size)

    def measured_regions(self) -> list[bytes]:
        """Read-only mappings of the TA and its libraries (code, read-only data)."""
        return [bytes(r.view) for m in self.modules for r in m.regions if not r.prot & PROT_WRITE]

    # -- end of life ----------------------------------------------------------------------

    def release_state(self) -> None:
        """release_utc_state(): close the sessions this TA opened, its object handles
        (releasing persistent objects for other instances) and its enumerators."""
        if self.client is not None:
            self.client.close_all()
        for obj in list(self.ctx.cryp.objects):
            self.ctx.cryp.objects.close(obj)
        self.ctx.storage_enums.clear()

    def close(self) -> None:
        """Destroy the instance (user_ta_ctx_destroy)."""
        self.release_state()
        self.engine.close()
