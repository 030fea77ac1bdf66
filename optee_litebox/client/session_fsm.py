"""The state machine of one client connection, shared by both ends (no I/O).

A connection starts with HELLO and then is either a *context* connection (CANCEL and
STATUS only) or a *session* connection: one OPEN, then INVOKEs, then CLOSE. Requests
and replies strictly alternate on a session connection. The TEE side calls
``request()`` when a frame arrives and ``reply()`` before sending one; the client does
the same in the opposite direction, so both ends agree on what may come next.
"""
from __future__ import annotations

from enum import Enum

from . import protocol as p


class State(Enum):
    NEW = "new"                # nothing received yet: HELLO must come first
    HELLO = "hello"            # HELLO received, HELLO_REPLY not yet sent
    CONTEXT = "context"        # a context connection: CANCEL and STATUS
    STATUS = "status"          # STATUS received, STATUS_REPLY pending
    AWAIT_OPEN = "await-open"  # a session connection before OPEN
    OPENING = "opening"        # OPEN received, OPEN_REPLY pending
    OPEN = "open"              # the session is open and idle
    INVOKING = "invoking"      # INVOKE received, INVOKE_REPLY pending
    CLOSING = "closing"        # CLOSE received, CLOSE_REPLY pending
    CLOSED = "closed"          # nothing more may be sent either way


#: Client-to-TEE frames accepted in each state, and the state they lead to.
_REQUESTS: dict[State, dict[int, State]] = {
    State.NEW: {p.HELLO: State.HELLO},
    State.CONTEXT: {p.CANCEL: State.CONTEXT, p.STATUS: State.STATUS},
    State.AWAIT_OPEN: {p.OPEN: State.OPENING},
    State.OPEN: {p.INVOKE: State.INVOKING, p.INVOKE_TA: State.INVOKING, p.CLOSE: State.CLOSING},
}

#: TEE-to-client frames allowed in each state (success, failure) -> next state.
_REPLIES: dict[State, dict[int, tuple[State, State]]] = {
    State.STATUS: {p.STATUS_REPLY: (State.CONTEXT, State.CONTEXT)},
    State.OPENING: {p.OPEN_REPLY: (State.OPEN, State.CLOSED)},
    State.INVOKING: {p.INVOKE_REPLY: (State.OPEN, State.OPEN)},
    State.CLOSING: {p.CLOSE_REPLY: (State.CLOSED, State.CLOSED)},
}


class SessionFsm:
    """Where one connection is in the protocol."""

    __slots__ = ("state", "role")

    def __init__(self) -> None:
        self.state = State.NEW
        self.role = 0

    def request(self, kind: int) -> State:
        """A client frame of this kind is sent/received; raises ProtocolError if out of turn."""
        nxt = _REQUESTS.get(self.state, {}).get(kind)
        if nxt is None:
            raise p.ProtocolError(f"frame 0x{kind:04x} not allowed in state {self.state.value}")
        self.state = nxt
        return nxt

    def hello(self, role: int, accepted: bool) -> State:
        """HELLO_REPLY: the connection becomes a context or a session connection."""
        if self.state is not State.HELLO:
            raise p.ProtocolError(f"HELLO_REPLY not allowed in state {self.state.value}")
        if not accepted:
            self.state = State.CLOSED
        elif role == p.ROLE_CONTEXT:
            self.state = State.CONTEXT
        elif role == p.ROLE_SESSION:
            self.state = State.AWAIT_OPEN
        else:
            raise p.ProtocolError(f"unknown role {role}")
        self.role = role
        return self.state

    def reply(self, kind: int, ok: bool = True) -> State:
        """A TEE frame of this kind is sent/received; ERROR closes from any state."""
        if kind == p.ERROR:
            self.state = State.CLOSED
            return self.state
        if kind == p.HELLO_REPLY:
            raise p.ProtocolError("use hello() for HELLO_REPLY")
        options = _REPLIES.get(self.state, {}).get(kind)
        if options is None:
            raise p.ProtocolError(f"reply 0x{kind:04x} not allowed in state {self.state.value}")
        self.state = options[0] if ok else options[1]
        return self.state

    @property
    def awaiting_reply(self) -> bool:
        return self.state in (State.HELLO, State.STATUS, State.OPENING, State.INVOKING,
                              State.CLOSING)

    @property
    def closed(self) -> bool:
        return self.state is State.CLOSED
