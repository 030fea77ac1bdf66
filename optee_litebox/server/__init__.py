"""The optee-litebox server: TAs served to normal-world clients over a Unix socket.

``Server`` accepts clients and routes each session to a worker process (``worker``)
that hosts the TA instance; ``config`` says what a server is built from. The wire
protocol itself is in ``optee_litebox.client.protocol``.
"""
from .config import DEFAULT_CANCEL_GRACE, ServerConfig
from .server import Server

__all__ = ["DEFAULT_CANCEL_GRACE", "Server", "ServerConfig"]
