"""The wire protocol as pure functions: round trips, limits and the session state machine."""
from __future__ import annotations

import struct
import uuid

import pytest

from optee_litebox.client import protocol as p
from optee_litebox.client.session_fsm import SessionFsm, State
from optee_litebox.server import channel as ch
from optee_litebox.gp_api import ClientIdentity

U = uuid.UUID("2a9145a6-ce70-417f-93ab-fd61d7f99112")


def payload(frame: bytes) -> tuple[p.Header, memoryview]:
    header = p.decode_header(frame)
    assert header.length == len(frame) - p.HEADER_SIZE
    return header, memoryview(frame)[p.HEADER_SIZE:]


def sample_op() -> p.Operation:
    return p.Operation(
        (p.WireParam(3, 41, 7),
         p.WireParam(5, buffer=0, offset=2, size=3),
         p.WireParam(7, buffer=1, offset=16, size=32),
         p.WireParam(6, buffer=p.NO_BUFFER)),
        (p.WireBuffer(p.BUF_INLINE, 8, data=b"abcdefgh"),
         p.WireBuffer(p.BUF_SHM, 4096, id=9, flags=p.BUF_FLAG_FD)))


def test_header_layout_and_limits() -> None:
    assert p.encode_header(p.INVOKE, 5, 1) == struct.pack("<IHBB", 5, 0x0003, 1, 0)
    with pytest.raises(p.ProtocolError):
        p.encode_header(p.INVOKE, p.MAX_PAYLOAD + 1)
    with pytest.raises(p.ProtocolError, match="limit"):
        p.decode_header(struct.pack("<IHBB", p.MAX_PAYLOAD + 1, 3, 0, 0))
    with pytest.raises(p.ProtocolError, match="descriptors"):
        p.decode_header(struct.pack("<IHBB", 0, 3, p.MAX_FDS + 1, 0))
    with pytest.raises(p.ProtocolError, match="reserved"):
        p.decode_header(struct.pack("<IHBB", 0, 3, 0, 1))
    with pytest.raises(p.ProtocolError):
        p.decode_header(b"\x00" * 7)


def test_hello_round_trip_and_version_negotiation() -> None:
    hello = p.Hello(p.ROLE_SESSION, token=bytes(range(16)))
    header, body = payload(p.encode_hello(hello))
    assert header.kind == p.HELLO and p.decode_hello(body) == hello
    assert p.negotiate(hello) == 1
    assert p.negotiate(p.Hello(p.ROLE_CONTEXT, 2, 5)) is None
    assert p.negotiate(p.Hello(p.ROLE_CONTEXT, 1, 9)) == 1
    bad = bytearray(body)
    bad[0:4] = b"XXXX"
    with pytest.raises(p.ProtocolError, match="magic"):
        p.decode_hello(bad)
    with pytest.raises(p.ProtocolError, match="role"):
        p.decode_hello(p.encode_hello(p.Hello(7))[8:])
    reply = p.HelloReply(1, 0, b"t" * 16)
    assert p.decode_hello_reply(payload(p.encode_hello_reply(reply))[1]) == reply


def test_open_and_invoke_round_trip() -> None:
    op = sample_op()
    assert op.types == 0x6753 and op.nfds == 1
    req = p.OpenRequest(U, 2, 1000, op)
    header, body = payload(p.encode_open(req))
    assert (header.kind, header.nfds) == (p.OPEN, 1)
    got = p.decode_open(body)
    assert got.uuid == U and got.login == 2 and got.gid == 1000
    assert got.op.params == op.params
    assert bytes(got.op.buffers[0].data) == b"abcdefgh" and got.op.buffers[1] == op.buffers[1]
    assert p.decode_open(payload(p.encode_open(p.OpenRequest(U)))[1]).gid is None
    inv = p.InvokeRequest(0xFFFFFFFF, op, (3, 4))
    header, body = payload(p.encode_invoke(inv))
    got_inv = p.decode_invoke(body)
    assert got_inv.cmd == 0xFFFFFFFF and got_inv.release == (3, 4) and got_inv.op.params == op.params


def test_uuid_travels_in_rfc_byte_order() -> None:
    body = payload(p.encode_open(p.OpenRequest(U)))[1]
    assert bytes(body[:16]) == bytes.fromhex("2a9145a6ce70417f93abfd61d7f99112")


