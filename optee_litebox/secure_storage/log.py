"""The per-TA commit log: an append-only file of sealed frames, fixed by an anchor.

::

    offset 0    anchor slot 0 (64 bytes)
    offset 64   anchor slot 1 (64 bytes)
    offset 128  frames: LOG header, then for every commit its HEAD frames and its COMMIT
    frame:      u32 length | sealed blob (seal.py; the kind is in its header)

    anchor slot: "OLXA" | u32 slot | u64 version | 16-byte commit tag | u64 end | 8 zero
                 | HMAC-SHA256(anchor key, the 48 bytes before)[:16]
    LOG header:  "OLXL" | u64 base version | 16-byte base tag

A commit appends its frames after the anchored end and makes them durable, then writes
the anchor slot ``version % 2`` with the commit's version, tag and end, and makes that
durable: only then is the commit done. Readers replay commits from the header up to the
anchored one; anything wrong up to there is corruption. Every commit names the previous
one's tag, so frames cannot be dropped, reordered or replayed from another log. After
the anchored commit there can be one more: a crash (or a damaged newest slot, which
makes the older slot current) came between its append and its anchor. It counts if it
is complete (its frames authenticate and it follows the anchored commit), and is ignored
otherwise; the next commit is written after whatever counts.

A compacted log has the same layout: its header names the last commit of the log it
replaces (base), followed by the live HEAD frames copied verbatim and one snapshot commit.
In the RPMB namespace the anchor lives in the emulated RPMB partition instead of the
slots (rpmb.py).
"""
from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass, field

from ..platform import Randomness
from . import seal
from .errors import CorruptObject
from .keys import TaKeys
from .records import Commit, Entry, decode_commit, encode_commit

SLOT_SIZE = 64
FRAMES_START = 2 * SLOT_SIZE
NO_TAG = bytes(16)
_SLOT = struct.Struct("<4sIQ16sQ8x")
_FRAME = struct.Struct("<I")
_LOG_HDR = struct.Struct("<4sQ16s")
SLOT_MAGIC = b"OLXA"
LOG_MAGIC = b"OLXL"
#: Where a frame blob's seal kind byte is (seal.HEADER: magic, version, kind).
_KIND_AT = 5
#: Size of the LOG header frame: the first commit's frames start after it.
HEADER_FRAME_SIZE = _FRAME.size + seal.OVERHEAD + _LOG_HDR.size


@dataclass(frozen=True)
class Anchor:
    version: int
    tag: bytes
    end: int


@dataclass
class LogState:
    """The index a log replays to, with where it ends."""

    version: int = 0
    tag: bytes = NO_TAG
    end: int = 0
    entries: dict[bytes, Entry] = field(default_factory=dict)
    #: Bytes of HEAD frames that live entries use (for the compaction policy).
    live: int = 0

    def copy(self) -> "LogState":
        return LogState(self.version, self.tag, self.end, dict(self.entries), self.live)

    def free_slot(self) -> int:
        used = {e.slot for e in self.entries.values()}
        slot = 0
        while slot in used:
            slot += 1
        return slot

    def in_slot_order(self) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: e.slot)

    def apply(self, commit: Commit) -> None:
        if commit.snapshot:
            self.entries = {}
            self.live = 0
        for oid in commit.deletes:
            old = self.entries.pop(oid, None)
            if old is not None:
                self.live -= _FRAME.size + old.length
        for e in commit.puts:
            old = self.entries.get(e.oid)
            if old is not None:
                self.live -= _FRAME.size + old.length
            self.entries[e.oid] = e
            self.live += _FRAME.size + e.length


# -- anchors -----------------------------------------------------------------------------

def slot_offset(version: int) -> int:
    return (version % 2) * SLOT_SIZE


def encode_slot(keys: TaKeys, anchor: Anchor) -> bytes:
    body = _SLOT.pack(SLOT_MAGIC, anchor.version % 2, anchor.version, anchor.tag, anchor.end)
    return body + hmac.new(keys.anchor, body, hashlib.sha256).digest()[:16]


def decode_slots(keys: TaKeys, raw: bytes) -> Anchor | None:
    """The valid slot with the highest version, or None."""
    best: Anchor | None = None
    for n in (0, 1):
        slot = raw[n * SLOT_SIZE:(n + 1) * SLOT_SIZE]
        if len(slot) != SLOT_SIZE:
            continue
        body, mac = slot[:_SLOT.size], slot[_SLOT.size:]
        if not hmac.compare_digest(mac, hmac.new(keys.anchor, body, hashlib.sha256).digest()[:16]):
            continue
        magic, index, version, tag, end = _SLOT.unpack(body)
        if magic != SLOT_MAGIC or index != n or version % 2 != n:
            continue
        if best is None or version > best.version:
            best = Anchor(version, tag, end)
    return best


# -- frames ------------------------------------------------------------------------------

def frame(blob: bytes) -> bytes:
    return _FRAME.pack(len(blob)) + blob


def log_header(keys: TaKeys, context: bytes, base: Anchor, rng: Randomness) -> bytes:
    plain = _LOG_HDR.pack(LOG_MAGIC, base.version, base.tag)
    return frame(seal.seal(keys, seal.KIND_LOG, context, "log", plain, rng))


