"""The socket pseudo-TA behind the GP TEE Sockets API (core/tee/socket.c, pta_socket.h).

Upstream forwards each command to tee-supplicant (OPTEE_RPC_CMD_SOCKET), which owns the
host sockets; here the platform's ``Sockets`` service plays the supplicant. Sockets
belong to the calling TA instance and are all closed when its session to this PTA
closes. Only TAs may open it.
"""
from __future__ import annotations

from ..abi.params import (
    TEE_PARAM_TYPE_MEMREF_INOUT,
    TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT,
    TEE_PARAM_TYPE_VALUE_INPUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
    param_types,
)
from ..abi.pta import (
    PTA_CONCURRENT_FLAGS,
    PTA_SOCKET_CLOSE,
    PTA_SOCKET_IOCTL,
    PTA_SOCKET_OPEN,
    PTA_SOCKET_RECV,
    PTA_SOCKET_SEND,
    PTA_SOCKET_UUID,
    TEE_ISOCKET_ERROR_HOSTNAME,
)
from ..abi.results import (
    TEE_ERROR_ACCESS_DENIED,
    TEE_ERROR_BAD_PARAMETERS,
    TEE_ERROR_NOT_IMPLEMENTED,
    TEE_ERROR_NOT_SUPPORTED,
    TEE_SUCCESS,
)
from ..platform import Sockets
from .base import PseudoTa, PtaCaller, PtaParam, register

_MI, _MO, _MIO = TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_INOUT
_VI, _VO = TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_OUTPUT


@register
class SocketPta(PseudoTa):
    uuid = PTA_SOCKET_UUID
    name = "socket"
    flags = PTA_CONCURRENT_FLAGS

    def open_session(self, caller: PtaCaller, types: int,
                     params: list[PtaParam]) -> tuple[int, object]:
        """pta_socket_open_session(): TAs only; the session is the caller's instance id."""
        if caller.uuid is None:
            return TEE_ERROR_ACCESS_DENIED, None
        return TEE_SUCCESS, caller.instance_id

    def close_session(self, session: object, caller: PtaCaller) -> None:
        """pta_socket_close_session(): OPTEE_RPC_SOCKET_CLOSE_ALL for the instance."""
        sockets = self.env.platform.sockets
        if sockets is not None and isinstance(session, int):
            sockets.close_all(session)

    def invoke(self, session: object, caller: PtaCaller, cmd: int, types: int,
               params: list[PtaParam]) -> int:
        handler = {PTA_SOCKET_OPEN: self.open, PTA_SOCKET_CLOSE: self.close,
                   PTA_SOCKET_SEND: self.send, PTA_SOCKET_RECV: self.recv,
                   PTA_SOCKET_IOCTL: self.ioctl}.get(cmd)
        if handler is None or not isinstance(session, int):
            return TEE_ERROR_NOT_IMPLEMENTED
        sockets = self.env.platform.sockets
        if sockets is None:  # a supplicant without the socket service
            return TEE_ERROR_NOT_SUPPORTED
        return handler(sockets, session, types, params)

    def open(self, s: Sockets, instance: int, types: int, p: list[PtaParam]) -> int:
        """socket_open(): [in] ip version, port; [in] server name; [in] protocol; [out] handle."""
        if types != param_types(_VI, _MI, _VI, _VO):
            return TEE_ERROR_BAD_PARAMETERS
        server = p[1].mem.read() if p[1].mem is not None and p[1].size else b""
        if not server:
            return TEE_ISOCKET_ERROR_HOSTNAME
        res, handle = s.open(instance, p[0].a, server, p[0].b & 0xFFFF, p[2].a)
        if res == TEE_SUCCESS:
            p[3].a = handle & 0xFFFFFFFF
        return res

    def close(self, s: Sockets, instance: int, types: int, p: list[PtaParam]) -> int:
        if types != param_types(_VI):
            return TEE_ERROR_BAD_PARAMETERS
        return s.close(instance, p[0].a)

    def send(self, s: Sockets, instance: int, types: int, p: list[PtaParam]) -> int:
        """socket_send(): [in] handle, timeout; [in] data; [out] bytes sent."""
        if types != param_types(_VI, _MI, _VO):
            return TEE_ERROR_BAD_PARAMETERS
        data = p[1].mem.read() if p[1].mem is not None and p[1].size else b""
        res, sent = s.send(instance, p[0].a, data, p[0].b)
        p[2].a = (sent if res == TEE_SUCCESS else 0) & 0xFFFFFFFF
        return res

    def recv(self, s: Sockets, instance: int, types: int, p: list[PtaParam]) -> int:
        """socket_recv(): [in] handle, timeout; [out] buffer, its size the length received
        (more than the buffer for a datagram that did not fit)."""
        if types != param_types(_VI, _MO):
            return TEE_ERROR_BAD_PARAMETERS
        size = p[1].size
        res, data, length = s.recv(instance, p[0].a, size, p[0].b)
        if res != TEE_SUCCESS:
            return res
        if size and data and p[1].mem is not None:
            p[1].mem.write(data[:min(size, length)])
        p[1].size = length
        return res

    def ioctl(self, s: Sockets, instance: int, types: int, p: list[PtaParam]) -> int:
        """socket_ioctl(): [in] handle, command; [in/out] buffer."""
        if types != param_types(_VI, _MIO):
            return TEE_ERROR_BAD_PARAMETERS
        size = p[1].size
        data = p[1].mem.read() if p[1].mem is not None and size else b""
        res, out = s.ioctl(instance, p[0].a, p[0].b, data)
        if len(out) <= size and out and p[1].mem is not None:
            p[1].mem.write(out)
        p[1].size = len(out)
        return res
