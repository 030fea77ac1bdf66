"""One TA's objects in one storage namespace: a commit log plus chunk files.

::

    <namespace>-<TA directory id>/log         the commit log (log.py): heads and commits
    <namespace>-<TA directory id>/%016x       data chunks of objects larger than 16 KiB

A change is one commit: new chunk files (fresh names) are written durably first, then the
commit's frames are appended to the log and made durable, then the anchor is written
(log slot, or the RPMB partition). A crash before the anchor leaves the old version;
unreferenced chunk files are swept later. Chunk file numbers are ``version << 20 | n``
for the commit version that introduces them, so they never collide with live files.

The anchor is read at the start of every operation (a 128-byte read): an unchanged anchor
means an unchanged index, new commits are replayed incrementally, a replaced log (another
process compacted it) is replayed from the start. Operations take the South storage's
lock for the TA's directory: shared to read, exclusive to commit, so two processes may
share one state directory. Decrypted heads are cached by their GCM tag (the commit chain
names the exact tag), data chunks are decrypted on every read.
"""
from __future__ import annotations

import threading
import uuid as _uuid
from collections import OrderedDict
from dataclasses import replace
from typing import Callable, ContextManager

from ..platform import Randomness, Storage
from . import layout, seal
from .errors import CorruptObject, ItemExists, ItemNotFound, NoSpace, StorageError
from .keys import TaKeys
from .log import (
    FRAMES_START,
    HEADER_FRAME_SIZE,
    Anchor,
    LogState,
    compact,
    decode_slots,
    encode_slot,
    frame,
    new_log,
    replay,
    slot_offset,
)
from .records import (
    Commit,
    Entry,
    Head,
    ObjectMeta,
    decode_head,
    encode_commit,
    encode_head,
)
from .rpmb import EmulatedRpmb
from .south import locked, south_call

LOG = "log"
#: Largest data size (TEE_DATA_MAX_POSITION).
MAX_DATA_SIZE = 0xFFFFFFFF
#: A log is compacted once it is this big and more than twice what its live heads need.
COMPACT_MIN = 256 * 1024
_FILE_SHIFT = 20
_HEAD_CACHE = 512

#: (id, slot, head) of an object a commit writes.
Put = tuple[bytes, int, Head]


