"""The one place where foreign exceptions become LoaderError.

Parsers inside the package raise ``LoaderError(problem)`` without a file name. Each public
entry point runs its work inside :func:`boundary`, which prefixes the file name once and turns
any other exception (a ``struct.error`` from a truncated table, a construct error, a
pycryptodome ``ValueError``...) into a ``LoaderError`` chained to the original.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import LoaderError

#: Marker attribute set on an exception once its message names the file.
_NAMED = "_ta_loader_named"


@contextmanager
def boundary(name: str) -> Iterator[None]:
    """Re-raise every exception from the block as a LoaderError whose message names ``name``."""
    try:
        yield
    except LoaderError as exc:
        if getattr(exc, _NAMED, False):
            raise
        named = type(exc)(f"{name}: {exc}")
        setattr(named, _NAMED, True)
        raise named from exc
    except RecursionError as exc:  # pragma: no cover - defensive
        named = LoaderError(f"{name}: malformed input (nesting too deep)")
        setattr(named, _NAMED, True)
        raise named from exc
    except Exception as exc:  # noqa: BLE001 - this is the wrapping boundary
        named = LoaderError(f"{name}: malformed input ({type(exc).__name__}: {exc})")
        setattr(named, _NAMED, True)
        raise named from exc
