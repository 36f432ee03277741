"""Hostile targets: servers on a real loopback socket that attack the runner rather than break
the contract.

Beside the faulty servers (they break a rule) and the correct ones (they differ where the
contract leaves room), these break the transport: an endless body, a megabyte of headers, one
byte a second, silence after a few answers, nothing but 429 with `Retry-After: 3600`, one
answer in five reset or cut, and large (but valid) answers. What they must never do is make a
run hang, eat memory, or report a divergence; the runner's tests and bench/hostile_memory.py
serve each one with `hostile_server(name, token)`.

Each is a small threaded socket server reading requests with h11 and writing its answers by
hand (a real HTTP server would not send what they send); the answers they give in earnest come
from the reference server, in-process. Every connection is closed after one answer.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import h11
import httpx

from ..rules import CONTRACT
from ..runner.asgi import AsgiTransport
from ..server import reference_app

__all__ = ["HOSTILE", "Hostile", "HostileTarget", "hostile_server", "read_request"]

_LONGEST_SECONDS = 120.0
"""The longest any handler keeps a connection (a drip or a stall ends by itself)."""
_JUNK = b"0" * 65536


@dataclass(frozen=True)
class Hostile:
    """A hostile behaviour: `answer(conn, n, healthy)` writes the n-th answer (0-based) on the
    socket, `healthy()` giving the reference server's answer as raw bytes."""

    name: str
    summary: str
    answer: Callable[[socket.socket, int, Callable[[], bytes]], None]


def _head(status: int, headers: list[tuple[str, str]], reason: str = "") -> bytes:
    reason = reason or {201: "Created", 429: "Too Many Requests"}.get(status, "OK")
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _until(conn: socket.socket, chunks: Iterator[bytes], pause: float = 0.0) -> None:
    """Send `chunks` until the client goes away or _LONGEST_SECONDS pass."""
    ends = time.monotonic() + _LONGEST_SECONDS
    with contextlib.suppress(OSError):
        for chunk in chunks:
            if time.monotonic() > ends:
                return
            conn.sendall(chunk)
            if pause:
                time.sleep(pause)


def _endless_body(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    conn.sendall(_head(201, [("content-type", "application/json"), ("connection", "close")]))
    _until(conn, itertools.repeat(_JUNK))


def _huge_headers(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    headers = [(f"x-padding-{i}", "y" * 1000) for i in range(1024)]
    conn.sendall(_head(201, [*headers, ("content-length", "2")]) + b"{}")


def _drip(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    answer = healthy()
    _until(conn, (answer[i : i + 1] for i in range(len(answer))), pause=1.0)


def _stall_after(count: int) -> Callable[[socket.socket, int, Callable[[], bytes]], None]:
    def stall(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
        if n < count:
            conn.sendall(healthy())
        else:
            _hold(conn)

    return stall


def _hold(conn: socket.socket) -> None:
    """Keep the connection open and say nothing, until the client closes it."""
    conn.settimeout(1.0)
    ends = time.monotonic() + _LONGEST_SECONDS
    while time.monotonic() < ends:
        try:
            if not conn.recv(65536):
                return
        except TimeoutError:
            continue
        except OSError:
            return


def _only_429(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    body = b'{"message":"Too Many Attempts."}'
    headers = [("content-type", "application/json"), ("retry-after", "3600")]
    conn.sendall(_head(429, [*headers, ("content-length", str(len(body)))]) + body)


def _flaky(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    """Every fifth answer reset (RST) or cut halfway, in turn; the others whole."""
    answer = healthy()
    if n % 5 != 4:
        conn.sendall(answer)
    elif n % 10 == 4:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        conn.sendall(answer[: len(answer) - max(1, len(answer.partition(b"\r\n\r\n")[2]) // 2)])


def _large(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    """The reference answer with its JSON followed by 900 KB of spaces (still the same JSON)."""
    head, _, body = healthy().partition(b"\r\n\r\n")
    body += b" " * 900_000
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"content-")]
    lines += [b"content-type: application/json", f"content-length: {len(body)}".encode()]
    conn.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)


def _control(conn: socket.socket, n: int, healthy: Callable[[], bytes]) -> None:
    conn.sendall(healthy())


HOSTILE: dict[str, Hostile] = {
    h.name: h
    for h in (
        Hostile("control", "the reference answers unchanged, served the same way", _control),
        Hostile("endless-body", "201 and a body that never ends", _endless_body),
        Hostile("huge-headers", "201 with a megabyte of headers", _huge_headers),
        Hostile("drip", "the reference answers at one byte a second", _drip),
        Hostile("stall", "three answers, then silence on every connection", _stall_after(3)),
        Hostile("only-429", "429 with Retry-After: 3600, always", _only_429),
        Hostile("flaky", "one answer in five reset or cut, the others the reference's", _flaky),
        Hostile("large", "the reference answers followed by 900 KB of spaces", _large),
    )
}
"""The hostile targets, by name (and `control`, the healthy one to compare them with)."""


@dataclass
class HostileTarget:
    """A served hostile target: its API base URL and how many requests it has read."""

    url: str
    requests: int = 0


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def read_request(conn: socket.socket) -> tuple[h11.Request, bytes] | None:
    """One HTTP/1.1 request read from `conn` with h11: its head and its whole body (None when
    the client went away first, or sent something other than one request)."""
    parser = h11.Connection(h11.SERVER)
    head: h11.Request | None = None
    body = b""
    while True:
        event = parser.next_event()
        if event is h11.NEED_DATA:
            data = conn.recv(65536)
            if not data:
                return None
            parser.receive_data(data)
        elif isinstance(event, h11.Request):
            head = event
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage) and head is not None:
            return head, body
        else:
            return None


def _as_request(head: h11.Request, body: bytes) -> httpx.Request:
    """The request read, as the in-process reference server takes it."""
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers]
    url = "http://target" + head.target.decode("latin-1")
    return httpx.Request(head.method.decode(), url, headers=headers, content=body)


def _raw(response: httpx.Response) -> bytes:
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    headers += [("content-length", str(len(response.content))), ("connection", "close")]
    return _head(response.status_code, headers, response.reason_phrase) + response.content


@contextlib.contextmanager
def hostile_server(name: str, token: str) -> Iterator[HostileTarget]:
    """Serve the hostile target `name` (a key of HOSTILE) for `token` on a free loopback port;
    yield it (its `url` is the API base URL, `http://127.0.0.1:PORT/public/v1`)."""
    hostile = HOSTILE[name]
    reference = AsgiTransport(reference_app(token))
    counter = itertools.count()
    lock = threading.Lock()
    target = HostileTarget("")

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            conn.settimeout(_LONGEST_SECONDS)
            with contextlib.suppress(OSError, h11.RemoteProtocolError):
                read = read_request(conn)
                if read is None:
                    return
                request = _as_request(*read)
                with lock:
                    n = next(counter)
                    target.requests = n + 1
                hostile.answer(conn, n, lambda: _raw(reference.handle_request(request)))

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name=f"hostile-{name}", daemon=True)
    thread.start()
    target.url = f"http://127.0.0.1:{server.server_address[1]}{CONTRACT.base_path}"
    try:
        yield target
    finally:
        server.shutdown()
        server.server_close()
        reference.close()
