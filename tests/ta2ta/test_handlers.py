"""Syscalls 5-7 against a fake address space and a fake TaClient: upstream's parameter
rules (tee_svc_copy_param, utee_param_to_param, tee_svc_update_out_param) and what is
written back, without any TA behind them."""
from __future__ import annotations

import struct
import uuid

import pytest

from optee_litebox.abi import results as R
from optee_litebox.abi.params import UTEE_PARAMS, param_types
from optee_litebox.gp_api.registry import spec
from optee_litebox.gp_api.ta_client import CallParam

from ..conftest import CODE, DATA, PARAM

TARGET = uuid.UUID("8f715991-c82b-4750-9feb-a2cb1486d86b")
UP = DATA + 0x100          # struct utee_params
DEST = DATA + 0x200        # TEE_UUID
SESS = DATA + 0x300        # uint32_t session
ORIG = DATA + 0x304        # uint32_t origin
PRIV = DATA + 0x400        # a private buffer


class FakeClient:
    """Records calls; answers with what the test set, changing outputs like a callee."""

    def __init__(self, result: int = R.TEE_SUCCESS, origin: int = R.TEE_ORIGIN_TRUSTED_APP,
                 pseudo: bool | None = False) -> None:
        self.result, self.origin, self.pseudo = result, origin, pseudo
        self.calls: list[tuple] = []

    def _answer(self, params: list[CallParam]) -> None:
        for p in params:
            if p.type in (2, 3):
                p.a, p.b = 0x1111, 0x2222
            elif p.type in (6, 7):
                p.b = 7

    def open_session(self, dest, timeout, params):  # type: ignore[no-untyped-def]
        self.calls.append(("open", dest, timeout, [(p.type, p.a, p.b, p.region) for p in params]))
        self._answer(params)
        return self.result, self.origin, 5

    def invoke(self, session, timeout, cmd, params):  # type: ignore[no-untyped-def]
        self.calls.append(("invoke", session, timeout, cmd, [(p.type, p.a, p.b, p.region) for p in params]))
        self._answer(params)
        return self.result, self.origin

    def close_session(self, session):  # type: ignore[no-untyped-def]
        self.calls.append(("close", session))
        return R.TEE_SUCCESS if session == 5 else R.TEE_ERROR_ITEM_NOT_FOUND

    def is_pseudo(self, session):  # type: ignore[no-untyped-def]
        return self.pseudo if session == 5 else None


def call(ctx, number: int, *args: int) -> int:  # type: ignore[no-untyped-def]
    return spec(number).fn(ctx, *args)


def put_params(ctx, types: int, *vals: int) -> None:  # type: ignore[no-untyped-def]
    vals = (list(vals) + [0] * 8)[:8]
    ctx.mem.write(UP, UTEE_PARAMS.pack(types, *vals))


def read_params(ctx) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return UTEE_PARAMS.unpack(ctx.mem.read(UP, UTEE_PARAMS.size))


@pytest.fixture()
def client(ctx):  # type: ignore[no-untyped-def]
    ctx.ta_client = FakeClient()
    ctx.mem.write(DEST, TARGET.bytes_le)
    ctx.mem.write(SESS, struct.pack("<II", 0xAAAA, 0xBBBB))
    return ctx.ta_client


def test_open_passes_shared_memrefs_and_writes_back_outputs(ctx, client) -> None:
    put_params(ctx, param_types(3, 7, 1), 0x1_0000_0042, 9, PARAM + 8, 16, 0x1_0000_0001, 2)
    assert call(ctx, 5, DEST, 1000, UP, SESS, ORIG) == R.TEE_SUCCESS
    kind, dest, timeout, params = client.calls[0]
    assert (kind, dest, timeout) == ("open", TARGET, 1000)
    assert params[0][:3] == (3, 0x42, 9)               # values are 32-bit in the kernel
    assert params[1][:3] == (7, PARAM + 8, 16) and params[1][3].start == PARAM
    assert params[2][:3] == (1, 1, 2)
    _, *vals = read_params(ctx)
    assert vals[:4] == [0x1111, 0x2222, PARAM + 8, 7]  # value out and memref size back
    assert vals[4:6] == [0x1_0000_0001, 2]             # inputs untouched
    assert struct.unpack("<II", ctx.mem.read(SESS, 8)) == (5, R.TEE_ORIGIN_TRUSTED_APP)


def test_open_refuses_memrefs_into_private_memory(ctx, client) -> None:
    put_params(ctx, param_types(5), PRIV, 16)
    assert call(ctx, 5, DEST, 0xFFFFFFFF, UP, SESS, ORIG) == R.TEE_ERROR_BAD_PARAMETERS
    assert client.calls == []
    assert struct.unpack("<II", ctx.mem.read(SESS, 8)) == (0xAAAA, R.TEE_ORIGIN_TEE)


