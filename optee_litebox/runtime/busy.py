"""Busy instances and the single-instance lock (tee_ta_manager.c: tee_ta_try_set_busy).

Upstream (CFG_CONCURRENT_SINGLE_INSTANCE_TA=n, the default) lets one thread at a time be
inside single-instance TAs: entering one takes a lock that the thread holds, recursively,
until it leaves. A thread that holds that lock and meets a busy instance gets
TEE_ERROR_BUSY at once (waiting could only dead-lock: A opens B opens A); any other
thread waits for the instance to become free. Concurrent instances (the pseudo-TAs)
are never busy.
"""
from __future__ import annotations

import threading
from typing import Protocol

from ..abi.ta import TA_FLAG_CONCURRENT, TA_FLAG_SINGLE_INSTANCE


class Busyable(Protocol):
    flags: int
    busy: bool


class BusyTracker:
    """ctx->busy of every instance of one TEE, and the single-instance lock."""

    def __init__(self) -> None:
        self._cv = threading.Condition(threading.Lock())
        self._si_thread: int | None = None
        self._si_count = 0

    def try_set_busy(self, ctx: Busyable) -> bool:
        """Mark ctx busy for this thread; False (BUSY) where waiting would dead-lock."""
        if ctx.flags & TA_FLAG_CONCURRENT:
            return True
        me = threading.get_ident()
        single = bool(ctx.flags & TA_FLAG_SINGLE_INSTANCE)
        with self._cv:
            if single:
                self._lock_single_instance(me)
            if self._si_thread == me:
                if ctx.busy:
                    if single:
                        self._unlock_single_instance()
                    return False
            else:
                while ctx.busy:
                    self._cv.wait()
            ctx.busy = True
            return True

    def clear_busy(self, ctx: Busyable) -> None:
        if ctx.flags & TA_FLAG_CONCURRENT:
            return
        with self._cv:
            ctx.busy = False
            if ctx.flags & TA_FLAG_SINGLE_INSTANCE:
                self._unlock_single_instance()
            self._cv.notify_all()

    def holds_single_instance_lock(self) -> bool:
        with self._cv:
            return self._si_thread == threading.get_ident()

    def _lock_single_instance(self, me: int) -> None:
        if self._si_thread != me:
            while self._si_thread is not None:
                self._cv.wait()
            self._si_thread = me
        self._si_count += 1

    def _unlock_single_instance(self) -> None:
        self._si_count -= 1
        if self._si_count == 0:
            self._si_thread = None
            self._cv.notify_all()
