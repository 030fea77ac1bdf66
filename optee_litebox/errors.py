"""Python exceptions of optee-litebox.

Two error channels exist: TEE_Result values that a TA or client sees, and the Python
exceptions below for everything that is not a TEE result (bad files, emulator faults,
misuse of the API). Every exception raised by the package derives from LiteboxError.
"""
from __future__ import annotations


class LiteboxError(Exception):
    """Root of every exception optee-litebox raises on purpose."""


class LoaderError(LiteboxError):
    """A TA file cannot be loaded: malformed, truncated, unverifiable or unsupported.

    The message names the file (when known) and the problem.
    """


class SignatureError(LoaderError):
    """The signed header's hash or signature does not verify."""


class GuestMemoryError(LiteboxError):
    """A checked copy-in/copy-out touched guest memory the TA may not access.

    Syscall handlers translate this into the TEE_Result upstream returns (usually
    TEE_ERROR_ACCESS_DENIED or a panic); it never escapes to the engine.
    """

    def __init__(self, addr: int, size: int, access: str) -> None:
        super().__init__(f"{access} of {size} bytes at 0x{addr:x} is outside the TA's mappings")
        self.addr = addr
        self.size = size
        self.access = access


class EngineError(LiteboxError):
    """The emulator itself failed (not the TA): a Unicorn error we did not expect."""


class TeeError(LiteboxError):
    """A TEE operation failed with a TEE_Result and an origin (client-side API)."""

    def __init__(self, result: int, origin: int, message: str = "") -> None:
        from .abi.results import origin_name, result_name

        text = f"{result_name(result)} (origin {origin_name(origin)})"
        if message:
            text = f"{message}: {text}"
        super().__init__(text)
        self.result = result
        self.origin = origin
