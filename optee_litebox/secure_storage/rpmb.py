"""An emulated RPMB partition: the anchor that lets TEE_STORAGE_PRIVATE_RPMB detect rollback.

Real RPMB is a replay-protected eMMC area: every write is MACed with a key only the
secure side knows and carries the device's monotonic write counter, so the normal world
can neither forge nor replay it. Here the partition is one small file,
``rpmb/partition``, MACed with the RPMB key (keys.py), holding a write counter and, for
every TA with RPMB storage, the anchor of its commit log (log.py): the version, tag and
end of its last commit::

    "OLXR" | u64 write counter | u32 count | count x record | HMAC-SHA256 (32 bytes)
    record: 16-byte TA directory id | u64 version | 16-byte commit tag | u64 log end

A TA's RPMB log is only read up to the commit the partition names, so restoring an
older copy of the TA's files, or deleting them, is detected.

What an emulation cannot give: the partition is a file in the same state directory.
Restoring an older copy of the partition together with the TA's files is detected only
while a process that saw a newer write counter is running (it remembers the highest
counter it read); see docs/storage.md.
"""
from __future__ import annotations

import hashlib
import hmac
import struct
import threading

from ..platform import Storage
from .errors import CorruptObject
from .log import Anchor

DIRECTORY = "rpmb"
FILE = f"{DIRECTORY}/partition"
MAGIC = b"OLXR"
_HDR = struct.Struct("<4sQI")
_REC = struct.Struct("<16sQ16sQ")
_MAC = 32


class EmulatedRpmb:
    def __init__(self, storage: Storage, key: bytes) -> None:
        self.storage = storage
        self.key = key
        #: The highest write counter this process has seen (rollback of the file itself).
        self.high_water = 0
        self._lock = threading.Lock()

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self.key, body, hashlib.sha256).digest()

    def _read(self) -> tuple[int, dict[bytes, Anchor]]:
        raw = self.storage.read(FILE)
        records: dict[bytes, Anchor] = {}
        counter = 0
        if raw is not None:
            body, mac = raw[:-_MAC], raw[-_MAC:]
            if len(raw) < _HDR.size + _MAC or not hmac.compare_digest(mac, self._mac(body)):
                raise CorruptObject("RPMB partition: authentication failed")
            magic, counter, count = _HDR.unpack_from(body)
            if magic != MAGIC or len(body) != _HDR.size + count * _REC.size:
                raise CorruptObject("RPMB partition: bad format")
            for n in range(count):
                ta, version, tag, end = _REC.unpack_from(body, _HDR.size + n * _REC.size)
                records[ta] = Anchor(version, tag, end)
        with self._lock:
            if counter < self.high_water:
                raise CorruptObject("RPMB partition: write counter went backwards")
            self.high_water = counter
        return counter, records

    def anchor(self, ta: bytes) -> Anchor | None:
        """The anchor of a TA's RPMB log, or None if it has none."""
        with self.storage.lock(DIRECTORY, exclusive=False):
            return self._read()[1].get(ta)

    def set_anchor(self, ta: bytes, anchor: Anchor | None) -> None:
        """Record a TA's new anchor durably (None: forget the TA)."""
        with self.storage.lock(DIRECTORY, exclusive=True):
            counter, records = self._read()
            if anchor is None:
                records.pop(ta, None)
            else:
                records[ta] = anchor
            body = [_HDR.pack(MAGIC, counter + 1, len(records))]
            body += [_REC.pack(t, a.version, a.tag, a.end) for t, a in sorted(records.items())]
            raw = b"".join(body)
            self.storage.replace({FILE: raw + self._mac(raw)})
            with self._lock:
                self.high_water = max(self.high_water, counter + 1)
            leftovers = [f"{DIRECTORY}/{n}" for n in self.storage.listdir(DIRECTORY)
                         if f"{DIRECTORY}/{n}" != FILE]
            if leftovers:  # temporary files of a writer that crashed
                self.storage.remove(leftovers)