class TaStore:
    """The objects of one TA in one namespace ("ree" or "rpmb")."""

    def __init__(self, storage: Storage, keys: TaKeys, namespace: str, dir_id: str,
                 rng: Randomness, rpmb: EmulatedRpmb | None = None) -> None:
        self.storage = storage
        self.keys = keys
        self.namespace = namespace
        self.directory = f"{namespace}-{dir_id}"
        self.log_name = f"{self.directory}/{LOG}"
        self.rpmb_id = bytes.fromhex(dir_id)
        self.rng = rng
        self.rpmb = rpmb
        self.context = namespace.encode() + b"\0" + keys.uuid.bytes
        self._state = LogState()
        #: The anchor self._state was read under (None: no log yet).
        self._anchor_seen: Anchor | None = None
        #: Highest commit version seen: a lower one later means a rollback while running.
        self._high = 0
        self._heads: OrderedDict[bytes, Head] = OrderedDict()
        self._swept = False
        self._lock = threading.RLock()

    @property
    def uuid(self) -> _uuid.UUID:
        return self.keys.uuid

    def _reading(self) -> ContextManager[None]:
        return locked(self.storage, self.directory, False)

    def _writing(self) -> ContextManager[None]:
        return locked(self.storage, self.directory, True)

    # -- the index ------------------------------------------------------------------------

    def _anchor(self) -> Anchor | None:
        if self.rpmb is not None:
            return south_call(self.rpmb.anchor, self.rpmb_id)
        raw = south_call(self.storage.read, self.log_name, 0, FRAMES_START)
        if raw is None:
            return None
        anchor = decode_slots(self.keys, raw)
        if anchor is None:
            raise CorruptObject("log: no authentic anchor")
        return anchor

    def _sync(self) -> LogState:
        """The index as the log and its anchor on disk say it is now."""
        anchor = self._anchor()
        if anchor is not None and anchor == self._anchor_seen:
            return self._state
        state = LogState() if anchor is None else self._replay(anchor)
        if state.version < self._high:
            raise CorruptObject(f"storage went back from version {self._high} to {state.version}")
        self._high = state.version
        self._state, self._anchor_seen = state, anchor
        return state

    def _replay(self, anchor: Anchor) -> LogState:
        """Bring the cached index up to the anchor: only the new commits if the log grew,
        all of it if it was replaced (compacted) or nothing is cached."""
        cached = self._state
        if cached.end and anchor.version >= cached.version and anchor.end >= cached.end:
            tail = south_call(self.storage.read, self.log_name, cached.end - seal.TAG_SIZE)
            if tail is not None and tail[:seal.TAG_SIZE] == cached.tag:
                return replay(self.keys, self.context, tail[seal.TAG_SIZE:], anchor, cached)
        raw = south_call(self.storage.read, self.log_name)
        if raw is None:
            raise CorruptObject("log: missing, but an anchor names a commit")
        return replay(self.keys, self.context, raw, anchor)

    def _head(self, entry: Entry) -> Head:
        head = self._heads.get(entry.tag)
        if head is None:
            raw = south_call(self.storage.read, self.log_name, entry.offset, 4 + entry.length)
            if raw is None or len(raw) != 4 + entry.length or \
                    int.from_bytes(raw[:4], "little") != entry.length or \
                    seal.tag_of(raw) != entry.tag:
                raise CorruptObject("head: not the version the commit names")
            head = decode_head(seal.unseal(self.keys, seal.KIND_HEAD, self.context, raw[4:], "head"))
            self._heads[entry.tag] = head
            if len(self._heads) > _HEAD_CACHE:
                self._heads.popitem(last=False)
        if head.oid != entry.oid:
            raise CorruptObject("head: belongs to another object")
        return head

    def _chunk(self, ref: layout.ChunkRef) -> bytes:
        name = f"{self.directory}/{ref.file:016x}"
        raw = south_call(self.storage.read, name)
        if raw is None:
            raise CorruptObject(f"chunk {ref.file:016x} is missing")
        if seal.tag_of(raw) != ref.tag:
            raise CorruptObject(f"chunk {ref.file:016x} is not the version its head names")
        data = seal.unseal(self.keys, seal.KIND_CHUNK, self.context, raw, "chunk")
        if len(data) != ref.length:
            raise CorruptObject(f"chunk {ref.file:016x} has the wrong length")
        return data

    def _current(self, state: LogState, oid: bytes) -> tuple[Entry, Head]:
        """An object a handle has open: gone from the index means tampered with."""
        entry = state.entries.get(oid)
        if entry is None:
            raise CorruptObject("an open object is no longer in the index")
        return entry, self._head(entry)

    # -- queries --------------------------------------------------------------------------

    def open(self, oid: bytes) -> Head:
        """The current version of an object: ItemNotFound, or CorruptObject."""
        with self._lock, self._reading():
            entry = self._sync().entries.get(oid)
            if entry is None:
                raise ItemNotFound("no such object")
            return self._head(entry)

    def read(self, oid: bytes, pos: int, size: int) -> bytes:
        """Up to size bytes of data from pos (fewer at the end, none past it)."""
        with self._lock, self._reading():
            _, head = self._current(self._sync(), oid)
            return layout.read_range(head, pos, pos + size, self._chunk)

    def next_after(self, slot: int) -> tuple[int, bytes] | None:
        """The (slot, id) of the first object after slot in enumeration order."""
        with self._lock, self._reading():
            for entry in self._sync().in_slot_order():
                if entry.slot > slot:
                    return entry.slot, entry.oid
        return None

    def ids(self) -> list[bytes]:
        with self._lock, self._reading():
            return [e.oid for e in self._sync().in_slot_order()]

    # -- changes --------------------------------------------------------------------------

    def create(self, oid: bytes, meta: ObjectMeta, data: bytes, overwrite: bool) -> Head:
        """A new object (replacing an existing one only with overwrite)."""
        with self._lock, self._writing():
            state = self._sync()
            old = state.entries.get(oid)
            if old is not None and not overwrite:
                raise ItemExists("object exists")
            if len(data) > MAX_DATA_SIZE:
                raise NoSpace("object too large")
            c = _Commit(self, state)
            version = layout.change(Head(oid, meta), len(data), 0, data, self._chunk, c.new_file)
            slot = old.slot if old is not None else state.free_slot()
            obsolete = self._chunk_files(old) if old is not None else []
            return c.run([(oid, slot, version.head)], [], version.new_chunks, obsolete)

    def write(self, oid: bytes, pos: int, data: bytes) -> Head:
        """Write data at pos, zero-filling a gap; returns the new head."""
        return self._change(oid, lambda h: max(h.size, pos + len(data)) if data else h.size,
                            pos, data)

    def truncate(self, oid: bytes, size: int) -> Head:
        return self._change(oid, lambda h: size, 0, b"")

    def _change(self, oid: bytes, new_size: Callable[[Head], int], pos: int,
                data: bytes) -> Head:
        with self._lock, self._writing():
            state = self._sync()
            entry, head = self._current(state, oid)
            size = new_size(head)
            if size > MAX_DATA_SIZE:
                raise NoSpace("object too large")
            if size == head.size and not data:
                return head
            c = _Commit(self, state)
            version = layout.change(head, size, pos, data, self._chunk, c.new_file)
            return c.run([(oid, entry.slot, version.head)], [], version.new_chunks, version.obsolete)

    def set_usage(self, oid: bytes, usage: int) -> Head:
        """Change the object's usage without touching the data."""
        with self._lock, self._writing():
            state = self._sync()
            entry, head = self._current(state, oid)
            nxt = replace(head, meta=replace(head.meta, usage=usage))
            return _Commit(self, state).run([(oid, entry.slot, nxt)], [], {}, [])

    def rename(self, oid: bytes, new_oid: bytes) -> None:
        """Give an object a new ID: ItemExists if it is taken, ItemNotFound if there is no
        object to rename (as upstream's directory lookup answers)."""
        with self._lock, self._writing():
            state = self._sync()
            if new_oid in state.entries:
                raise ItemExists("target exists")
            entry = state.entries.get(oid)
            if entry is None:
                raise ItemNotFound("no such object")
            head = self._head(entry)
            _Commit(self, state).run([(new_oid, entry.slot, replace(head, oid=new_oid))],
                                     [oid], {}, [])

    def remove(self, oid: bytes) -> None:
        with self._lock, self._writing():
            state = self._sync()
            entry = state.entries.get(oid)
            if entry is None:
                raise ItemNotFound("no such object")
            _Commit(self, state).run([], [oid], {}, self._chunk_files(entry))

    def wipe(self) -> None:
        """Delete every file of this TA's storage, readable or not (and its RPMB anchor):
        the developer's way out of a store that no longer authenticates."""
        with self._lock, self._writing():
            names = south_call(self.storage.listdir, self.directory)
            south_call(self.storage.remove, [f"{self.directory}/{n}" for n in names])
            if self.rpmb is not None:
                south_call(self.rpmb.set_anchor, self.rpmb_id, None)
            self._state, self._anchor_seen, self._high = LogState(), None, 0
            self._heads.clear()
            self._swept = False

    def _chunk_files(self, entry: Entry) -> list[int]:
        """The chunk files of an object (none if its head is corrupt: the sweep gets them)."""
        try:
            return [c.file for c in self._head(entry).chunks if c.file != layout.HOLE]
        except StorageError:
            return []

    def _sweep(self, state: LogState) -> None:
        """Delete files no live head uses (left by crashes); under the write lock, and only
        after the index was read successfully."""
        keep = {LOG}
        for entry in state.entries.values():
            keep.update(f"{f:016x}" for f in self._chunk_files(entry))
        names = south_call(self.storage.listdir, self.directory)
        stale = [f"{self.directory}/{n}" for n in names if n not in keep]
        if stale:
            south_call(self.storage.remove, stale)
        self._swept = True