@pytest.mark.parametrize("mutate, message", [
    (lambda b: struct.pack_into("<I", b, 0, 0x4), "invalid type"),           # type nibble 4
    (lambda b: struct.pack_into("<I", b, 0, 0x1_0000), "four nibbles"),
    (lambda b: struct.pack_into("<I", b, 4, 5), "buffers"),                  # too many buffers
    (lambda b: struct.pack_into("<I", b, 8 + 24, 7), "does not exist"),      # buffer index
    (lambda b: struct.pack_into("<Q", b, 8 + 24 + 8, 6), "outside"),         # offset + size
    (lambda b: struct.pack_into("<Q", b, 8 + 72 + 8, 1), "NULL memref"),     # NULL + offset
    (lambda b: struct.pack_into("<I", b, 104, 3), "kind"),                   # buffer kind
    (lambda b: struct.pack_into("<Q", b, 104 + 24, 9), "sizes"),             # dlen > size
    (lambda b: struct.pack_into("<I", b, 104 + 40 + 4, 2), "flags"),         # shm flag bits
    (lambda b: struct.pack_into("<Q", b, 104 + 40 + 16, p.MAX_SHM_SIZE + 1), "larger"),
])
def test_operation_decoding_refuses_bad_fields(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = bytearray(p.encode_operation(sample_op()))
    p.decode_operation(memoryview(bytes(raw)), 0)  # the original is fine
    mutate(raw)
    with pytest.raises(p.ProtocolError, match=message):
        p.decode_operation(memoryview(bytes(raw)), 0)


def test_truncated_and_padded_messages_are_refused() -> None:
    body = bytes(payload(p.encode_invoke(p.InvokeRequest(1, sample_op())))[1])
    for cut in range(len(body)):
        with pytest.raises(p.ProtocolError):
            p.decode_invoke(body[:cut])
    with pytest.raises(p.ProtocolError, match="stray"):
        p.decode_invoke(body + b"\x00")
    with pytest.raises(p.ProtocolError):
        p.decode_invoke(struct.pack("<II", 1, p.MAX_RELEASE + 1))


def test_reply_round_trip() -> None:
    reply = p.Reply(0xFFFF0010, 4, (p.ParamResult(1, 2), p.ParamResult(1 << 40, 0),
                                    p.ParamResult(), p.ParamResult(5, 0xFFFFFFFF)),
                    ((1, b"xyz"), (3, b"")), session_key=77)
    for kind in (p.OPEN_REPLY, p.INVOKE_REPLY):
        header, body = payload(p.encode_reply(kind, reply))
        got = p.decode_reply(kind, body)
        assert got.params == reply.params and [(i, bytes(d)) for i, d in got.data] == list(reply.data)
        assert got.session_key == (77 if kind == p.OPEN_REPLY else 0)
    with pytest.raises(p.ProtocolError):
        p.decode_reply(p.INVOKE_REPLY, bytes(payload(p.encode_reply(p.INVOKE_REPLY, reply))[1])[:-1])
    assert p.decode_close_reply(payload(p.encode_close_reply(0))[1]) == 0
    err = p.ErrorReply(0xFFFF0006, 2, "bad frame")
    assert p.decode_error(payload(p.encode_error(err))[1]) == err
    assert p.decode_cancel(payload(p.encode_cancel(p.Cancel(2**64 - 1)))[1]).key == 2**64 - 1


def test_server_worker_messages_round_trip() -> None:
    msg = ch.Assign(5, ClientIdentity(1, U), 1234, b"open payload")
    header, body = payload(ch.encode_assign(msg, 2))
    assert header.kind == ch.ASSIGN and header.nfds == 2 and ch.decode_assign(body) == msg
    done = ch.SessionDone(5, 1, 0)
    assert ch.decode_done(payload(ch.encode_done(done))[1]) == done
    with pytest.raises(p.ProtocolError):
        ch.decode_assign(b"short")


def test_session_state_machine() -> None:
    fsm = SessionFsm()
    with pytest.raises(p.ProtocolError):
        fsm.request(p.OPEN)                    # HELLO first
    fsm.request(p.HELLO)
    assert fsm.hello(p.ROLE_SESSION, True) is State.AWAIT_OPEN
    with pytest.raises(p.ProtocolError):
        fsm.request(p.INVOKE)                  # no session yet
    fsm.request(p.OPEN)
    with pytest.raises(p.ProtocolError):
        fsm.request(p.INVOKE)                  # requests and replies alternate
    assert fsm.reply(p.OPEN_REPLY, True) is State.OPEN
    fsm.request(p.INVOKE)
    with pytest.raises(p.ProtocolError):
        fsm.reply(p.CLOSE_REPLY)
    assert fsm.reply(p.INVOKE_REPLY, False) is State.OPEN  # a failed invoke keeps the session
    fsm.request(p.CLOSE)
    assert fsm.reply(p.CLOSE_REPLY) is State.CLOSED and fsm.closed
    with pytest.raises(p.ProtocolError):
        fsm.request(p.INVOKE)

    failed = SessionFsm()
    failed.request(p.HELLO)
    failed.hello(p.ROLE_SESSION, True)
    failed.request(p.OPEN)
    assert failed.reply(p.OPEN_REPLY, False) is State.CLOSED

    ctx = SessionFsm()
    ctx.request(p.HELLO)
    ctx.hello(p.ROLE_CONTEXT, True)
    ctx.request(p.CANCEL)
    ctx.request(p.STATUS)
    assert ctx.awaiting_reply
    ctx.reply(p.STATUS_REPLY)
    with pytest.raises(p.ProtocolError):
        ctx.request(p.OPEN)                    # a context connection opens no session
    assert ctx.reply(p.ERROR) is State.CLOSED
