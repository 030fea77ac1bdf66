"""Where TAs and TA libraries come from: files named explicitly, then TA directories."""
from __future__ import annotations

import os
import threading
import uuid as _uuid
from collections.abc import Callable
from pathlib import Path

from ..errors import LoaderError
from ..ta_loader import TaImage, load_library, load_ta


class TaSources:
    """Where TAs come from: files named explicitly, then `<uuid>.ta`/`.elf` in directories."""

    def __init__(self, *, pubkey_pem: bytes | None = None, enc_key: bytes | None = None) -> None:
        self.pubkey_pem = pubkey_pem
        self.enc_key = enc_key
        self.images: dict[_uuid.UUID, TaImage] = {}
        self.libraries: dict[_uuid.UUID, TaImage] = {}
        self.dirs: list[Path] = []
        self._lock = threading.Lock()

    def add_file(self, path: str | os.PathLike[str]) -> TaImage:
        """A TA or a TA library, by path; libraries serve DT_NEEDED lookups."""
        image = load_library(path, pubkey_pem=self.pubkey_pem, enc_key=self.enc_key)
        return self.add_image(image)

    def add_image(self, image: TaImage) -> TaImage:
        if image.uuid is None:
            raise LoaderError(f"{image.name}: no UUID")
        with self._lock:
            table = self.images if image.plan.ta_head is not None else self.libraries
            table.setdefault(image.uuid, image)
        return image

    def add_dir(self, path: str | os.PathLike[str]) -> None:
        self.dirs.append(Path(path))

    def find_library(self, name: str) -> TaImage | None:
        """A TA shared library named by UUID in DT_NEEDED, from the same places as TAs."""
        try:
            uuid = _uuid.UUID(name)
        except ValueError:
            raise LoaderError(f"DT_NEEDED {name!r} is not a TA library UUID") from None
        return self._lookup(uuid, self.libraries, load_library)

    def find(self, uuid: _uuid.UUID) -> TaImage | None:
        """The image for uuid, loading it from a TA directory the first time it is needed."""
        return self._lookup(uuid, self.images, load_ta)

    def _lookup(self, uuid: _uuid.UUID, table: dict[_uuid.UUID, TaImage],
                load: Callable[..., TaImage]) -> TaImage | None:
        """table[uuid], else the first `<uuid>.ta` or `.elf` in the TA directories (cached)."""
        with self._lock:
            image = table.get(uuid)
        if image is not None:
            return image
        for directory in self.dirs:
            for suffix in (".ta", ".elf"):
                path = directory / f"{uuid}{suffix}"
                if path.is_file():
                    image = load(path, pubkey_pem=self.pubkey_pem, enc_key=self.enc_key)
                    if image.uuid != uuid:
                        raise LoaderError(f"{path}: file name says {uuid}, the image says {image.uuid}")
                    with self._lock:
                        return table.setdefault(uuid, image)
        return None