class _Commit:
    """One commit on top of the state it was computed from."""

    def __init__(self, store: TaStore, state: LogState) -> None:
        if not store._swept:
            store._sweep(state)
        self.store = store
        self.state = state
        self.version = state.version + 1
        self._next = 0

    def new_file(self) -> int:
        self._next += 1
        return self.version << _FILE_SHIFT | self._next

    def run(self, puts: list[Put], deletes: list[bytes], new_chunks: dict[int, bytes],
            obsolete: list[int]) -> Head:
        """Seal, write and anchor; returns the head of the last put (if any)."""
        s, state = self.store, self.state
        files = {}
        for head in (p[2] for p in puts):
            for n, ref in enumerate(head.chunks):
                data = new_chunks.get(ref.file)
                if data is not None:
                    raw = seal.seal(s.keys, seal.KIND_CHUNK, s.context, f"{ref.file:016x}", data, s.rng)
                    files[f"{s.directory}/{ref.file:016x}"] = raw
                    head.chunks[n] = layout.ChunkRef(ref.file, seal.tag_of(raw), ref.length)
        first = state.end == 0
        pos = FRAMES_START + HEADER_FRAME_SIZE if first else state.end
        commit = Commit(self.version, state.tag, deletes=list(deletes))
        frames = []
        for oid, slot, head in puts:
            blob = seal.seal(s.keys, seal.KIND_HEAD, s.context, "head", encode_head(head), s.rng)
            frames.append(frame(blob))
            commit.puts.append(Entry(slot, oid, pos, len(blob), seal.tag_of(blob)))
            s._heads[seal.tag_of(blob)] = head
            pos += len(frames[-1])
        blob = seal.seal(s.keys, seal.KIND_COMMIT, s.context, "commit", encode_commit(commit), s.rng)
        frames.append(frame(blob))
        anchor = Anchor(self.version, seal.tag_of(blob), pos + len(frames[-1]))
        body = b"".join(frames)
        if files:
            south_call(s.storage.replace, files)
        if first:
            log = new_log(s.keys, s.context, body, anchor, s.rng, slots=s.rpmb is None)
            south_call(s.storage.replace, {s.log_name: log})
        else:
            south_call(s.storage.write_at, s.log_name, state.end, body)
            if s.rpmb is None:
                south_call(s.storage.write_at, s.log_name, slot_offset(anchor.version),
                           encode_slot(s.keys, anchor))
        if s.rpmb is not None:
            south_call(s.rpmb.set_anchor, s.rpmb_id, anchor)
        new = state.copy()
        new.apply(commit)
        new.version, new.tag, new.end = anchor.version, anchor.tag, anchor.end
        s._state, s._anchor_seen, s._high = new, anchor, anchor.version
        self._remove(obsolete)
        if new.end > COMPACT_MIN and new.end > 2 * (new.live + FRAMES_START + HEADER_FRAME_SIZE):
            self._compact(new)
        return puts[-1][2] if puts else Head(b"", ObjectMeta())

    def _remove(self, obsolete: list[int]) -> None:
        names = [f"{self.store.directory}/{f:016x}" for f in set(obsolete) if f != layout.HOLE]
        if names:
            try:
                self.store.storage.remove(names)
            except OSError:
                pass  # swept later

    def _compact(self, state: LogState) -> None:
        s = self.store
        raw = south_call(s.storage.read, s.log_name, 0, state.end)
        if raw is None:
            return
        data, new = compact(s.keys, s.context, state, raw, s.rng, slots=s.rpmb is None)
        south_call(s.storage.replace, {s.log_name: data})
        anchor = Anchor(new.version, new.tag, new.end)
        if s.rpmb is not None:
            south_call(s.rpmb.set_anchor, s.rpmb_id, anchor)
        s._state, s._anchor_seen, s._high = new, anchor, new.version
