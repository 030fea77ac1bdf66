"""Driving the crypto syscall handlers over a fake address space (no engine)."""
from __future__ import annotations

import struct

from optee_litebox.abi import crypto as c
from optee_litebox.abi.results import TEE_SUCCESS
from optee_litebox.gp_api import crypto as cr
from optee_litebox.gp_api import SyscallContext

DATA = 0x40010000  # the conftest ctx maps 4 pages read-write here


class Guest:
    """A bump allocator over the .data pages of the ctx fixture plus syscall shortcuts."""

    def __init__(self, ctx: SyscallContext) -> None:
        self.ctx = ctx
        self.top = DATA

    def put(self, data: bytes) -> int:
        addr = self.top
        self.ctx.mem.write(addr, data) if data else None
        self.top += (len(data) + 15) & ~15 or 16
        return addr

    def u64(self, value: int) -> int:
        return self.put(struct.pack("<Q", value))

    def read_u64(self, addr: int) -> int:
        return self.ctx.mem.read_u64(addr)

    def attrs(self, pairs: list[tuple[int, object]]) -> tuple[int, int]:
        raw = b""
        for aid, val in pairs:
            if aid & c.TEE_ATTR_FLAG_VALUE:
                a, bb = val if isinstance(val, tuple) else (val, 0)
                raw += struct.pack("<QQI4x", a, bb, aid)
            else:
                data = bytes(val)  # type: ignore[arg-type]
                raw += struct.pack("<QQI4x", self.put(data), len(data), aid)
        return self.put(raw), len(pairs)

    def obj(self, otype: int, max_size: int, pairs: list[tuple[int, object]] | None = None) -> int:
        out = self.put(bytes(4))
        assert cr.object_calls.syscall_cryp_obj_alloc(self.ctx, otype, max_size, out) == TEE_SUCCESS
        handle = self.ctx.mem.read_u32(out)
        if pairs is not None:
            addr, n = self.attrs(pairs)
            assert cr.object_calls.syscall_cryp_obj_populate(self.ctx, handle, addr, n) == TEE_SUCCESS
        return handle

    def state(self, algo: int, mode: int, key1: int = 0, key2: int = 0) -> tuple[int, int]:
        out = self.put(bytes(4))
        res = cr.state.syscall_cryp_state_alloc(self.ctx, algo, mode, key1, key2, out)
        return res, self.ctx.mem.read_u32(out)


def b(x: int, n: int | None = None) -> bytes:
    return x.to_bytes(n or (x.bit_length() + 7) // 8, "big")