def replay(keys: TaKeys, context: bytes, raw: bytes, anchor: Anchor,
           state: LogState | None = None) -> LogState:
    """The state at the anchored commit, or at the commit right after it if that one is
    complete (a crash came between its append and its anchor).

    raw holds the log from offset ``state.end`` to the end of the file (from offset 0 when
    there is no state yet). CorruptObject unless every frame up to the anchored commit is
    intact and the commits chain up to exactly the anchored one.
    """
    base_offset = 0 if state is None else state.end
    pos = FRAMES_START if state is None else state.end
    if state is None:
        blob, pos = _next_frame(raw, pos, base_offset)
        plain = seal.unseal(keys, seal.KIND_LOG, context, blob, "log header")
        try:
            magic, version, tag = _LOG_HDR.unpack(plain)
        except struct.error:
            raise CorruptObject("log header: bad length") from None
        if magic != LOG_MAGIC:
            raise CorruptObject("log header: bad magic")
        state = LogState(version, tag, pos)
        if (version, tag) == (anchor.version, anchor.tag):
            anchor = Anchor(version + 1, b"", 0)  # compacted, RPMB not yet told: take the snapshot
    else:
        state = state.copy()
    while state.version < anchor.version:
        pos = _apply_next(keys, context, raw, base_offset, pos, state, check_heads=False)
    if anchor.tag and (state.version, state.tag, state.end) != (anchor.version, anchor.tag, anchor.end):
        raise CorruptObject(f"log: the anchored commit {anchor.version} is not in the log")
    if base_offset + len(raw) > pos:
        tentative = state.copy()
        try:
            _apply_next(keys, context, raw, base_offset, pos, tentative, check_heads=True)
            return tentative
        except CorruptObject:
            pass  # an append that did not complete: not committed
    return state


def _apply_next(keys: TaKeys, context: bytes, raw: bytes, base_offset: int, pos: int,
                state: LogState, check_heads: bool) -> int:
    """Apply the next commit (and skip its HEAD frames) to state; returns its end.

    check_heads authenticates the HEAD frames too (for a commit no anchor vouches for).
    """
    heads: dict[int, bytes] = {}
    while True:
        start = pos
        blob, pos = _next_frame(raw, pos, base_offset)
        if blob[_KIND_AT] != seal.KIND_HEAD:
            break
        if check_heads:
            seal.unseal(keys, seal.KIND_HEAD, context, blob, "head")
            heads[start] = seal.tag_of(blob)
    commit = decode_commit(seal.unseal(keys, seal.KIND_COMMIT, context, blob, "commit"))
    if commit.version != state.version + 1 or commit.prev_tag != state.tag:
        raise CorruptObject(f"log: commit {commit.version} does not follow {state.version}")
    for e in commit.puts:
        if e.offset < FRAMES_START or e.offset + _FRAME.size + e.length > start:
            raise CorruptObject("log: a commit names a head outside the log")
        if check_heads and heads.get(e.offset) != e.tag:
            raise CorruptObject("log: a commit names a head it did not write")
    state.apply(commit)
    state.version, state.tag, state.end = commit.version, seal.tag_of(blob), pos
    return pos


def _next_frame(raw: bytes, pos: int, base: int) -> tuple[bytes, int]:
    at = pos - base
    if at + _FRAME.size > len(raw):
        raise CorruptObject("log: ends before the anchored commit")
    (length,) = _FRAME.unpack_from(raw, at)
    blob = raw[at + _FRAME.size:at + _FRAME.size + length]
    if len(blob) != length or length < seal.OVERHEAD:
        raise CorruptObject("log: truncated frame")
    return blob, pos + _FRAME.size + length


def compact(keys: TaKeys, context: bytes, state: LogState, raw: bytes, rng: Randomness, *,
            slots: bool = True) -> tuple[bytes, LogState]:
    """A new log holding only the live heads (copied verbatim) and a snapshot commit;
    raw is the log up to the state's end; slots: anchor it in its own slots."""
    out = [bytes(FRAMES_START), log_header(keys, context, Anchor(state.version, state.tag, 0), rng)]
    pos = FRAMES_START + len(out[1])
    commit = Commit(state.version + 1, state.tag, snapshot=True)
    for e in state.in_slot_order():
        data = raw[e.offset:e.offset + _FRAME.size + e.length]
        if len(data) != _FRAME.size + e.length:
            raise CorruptObject("log: a live head lies beyond the end of the log")
        out.append(data)
        commit.puts.append(Entry(e.slot, e.oid, pos, e.length, e.tag))
        pos += len(data)
    blob = seal.seal(keys, seal.KIND_COMMIT, context, "commit", encode_commit(commit), rng)
    out.append(frame(blob))
    pos += len(out[-1])
    new = LogState(commit.version, seal.tag_of(blob), pos)
    new.apply(commit)
    if slots:
        out[0] = _slots_for(keys, Anchor(new.version, new.tag, new.end))
    return b"".join(out), new


def _slots_for(keys: TaKeys, anchor: Anchor) -> bytes:
    slots = bytearray(FRAMES_START)
    off = slot_offset(anchor.version)
    slots[off:off + SLOT_SIZE] = encode_slot(keys, anchor)
    return bytes(slots)


def new_log(keys: TaKeys, context: bytes, frames: bytes, anchor: Anchor, rng: Randomness, *,
            slots: bool = True) -> bytes:
    """A first log: a header with an empty base, then frames; anchored in its own slots
    unless slots is False (the RPMB partition anchors it)."""
    head = _slots_for(keys, anchor) if slots else bytes(FRAMES_START)
    return head + log_header(keys, context, Anchor(0, NO_TAG, 0), rng) + frames
