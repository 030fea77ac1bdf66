"""Fixtures for trusted storage: stores over in-memory South storage and a client for the
storage sample TA (sample_tas/storage/storage_ta.h)."""
from __future__ import annotations

import struct
import uuid as _uuid
from dataclasses import dataclass
from typing import Iterator

import pytest

from optee_litebox.abi.results import TEE_SUCCESS, result_name
from optee_litebox.deterministic import SeededRandom, deterministic_platform
from optee_litebox.platform import Platform, Storage
from optee_litebox.runtime import Param, Tee
from optee_litebox.samples import sample
from optee_litebox.secure_storage import MemoryStorage, SecureStorage, TaStore

TA_A = _uuid.UUID("11111111-2222-3333-4444-555555555555")
TA_B = _uuid.UUID("66666666-7777-8888-9999-aaaaaaaaaaaa")
HUK = bytes(range(16))

PRIVATE, REE, RPMB = 0x1, 0x80000000, 0x80000100
READ, WRITE, WRITE_META, SHARE_READ, SHARE_WRITE, OVERWRITE = 0x1, 0x2, 0x4, 0x10, 0x20, 0x400
RW = READ | WRITE | WRITE_META
SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2
#: TEE_ObjectInfo as the sample TA copies it out (LP64).
OBJECT_INFO = struct.Struct("<IIIIQQI4x")


def new_secure(storage: MemoryStorage | None = None, seed: int = 1,
               huk: bytes = HUK) -> tuple[MemoryStorage, SecureStorage]:
    """A device over memory storage (pass the same storage for a 'second process')."""
    storage = storage if storage is not None else MemoryStorage()
    return storage, SecureStorage(storage, huk, SeededRandom(seed))


@pytest.fixture()
def memory() -> MemoryStorage:
    return MemoryStorage()


@pytest.fixture()
def store(memory: MemoryStorage) -> TaStore:
    return new_secure(memory)[1].store(TA_A)


@dataclass
class Info:
    obj_type: int
    object_size: int
    max_object_size: int
    usage: int
    data_size: int
    data_position: int
    handle_flags: int


