"""South for Linux: the real host services behind the Platform contract."""
from .platform import LinuxClock, StderrLog, SystemRandom, linux_platform

__all__ = ["LinuxClock", "StderrLog", "SystemRandom", "linux_platform"]
