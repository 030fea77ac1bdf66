"""tee-supplicant plugins: normal-world shared objects a TA calls through the system PTA.

The upstream ABI (optee_client, tee_plugin_method.h): a plugin is a shared object that
exports ``struct plugin_method { const char *name; TEEC_UUID uuid; TEEC_Result
(*init)(void); TEEC_Result (*invoke)(unsigned int cmd, unsigned int sub_cmd, void *data,
size_t in_len, size_t *out_len); }`` under the name ``plugin_method``. Every file in the
plugin directory is loaded as tee-supplicant's plugin_load_all() loads it: one that does
not open, lacks the symbol, has no name or invoke function, or whose init() fails is
skipped with a message. The plugins run in this process (as in tee-supplicant's), so a
plugin that crashes ends it.
"""
from __future__ import annotations

import ctypes
import os
import threading
import uuid as _uuid
from dataclasses import dataclass
from pathlib import Path

from ..abi.results import TEE_ERROR_ITEM_NOT_FOUND, TEE_SUCCESS
from ..platform import LogSink

_INVOKE = ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p,
                           ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t))
_INIT = ctypes.CFUNCTYPE(ctypes.c_uint32)


class _PluginMethod(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("uuid", ctypes.c_uint8 * 16),
                ("init", ctypes.c_void_p), ("invoke", ctypes.c_void_p)]


@dataclass
class Plugin:
    name: str
    uuid: _uuid.UUID
    path: Path
    invoke: ctypes._CFuncPtr  # type: ignore[name-defined]
    handle: ctypes.CDLL


class PluginHost:
    """The plugins of one directory, loaded and initialized once (platform.Plugins)."""

    def __init__(self, directory: str | os.PathLike[str] | None, log: LogSink | None = None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.log = log
        self.plugins: list[Plugin] = []
        self._lock = threading.Lock()
        if self.directory is not None:
            self._load_all()

    def _note(self, level: str, text: str) -> None:
        if self.log is not None:
            self.log.tee_log(level, text)

    def _load_all(self) -> None:
        """plugin_load_all(): a missing directory is no error."""
        assert self.directory is not None
        try:
            names = sorted(os.listdir(self.directory))
        except OSError:
            self._note("I", f"could not open plugin directory {self.directory}")
            return
        for name in names:
            path = self.directory / name
            plugin = self._load(path)
            if plugin is not None:
                self.plugins.append(plugin)

    def _load(self, path: Path) -> Plugin | None:
        try:
            handle = ctypes.CDLL(str(path), mode=os.RTLD_LAZY)
        except OSError as exc:
            self._note("E", f"open plugin <{path.name}> failed: {exc}")
            return None
        try:
            method = _PluginMethod.in_dll(handle, "plugin_method")
        except ValueError:
            self._note("E", f"find 'plugin_method' sym in <{path.name}> failed")
            return None
        if not method.name or not method.invoke:
            self._note("E", f"find 'plugin_method' sym in <{path.name}> failed")
            return None
        name = method.name.decode("utf-8", "replace")
        if method.init:
            res = _INIT(method.init)()
            if res != TEE_SUCCESS:
                self._note("E", f"init the <{name}> plugin failed with 0x{res:x}")
                return None
        return Plugin(name, _uuid.UUID(bytes_le=bytes(method.uuid)), path,
                      _INVOKE(method.invoke), handle)

    def find(self, uuid: _uuid.UUID) -> Plugin | None:
        return next((p for p in self.plugins if p.uuid == uuid), None)

    def invoke(self, uuid: _uuid.UUID, cmd: int, sub_cmd: int,
               data: bytearray) -> tuple[int, int]:
        """plugin_invoke(): TEEC_ERROR_ITEM_NOT_FOUND when no plugin has that UUID."""
        plugin = self.find(uuid)
        if plugin is None:
            return TEE_ERROR_ITEM_NOT_FOUND, 0
        buf = (ctypes.c_uint8 * max(len(data), 1)).from_buffer_copy(bytes(data).ljust(1, b"\0"))
        out_len = ctypes.c_size_t(0)
        with self._lock:
            res = plugin.invoke(cmd & 0xFFFFFFFF, sub_cmd & 0xFFFFFFFF,
                                ctypes.cast(buf, ctypes.c_void_p) if data else None,
                                len(data), ctypes.byref(out_len))
        data[:] = bytes(buf)[:len(data)]
        return int(res) & 0xFFFFFFFF, out_len.value
