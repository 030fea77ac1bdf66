"""The TEEC client API in Python, and the wire protocol it speaks.

    from optee_litebox.client import Context, Operation, Value

    with Context() as ctx, ctx.open_session("2a9145a6-ce70-417f-93ab-fd61d7f99112") as s:
        op = Operation(Value.inout(41))
        s.invoke(0, op)
        assert op.params[0].a == 42

``protocol`` and ``session_fsm`` are pure (no I/O); ``transport`` does the socket work;
``api`` and ``params`` are the client. Failures raise ``TeecError`` with the TEEC result
and origin, as upstream libteec returns them.
"""
from ..abi.props import (TEE_LOGIN_APPLICATION as LOGIN_APPLICATION,
                         TEE_LOGIN_APPLICATION_GROUP as LOGIN_GROUP_APPLICATION,
                         TEE_LOGIN_APPLICATION_USER as LOGIN_USER_APPLICATION,
                         TEE_LOGIN_GROUP as LOGIN_GROUP, TEE_LOGIN_PUBLIC as LOGIN_PUBLIC,
                         TEE_LOGIN_USER as LOGIN_USER)
from ..abi.results import (TEE_ORIGIN_API as ORIGIN_API, TEE_ORIGIN_COMMS as ORIGIN_COMMS,
                           TEE_ORIGIN_TEE as ORIGIN_TEE,
                           TEE_ORIGIN_TRUSTED_APP as ORIGIN_TRUSTED_APP)
from .api import Context, Session
from .params import (MEM_INPUT, MEM_OUTPUT, MEMREF_PARTIAL_INOUT, MEMREF_PARTIAL_INPUT,
                     MEMREF_PARTIAL_OUTPUT, MEMREF_TEMP_INOUT, MEMREF_TEMP_INPUT,
                     MEMREF_TEMP_OUTPUT, MEMREF_WHOLE, NONE, VALUE_INOUT, VALUE_INPUT,
                     VALUE_OUTPUT, Operation, RegisteredMemref, SharedMemory, TeecError,
                     TempMemref, Value)
from .paths import SOCKET_ENV, client_socket_path, default_socket_path

__all__ = [
    "Context", "Session", "Operation", "Value", "TempMemref", "RegisteredMemref", "SharedMemory",
    "TeecError", "SOCKET_ENV", "client_socket_path", "default_socket_path",
    "NONE", "VALUE_INPUT", "VALUE_OUTPUT", "VALUE_INOUT", "MEMREF_TEMP_INPUT",
    "MEMREF_TEMP_OUTPUT", "MEMREF_TEMP_INOUT", "MEMREF_WHOLE", "MEMREF_PARTIAL_INPUT",
    "MEMREF_PARTIAL_OUTPUT", "MEMREF_PARTIAL_INOUT", "MEM_INPUT", "MEM_OUTPUT",
    "LOGIN_PUBLIC", "LOGIN_USER", "LOGIN_GROUP", "LOGIN_APPLICATION", "LOGIN_USER_APPLICATION",
    "LOGIN_GROUP_APPLICATION", "ORIGIN_API", "ORIGIN_COMMS", "ORIGIN_TEE", "ORIGIN_TRUSTED_APP",
]
