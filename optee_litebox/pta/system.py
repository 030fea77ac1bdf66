"""The system pseudo-TA (core/pta/system.c, lib/libutee/include/pta_system.h).

What libutee and libdl call it for: zero-initialized mappings (the temporary buffers of
TEE_OpenTASession/TEE_InvokeTACommand), dlopen/dlsym, TA-unique keys derived from the
device key, RNG entropy, and tee-supplicant plugins. Only TAs may open it.
"""
from __future__ import annotations

import uuid as _uuid

from ..abi.params import (
    TEE_PARAM_TYPE_MEMREF_INOUT,
    TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT,
    TEE_PARAM_TYPE_VALUE_INOUT,
    TEE_PARAM_TYPE_VALUE_INPUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
    param_types,
)
from ..abi.props import (
    TEE_MEMORY_ACCESS_ANY_OWNER,
    TEE_MEMORY_ACCESS_SECURE,
    TEE_MEMORY_ACCESS_WRITE,
)
from ..abi.pta import (
    PTA_CONCURRENT_FLAGS,
    PTA_SYSTEM_ADD_RNG_ENTROPY,
    PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY,
    PTA_SYSTEM_DLOPEN,
    PTA_SYSTEM_DLSYM,
    PTA_SYSTEM_GET_TPM_EVENT_LOG,
    PTA_SYSTEM_MAP_FLAG_SHAREABLE,
    PTA_SYSTEM_MAP_ZI,
    PTA_SYSTEM_SUPP_PLUGIN_INVOKE,
    PTA_SYSTEM_UNMAP,
    PTA_SYSTEM_UUID,
    TA_DERIVED_EXTRA_DATA_MAX_SIZE,
    TA_DERIVED_KEY_MAX_SIZE,
    TA_DERIVED_KEY_MIN_SIZE,
)
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_NOT_IMPLEMENTED,
    TEE_ERROR_NOT_SUPPORTED,
    TEE_ERROR_SECURITY,
    TEE_SUCCESS,
)
from ..keys import HUK_SUBKEY_UNIQUE_TA, huk_subkey_derive
from .base import PseudoTa, PtaCaller, PtaParam, register

_MI, _MO, _MIO = TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT
_VI, _VO, _VIO = TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT
PAGE = 4096
U64 = (1 << 64) - 1


def reg_pair(hi: int, lo: int) -> int:
    """reg_pair_to_64(): a 64-bit value from two 32-bit halves."""
    return ((hi & 0xFFFFFFFF) << 32) | (lo & 0xFFFFFFFF)


def set_pair(p: PtaParam, value: int) -> None:
    """reg_pair_from_64(): a = high half, b = low half."""
    p.a, p.b = (value >> 32) & 0xFFFFFFFF, value & 0xFFFFFFFF


def read_uuid(p: PtaParam) -> _uuid.UUID | None:
    """A TEE_UUID memref (16 bytes, little-endian fields as a TA holds it); None if the
    memref is NULL or not exactly 16 bytes."""
    if p.mem is None or not p.buffer or p.size != 16:
        return None
    return _uuid.UUID(bytes_le=p.mem.read(16))


