"""The proxy's side toward the upstream: a pool of keep-alive HTTP/1.1 connections, each an
asyncio protocol whose answers httptools parses (the parser uvicorn itself uses).

Forwarding is callback-driven, without a task per exchange: an exchange (`AnswerSink`, the
client connection it belongs to) writes its request head and body pieces as they come, and the
connection calls it back with the answer's head, its body pieces as the wire framing delivers
them (de-chunked, never decompressed) and its end. That is what keeps the proxy's cost per
exchange a fraction of the upstream's own (bench/proxy_latency.py).

A connection goes back to the pool only after a complete answer, to a request sent whole, that
the upstream did not mark `Connection: close`. Interim answers (1xx) are read and skipped: the
proxy does not forward Expect, and 103 Early Hints are not relayed. `--timeout` bounds the wait
for the upstream between two reads (a client still sending the request body is no wait for the
upstream: each piece written restarts it), and (at most 10 s) the connecting.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
from typing import Protocol, cast
from urllib.parse import urlsplit

import httptools

__all__ = ["AnswerSink", "UpstreamConnection", "UpstreamPool"]

_IDLE = 100
"""Idle connections kept for reuse."""
_CONNECT_SECONDS = 10.0
_SALVAGE = 65536
ANSWER_HEAD_LIMIT = 64 * 1024
"""Bytes of an answer's status line and headers: past it, the upstream is failing (a 502), and
nothing more of it is held."""


class AnswerSink(Protocol):
    """What an upstream connection reports to the exchange it carries."""

    def upstream_ready(self, connection: UpstreamConnection) -> None:
        """The connection is the exchange's: write the request now."""

    def answer_head(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        """The final answer's status and headers (in order and spelling)."""

    def answer_body(self, chunk: bytes) -> None:
        """A piece of the answer's body."""

    def answer_done(self) -> None:
        """The answer is complete."""

    def upstream_failed(self, message: str) -> None:
        """The upstream could not be reached, or broke the exchange off (before or during the
        answer)."""

    def flush(self) -> None:
        """Write to the client what the last read of the answer brought."""

    def upstream_paused(self, paused: bool) -> None:
        """The connection's send buffer is full (True) or drained (False): pause or resume
        reading the request body from the client."""


class UpstreamPool:
    """Connections to one origin (`http://host:port` or `https://...`)."""

    def __init__(self, origin: str, *, verify: ssl.SSLContext | bool, timeout: float) -> None:
        parts = urlsplit(origin)
        self.host = parts.hostname or ""
        https = parts.scheme == "https"
        self.port = parts.port or (443 if https else 80)
        self.netloc = parts.netloc
        self.timeout = timeout
        self._ssl: ssl.SSLContext | None = None
        if https:
            if isinstance(verify, ssl.SSLContext):
                self._ssl = verify
            else:
                self._ssl = ssl.create_default_context()
                if not verify:
                    self._ssl.check_hostname = False
                    self._ssl.verify_mode = ssl.CERT_NONE
        self._idle: list[UpstreamConnection] = []
        self._connecting: set[asyncio.Task[None]] = set()
        self._open: set[UpstreamConnection] = set()

    def acquire(self, sink: AnswerSink) -> None:
        """Give `sink` a connection: an idle one at once, else a new one once connected (or
        `upstream_failed`)."""
        while self._idle:
            connection = self._idle.pop()
            if connection.usable():
                connection.take(sink)
                sink.upstream_ready(connection)
                return
            connection.close()
        task = asyncio.get_running_loop().create_task(self._connect(sink))
        self._connecting.add(task)
        task.add_done_callback(self._connecting.discard)

    async def _connect(self, sink: AnswerSink) -> None:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(min(self.timeout, _CONNECT_SECONDS)):
                _, connection = await loop.create_connection(
                    lambda: UpstreamConnection(self),
                    self.host,
                    self.port,
                    ssl=self._ssl,
                    server_hostname=self.host if self._ssl else None,
                )
        except TimeoutError:
            sink.upstream_failed("connecting timed out")
            return
        except (OSError, ssl.SSLError) as error:
            sink.upstream_failed(f"{type(error).__name__}: {' '.join(str(error).split())}")
            return
        connection.take(sink)
        sink.upstream_ready(connection)

    def release(self, connection: UpstreamConnection, *, reusable: bool) -> None:
        if reusable and connection.usable() and len(self._idle) < _IDLE:
            self._idle.append(connection)
        else:
            connection.close()

    def opened(self, connection: UpstreamConnection) -> None:
        self._open.add(connection)

    def closed(self, connection: UpstreamConnection) -> None:
        """A connection is gone (an idle one the upstream closed leaves the pool too)."""
        self._open.discard(connection)
        if connection in self._idle:
            self._idle.remove(connection)

    async def aclose(self) -> None:
        """Close every connection (idle or not) and wait, a second at most, until they are
        (the event loop cannot close with transports still open)."""
        for task in self._connecting:
            task.cancel()
        self._idle = []
        for connection in list(self._open):
            connection.abort()
        for _ in range(100):
            if not self._open:
                return
            await asyncio.sleep(0.01)


class UpstreamConnection(asyncio.Protocol):
    """One connection to the upstream, carrying one exchange at a time."""

    def __init__(self, pool: UpstreamPool) -> None:
        self._pool = pool
        self._transport: asyncio.Transport | None = None
        self._sink: AnswerSink | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._headers: list[tuple[bytes, bytes]] = []
        self._head_only = False
        self._head_done = False
        self._interim = False
        self._done = False
        self._keep_alive = False
        self._framed = False
        self._sent_whole = False
        self._head_read = 0
        self._last_traffic = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._loop = asyncio.get_running_loop()

    # -- the exchange's side

    def usable(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    def take(self, sink: AnswerSink) -> None:
        self._sink = sink

    def send(self, data: bytes, *, head_only: bool = False) -> None:
        """Write the request head (it starts a new answer) and the body given with it."""
        assert self._transport is not None
        # the parser is the connection's: a connection is reused only after a complete answer,
        # which leaves it ready for the next
        self._headers = []
        self._head_read = 0
        self._head_only = head_only
        self._head_done = self._interim = self._done = self._sent_whole = False
        self._transport.write(data)
        self._watch()

    def write(self, data: bytes) -> None:
        """More of the request body, as the wire carries it (the upstream is not late while
        the client is still sending)."""
        if self._transport is not None:
            self._last_traffic = self._loop.time()
            self._transport.write(data)

    def sent_whole(self) -> None:
        """The request went out whole: once answered, the connection may be reused."""
        self._sent_whole = True

    def finish(self) -> None:
        """The exchange is over with this connection: back to the pool, or closed."""
        self._stop_watching()
        self._sink = None
        reusable = self._done and self._sent_whole and self._keep_alive and not self._head_only
        self._pool.release(self, reusable=reusable)

    def close(self) -> None:
        self._stop_watching()
        self._sink = None
        if self._transport is not None:
            self._transport.close()

    def abort(self) -> None:
        self._stop_watching()
        self._sink = None
        if self._transport is not None:
            self._transport.abort()

    # -- the timeout between two reads (or a write of the request body and a read)

    def _watch(self) -> None:
        self._last_traffic = self._loop.time()
        if self._timer is None:
            self._timer = self._loop.call_at(self._last_traffic + self._pool.timeout, self._check)

    def _stop_watching(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        self._timer = None
        if self._sink is None or self._done:
            return
        due = self._last_traffic + self._pool.timeout
        if self._loop.time() < due:
            self._timer = self._loop.call_at(due, self._check)
            return
        self._fail(f"no data from the upstream for {self._pool.timeout:g} s")

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self._pool.opened(self)

    def data_received(self, data: bytes) -> None:
        if self._sink is None:
            self.close()  # bytes nobody asked for: the connection cannot be trusted again
            return
        self._last_traffic = self._loop.time()
        sink = self._sink
        if not self._head_done:
            self._head_read += len(data)
        try:
            self._parser.feed_data(data)
            if not self._head_done and self._head_read > ANSWER_HEAD_LIMIT:
                # httptools holds a header line until its end: what it holds is bounded by
                # the bytes read while the head is not done
                self._fail(f"the upstream's answer head is over {ANSWER_HEAD_LIMIT} bytes")
        except httptools.HttpParserUpgrade:
            pass  # an answer that switches protocols: its head is relayed, nothing more
        except httptools.HttpParserError as error:
            self._fail(f"the upstream's answer is not HTTP: {error}")
        finally:
            sink.flush()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        transport, self._transport = self._transport, None
        if exc is not None and self._sink is not None and transport is not None:
            self._salvage(transport)
        self._stop_watching()
        self._pool.closed(self)
        sink, self._sink = self._sink, None
        if sink is None:
            return
        if self._head_done and not self._framed and not self._done:
            self._done = True  # an answer delimited by the connection's end
            sink.answer_done()
            return
        if not self._done:
            reason = f" ({type(exc).__name__}: {exc})" if exc else ""
            what = "mid-answer" if self._head_done else "without answering"
            sink.upstream_failed(f"the upstream closed the connection {what}{reason}")

    def _salvage(self, transport: asyncio.Transport) -> None:
        """Read what the upstream sent before the connection broke. An upstream that answers
        early (413 to a large body) and closes makes our next write of the body fail, and
        the event loop drops the connection before reading the answer waiting in the socket;
        as httpcore does for its own requests, that answer is still read and relayed."""
        if transport.get_extra_info("sslcontext") is not None:
            return
        sock = transport.get_extra_info("socket")
        if sock is None:
            return
        try:
            copy = socket.socket(fileno=os.dup(sock.fileno()))
        except OSError:
            return
        with copy:
            copy.setblocking(False)
            while self._sink is not None and not self._done:
                try:
                    data = copy.recv(_SALVAGE)
                except OSError:
                    return
                if not data:
                    return
                self.data_received(data)

    def pause_writing(self) -> None:
        if self._sink is not None:
            self._sink.upstream_paused(True)

    def resume_writing(self) -> None:
        if self._sink is not None:
            self._sink.upstream_paused(False)

    def pause_reading(self) -> None:
        if self._transport is not None:
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        if self._transport is not None:
            self._transport.resume_reading()

    def _fail(self, message: str) -> None:
        sink, self._sink = self._sink, None
        self.close()
        if sink is not None and not self._done:
            sink.upstream_failed(message)

    # -- httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if status < 200:
            self._interim = True  # 100, 102, 103: skipped; the final answer follows
            return
        self._head_done = True
        # asked now: once the message is complete the parser has reset and says False
        self._keep_alive = self._parser.should_keep_alive()
        names = {name.lower() for name, _ in self._headers}
        self._framed = (
            self._head_only
            or status in (204, 304)
            or b"content-length" in names
            or b"transfer-encoding" in names
        )
        assert self._sink is not None
        self._sink.answer_head(status, self._headers)
        if self._head_only:
            self._complete()

    def on_body(self, body: bytes) -> None:
        if self._sink is not None and not self._done:
            self._sink.answer_body(body)

    def on_message_complete(self) -> None:
        if self._interim:
            self._interim = False
            self._headers = []
            return
        self._complete()

    def _complete(self) -> None:
        if self._done:
            return
        self._done = True
        self._stop_watching()
        if self._sink is not None:
            self._sink.answer_done()
