"""North: OP-TEE's syscall ABI with the semantics of OP-TEE's kernel.

One module per syscall family; each handler is registered by number in ``registry``
and receives a narrow ``SyscallContext``. Importing this package registers them all.
"""
from . import access, cache, cancel, properties, rng, ta_core, time  # noqa: F401  (registration)
from . import crypto  # noqa: F401  (registration: syscalls 15-40, 54)
from . import storage, storage_enum  # noqa: F401  (registration: syscalls 41-53)
from . import ta_client  # noqa: F401  (registration: syscalls 5-7)
from .context import ClientIdentity, SessionState, SyscallContext, TaIdentity
from .registry import REGISTRY, build_table, implemented

__all__ = ["REGISTRY", "build_table", "implemented", "SyscallContext", "SessionState",
           "TaIdentity", "ClientIdentity"]
