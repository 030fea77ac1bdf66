"""Frames of the optee-litebox client protocol: header, limits, kinds (pure, no I/O).

Every frame is an 8-byte header ``{u32 length; u16 kind; u8 nfds; u8 zero}`` followed by
``length`` payload bytes; ``nfds`` file descriptors travel with the frame as SCM_RIGHTS.
All integers are little-endian; every length is bounded. See docs/protocol.md.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import LiteboxError

MAGIC = b"OLBX"
#: Protocol versions this implementation speaks.
VERSION_MIN = 1
VERSION_MAX = 1

HEADER = struct.Struct("<IHBB")
HEADER_SIZE = HEADER.size
#: Largest payload of one frame (temporary memrefs travel inline, so this bounds them).
MAX_PAYLOAD = 64 << 20
#: Largest number of file descriptors attached to one frame.
MAX_FDS = 8
#: Largest shared memory (memfd) a client may describe.
MAX_SHM_SIZE = 1 << 40
#: Largest number of shared-memory ids released in one request.
MAX_RELEASE = 4096
#: Largest STATUS text.
MAX_TEXT = 1 << 20
NUM_PARAMS = 4
#: A memref parameter's buffer index meaning "NULL buffer".
NO_BUFFER = 0xFFFFFFFF

# -- message kinds -------------------------------------------------------------------------
HELLO = 0x0001
OPEN = 0x0002
INVOKE = 0x0003
CLOSE = 0x0004
CANCEL = 0x0005
STATUS = 0x0006
#: INVOKE from a TA (TA-to-TA sessions between worker processes only): u32 timeout first.
INVOKE_TA = 0x0007
HELLO_REPLY = 0x8001
OPEN_REPLY = 0x8002
INVOKE_REPLY = 0x8003
CLOSE_REPLY = 0x8004
STATUS_REPLY = 0x8006
ERROR = 0x80FF

#: HELLO roles: a context connection (cancellation, status) or a session connection.
ROLE_CONTEXT = 1
ROLE_SESSION = 2

# -- buffer kinds --------------------------------------------------------------------------
#: Bytes carried in the frame (temporary memrefs, registered memory): copied both ways.
BUF_INLINE = 1
#: Shared memory backed by a file descriptor (memfd), mapped by the worker: zero copy.
BUF_SHM = 2
#: BUF_SHM flag: this frame carries the shared memory's file descriptor.
BUF_FLAG_FD = 1

VALUE_PARAM_TYPES = frozenset({1, 2, 3})
MEMREF_PARAM_TYPES = frozenset({5, 6, 7})
OUTPUT_PARAM_TYPES = frozenset({2, 3, 6, 7})

class ProtocolError(LiteboxError):
    """A frame or message that does not follow docs/protocol.md."""


# -- framing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Header:
    kind: int
    length: int
    nfds: int = 0


def encode_header(kind: int, length: int, nfds: int = 0) -> bytes:
    if not 0 <= length <= MAX_PAYLOAD:
        raise ProtocolError(f"payload of {length} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    if not 0 <= nfds <= MAX_FDS:
        raise ProtocolError(f"{nfds} file descriptors exceed the limit of {MAX_FDS}")
    return HEADER.pack(length, kind, nfds, 0)


def decode_header(data: bytes | bytearray | memoryview) -> Header:
    """The header at the start of data (which must hold at least HEADER_SIZE bytes)."""
    if len(data) < HEADER_SIZE:
        raise ProtocolError("truncated frame header")
    length, kind, nfds, zero = HEADER.unpack_from(data)
    check_header(length, nfds, zero)
    return Header(kind, length, nfds)


def check_header(length: int, nfds: int, zero: int) -> None:
    """Raise ProtocolError unless a header's fields are within the limits."""
    if zero:
        raise ProtocolError("reserved header byte is not zero")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"frame of {length} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    if nfds > MAX_FDS:
        raise ProtocolError(f"frame announces {nfds} file descriptors (limit {MAX_FDS})")


def frame(kind: int, payload: bytes = b"", nfds: int = 0) -> bytes:
    """A complete frame: header then payload."""
    return encode_header(kind, len(payload), nfds) + payload


# -- helpers -------------------------------------------------------------------------------

def unpack_at(st: struct.Struct, view: memoryview | bytes, pos: int, what: str) -> tuple:
    if pos + st.size > len(view):
        raise ProtocolError(f"{what} is truncated")
    return st.unpack_from(view, pos)


def exact(payload: bytes | memoryview, size: int, what: str) -> None:
    if len(payload) != size:
        raise ProtocolError(f"{what} payload is {len(payload)} bytes, expected {size}")


def at_end(view: memoryview, pos: int, what: str) -> None:
    if pos != len(view):
        raise ProtocolError(f"{len(view) - pos} stray bytes after {what}")
