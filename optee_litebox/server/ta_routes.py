"""The server's part of TA-to-TA calls: routing a TA's session to another worker.

A mixin of ``Server``: TA_OPEN from a worker is routed like a client's OPEN (same
workers, same single-instance table) with the identity the TA-to-TA rules give the
callee (TEE_LOGIN_TRUSTED_APP and the calling TA's UUID), after one check: if the chosen
worker waits, through any chain of TA-to-TA calls, for the calling worker, the open
answers TEE_ERROR_BUSY (upstream's "deadlock avoided"); otherwise the caller is recorded
as waiting for the callee until its OPEN_REPLY arrives.
"""
from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from ..abi.props import TEE_LOGIN_TRUSTED_APP
from ..abi.results import TEE_ERROR_BUSY, TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, TEE_SUCCESS
from ..client import protocol as p
from ..client.transport import close_fds
from ..gp_api import ClientIdentity
from . import channel as ch

if TYPE_CHECKING:
    from .workers import WorkerHandle


class TaOpenRouting:
    """TA_OPEN handling for ``Server`` (uses its routes, shared state and _route)."""

    def _ta_open(self, w: WorkerHandle, payload: memoryview, fds: list[int]) -> None:
        if len(fds) != 1:
            close_fds(fds)
            return
        fd = fds[0]
        try:
            msg = ch.decode_ta_open(payload)
            req = p.decode_open(msg.open_payload)
        except p.ProtocolError as exc:
            self.log.tee_log("E", f"worker {w.pid}: bad TA_OPEN: {exc}")  # type: ignore[attr-defined]
            close_fds(fds)
            return
        res, origin, target = self._route(req)  # type: ignore[attr-defined]
        if target is w:  # the caller's own worker hosts it: it opens the session itself
            close_fds(fds)
            self._ta_routed(w, ch.TaRouted(msg.token, TEE_SUCCESS, 0, w.pid))
            return
        if target is not None and not self.shared.waits.wait_for(w.pid, target.pid):  # type: ignore[attr-defined]
            res, origin, target = TEE_ERROR_BUSY, TEE_ORIGIN_TEE, None
        if target is None:
            close_fds(fds)
            self._ta_routed(w, ch.TaRouted(msg.token, res, origin, 0))
            return
        key = secrets.randbits(63) | 1
        while key in self.routes:  # type: ignore[attr-defined]
            key = secrets.randbits(63) | 1
        client = ClientIdentity(TEE_LOGIN_TRUSTED_APP, msg.caller)
        assign = ch.Assign(key, client, w.pid, msg.open_payload, msg.timeout)
        try:
            target.chan.send(ch.encode_assign(assign, 1), [fd])
        except OSError:
            self.shared.waits.done(w.pid)  # type: ignore[attr-defined]
            self._ta_routed(w, ch.TaRouted(msg.token, TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE, 0))
            return
        finally:
            close_fds(fds)
        from .server import Route
        target.sessions += 1
        self.routes[key] = Route(target, secrets.token_bytes(16))  # type: ignore[attr-defined]
        self._ta_routed(w, ch.TaRouted(msg.token, TEE_SUCCESS, 0, target.pid))
        if self.spare is None and not self._refill_at:  # type: ignore[attr-defined,has-type]
            self._refill_at = time.monotonic() + 0.05

    def _ta_routed(self, w: WorkerHandle, msg: ch.TaRouted) -> None:
        try:
            w.chan.send(ch.encode_ta_routed(msg))
        except OSError:
            pass
