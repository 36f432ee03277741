"""The proxy's side toward the client, over real loopback sockets: what a client gets back on
the wire when its request head is too large or not HTTP, when the proxy is full, when it asks
for `100 Continue`, speaks HTTP/1.0, pipelines, or sends HEAD; and what it gets when the
upstream (a small ASGI app, or a raw socket server misbehaving on purpose) sends interim
answers, answers early, never answers, or delimits its answer by closing.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import h11
import pytest

from immoteur_contract.proxy import ProxyServer, Recorder, Upstream
from immoteur_contract.proxy.serving import serve_in_thread
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import serving
from immoteur_contract.server.asgi import Receive, Scope, Send

from .wire_upstream import read_body

_HOST = "127.0.0.1"
_PIECES = (b"first piece, ", b"second piece, ", b"x" * 5000)
_FIXED = b"a body of known length"
_WAIT = 5.0
"""Seconds a test socket waits for the proxy before the test fails."""


class _App:
    """An ASGI upstream: /chunked answers `_PIECES` without a Content-Length (uvicorn chunks
    it), /fixed answers `_FIXED` with one; any other path echoes the request body, its request
    header names in `x-request-headers`. `requests` counts what reached it."""

    def __init__(self) -> None:
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.requests += 1
        start: dict[str, Any] = {"type": "http.response.start", "status": 200}
        if scope["path"] == "/chunked":
            await send(start)
            for piece in _PIECES:
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["path"] == "/fixed":
            start["headers"] = [(b"content-length", b"%d" % len(_FIXED))]
            await send(start)
            await send({"type": "http.response.body", "body": _FIXED})
            return
        body = await read_body(receive)
        names = b",".join(name for name, _ in scope["headers"])
        start["headers"] = [
            (b"content-length", b"%d" % len(body)),
            (b"x-request-headers", names),
        ]
        await send(start)
        await send({"type": "http.response.body", "body": body})


@dataclass
class _Proxy:
    """A proxy in a thread: where to connect, and what it recorded."""

    port: int
    recorder: Recorder


@contextlib.contextmanager
def _proxy(upstream_url: str, **options: Any) -> Iterator[_Proxy]:
    """A `ProxyServer(**options)` in front of `upstream_url`, served in a thread."""
    recorder = Recorder(upstream_url, live=io.StringIO())
    server = ProxyServer(Upstream(upstream_url), recorder, **options)
    try:
        with serve_in_thread(server, host=_HOST) as port:
            yield _Proxy(port, recorder)
    finally:
        recorder.close()


@contextlib.contextmanager
def _proxy_before(app: _App, **options: Any) -> Iterator[_Proxy]:
    """`app` served by uvicorn, a `ProxyServer(**options)` in front of it forwarding every
    path as it came."""
    with (
        serving(app) as base_url,
        _proxy(base_url.removesuffix(CONTRACT.base_path), **options) as running,
    ):
        yield running


@pytest.fixture
def app() -> _App:
    return _App()


@pytest.fixture
def proxy(app: _App) -> Iterator[_Proxy]:
    with _proxy_before(app) as running:
        yield running


@contextlib.contextmanager
def _raw_upstream(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A socket server on a free loopback port that runs `answer(connection)` in a thread
    for each connection it accepts, then closes the connection; yields its URL."""
    listener = socket.create_server((_HOST, 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def serve_one(connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            answer(connection)

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(_WAIT)
            accepted.append(connection)
            threading.Thread(target=serve_one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://{_HOST}:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(_WAIT)
        listener.close()
        for connection in accepted:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _read_head(connection: socket.socket) -> bytes:
    """Read a request head (and whatever came with it) from an upstream's connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = connection.recv(65536)
        if not piece:
            break
        data += piece
    return data


def _read_to_end(connection: socket.socket) -> None:
    """Read until the peer closes (an upstream waiting for the proxy to give up)."""
    while connection.recv(65536):
        pass


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    interim: list[int]


class _Client:
    """A raw client connection to the proxy (TCP_NODELAY on): bytes out as written, answers
    read back with h11 (or raw, where the framing is the point)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((_HOST, port), timeout=_WAIT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self) -> bytes:
        """The next answer head, raw, up to its blank line."""
        while b"\r\n\r\n" not in self.buffer:
            piece = self.sock.recv(65536)
            assert piece, f"the proxy closed the connection after {self.buffer!r}"
            self.buffer += piece
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        return head + b"\r\n\r\n"

    def answer(self, method: str = "GET") -> _Answer:
        """The next answer, parsed as the answer to a `method` request."""
        reader = h11.Connection(h11.CLIENT)
        reader.send(h11.Request(method=method, target="/", headers=[("host", "proxy")]))
        reader.send(h11.EndOfMessage())
        if self.buffer:  # (no bytes would tell h11 the connection ended)
            reader.receive_data(self.buffer)
        status, headers, body, interim = 0, dict[str, str](), b"", list[int]()
        while True:
            event = reader.next_event()
            if event is h11.NEED_DATA:
                reader.receive_data(self.sock.recv(65536))
            elif isinstance(event, h11.InformationalResponse):
                interim.append(event.status_code)
            elif isinstance(event, h11.Response):
                status = event.status_code
                headers = {k.decode(): v.decode() for k, v in event.headers}
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
        self.buffer = reader.trailing_data[0]
        return _Answer(status, headers, body, interim)

    def rest(self) -> bytes:
        """Everything until the proxy closes the connection."""
        data, self.buffer = self.buffer, b""
        while piece := self.sock.recv(65536):
            data += piece
        return data

    def closed(self) -> bool:
        """The proxy closed the connection (nothing more came before its end)."""
        return self.rest() == b""


def _get(path: str, *headers: str) -> bytes:
    lines = "".join(f"{header}\r\n" for header in headers)
    return f"GET {path} HTTP/1.1\r\nHost: proxy\r\n{lines}\r\n".encode()


def _post(path: str, body: bytes, *headers: str) -> bytes:
    lines = "".join(f"{header}\r\n" for header in headers)
    return (
        f"POST {path} HTTP/1.1\r\nHost: proxy\r\nContent-Length: {len(body)}\r\n{lines}\r\n"
    ).encode() + body


def _status(head: bytes) -> int:
    return int(head.split(b" ", 2)[1])


# -- requests the proxy refuses


def test_request_head_over_64_kib_is_answered_431_and_closed(app: _App, proxy: _Proxy) -> None:
    with _Client(proxy.port) as client:
        client.send(_get("/fixed", "X-Big: " + "a" * (70 * 1024)))
        answer = client.answer()
        assert client.closed()
    assert answer.status == 431
    assert b"request head over" in answer.body
    proxy.recorder.drain()
    assert (app.requests, proxy.recorder.forwarded) == (0, 0)


def test_request_header_line_that_never_ends_is_answered_431_while_it_comes(
    app: _App, proxy: _Proxy
) -> None:
    """A header value sent piece by piece without its line end is refused once the head is
    past the limit, not held in memory for as long as the client keeps sending."""
    with _Client(proxy.port) as client:
        client.send(b"GET /fixed HTTP/1.1\r\nHost: proxy\r\nX-Endless: ")
        for _ in range(512):  # 4 MiB at most
            client.send(b"a" * 8192)
            if select.select([client.sock], [], [], 0)[0]:
                break  # answered
        answer = client.answer()
        assert client.closed()
    assert answer.status == 431
    proxy.recorder.drain()
    assert (app.requests, proxy.recorder.forwarded) == (0, 0)


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32), id="tls-hello"),
        pytest.param(b"HELLO THERE\r\n\r\n", id="not-a-request-line"),
        pytest.param(b"GET / HTTP/9.9\r\nHost: proxy\r\n\r\n", id="unknown-version"),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: proxy\r\nContent-Length: abc\r\n\r\n", id="bad-length"
        ),
    ],
)
def test_garbage_that_is_not_http_is_answered_400_and_closed(
    app: _App, proxy: _Proxy, garbage: bytes
) -> None:
    with _Client(proxy.port) as client:
        client.send(garbage)
        answer = client.answer()
        assert client.closed()
    assert answer.status == 400
    proxy.recorder.drain()
    assert (app.requests, proxy.recorder.forwarded) == (0, 0)


