"""Pseudo-TAs: TEE services that TAs (and clients) open like TAs, written in Python.

Importing this package registers the built-in PTAs: system (system.py), socket
(socket.py) and attestation (attestation.py). See docs/architecture.md, "How to add a
PTA".
"""
from . import attestation, socket, system  # noqa: F401  (registration)
from .base import (
                   REGISTRY,
                   BufferMemref,
                   PseudoTa,
                   PtaCaller,
                   PtaEnv,
                   PtaMemref,
                   PtaParam,
                   UserMemref,
                   find,
                   register,
)

__all__ = ["REGISTRY", "BufferMemref", "PseudoTa", "PtaCaller", "PtaEnv", "PtaMemref",
           "PtaParam", "UserMemref", "find", "register"]
