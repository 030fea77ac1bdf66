"""Fuzzing the pure protocol: random and mutated frames never raise anything but
ProtocolError, and whatever decodes re-encodes to the same message."""
from __future__ import annotations

import random
import struct
import uuid

from optee_litebox.client import protocol as p
from optee_litebox.client.session_fsm import SessionFsm
from optee_litebox.server import channel as ch

KINDS = [p.HELLO, p.OPEN, p.INVOKE, p.CLOSE, p.CANCEL, p.STATUS, p.HELLO_REPLY, p.OPEN_REPLY,
         p.INVOKE_REPLY, p.CLOSE_REPLY, p.STATUS_REPLY, p.ERROR, ch.ASSIGN, ch.SESSION_DONE, 0x7777]


def decode(kind: int, body: bytes) -> object:
    """Decode a payload as the receiving side would; ProtocolError for anything wrong."""
    if kind == p.HELLO:
        return p.decode_hello(body)
    if kind == p.OPEN:
        return p.decode_open(body)
    if kind == p.INVOKE:
        return p.decode_invoke(body)
    if kind == p.CLOSE:
        return p.decode_close(body)
    if kind == p.CANCEL:
        return p.decode_cancel(body)
    if kind == p.HELLO_REPLY:
        return p.decode_hello_reply(body)
    if kind in (p.OPEN_REPLY, p.INVOKE_REPLY):
        return p.decode_reply(kind, body)
    if kind == p.CLOSE_REPLY:
        return p.decode_close_reply(body)
    if kind == p.STATUS_REPLY:
        return p.decode_status_reply(body)
    if kind == p.ERROR:
        return p.decode_error(body)
    if kind == ch.ASSIGN:
        return ch.decode_assign(body)
    if kind == ch.SESSION_DONE:
        return ch.decode_done(body)
    raise p.ProtocolError("unknown kind")


def valid_frames(rng: random.Random) -> list[bytes]:
    def param() -> p.WireParam:
        t = rng.choice([0, 1, 2, 3, 5, 6, 7])
        if t in (5, 6, 7):
            return p.WireParam(t, buffer=rng.choice([0, p.NO_BUFFER]), size=rng.randrange(0, 8))
        return p.WireParam(t, rng.getrandbits(32), rng.getrandbits(32))
    params = tuple(param() for _ in range(4))
    params = tuple(w._replace(offset=0) if w.buffer == p.NO_BUFFER else w for w in params)
    op = p.Operation(params, (p.WireBuffer(p.BUF_INLINE, 8, data=bytes(rng.randrange(9))),))
    return [
        p.encode_hello(p.Hello(rng.choice([1, 2]), token=rng.randbytes(16))),
        p.encode_open(p.OpenRequest(uuid.UUID(int=rng.getrandbits(128)), rng.randrange(7),
                                    rng.choice([None, 5]), op)),
        p.encode_invoke(p.InvokeRequest(rng.getrandbits(32), op, (1, 2))),
        p.encode_close(),
        p.encode_cancel(p.Cancel(rng.getrandbits(64))),
        p.encode_reply(p.INVOKE_REPLY, p.Reply(1, 4, data=((1, b"abc"),))),
        p.encode_reply(p.OPEN_REPLY, p.Reply(0, 4, session_key=9)),
        p.encode_error(p.ErrorReply(1, 2, "x")),
    ]


def mutate(rng: random.Random, frame: bytes) -> bytes:
    b = bytearray(frame)
    for _ in range(rng.randrange(1, 4)):
        what = rng.randrange(6)
        if what == 0 and b:                       # flip a bit
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif what == 1 and b:                     # overwrite a byte
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif what == 2:                           # truncate
            del b[rng.randrange(len(b) + 1):]
        elif what == 3:                           # append junk
            b += rng.randbytes(rng.randrange(1, 32))
        elif what == 4 and len(b) >= 8:           # an extreme 32/64-bit field
            i = rng.randrange(0, len(b) - 7)
            struct.pack_into("<Q", b, i, rng.choice([0, 2**32 - 1, 2**63, 2**64 - 1, 0x7FFFFFFF]))
        elif what == 5 and len(b) >= 8:           # fix up the length after changes, or lie
            struct.pack_into("<I", b, 0, rng.choice([len(b) - 8, rng.getrandbits(32)]))
    return bytes(b)


def check_frame(data: bytes) -> str:
    """Parse one frame; returns "ok" or "refused"; anything else escapes and fails."""
    try:
        header = p.decode_header(data)
        body = data[p.HEADER_SIZE:p.HEADER_SIZE + header.length]
        if len(body) < header.length:
            return "refused"  # incomplete: a reader would wait for more
        msg = decode(header.kind, body)
    except p.ProtocolError:
        return "refused"
    if isinstance(msg, p.OpenRequest):
        again = p.decode_open(p.encode_open(msg)[p.HEADER_SIZE:])
        assert again.uuid == msg.uuid and again.op.params == msg.op.params
    elif isinstance(msg, p.InvokeRequest):
        again_i = p.decode_invoke(p.encode_invoke(msg)[p.HEADER_SIZE:])
        assert again_i.cmd == msg.cmd and again_i.op.params == msg.op.params
    return "ok"


def test_thousands_of_mutated_frames() -> None:
    rng = random.Random(0x0F7EE)
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(12000):
        base = rng.choice(valid_frames(rng))
        outcomes[check_frame(mutate(rng, base))] += 1
    assert outcomes["ok"] > 500 and outcomes["refused"] > 5000, outcomes


def test_thousands_of_random_frames() -> None:
    rng = random.Random(7)
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(8000):
        kind = rng.choice(KINDS)
        body = rng.randbytes(rng.choice([0, 4, 8, 16, 24, 28, 44, 100, 104, 200, rng.randrange(400)]))
        frame = struct.pack("<IHBB", len(body), kind, rng.choice([0, 0, 0, 1, 9]),
                            rng.choice([0, 0, 0, 1])) + body
        outcomes[check_frame(frame)] += 1
    assert outcomes["refused"] > 4000, outcomes


def test_random_frame_sequences_through_the_state_machine() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        fsm = SessionFsm()
        for _ in range(rng.randrange(1, 12)):
            kind = rng.choice(KINDS)
            try:
                if kind & 0x8000:
                    fsm.reply(kind, rng.random() < 0.5)
                else:
                    fsm.request(kind)
                    if kind == p.HELLO:
                        fsm.hello(rng.choice([1, 2, 3]), rng.random() < 0.9)
            except p.ProtocolError:
                break
