"""Storage failures, each carrying the TEE_Result a syscall reports for it."""
from __future__ import annotations

from ..abi.results import (
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_CORRUPT_OBJECT,
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_STORAGE_NO_SPACE,
    TEE_ERROR_STORAGE_NOT_AVAILABLE,
)
from ..errors import LiteboxError


class StorageError(LiteboxError):
    """A trusted-storage operation failed; ``result`` is the TEE_Result for it."""

    result = TEE_ERROR_STORAGE_NOT_AVAILABLE


class ItemNotFound(StorageError):
    """No object with that ID (or no more objects to enumerate)."""

    result = TEE_ERROR_ITEM_NOT_FOUND


class ItemExists(StorageError):
    """An object with that ID exists already (create without overwrite, rename)."""

    result = TEE_ERROR_ACCESS_CONFLICT


class CorruptObject(StorageError):
    """A file failed authentication, is missing, truncated, or older than its parent says."""

    result = TEE_ERROR_CORRUPT_OBJECT


class NoSpace(StorageError):
    """The medium is full (ENOSPC/EDQUOT) or an object would exceed the size limit."""

    result = TEE_ERROR_STORAGE_NO_SPACE


class StorageUnavailable(StorageError):
    """The host storage failed (I/O error, permissions) or there is no storage at all."""

    result = TEE_ERROR_STORAGE_NOT_AVAILABLE