def test_connection_past_max_connections_is_answered_503_and_closed_the_first_still_served(
    app: _App,
) -> None:
    with _proxy_before(app, max_connections=1) as proxy, _Client(proxy.port) as first:
        first.send(_get("/fixed"))
        assert first.answer().body == _FIXED  # admitted: the proxy holds one connection
        with _Client(proxy.port) as second:
            second.send(_get("/fixed"))  # as a client would, at once
            refused = second.answer()
            assert second.closed()
        first.send(_get("/fixed"))
        assert first.answer().body == _FIXED
    assert refused.status == 503
    assert refused.headers["connection"] == "close"
    assert app.requests == 2


# -- what the client asks of the proxy itself


def test_expect_100_continue_is_answered_by_the_proxy_before_the_body_and_not_forwarded(
    proxy: _Proxy,
) -> None:
    body = b'{"hello": "continue"}'
    with _Client(proxy.port) as client:
        client.send(
            b"POST /echo HTTP/1.1\r\nHost: proxy\r\nExpect: 100-continue\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        interim = client.head()  # before any byte of the body was sent
        client.send(body)
        answer = client.answer(method="POST")
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert answer.status == 200
    assert answer.body == body
    assert "expect" not in answer.headers["x-request-headers"].lower().split(",")


@pytest.mark.parametrize(
    "connection",
    [pytest.param("", id="default"), pytest.param("Connection: keep-alive\r\n", id="keep-alive")],
)
def test_http10_client_gets_a_chunked_answer_whole_delimited_by_the_close(
    proxy: _Proxy, connection: str
) -> None:
    with _Client(proxy.port) as client:
        client.send(f"GET /chunked HTTP/1.0\r\n{connection}\r\n".encode())
        received = client.rest()
    head, _, body = received.partition(b"\r\n\r\n")
    assert _status(head) == 200
    assert b"transfer-encoding" not in head.lower()
    assert b"connection: close" in head.lower()
    assert body == b"".join(_PIECES)


def test_head_answer_keeps_content_length_sends_no_body_and_the_connection_goes_on(
    proxy: _Proxy,
) -> None:
    with _Client(proxy.port) as client:
        client.send(b"HEAD /fixed HTTP/1.1\r\nHost: proxy\r\n\r\n")
        head = client.answer(method="HEAD")
        client.send(_get("/fixed"))  # a body after the HEAD answer would be read as its head
        after = client.answer()
    assert head.status == 200
    assert head.headers["content-length"] == str(len(_FIXED))
    assert head.body == b""
    assert (after.status, after.body) == (200, _FIXED)


def test_pipelined_posts_with_bodies_are_answered_in_order(proxy: _Proxy) -> None:
    bodies = [b"one", os.urandom(300 * 1024), b"", b"three" * 1000]
    requests = b"".join(_post(f"/echo/{n}", body) for n, body in enumerate(bodies))
    chunked = b"POST /echo/chunked HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n"
    chunked += b"Connection: close\r\n\r\n5\r\nlast \r\n6\r\nchunks\r\n0\r\n\r\n"
    with _Client(proxy.port) as client:
        sender = threading.Thread(target=client.send, args=(requests + chunked,))
        sender.start()  # the proxy reads the queue only as fast as it answers
        answers = [client.answer(method="POST") for _ in range(len(bodies) + 1)]
        sender.join(_WAIT)
        assert client.closed()
    assert [a.body for a in answers] == [*bodies, b"last chunks"]


def test_slow_request_body_is_not_taken_for_a_silent_upstream(app: _App) -> None:
    """--timeout bounds the wait for the upstream; a client still sending its body, each piece
    within the timeout of the last, is not the upstream being late."""
    with _proxy_before(app, timeout=0.6) as proxy, _Client(proxy.port) as client:
        client.send(b"POST /echo HTTP/1.1\r\nHost: proxy\r\nContent-Length: 11\r\n\r\nhello")
        for piece in (b" ", b"wor", b"ld"):  # 0.75 s in all, past the timeout
            time.sleep(0.25)
            client.send(piece)
        answer = client.answer(method="POST")
    assert (answer.status, answer.body) == (200, b"hello world")


# -- upstreams that misbehave


def test_upstream_early_hints_are_not_relayed_the_final_answer_is() -> None:
    def answer(connection: socket.socket) -> None:
        _read_head(connection)
        connection.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n")
        time.sleep(0.05)  # the final answer in a read of its own
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        _read_to_end(connection)

    with _raw_upstream(answer) as url, _proxy(url) as proxy, _Client(proxy.port) as client:
        client.send(_get("/"))
        final = client.answer()
    assert (final.status, final.interim, final.body) == (200, [], b"hello")
    assert "link" not in final.headers


def test_upstream_answering_a_large_post_early_and_closing_is_relayed_not_a_502() -> None:
    def answer(connection: socket.socket) -> None:
        _read_head(connection)
        connection.sendall(
            b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\n"
            b"too large"
        )  # and close, the body unread

    body = b"z" * (2 * 1024 * 1024)
    with _raw_upstream(answer) as url, _proxy(url) as proxy, _Client(proxy.port) as client:
        sender = threading.Thread(target=lambda: _send_quietly(client, _post("/big", body)))
        sender.start()
        answer_413 = client.answer(method="POST")
        sender.join(_WAIT)
        proxy.recorder.drain()
        recorder = proxy.recorder
    assert (answer_413.status, answer_413.body) == (413, b"too large")
    assert (recorder.forwarded, recorder.upstream_errors, recorder.cut) == (1, 0, 0)


def _send_quietly(client: _Client, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the proxy may stop reading once it answered
        client.send(data)


def test_upstream_that_never_answers_is_a_502_naming_it_after_the_timeout() -> None:
    def answer(connection: socket.socket) -> None:
        _read_head(connection)
        _read_to_end(connection)  # silent until the proxy gives up

    with (
        _raw_upstream(answer) as url,
        _proxy(url, timeout=0.5) as proxy,
        _Client(proxy.port) as client,
    ):
        started = time.monotonic()
        client.send(_get("/"))
        gateway = client.answer()
        waited = time.monotonic() - started
        proxy.recorder.drain()
        errors = proxy.recorder.upstream_errors
    assert gateway.status == 502
    assert url in gateway.body.decode()
    assert 0.4 < waited < 4
    assert errors == 1


def test_upstream_with_an_endless_answer_head_is_a_502_and_is_not_held() -> None:
    def answer(connection: socket.socket) -> None:
        _read_head(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nX-Endless: ")
        with contextlib.suppress(OSError):
            for _ in range(40):  # 160 KiB of one header line that never ends
                connection.sendall(b"a" * 4096)
        _read_to_end(connection)

    with _raw_upstream(answer) as url, _proxy(url) as proxy, _Client(proxy.port) as client:
        client.send(_get("/"))
        gateway = client.answer()
        proxy.recorder.drain()
        errors = proxy.recorder.upstream_errors
    assert gateway.status == 502
    assert "answer head is over" in gateway.body.decode()
    assert errors == 1


def test_upstream_answer_ended_by_its_close_reaches_an_http11_client_whole_rechunked() -> None:
    def answer(connection: socket.socket) -> None:
        _read_head(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        for piece in _PIECES:
            connection.sendall(piece)
            time.sleep(0.01)
        connection.shutdown(socket.SHUT_WR)
        _read_to_end(connection)

    with _raw_upstream(answer) as url, _proxy(url) as proxy, _Client(proxy.port) as client:
        client.send(_get("/"))
        first = client.answer()
        client.send(_get("/"))  # the client's connection outlives the upstream's
        second = client.answer()
    assert first.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in first.headers
    assert first.body == second.body == b"".join(_PIECES)


# -- idle connections


def test_idle_keep_alive_connection_is_closed_by_the_sweep(app: _App) -> None:
    with _proxy_before(app, idle_timeout=0.3) as proxy, _Client(proxy.port) as client:
        client.send(_get("/fixed"))
        assert client.answer().body == _FIXED
        started = time.monotonic()
        assert client.closed()
        waited = time.monotonic() - started
    assert waited < 2.5
