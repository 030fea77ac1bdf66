"""The in-process TEE: TA lookup by UUID, instances and sessions with OP-TEE's lifecycle.

Follows core/kernel/tee_ta_manager.c: single-instance TAs are shared and refuse a second
session with TEE_ERROR_BUSY unless they are multi-session; instances die on a panic or an
abort and their sessions answer TEE_ERROR_TARGET_DEAD; an instance is destroyed when its
last session closes unless it is single-instance and keep-alive.
"""
from __future__ import annotations

import functools
import itertools
import os
import threading
import uuid as _uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..abi.params import (UTEE_ENTRY_FUNC_CLOSE_SESSION, UTEE_ENTRY_FUNC_INVOKE_COMMAND,
                          UTEE_ENTRY_FUNC_OPEN_SESSION)
from ..abi.props import TEE_LOGIN_TRUSTED_APP, TEE_TIMEOUT_INFINITE
from ..abi.results import (TEE_ERROR_BAD_FORMAT, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BUSY,
                           TEE_ERROR_GENERIC,
                           TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_SECURITY, TEE_ERROR_TARGET_DEAD,
                           TEE_ORIGIN_TEE, TEE_SUCCESS)
from ..abi.ta import (TA_FLAG_INSTANCE_KEEP_ALIVE, TA_FLAG_INSTANCE_KEEP_CRASHED,
                      TA_FLAG_MULTI_SESSION, TA_FLAG_SINGLE_INSTANCE)
from ..errors import LoaderError, SignatureError
from ..gp_api import ClientIdentity, SessionState
from ..gp_api.context import TeeServices
from ..gp_api.ta_client import CallParam
from ..gp_api.time import tee_system_time_ms
from ..platform import Platform
from ..pta import PtaEnv
from ..pta import find as find_pta
from ..ta_loader import TaImage
from .busy import BusyTracker
from .crash import CrashReport
from .image import LoadedModule, MissingLibraryError
from .instance import TA_BASE, TaInstance
from .params import Param
from .pta_host import PtaInstance
from .sources import TaSources
from .ta2ta import Callee, InstanceClient, LocalCallee, from_params, to_params

__all__ = ["RemoteTas", "Session", "TaSources", "Tee"]


@dataclass(eq=False)
class Session:
    """An open session as its client holds it."""

    id: int
    uuid: _uuid.UUID
    instance: TaInstance | PtaInstance
    state: SessionState
    closed: bool = False

    @property
    def crash(self) -> CrashReport | None:
        return self.instance.crash


class RemoteTas(Protocol):
    """Single-instance TAs that live elsewhere (a server's other worker processes)."""

    def hosts(self, uuid: _uuid.UUID, flags: int) -> bool:
        """Whether a session to this TA must be opened elsewhere."""

    def open(self, caller: TaInstance, uuid: _uuid.UUID, params: list[Param],
             timeout: int) -> tuple[int, int, Callee | None] | None:
        """Open a session as caller: (result, origin, the session); None: open it here."""


