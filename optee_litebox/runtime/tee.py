"""The in-process TEE: TA lookup by UUID, instances and sessions with OP-TEE's lifecycle.

Follows core/kernel/tee_ta_manager.c: single-instance TAs are shared and refuse a second
session with TEE_ERROR_BUSY unless they are multi-session; instances die on a panic or an
abort and their sessions answer TEE_ERROR_TARGET_DEAD; an instance is destroyed when its
last session closes unless it is single-instance and keep-alive.
"""
from __future__ import annotations

import itertools
import os
import threading
import uuid as _uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..abi.params import (UTEE_ENTRY_FUNC_CLOSE_SESSION, UTEE_ENTRY_FUNC_INVOKE_COMMAND,
                          UTEE_ENTRY_FUNC_OPEN_SESSION)
from ..abi.props import TEE_TIMEOUT_INFINITE
from ..abi.results import (TEE_ERROR_BAD_FORMAT, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BUSY,
                           TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_SECURITY, TEE_ERROR_TARGET_DEAD,
                           TEE_ORIGIN_TEE, TEE_SUCCESS)
from ..abi.ta import (TA_FLAG_INSTANCE_KEEP_ALIVE, TA_FLAG_INSTANCE_KEEP_CRASHED,
                      TA_FLAG_MULTI_SESSION, TA_FLAG_SINGLE_INSTANCE)
from ..errors import LoaderError, SignatureError
from ..gp_api import ClientIdentity, SessionState
from ..gp_api.context import TeeServices
from ..gp_api.time import tee_system_time_ms
from ..platform import Platform
from ..ta_loader import TaImage, load_library, load_ta
from .crash import CrashReport
from .instance import TA_BASE, TaInstance
from .params import Param


@dataclass(eq=False)
class Session:
    """An open session as its client holds it."""

    id: int
    uuid: _uuid.UUID
    instance: TaInstance
    state: SessionState
    closed: bool = False

    @property
    def crash(self) -> CrashReport | None:
        return self.instance.crash


