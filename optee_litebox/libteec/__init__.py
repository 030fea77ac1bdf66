"""Our own C source of a drop-in ``libteec.so.2`` and the helper that builds it.

The C sources ship as package data (``src/``, ``include/``); ``ensure_built()`` compiles
them with the system C compiler on first use into a per-user cache directory and
returns that directory (``libteec.so.2``, ``libteec.so`` and ``include/``). A client
built against OP-TEE's ``tee_client_api.h`` and linked with ``-lteec`` runs against
optee-litebox when this directory comes first on its library path.
"""
from .build import LibteecBuildError, ensure_built, source_dir

__all__ = ["LibteecBuildError", "ensure_built", "source_dir"]
