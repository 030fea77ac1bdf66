"""TA instances, sessions, parameter marshalling and lifecycle rules; wires North to core."""
from .crash import CrashReport
from .instance import TaInstance
from .params import Param, SharedMemory
from .tee import Session, TaSources, Tee

__all__ = ["CrashReport", "Param", "SharedMemory", "Session", "TaInstance", "TaSources", "Tee"]
