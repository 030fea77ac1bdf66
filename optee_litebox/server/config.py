"""What a server (and every worker it forks) is built from."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..gp_api.pobj import StorageServices
from ..gp_api.pobj_shared import SharedPobjTable
from ..platform import Platform
from ..runtime import Tee, TaSources
from ..tools import Toolbox, ToolConfig
from .shared_state import SharedTaTime
from .waits import WaitTable

#: Default seconds a TA may keep running after TEEC_RequestCancellation before the
#: server stops it (see docs/deviations.md); None never stops it, like OP-TEE.
DEFAULT_CANCEL_GRACE = 2.0


@dataclass
class ServerConfig:
    socket_path: str
    platform: Platform
    sources: TaSources
    #: Stop a TA this many seconds after a cancellation it did not honour (None: never).
    cancel_grace: float | None = DEFAULT_CANCEL_GRACE
    #: Stop any single TA entry that runs longer than this many seconds (None: never).
    entry_timeout: float | None = None
    #: gpd.tee.* overrides handed to each worker's Tee.
    tee_config: dict[str, object] = field(default_factory=dict)
    #: Developer tools (--trace, --gdb, --coverage) for every worker; None: none.
    tools: ToolConfig | None = None


@dataclass
class SharedServices:
    """TEE-wide state created once by the server and inherited by every worker."""

    boot_ns: int
    ta_time: SharedTaTime
    #: Persistent objects open in any worker (TEE_ERROR_ACCESS_CONFLICT across instances).
    pobjs: SharedPobjTable = field(default_factory=SharedPobjTable)
    #: The server's developer tools (coverage report, gdb claim), made before any fork.
    tools: Toolbox | None = None
    #: Which worker waits for which in TA-to-TA calls (ta2ta.py: loops answer BUSY).
    waits: WaitTable = field(default_factory=WaitTable)


def make_tee(config: ServerConfig, shared: SharedServices) -> Tee:
    """The Tee of one worker: the server's TA sources, and TEE-wide state shared with
    every other worker (system time origin, TA persistent time, open persistent objects)."""
    tee = Tee(config.platform, sources=config.sources, tee_config=config.tee_config)
    tee.services.boot_ns = shared.boot_ns
    tee.services.ta_time = shared.ta_time  # type: ignore[assignment]
    tee.services.storage = StorageServices.for_platform(config.platform, shared.pobjs)
    return tee
