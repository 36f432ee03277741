"""Hostile targets for the client tests: raw loopback sockets that answer what no HTTP server
library would send (an endless body, one byte at a time, a compression bomb).

`hostile(behaviour)` serves on 127.0.0.1 in daemon threads and yields a `HostileTarget`. Each
connection's request is read (head and Content-Length body), then `behaviour(conn, stop)` writes
the answer. Every behaviour gives up after `GIVE_UP` seconds, so a client without a working
bound fails its test instead of hanging it.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from immoteur_contract.rules import CONTRACT

__all__ = [
    "GIVE_UP",
    "HostileTarget",
    "answer",
    "drip",
    "endless_body",
    "gzip_answer",
    "hostile",
]

GIVE_UP = 20.0
"""Seconds after which a behaviour stops sending and closes the connection."""

Behaviour = Callable[[socket.socket, threading.Event], None]


@dataclass
class HostileTarget:
    """A running hostile server: its API base URL, and what it saw."""

    base_url: str
    requests: int = 0
    client_closed: threading.Event = field(default_factory=threading.Event)
    """Set when a send failed because the client closed the connection."""


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head


def endless_body(status: int = 201) -> Behaviour:
    """A status line, then a close-delimited body of zeros that never ends."""

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\r\n".encode())
        chunk = b"0" * 65536
        end = time.monotonic() + GIVE_UP
        while not stop.is_set() and time.monotonic() < end:
            conn.sendall(chunk)

    return behave


def drip(period: float, *, head_first: bool = False) -> Behaviour:
    """One byte every `period` seconds: of the status line itself, or (`head_first`) of the
    body after a whole head."""

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        if head_first:
            conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n")
        payload = b"HTTP/1.1 201 Created\r\n" if not head_first else b"{" + b" " * 10_000
        end = time.monotonic() + GIVE_UP
        for byte in payload:
            if stop.wait(period) or time.monotonic() > end:
                return
            conn.sendall(bytes([byte]))

    return behave


def answer(raw: bytes) -> Behaviour:
    """Send `raw` (a whole HTTP answer) and close."""

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(raw)

    return behave


def gzip_answer(status: int, body: bytes) -> Behaviour:
    """`body` gzip-compressed, sent with `Content-Encoding: gzip` although not asked for."""
    packed = gzip.compress(body)
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {len(packed)}\r\nConnection: close\r\n\r\n"
    )
    return answer(head.encode() + packed)


@contextmanager
def hostile(behaviour: Behaviour, *, tls: ssl.SSLContext | None = None) -> Iterator[HostileTarget]:
    """Serve `behaviour` on a free loopback port until the block ends (over TLS with `tls`)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    scheme = "https" if tls else "http"
    target = HostileTarget(base_url=f"{scheme}://127.0.0.1:{port}{CONTRACT.base_path}")
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def serve(raw: socket.socket) -> None:
        conn = raw
        raw.settimeout(GIVE_UP)
        try:
            if tls is not None:
                conn = tls.wrap_socket(raw, server_side=True)
            if not _read_request(conn):
                return
            target.requests += 1
            behaviour(conn, stop)
        except (BrokenPipeError, ConnectionResetError):
            target.client_closed.set()
        except OSError:  # includes a TLS handshake the client gave up
            pass
        finally:
            conn.close()
            raw.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=serve, args=(conn,), daemon=True)
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield target
    finally:
        stop.set()
        acceptor.join(5)
        with suppress(OSError):
            listener.close()
        for thread in threads:
            thread.join(5)
