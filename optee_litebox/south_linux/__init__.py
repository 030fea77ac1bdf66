"""South for Linux: the real host services behind the Platform contract."""
from .platform import LinuxClock, StderrLog, SystemRandom, linux_platform
from .plugins import PluginHost
from .sockets import HostSockets
from .storage import FileStorage

__all__ = ["FileStorage", "HostSockets", "LinuxClock", "PluginHost", "StderrLog", "SystemRandom",
           "linux_platform"]
