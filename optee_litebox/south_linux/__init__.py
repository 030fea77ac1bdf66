"""South for Linux: the real host services behind the Platform contract."""
from .platform import LinuxClock, StderrLog, SystemRandom, linux_platform
from .storage import FileStorage

__all__ = ["FileStorage", "LinuxClock", "StderrLog", "SystemRandom", "linux_platform"]