class TaSources:
    """Where TAs come from: files named explicitly, then `<uuid>.ta`/`.elf` in directories."""

    def __init__(self, *, pubkey_pem: bytes | None = None, enc_key: bytes | None = None) -> None:
        self.pubkey_pem = pubkey_pem
        self.enc_key = enc_key
        self.images: dict[_uuid.UUID, TaImage] = {}
        self.libraries: dict[_uuid.UUID, TaImage] = {}
        self.dirs: list[Path] = []
        self._lock = threading.Lock()

    def add_file(self, path: str | os.PathLike[str]) -> TaImage:
        """A TA or a TA library, by path; libraries serve DT_NEEDED lookups."""
        image = load_library(path, pubkey_pem=self.pubkey_pem, enc_key=self.enc_key)
        return self.add_image(image)

    def add_image(self, image: TaImage) -> TaImage:
        if image.uuid is None:
            raise LoaderError(f"{image.name}: no UUID")
        with self._lock:
            table = self.images if image.plan.ta_head is not None else self.libraries
            table.setdefault(image.uuid, image)
        return image

    def add_dir(self, path: str | os.PathLike[str]) -> None:
        self.dirs.append(Path(path))

    def find_library(self, name: str) -> TaImage | None:
        """A TA shared library named by UUID in DT_NEEDED, from the same places as TAs."""
        try:
            uuid = _uuid.UUID(name)
        except ValueError:
            raise LoaderError(f"DT_NEEDED {name!r} is not a TA library UUID") from None
        return self._lookup(uuid, self.libraries, load_library)

    def find(self, uuid: _uuid.UUID) -> TaImage | None:
        """The image for uuid, loading it from a TA directory the first time it is needed."""
        return self._lookup(uuid, self.images, load_ta)

    def _lookup(self, uuid: _uuid.UUID, table: dict[_uuid.UUID, TaImage],
                load: Callable[..., TaImage]) -> TaImage | None:
        """table[uuid], else the first `<uuid>.ta` or `.elf` in the TA directories (cached)."""
        with self._lock:
            image = table.get(uuid)
        if image is not None:
            return image
        for directory in self.dirs:
            for suffix in (".ta", ".elf"):
                path = directory / f"{uuid}{suffix}"
                if path.is_file():
                    image = load(path, pubkey_pem=self.pubkey_pem, enc_key=self.enc_key)
                    if image.uuid != uuid:
                        raise LoaderError(f"{path}: file name says {uuid}, the image says {image.uuid}")
                    with self._lock:
                        return table.setdefault(uuid, image)
        return None


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
        #: Called with each crash report (panic or abort) as it happens.
        self.on_crash: Callable[[CrashReport], None] | None = None
        #: Called with each new TA instance before its first entry (developer tools attach).
        self.on_instance: Callable[[TaInstance], None] | None = None

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
        if instance.engine_busy():
            res, origin = TEE_ERROR_BUSY, TEE_ORIGIN_TEE
        else:
            with instance.lock:
                self._set_timeout(session.state, timeout)
                res, origin = instance.enter(UTEE_ENTRY_FUNC_OPEN_SESSION, session.state, 0, params)
        if instance.panicked:
            self._release_crashed(instance)
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
        if instance.engine_busy():
            return TEE_ERROR_BUSY, TEE_ORIGIN_TEE
        with instance.lock:
            self._set_timeout(session.state, timeout)
            res, origin = instance.enter(UTEE_ENTRY_FUNC_INVOKE_COMMAND, session.state, cmd & 0xFFFFFFFF,
                                         params)
        if instance.panicked:
            self._release_crashed(instance)
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

    def close(self) -> None:
        """Close every session (as when every client goes away) and drop all instances."""
        for session in list(self.sessions.values()):
            self.close_session(session)
        with self._lock:
            for instance in self.instances:
                instance.close()
            self.instances.clear()

    # -- internals --------------------------------------------------------------------------

    def _instance_for(self, uuid: _uuid.UUID) -> tuple[TaInstance | None, int]:
        for instance in self.instances:
            if instance.uuid == uuid and instance.flags & TA_FLAG_SINGLE_INSTANCE:
                if instance.panicked:  # kept crashed: never respawned
                    return None, TEE_ERROR_TARGET_DEAD
                return instance, TEE_SUCCESS
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
        try:
            instance = TaInstance(image, self.platform, self.services, base=self.base,
                                  on_crash=self._crashed, find_library=self.sources.find_library)
        except LoaderError as exc:
            self.platform.log.tee_log("E", f"TA {uuid}: {exc}")
            return None, TEE_ERROR_BAD_FORMAT
        self.instances.append(instance)
        if self.on_instance is not None:
            self.on_instance(instance)
        return instance, TEE_SUCCESS

    def _crashed(self, report: CrashReport) -> None:
        if self.on_crash is not None:
            self.on_crash(report)

    def _set_timeout(self, state: SessionState, timeout: int) -> None:
        """set_invoke_timeout(): cancellation deadline in system time, or none."""
        if timeout == TEE_TIMEOUT_INFINITE:
            state.cancel_time_ms = None
        else:
            state.cancel_time_ms = tee_system_time_ms(self.platform.clock, self.services) + timeout

    def _release_crashed(self, instance: TaInstance) -> None:
        """maybe_release_ta_ctx(): forget a dead instance unless it is kept crashed, and
        release its state (object handles, so others may open its persistent objects)."""
        if _keep_crashed(instance.flags):
            return
        with self._lock:
            if instance in self.instances:
                self.instances.remove(instance)
        instance.release_state()

    def _close(self, session: Session) -> None:
        """close_session(): close entry (if alive), then drop the instance when unused."""
        session.closed = True
        instance = session.instance
        if not instance.panicked and not instance.engine_busy():
            with instance.lock:
                self._set_timeout(session.state, TEE_TIMEOUT_INFINITE)
                instance.enter(UTEE_ENTRY_FUNC_CLOSE_SESSION, session.state, 0, None)
            if instance.panicked:
                self._release_crashed(instance)
        with self._lock:
            instance.ref_count -= 1
            keep_alive = bool(instance.flags & TA_FLAG_SINGLE_INSTANCE and
                              instance.flags & TA_FLAG_INSTANCE_KEEP_ALIVE)
            if instance.ref_count == 0 and ((instance.panicked and not _keep_crashed(instance.flags))
                                            or not keep_alive):
                if instance in self.instances:
                    self.instances.remove(instance)
                instance.close()


def _keep_crashed(flags: int) -> bool:
    return bool(flags & TA_FLAG_SINGLE_INSTANCE and flags & TA_FLAG_INSTANCE_KEEP_ALIVE
                and flags & TA_FLAG_INSTANCE_KEEP_CRASHED)
