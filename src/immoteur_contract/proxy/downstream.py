"""The proxy's side toward the client: one asyncio protocol per client connection that parses
requests with httptools, forwards each through an upstream connection (upstream.py) as its
bytes arrive, writes the answer back as the upstream's bytes arrive, and hands a bounded copy of
the finished exchange to the recorder.

Requests on one connection are forwarded one at a time, in order (pipelined requests wait,
their bodies buffered up to a bound past which the client is not read). Each direction is
flow-controlled: a client that does not read pauses the upstream, an upstream that does not
read pauses the client. Judging never happens here: the recorder gets the exchange after its
answer was written.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import deque
from typing import TYPE_CHECKING, cast

import httptools

from .bounded import BoundedBody
from .forwarding import bad_gateway, end_to_end, refusal, status_line
from .requests import Request, read_request

if TYPE_CHECKING:
    from .serving import ProxyServer
    from .upstream import UpstreamConnection

__all__ = ["ClientConnection"]

_HEAD_LIMIT = 64 * 1024
"""Bytes of a request line and headers; more is answered 431 and the connection closed."""
_WAITING_LIMIT = 256 * 1024
"""Bytes of pipelined requests held while an earlier one is forwarded; past it, the client is
not read until they are."""
_LINGER_SECONDS = 2.0
"""How long a refused client's further bytes are read and dropped before its connection is
closed: closed with bytes unread, the connection would be reset, and the reset can destroy the
refusal before the client reads it."""
_DRAIN_SECONDS = 5.0
"""How long the rest of a request body is read (for judging) after its answer was written."""
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_LAST_CHUNK = b"0\r\n\r\n"
_NO_BODY = frozenset({204, 304})


class ClientConnection(asyncio.Protocol):
    """One client connection of the proxy."""

    def __init__(self, server: ProxyServer) -> None:
        self._server = server
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpRequestParser(self)
        self._queue: deque[Request] = deque()
        self._parsing: Request | None = None
        self._active: Request | None = None
        self._upstream: UpstreamConnection | None = None
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._head_bytes = 0
        self._head_read = 0
        self._waiting_bytes = 0
        self._answered = False
        self._chunk_out = False
        self._close_after = False
        self._draining: asyncio.TimerHandle | None = None
        self._lingering: asyncio.TimerHandle | None = None
        self._out: list[bytes] = []
        self._read_paused: set[str] = set()
        self._write_paused = False
        self.last_active = 0.0

    @property
    def forwarding(self) -> bool:
        """An exchange is being forwarded (or its request body read after its answer)."""
        return self._active is not None

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self.last_active = time.monotonic()
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # an answer's head and body leave in separate writes at times: without TCP_NODELAY
            # the body would wait for the client's delayed ACK (40 ms on Linux)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self._server.admit(self):
            self._transport.write(refusal(503, "too many connections to the proxy"))
            self._linger()

    def data_received(self, data: bytes) -> None:
        if self._lingering is not None:
            return  # refused: what follows is dropped
        self.last_active = time.monotonic()
        if self._head_bytes:
            # inside a request head: httptools holds a header line until its end, so the
            # bytes read are counted too (a line that never ends must not be held forever)
            self._head_read += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            # not upgraded (Upgrade is hop-by-hop): what follows is the next HTTP/1.1 request
            self.on_message_complete()
            self._parser = httptools.HttpRequestParser(self)
            rest = data[upgrade.args[0] :] if upgrade.args else b""
            if rest:
                self.data_received(rest)
            return
        except httptools.HttpParserError:
            self._refuse(400, "the request is not HTTP/1.1")
            return
        if self._head_bytes > _HEAD_LIMIT or (self._head_bytes and self._head_read > _HEAD_LIMIT):
            self._refuse(431, f"request head over {_HEAD_LIMIT} bytes")

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._server.leave(self)
        if self._draining is not None:
            self._draining.cancel()
        if self._lingering is not None:
            self._lingering.cancel()
        self._drop_waiting()
        request = self._active
        if request is None:
            return
        seen = request.seen
        if not request.complete:
            seen.client_gone = True
            seen.error = seen.error or "the client went away while sending its request"
        elif seen.status is not None and not self._answered:
            seen.cut = True
            seen.error = seen.error or "the client went away before the answer was whole"
        self._drop_upstream()
        self._submit(request)

    def pause_writing(self) -> None:
        self._write_paused = True
        if self._upstream is not None:
            self._upstream.pause_reading()

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._upstream is not None:
            self._upstream.resume_reading()

    # -- httptools callbacks (the request being read)

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = []
        self._head_bytes = 1
        self._head_read = 0

    def on_url(self, url: bytes) -> None:
        self._head_bytes += len(url)
        if self._head_bytes <= _HEAD_LIMIT:
            self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_bytes += len(name) + len(value) + 4
        if self._head_bytes <= _HEAD_LIMIT:
            self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self._head_bytes > _HEAD_LIMIT:
            return
        self._head_bytes = 0
        request = read_request(
            self._parser, self._url, self._headers, self._server.upstream, self._server
        )
        self._parsing = request
        self._queue.append(request)
        if self._active is None:
            self._start_next()

    def on_body(self, body: bytes) -> None:
        request = self._parsing
        if request is None:
            return
        request.seen.request_body.add(body)
        piece = b"%x\r\n%b\r\n" % (len(body), body) if request.chunked else body
        self._pass_on(request, piece)

    def on_message_complete(self) -> None:
        request, self._parsing = self._parsing, None
        if request is None or request.complete:
            return
        if request.chunked:
            self._pass_on(request, _LAST_CHUNK)
        request.complete = True
        if request is not self._active:
            return
        if self._upstream is not None:
            self._upstream.sent_whole()
        elif self._draining is not None:  # the answer is out; the body now is too
            self._draining.cancel()
            self._draining = None
            self._finish()

    def _pass_on(self, request: Request, piece: bytes) -> None:
        if request is self._active and self._upstream is not None:
            self._upstream.write(piece)
        elif request is self._active and self._answered:
            pass  # answered before its body was whole: kept for judging, not forwarded
        else:
            request.waiting.append(piece)
            request.waiting_bytes += len(piece)
            self._waiting_bytes += len(piece)
            if self._waiting_bytes > _WAITING_LIMIT:
                self._pause_reading("waiting")

    # -- the exchange being forwarded

    def _start_next(self) -> None:
        if self._transport is None or not self._queue:
            return
        request = self._queue.popleft()
        self._active = request
        self._answered = self._chunk_out = False
        request.seen.index = self._server.recorder.next_index()
        request.started = time.perf_counter()
        if request.expect_continue and not request.complete:
            self._transport.write(_CONTINUE)
        self._server.pool.acquire(self)

    def upstream_ready(self, connection: UpstreamConnection) -> None:
        request = self._active
        if request is None or self._transport is None:
            self._server.pool.release(connection, reusable=True)
            return
        self._upstream = connection
        waiting, request.waiting = request.waiting, []
        self._waiting_bytes -= request.waiting_bytes
        request.waiting_bytes = 0
        if self._waiting_bytes <= _WAITING_LIMIT:
            self._resume_reading("waiting")
        connection.send(b"".join([request.head, *waiting]), head_only=request.head_only)
        if request.complete:
            connection.sent_whole()
        if self._write_paused:
            connection.pause_reading()

    def answer_head(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        request = self._active
        if request is None or self._transport is None:
            return
        seen = request.seen
        seen.status = status
        seen.response_headers = [
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in headers
        ]
        seen.response_body = BoundedBody(self._server.budget, self._server.body_limit)
        kept = end_to_end(headers)
        lines = [status_line(status)]
        lines += [b"%s: %s\r\n" % pair for pair in kept]
        if not (request.head_only or status in _NO_BODY) and not any(
            name.lower() == b"content-length" for name, _ in kept
        ):
            if request.http11:
                self._chunk_out = True
                lines.append(b"transfer-encoding: chunked\r\n")
            else:
                self._close_after = True  # an HTTP/1.0 client: the end of the connection frames it
        if not request.keep_alive or self._server.stopping:
            self._close_after = True
        if self._close_after:
            lines.append(b"connection: close\r\n")
        lines.append(b"\r\n")
        self._out.append(b"".join(lines))

    def answer_body(self, chunk: bytes) -> None:
        request = self._active
        if request is None or self._transport is None:
            return
        assert request.seen.response_body is not None
        request.seen.response_body.add(chunk)
        if self._chunk_out:
            self._out += (b"%x\r\n" % len(chunk), chunk, b"\r\n")
        else:
            self._out.append(chunk)

    def flush(self) -> None:
        """Write what the answer's last read brought (one write for its head and body)."""
        out, self._out = self._out, []
        if out and self._transport is not None:
            self._transport.writelines(out)

    def answer_done(self) -> None:
        request = self._active
        connection, self._upstream = self._upstream, None
        if connection is not None:
            connection.finish()
        if request is None or self._transport is None:
            return
        if self._chunk_out:
            self._out.append(_LAST_CHUNK)
        self.flush()
        self._answered = True
        self._after_answer(request)

    def upstream_failed(self, message: str) -> None:
        request = self._active
        self._drop_upstream()
        if request is None or self._transport is None:
            return
        seen = request.seen
        url = self._server.upstream.url
        self.flush()
        if seen.status is not None:
            seen.cut = True
            seen.error = f"the upstream {url} cut its answer ({message})"
            self._submit(request)
            self._transport.abort()  # the answer stays incomplete, as the upstream left it
            return
        seen.error = f"the upstream {url} did not answer ({message})"
        seen.upstream_failed = True
        if not request.keep_alive or self._server.stopping:
            self._close_after = True
        self._transport.write(bad_gateway(seen.error, close=self._close_after))
        self._answered = True
        self._after_answer(request)

    def upstream_paused(self, paused: bool) -> None:
        if paused:
            self._pause_reading("upstream")
        else:
            self._resume_reading("upstream")

    def _after_answer(self, request: Request) -> None:
        if request.complete:
            self._finish()
            return
        # answered before the body was whole: read the rest for judging, for a while
        self._resume_reading("upstream")
        loop = asyncio.get_running_loop()
        self._draining = loop.call_later(_DRAIN_SECONDS, self._drain_timed_out)

    def _drain_timed_out(self) -> None:
        self._draining = None
        request = self._active
        if request is not None:
            request.seen.client_gone = True
            self._close_after = True
            self._finish()

    def _finish(self) -> None:
        request, self._active = self._active, None
        if request is not None:
            self._submit(request)
        if self._transport is None:
            return
        if self._close_after:
            self._transport.close()
            return
        if self._queue:
            self._start_next()
        else:
            self.last_active = time.monotonic()

    def _submit(self, request: Request) -> None:
        """Hand a started exchange to the recorder, once."""
        if request.started and not request.submitted:
            request.submitted = True
            request.seen.seconds = time.perf_counter() - request.started
            self._server.recorder.submit(request.seen)

    def _drop_waiting(self) -> None:
        """Forget the requests not yet forwarded (not exchanges: nothing records them)."""
        for waiting in self._queue:
            waiting.seen.release()
        self._queue.clear()

    def _drop_upstream(self) -> None:
        connection, self._upstream = self._upstream, None
        if connection is not None:
            connection.close()

    def _pause_reading(self, why: str) -> None:
        if not self._read_paused and self._transport is not None:
            self._transport.pause_reading()
        self._read_paused.add(why)

    def _resume_reading(self, why: str) -> None:
        if why not in self._read_paused:
            return
        self._read_paused.discard(why)
        if not self._read_paused and self._transport is not None:
            self._transport.resume_reading()

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request the proxy cannot forward, and close (nothing was forwarded)."""
        if self._transport is None:
            return
        self._close_after = True
        self._drop_waiting()
        if self._active is not None:
            self._transport.close()
            return
        self._transport.write(refusal(status, message))
        self._linger()

    def _linger(self) -> None:
        """Close after a refusal, gently: the refusal, then the end of our side; what the
        client still sends is read and dropped until it closes, or `_LINGER_SECONDS`."""
        assert self._transport is not None
        if self._transport.can_write_eof():
            self._transport.write_eof()
        self._transport.resume_reading()
        loop = asyncio.get_running_loop()
        self._lingering = loop.call_later(_LINGER_SECONDS, self._transport.close)