def test_open_failure_leaves_outputs_and_session_alone(ctx, client) -> None:
    client.result, client.origin = R.TEE_ERROR_ITEM_NOT_FOUND, R.TEE_ORIGIN_TEE
    put_params(ctx, param_types(2), 1, 2)
    assert call(ctx, 5, DEST, 0xFFFFFFFF, UP, SESS, ORIG) == R.TEE_ERROR_ITEM_NOT_FOUND
    assert read_params(ctx)[1:3] == (1, 2)
    assert struct.unpack("<II", ctx.mem.read(SESS, 8)) == (0xAAAA, R.TEE_ORIGIN_TEE)


@pytest.mark.parametrize("types, vals, expected", [
    (param_types(5), (0, 8), R.TEE_ERROR_BAD_PARAMETERS),            # NULL with a size
    (param_types(6), (CODE, 16), R.TEE_ERROR_ACCESS_DENIED),         # output into .text
    (param_types(5), (0x1234_0000, 16), R.TEE_ERROR_ACCESS_DENIED),  # unmapped
    (param_types(5), (PARAM + 0xFF0, 0x20), R.TEE_ERROR_ACCESS_DENIED),  # past the end
])
def test_open_checks_every_memref(ctx, client, types, vals, expected) -> None:  # type: ignore[no-untyped-def]
    put_params(ctx, types, *vals)
    assert call(ctx, 5, DEST, 0xFFFFFFFF, UP, SESS, ORIG) == expected
    assert client.calls == []


def test_open_with_null_and_empty_memrefs(ctx, client) -> None:
    put_params(ctx, param_types(5, 6), 0, 0, PRIV, 0)  # size 0: no memory is passed
    assert call(ctx, 5, DEST, 0xFFFFFFFF, UP, SESS, ORIG) == R.TEE_SUCCESS
    params = client.calls[0][3]
    assert params[0][3] is None and params[1][3] is None


def test_open_params_block_must_be_writable_and_uuid_private(ctx, client) -> None:
    assert call(ctx, 5, DEST, 0xFFFFFFFF, CODE, SESS, ORIG) == R.TEE_ERROR_ACCESS_DENIED
    ctx.mem.write(PARAM, TARGET.bytes_le)  # copy_from_user_private: shared memory is refused
    assert call(ctx, 5, PARAM, 0xFFFFFFFF, 0, SESS, ORIG) == R.TEE_ERROR_ACCESS_DENIED
    assert client.calls == []
    assert call(ctx, 5, DEST, 0xFFFFFFFF, 0, SESS, ORIG) == R.TEE_SUCCESS  # no parameters


def test_invoke_of_an_unknown_session_touches_nothing(ctx, client) -> None:
    ctx.mem.write(ORIG, b"\x99\0\0\0")
    assert call(ctx, 7, 6, 0xFFFFFFFF, 1, 0, ORIG) == R.TEE_ERROR_BAD_PARAMETERS
    assert ctx.mem.read_u32(ORIG) == 0x99 and client.calls == []


def test_invoke_a_pseudo_ta_with_private_memory(ctx, client) -> None:
    client.pseudo = True
    put_params(ctx, param_types(7, 3), PRIV, 32, 1, 2)
    assert call(ctx, 7, 0x1_0000_0005, 50, 0x1_0000_0009, UP, ORIG) == R.TEE_SUCCESS
    _, session, timeout, cmd, params = client.calls[0]
    assert (session, timeout, cmd) == (5, 50, 9)
    assert params[0] == (7, PRIV, 32, None)   # the PTA reads the caller's own memory
    assert read_params(ctx)[1:5] == (PRIV, 7, 0x1111, 0x2222)


def test_invoke_of_a_dead_callee_keeps_the_parameters(ctx, client) -> None:
    client.result, client.origin = R.TEE_ERROR_TARGET_DEAD, R.TEE_ORIGIN_TEE
    put_params(ctx, param_types(3), 1, 2)
    assert call(ctx, 7, 5, 0xFFFFFFFF, 0, UP, ORIG) == R.TEE_ERROR_TARGET_DEAD
    assert read_params(ctx)[1:3] == (1, 2)
    assert ctx.mem.read_u32(ORIG) == R.TEE_ORIGIN_TEE


def test_invoke_result_of_the_callee_updates_outputs(ctx, client) -> None:
    client.result = R.TEE_ERROR_SHORT_BUFFER
    put_params(ctx, param_types(6), PARAM, 4)
    assert call(ctx, 7, 5, 0xFFFFFFFF, 0, UP, ORIG) == R.TEE_ERROR_SHORT_BUFFER
    assert read_params(ctx)[2] == 7 and ctx.mem.read_u32(ORIG) == R.TEE_ORIGIN_TRUSTED_APP


def test_close(ctx, client) -> None:
    assert call(ctx, 6, 0x1_0000_0005) == R.TEE_SUCCESS
    assert call(ctx, 6, 4) == R.TEE_ERROR_ITEM_NOT_FOUND
    assert client.calls == [("close", 5), ("close", 4)]