@register
class SystemPta(PseudoTa):
    uuid = PTA_SYSTEM_UUID
    name = "system.pta"
    flags = PTA_CONCURRENT_FLAGS

    def open_session(self, caller: PtaCaller, types: int,
                     params: list[PtaParam]) -> tuple[int, object]:
        if caller.uuid is None:  # only user TAs
            return TEE_ERROR_ACCESS_DENIED, None
        return TEE_SUCCESS, None

    def invoke(self, session: object, caller: PtaCaller, cmd: int, types: int,
               params: list[PtaParam]) -> int:
        handler = {
            PTA_SYSTEM_ADD_RNG_ENTROPY: self.rng_reseed,
            PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY: self.derive_ta_unique_key,
            PTA_SYSTEM_MAP_ZI: self.map_zi,
            PTA_SYSTEM_UNMAP: self.unmap,
            PTA_SYSTEM_DLOPEN: self.dlopen,
            PTA_SYSTEM_DLSYM: self.dlsym,
            PTA_SYSTEM_GET_TPM_EVENT_LOG: self.get_tpm_event_log,
            PTA_SYSTEM_SUPP_PLUGIN_INVOKE: self.supp_plugin_invoke,
        }.get(cmd)
        if handler is None:
            return TEE_ERROR_NOT_IMPLEMENTED
        return handler(caller, types, params)

    # -- commands -----------------------------------------------------------------------------

    def rng_reseed(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_rng_reseed(): the entropy is read like upstream reads it. Our RNG is the
        host's (getrandom), which needs no seeding from a TA, so the bytes are dropped."""
        if types != param_types(_MI):
            return TEE_ERROR_BAD_PARAMETERS
        if not p[0].size or not p[0].buffer or p[0].mem is None:
            return TEE_ERROR_BAD_PARAMETERS
        p[0].mem.read()
        return TEE_SUCCESS

    def derive_ta_unique_key(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_derive_ta_unique_key(): HMAC-SHA256 of the device key over
        (HUK_SUBKEY_UNIQUE_TA, caller UUID || extra data), into secure memory only."""
        if types != param_types(_MI, _MO):
            return TEE_ERROR_BAD_PARAMETERS
        extra, out = p[0], p[1]
        if extra.size > TA_DERIVED_EXTRA_DATA_MAX_SIZE or \
                not TA_DERIVED_KEY_MIN_SIZE <= out.size <= TA_DERIVED_KEY_MAX_SIZE:
            return TEE_ERROR_BAD_PARAMETERS
        flags = TEE_MEMORY_ACCESS_WRITE | TEE_MEMORY_ACCESS_ANY_OWNER | TEE_MEMORY_ACCESS_SECURE
        if out.mem is None or out.mem.check_access(flags) != TEE_SUCCESS:
            return TEE_ERROR_SECURITY
        if caller.uuid is None:
            return TEE_ERROR_SECURITY
        data = caller.uuid.bytes_le + (extra.mem.read() if extra.mem is not None and extra.size else b"")
        key = huk_subkey_derive(self.env.platform.huk, HUK_SUBKEY_UNIQUE_TA, data, out.size)
        out.mem.write(key)
        return TEE_SUCCESS

    def map_zi(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_map_zi(): zero-initialized read-write memory, shareable with other TAs
        when asked (that is how a TA passes private buffers to another TA)."""
        if types != param_types(_VI, _VIO, _VI):
            return TEE_ERROR_BAD_PARAMETERS
        if p[0].b & ~PTA_SYSTEM_MAP_FLAG_SHAREABLE:
            return TEE_ERROR_BAD_PARAMETERS
        size = p[0].a
        if not size:
            return TEE_ERROR_BAD_PARAMETERS
        res, va = caller.map_zi(size, bool(p[0].b & PTA_SYSTEM_MAP_FLAG_SHAREABLE),
                                reg_pair(p[1].a, p[1].b), p[2].a, p[2].b)
        if res == TEE_SUCCESS:
            set_pair(p[1], va)
        return res

    def unmap(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_unmap(): page-rounded; the range must be mapped contiguously."""
        if types != param_types(_VI, _VI):
            return TEE_ERROR_BAD_PARAMETERS
        if p[0].b:
            return TEE_ERROR_BAD_PARAMETERS
        va = reg_pair(p[1].a, p[1].b)
        size = (p[0].a + PAGE - 1) & ~(PAGE - 1)
        if va + size > U64:
            return TEE_ERROR_BAD_PARAMETERS
        return caller.unmap(va, size)

    def dlopen(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_dlopen(): ldelf maps the library and what it needs, relocated."""
        if types != param_types(_MI, _VI):
            return TEE_ERROR_BAD_PARAMETERS
        lib = read_uuid(p[0])
        if lib is None:
            return TEE_ERROR_BAD_PARAMETERS
        return caller.dlopen(lib, p[1].a)

    def dlsym(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_dlsym(): a symbol of that library (nil UUID: of the whole TA)."""
        if types != param_types(_MI, _MI, _VO):
            return TEE_ERROR_BAD_PARAMETERS
        lib = read_uuid(p[0])
        if lib is None or p[1].mem is None or not p[1].buffer:
            return TEE_ERROR_BAD_PARAMETERS
        raw = p[1].mem.read()
        name = raw.split(b"\0", 1)[0].decode("latin-1")
        res, va = caller.dlsym(None if lib.int == 0 else lib, name)
        if res == TEE_SUCCESS:
            set_pair(p[2], va)
        return res

    def get_tpm_event_log(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_get_tpm_event_log(): CFG_CORE_TPM_EVENT_LOG=n in a default build."""
        if types != param_types(_MO):
            return TEE_ERROR_BAD_PARAMETERS
        return TEE_ERROR_NOT_SUPPORTED

    def supp_plugin_invoke(self, caller: PtaCaller, types: int, p: list[PtaParam]) -> int:
        """system_supp_plugin_invoke() and tee_invoke_supp_plugin_rpc(): the plugin gets a
        copy of the buffer; the whole buffer is copied back when it reports output."""
        if types != param_types(_MI, _VI, _MIO, _VO):
            return TEE_ERROR_BAD_PARAMETERS
        plugin = read_uuid(p[0])
        if plugin is None:
            return TEE_ERROR_BAD_PARAMETERS
        length = p[2].size
        if bool(length) != bool(p[2].buffer) or (length and p[2].mem is None):
            return TEE_ERROR_BAD_PARAMETERS
        data = bytearray(p[2].mem.read(length)) if length and p[2].mem is not None else bytearray()
        plugins = self.env.platform.plugins
        if plugins is None:
            res, outlen = TEE_ERROR_ITEM_NOT_FOUND, 0
        else:
            res, outlen = plugins.invoke(plugin, p[1].a, p[1].b, data)
        p[3].a = outlen & 0xFFFFFFFF
        if length and outlen and p[2].mem is not None:
            p[2].mem.write(bytes(data[:length]).ljust(length, b"\0"))
            res = TEE_SUCCESS
        return res
