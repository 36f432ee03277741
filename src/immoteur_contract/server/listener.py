"""The mock command's listening socket and its connection options (`ConnectionLimits`).

The socket is bound before anything is printed, so a busy port is one line on stderr and exit 2
rather than a token and a URL followed by uvicorn's "address already in use". Bound once in the
parent, it is shared by every worker (`--workers`), which accept from it in turn.
"""

from __future__ import annotations

import argparse
import socket
from dataclasses import fields

from ..arguments import positive_int, positive_number
from .limits import ConnectionLimits

__all__ = ["BACKLOG", "add_connection_options", "bind_listener", "connection_limits"]

BACKLOG = 2048
"""Connections the kernel queues before they are accepted (uvicorn's default)."""

_DEFAULTS = ConnectionLimits()
_OPTIONS: tuple[tuple[str, type, str, str], ...] = (
    ("idle_timeout", float, "SECONDS", "close a connection idle this long between requests"),
    ("header_timeout", float, "SECONDS", "408 when a request's headers take longer"),
    ("body_timeout", float, "SECONDS", "408 when a request's body takes longer after its headers"),
    ("max_header_bytes", int, "BYTES", "431 past this size of request line and headers"),
    ("max_url_bytes", int, "BYTES", "414 past this length of the request target"),
    ("max_headers", int, "N", "431 past this number of header fields"),
)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """--workers and one option per ConnectionLimits field, defaults shown."""
    group = parser.add_argument_group("connections")
    group.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes sharing the port (default 1; above 1 needs --store)",
    )
    for name, kind, metavar, text in _OPTIONS:
        default = getattr(_DEFAULTS, name)
        group.add_argument(
            "--" + name.replace("_", "-"),
            type=positive_number if kind is float else positive_int,
            default=default,
            metavar=metavar,
            help=f"{text} (default {default:g})",
        )


def connection_limits(args: argparse.Namespace) -> ConnectionLimits:
    """The ConnectionLimits of parsed options (ValueError when one makes no sense)."""
    return ConnectionLimits(**{item.name: getattr(args, item.name) for item in fields(_DEFAULTS)})


def bind_listener(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to (host, port), listening; OSError (e.g. the port is busy) if not.
    `reuse_port`: SO_REUSEPORT, so that several such sockets share the port and the kernel
    spreads new connections evenly over them (one per worker)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
    except OSError as error:
        raise OSError(f"{host}:{port}: {error.strerror or error}") from None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError as error:
        listener.close()
        raise OSError(f"{host}:{port}: {error.strerror or error}") from None
    listener.set_inheritable(True)
    return listener