class Tee:
    """One trusted OS: holds TA instances and the sessions opened to them."""

    def __init__(self, platform: Platform, *, sources: TaSources | None = None,
                 tee_config: dict[str, object] | None = None, base: int = TA_BASE) -> None:
        self.platform = platform
        self.sources = sources or TaSources()
        self.services = TeeServices(boot_ns=platform.clock.monotonic_ns(), tee_config=dict(tee_config or {}))
        self.base = base
        self.instances: list[TaInstance] = []  # upstream: tee_ctxes
        self.sessions: dict[int, Session] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._busy = BusyTracker()
        #: Pseudo-TAs, created on first use (single instance, kept alive, not in instances).
        self.ptas: dict[_uuid.UUID, PtaInstance] = {}
        #: Entries running on each thread, outermost first (what Tee.interrupt stops).
        self._stacks: dict[int, list[TaInstance | Callee]] = {}
        #: Where single-instance TAs of other processes are opened (a server worker's).
        self.remote: RemoteTas | None = None
        #: Called with each crash report (panic or abort) as it happens.
        self.on_crash: Callable[[CrashReport], None] | None = None
        #: Called with each new TA instance before its first entry (developer tools attach).
        self.on_instance: Callable[[TaInstance], None] | None = None
        #: Called with an instance and each module a dlopen maps into it (the system PTA's
        #: DLOPEN, from inside the TA's syscall), before the TA runs on: tools follow it.
        self.on_module: Callable[[TaInstance, LoadedModule], None] | None = None

    # -- TA sources -------------------------------------------------------------------------

    def add(self, source: str | os.PathLike[str] | TaImage) -> TaImage:
        if isinstance(source, TaImage):
            return self.sources.add_image(source)
        return self.sources.add_file(source)

    def add_dir(self, path: str | os.PathLike[str]) -> None:
        self.sources.add_dir(path)

    # -- sessions ---------------------------------------------------------------------------

    def open_session(self, uuid: _uuid.UUID | str, params: list[Param] | None = None, *,
                     client: ClientIdentity | None = None,
                     timeout: int = TEE_TIMEOUT_INFINITE) -> tuple[int, int, Session | None]:
        """tee_ta_open_session(): (TEE_Result, origin, session or None)."""
        uuid = _uuid.UUID(str(uuid))
        with self._lock:
            instance, res = self._instance_for(uuid)
            if instance is None:
                return res, TEE_ORIGIN_TEE, None
            if instance.flags & TA_FLAG_SINGLE_INSTANCE and not instance.flags & TA_FLAG_MULTI_SESSION \
                    and instance.ref_count:
                return TEE_ERROR_BUSY, TEE_ORIGIN_TEE, None
            instance.ref_count += 1
            sid = next(self._ids) & 0xFFFFFFFF
            session = Session(sid, uuid, instance, SessionState(sid, client or ClientIdentity()))
        if not self._busy.try_set_busy(instance):
            res, origin = TEE_ERROR_BUSY, TEE_ORIGIN_TEE  # "deadlock avoided"
        else:
            try:
                self._set_timeout(session.state, timeout)
                res, origin = self._enter(instance, UTEE_ENTRY_FUNC_OPEN_SESSION, session.state, 0,
                                          params)
                if instance.panicked:
                    self._release_crashed(instance)
            finally:
                self._busy.clear_busy(instance)
        if res != TEE_SUCCESS:
            self._close(session)
            return res, origin, None
        with self._lock:
            self.sessions[sid] = session
        return res, origin, session

    def invoke(self, session: Session, cmd: int, params: list[Param] | None = None, *,
               timeout: int = TEE_TIMEOUT_INFINITE) -> tuple[int, int]:
        """tee_ta_invoke_command(): (TEE_Result, origin)."""
        if session.closed:
            return TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE
        instance = session.instance
        if instance.panicked:
            return TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE
        if not self._busy.try_set_busy(instance):
            return TEE_ERROR_BUSY, TEE_ORIGIN_TEE  # upstream panics the kernel here
        try:
            self._set_timeout(session.state, timeout)
            res, origin = self._enter(instance, UTEE_ENTRY_FUNC_INVOKE_COMMAND, session.state,
                                      cmd & 0xFFFFFFFF, params)
            if instance.panicked:
                self._release_crashed(instance)
        finally:
            self._busy.clear_busy(instance)
        return res, origin

    def close_session(self, session: Session) -> int:
        """tee_ta_close_session(): runs the TA's close entry unless the instance is dead."""
        with self._lock:
            if session.closed or self.sessions.pop(session.id, None) is None:
                return TEE_ERROR_ITEM_NOT_FOUND
        self._close(session)
        return TEE_SUCCESS

    def cancel(self, session: Session) -> None:
        """TEEC_RequestCancellation: flag the session; an unmasked TA sees it."""
        session.state.request_cancel()

    def interrupt(self, instance: TaInstance | PtaInstance) -> None:
        """Stop the entry running in instance, and the TA-to-TA calls it is waiting in."""
        for stack in list(self._stacks.values()):
            if instance in stack:
                for running in reversed(stack[stack.index(instance):]):
                    running.interrupt()
                return
        instance.interrupt()

    def close(self) -> None:
        """Close every session (as when every client goes away) and drop all instances."""
        for session in list(self.sessions.values()):
            self.close_session(session)
        with self._lock:
            instances, self.instances = list(self.instances), []
        for instance in instances:
            instance.close()
        for pta in self.ptas.values():
            pta.close()

    # -- TA-to-TA ----------------------------------------------------------------------------

    def pta_instance(self, uuid: _uuid.UUID) -> PtaInstance | None:
        """The pseudo-TA with this UUID (created on first use), or None."""
        cls = find_pta(uuid)
        if cls is None:
            return None
        with self._lock:
            pta = self.ptas.get(uuid)
            if pta is None:
                env = PtaEnv(self.platform, self.services, ta_digest=self._ta_digest)
                pta = self.ptas[uuid] = PtaInstance(cls, env)
            return pta

    def open_for_ta(self, caller: TaInstance, uuid: _uuid.UUID, params: list[CallParam],
                    timeout: int) -> tuple[int, int, Callee | None]:
        """A user TA's session for another TA: here, or in another process for a shared
        single-instance TA (upstream identity: TEE_LOGIN_TRUSTED_APP and the caller's UUID)."""
        done = to_params(params)
        if self.remote is not None and not self._hosted_here(uuid):
            image, res = self._image_for(uuid)
            if image is None:
                return res, TEE_ORIGIN_TEE, None
            head = image.plan.ta_head
            if head is not None and self.remote.hosts(uuid, head.flags):
                got = self.remote.open(caller, uuid, done, timeout)
                if got is not None:
                    from_params(params, done)
                    return got
        client = ClientIdentity(TEE_LOGIN_TRUSTED_APP, caller.uuid)
        res, origin, session = self.open_session(uuid, done, client=client, timeout=timeout)
        from_params(params, done)
        if session is None:
            return res, origin, None
        return res, origin, LocalCallee(self, session)

    def push_running(self, item: TaInstance | Callee) -> None:
        self._stacks.setdefault(threading.get_ident(), []).append(item)

    def pop_running(self) -> None:
        me = threading.get_ident()
        stack = self._stacks.get(me)
        if stack:
            stack.pop()
            if not stack:
                del self._stacks[me]

    # -- internals --------------------------------------------------------------------------

    def _enter(self, instance: TaInstance | PtaInstance, func: int, state: SessionState, cmd: int,
               params: list[Param] | None) -> tuple[int, int]:
        if isinstance(instance, PtaInstance):
            return instance.enter(func, state, cmd, params)
        self.push_running(instance)
        try:
            return instance.enter(func, state, cmd, params)
        finally:
            self.pop_running()

    def _hosted_here(self, uuid: _uuid.UUID) -> bool:
        with self._lock:
            return any(i.uuid == uuid and i.flags & TA_FLAG_SINGLE_INSTANCE for i in self.instances)

    def _image_for(self, uuid: _uuid.UUID) -> tuple[TaImage | None, int]:
        try:
            image = self.sources.find(uuid)
        except SignatureError as exc:
            self.platform.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_SECURITY
        except LoaderError as exc:
            self.platform.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_BAD_FORMAT
        if image is None:
            return None, TEE_ERROR_ITEM_NOT_FOUND
        return image, TEE_SUCCESS

    def _ta_digest(self, uuid: _uuid.UUID) -> bytes | None:
        """The signed header's hash of a TA or TA library (attestation)."""
        image, _ = self._image_for(uuid)
        if image is None:
            try:
                image = self.sources.find_library(str(uuid))
            except LoaderError:
                image = None
        if image is None or image.signed is None:
            return None
        return bytes.fromhex(image.signed.hash)

    def _instance_for(self, uuid: _uuid.UUID) -> tuple[TaInstance | PtaInstance | None, int]:
        for instance in self.instances:
            if instance.uuid == uuid and instance.flags & TA_FLAG_SINGLE_INSTANCE:
                if instance.panicked:  # kept crashed: never respawned
                    return None, TEE_ERROR_TARGET_DEAD
                return instance, TEE_SUCCESS
        pta = self.pta_instance(uuid)
        if pta is not None:
            return pta, TEE_SUCCESS
        image, res = self._image_for(uuid)
        if image is None:
            return None, res
        try:
            instance = TaInstance(image, self.platform, self.services, base=self.base,
                                  on_crash=self._crashed, find_library=self.sources.find_library)
        except MissingLibraryError as exc:  # ldelf panics: "ldelf panicked", GENERIC
            self.platform.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_GENERIC
        except LoaderError as exc:
            self.platform.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_BAD_FORMAT
        instance.client = InstanceClient(self, instance)
        instance.ctx.ta_client = instance.client
        instance.on_module = functools.partial(self._module_added, instance)
        self.instances.append(instance)
        if self.on_instance is not None:
            self.on_instance(instance)
        return instance, TEE_SUCCESS

    def _module_added(self, instance: TaInstance, module: LoadedModule) -> None:
        if self.on_module is not None:
            self.on_module(instance, module)

    def _crashed(self, report: CrashReport) -> None:
        if self.on_crash is not None:
            self.on_crash(report)

    def _set_timeout(self, state: SessionState, timeout: int) -> None:
        """set_invoke_timeout(): cancellation deadline in system time, or none."""
        if timeout == TEE_TIMEOUT_INFINITE:
            state.cancel_time_ms = None
        else:
            state.cancel_time_ms = tee_system_time_ms(self.platform.clock, self.services) + timeout

    def _release_crashed(self, instance: TaInstance | PtaInstance) -> None:
        """maybe_release_ta_ctx(): forget a dead instance unless it is kept crashed, and
        release its state (the sessions it opened, its object handles)."""
        if _keep_crashed(instance.flags):
            return
        with self._lock:
            if instance in self.instances:
                self.instances.remove(instance)  # type: ignore[arg-type]
        instance.release_state()

    def _close(self, session: Session) -> None:
        """close_session(): close entry (if alive), then drop the instance when unused."""
        session.closed = True
        instance = session.instance
        if not instance.panicked and self._busy.try_set_busy(instance):
            try:
                self._set_timeout(session.state, TEE_TIMEOUT_INFINITE)
                self._enter(instance, UTEE_ENTRY_FUNC_CLOSE_SESSION, session.state, 0, None)
                if instance.panicked:
                    self._release_crashed(instance)
            finally:
                self._busy.clear_busy(instance)
        destroy = False
        with self._lock:
            instance.ref_count -= 1
            keep_alive = bool(instance.flags & TA_FLAG_SINGLE_INSTANCE and
                              instance.flags & TA_FLAG_INSTANCE_KEEP_ALIVE)
            if instance.ref_count == 0 and ((instance.panicked and not _keep_crashed(instance.flags))
                                            or not keep_alive):
                if instance in self.instances:
                    self.instances.remove(instance)  # type: ignore[arg-type]
                destroy = True
        if destroy:
            instance.close()


def _keep_crashed(flags: int) -> bool:
    return bool(flags & TA_FLAG_SINGLE_INSTANCE and flags & TA_FLAG_INSTANCE_KEEP_ALIVE
                and flags & TA_FLAG_INSTANCE_KEEP_CRASHED)