class StorageTa:
    """One session to the storage sample TA; each method is one command."""

    def __init__(self, tee: Tee, name: str = "storage") -> None:
        self.tee = tee
        res, origin, session = tee.open_session(sample(name).uuid)
        assert session is not None, f"open {name}: {result_name(res)}"
        self.session = session

    def invoke(self, cmd: int, params: list[Param]) -> list[Param]:
        res, origin = self.tee.invoke(self.session, cmd, params)
        self.last = (res, origin)
        assert res == TEE_SUCCESS, f"command {cmd}: {result_name(res)} origin {origin}"
        return params

    def create(self, oid: bytes, flags: int = RW, storage: int = PRIVATE, data: bytes | None = None,
               attr: int = 0, null_obj: bool = False) -> tuple[int, int]:
        p = self.invoke(0, [Param.memref_in(oid), Param.value_in(flags, storage),
                            Param.memref_in(data) if data is not None else Param.none(),
                            Param.value_inout(attr, int(null_obj))])
        return p[3].a, p[3].b

    def open(self, oid: bytes, flags: int = RW, storage: int = PRIVATE) -> tuple[int, int]:
        p = self.invoke(1, [Param.memref_in(oid), Param.value_in(flags, storage), Param.none(),
                            Param.value_out()])
        return p[3].a, p[3].b

    def close(self, handle: int) -> None:
        self.invoke(2, [Param.value_in(handle, 0), Param.none(), Param.none(), Param.none()])

    def read(self, handle: int, size: int) -> tuple[int, bytes]:
        p = self.invoke(3, [Param.value_in(handle, 0), Param.memref_out(size), Param.none(),
                            Param.value_out()])
        return p[3].a, p[1].data()[:p[3].b]

    def write(self, handle: int, data: bytes) -> int:
        return self.invoke(4, [Param.value_in(handle, 0), Param.memref_in(data), Param.none(),
                               Param.value_out()])[3].a

    def trunc(self, handle: int, size: int) -> int:
        return self.invoke(5, [Param.value_in(handle, size), Param.none(), Param.none(),
                               Param.value_out()])[3].a

    def seek(self, handle: int, offset: int, whence: int) -> int:
        off = offset & 0xFFFFFFFFFFFFFFFF
        return self.invoke(6, [Param.value_in(handle, whence),
                               Param.value_in(off & 0xFFFFFFFF, off >> 32), Param.none(),
                               Param.value_out()])[3].a

    def delete(self, handle: int) -> int:
        return self.invoke(7, [Param.value_in(handle, 0), Param.none(), Param.none(),
                               Param.value_out()])[3].a

    def rename(self, handle: int, new_oid: bytes) -> int:
        return self.invoke(8, [Param.value_in(handle, 0), Param.memref_in(new_oid), Param.none(),
                               Param.value_out()])[3].a

    def info(self, handle: int) -> tuple[int, Info]:
        p = self.invoke(9, [Param.value_in(handle, 0), Param.memref_out(40), Param.none(),
                            Param.value_out()])
        return p[3].a, Info(*OBJECT_INFO.unpack(p[1].data()))

    def enum_alloc(self) -> int:
        p = self.invoke(10, [Param.none(), Param.none(), Param.none(), Param.value_out()])
        assert p[3].a == TEE_SUCCESS
        return p[3].b

    def enum_free(self, e: int) -> None:
        self.invoke(11, [Param.value_in(e, 0), Param.none(), Param.none(), Param.none()])

    def enum_reset(self, e: int) -> None:
        self.invoke(12, [Param.value_in(e, 0), Param.none(), Param.none(), Param.none()])

    def enum_start(self, e: int, storage: int = PRIVATE) -> int:
        return self.invoke(13, [Param.value_in(e, storage), Param.none(), Param.none(),
                                Param.value_out()])[3].a

    def enum_next(self, e: int) -> tuple[int, bytes, Info]:
        p = self.invoke(14, [Param.value_in(e, 0), Param.memref_out(64), Param.memref_out(40),
                             Param.value_out()])
        return p[3].a, p[1].data()[:p[3].b], Info(*OBJECT_INFO.unpack(p[2].data()))

    def enumerate(self, storage: int = PRIVATE) -> list[bytes]:
        e = self.enum_alloc()
        out: list[bytes] = []
        if self.enum_start(e, storage) == TEE_SUCCESS:
            while True:
                res, oid, _ = self.enum_next(e)
                if res != TEE_SUCCESS:
                    break
                out.append(oid)
        self.enum_free(e)
        return out

    def syscall(self, nr: int, args: list[int], scratch: bytes = bytes(256)) -> tuple[int, bytes]:
        """A raw syscall; PRIV(off)/SHARED(off) arguments point into the scratch buffer."""
        argv = struct.pack("<8Q", *(list(args) + [0] * (8 - len(args))))
        p = self.invoke(15, [Param.value_in(nr, 0), Param.memref_in(argv),
                             Param.memref_inout(scratch), Param.value_out()])
        return p[3].a, p[2].data()

    def key_create(self, oid: bytes, key: bytes, flags: int = RW, storage: int = PRIVATE,
                   usage: int = 0xFFFFFFFF, transform: bool = False) -> tuple[int, int]:
        p = self.invoke(16, [Param.memref_in(oid), Param.memref_in(key), Param.value_in(flags, storage),
                             Param.value_inout(usage, int(transform))])
        return p[3].a, p[3].b

    def get_attr(self, handle: int, attr_id: int, size: int = 64) -> tuple[int, bytes]:
        p = self.invoke(17, [Param.value_in(handle, attr_id), Param.memref_out(size), Param.none(),
                             Param.value_out()])
        return p[3].a, p[1].data()

    def bench(self, op: int, iterations: int, size: int, objects: int, data: bytes) -> tuple[int, int]:
        p = self.invoke(18, [Param.value_in(op, iterations), Param.value_in(size, objects),
                             Param.memref_inout(data), Param.value_out()])
        return p[3].a, p[3].b


def PRIV(offset: int = 0) -> int:
    return 0xA1 << 56 | offset


def SHARED(offset: int = 0) -> int:
    return 0xA2 << 56 | offset


@pytest.fixture()
def storage_platform() -> Platform:
    return deterministic_platform(seed=3)


@pytest.fixture()
def tee_storage(storage_platform: Platform) -> Iterator[Tee]:
    t = Tee(storage_platform)
    for name in ("storage", "storage_keep"):
        t.add(sample(name).ta_path)
    yield t
    t.close()


@pytest.fixture()
def ta(tee_storage: Tee) -> StorageTa:
    return StorageTa(tee_storage)


def platform_over(storage: Storage, seed: int = 5) -> Platform:
    """A second TEE over the same device (same key, same storage)."""
    return deterministic_platform(seed=seed, storage=storage)
