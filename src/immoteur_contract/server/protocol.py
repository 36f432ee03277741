"""uvicorn's httptools protocol with the bounds it lacks: timeouts, size limits, answered requests.

uvicorn 0.54 with httptools (the fastest stack compared in bench/server_throughput.py) sets no
limit on header or URL size, no timeout on a connection that opens and sends nothing, none on
headers that trickle in (slowloris) and none on a body that stops arriving. This subclass adds
them (`ConnectionLimits`), checked as the bytes arrive so that the cost never grows past a limit:

- header bytes are counted before they reach the parser (httptools joins a header's pieces, so
  a 160 MB header would be parsed at a cost that grows faster than its size);
- the timers are armed only when a request is left incomplete by the bytes received so far, so
  the common request that arrives in one segment costs no timer at all.

It also makes every answered request's answer reach the client before an error closes the
connection: uvicorn answers a parse error (a valid request followed by garbage in the same
write) with 400 and closes at once, dropping the 201 of the valid request it has already handed
to the app. Here the 400 (or 408/414/431) waits until the requests before it are answered, and
a client that half-closes after a complete request still gets its answer.

Why a subclass of a private class: uvicorn's public options give none of these limits on the
httptools stack. `h11_max_incomplete_event_size` bounds only the h11 stack's buffer (h11 is the
slower stack here), `timeout_keep_alive` only the idle time between requests, `limit_concurrency`
and `limit_max_requests` count connections and requests, not bytes or seconds within one; there
is no option for a header size or count, a URL size, or a header or body timeout. So pyproject.toml
bounds uvicorn to the versions tested (0.54 and 0.55: the server tests pass on both), and
tests/server/test_protocol_uvicorn.py fails in one line naming what moved when a uvicorn release
changes the private surface used here (HttpToolsProtocol's callbacks and state, STATUS_LINE).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from .limits import ConnectionLimits

__all__ = ["guarded_protocol"]

_IDLE, _HEAD, _BODY = 0, 1, 2
_HEAD_END = re.compile(rb"\r?\n\r?\n")


class _RefusedError(Exception):
    """Raised from a parser callback to stop parsing; the answer is in `_GuardedProtocol._error`."""


class _GuardedProtocol(HttpToolsProtocol):
    """HttpToolsProtocol bounded by `limits` (a class attribute set by `guarded_protocol`)."""

    limits = ConnectionLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn types this int but only hands it to call_later, which takes seconds as float
        self.timeout_keep_alive = self.limits.idle_timeout  # type: ignore[assignment]
        self._phase = _IDLE
        self._head_bytes = 0
        self._line_open = True
        self._header_count = 0
        self._timer: asyncio.TimerHandle | None = None
        self._error: tuple[int, str] | None = None
        self._eof = False

    # Connection events

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Arm the idle timeout from the start: a connection that never sends is closed."""
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the request timer along with the connection."""
        self._cancel_timer()
        super().connection_lost(exc)

    def eof_received(self) -> bool | None:  # type: ignore[override]
        """A client that half-closes after a complete request still gets its answer (True keeps
        the transport open for writing); any other half-close ends the connection."""
        if self._phase == _IDLE and self.cycle is not None and not self.cycle.response_complete:
            self._eof = True
            return True
        return None

    def data_received(self, data: bytes) -> None:
        """Count header bytes before parsing them, parse, then time what is left incomplete."""
        self._unset_keepalive_if_required()
        if self._error is not None:
            return  # an error answer is waiting for earlier responses; read nothing more
        if self._phase != _BODY and not self._head_within_limit(data):
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.logger.warning("Unsupported upgrade request.")  # served as plain HTTP
        except httptools.HttpParserError:
            if self._error is None:
                self._fail(400, "Invalid HTTP request.")
            else:
                self._answer_error_when_idle()
            return
        if self._phase == _HEAD and self._timer is None:
            self._timer = self.loop.call_later(self.limits.header_timeout, self._head_timed_out)
        elif self._phase == _BODY and self._timer is None:
            self._timer = self.loop.call_later(self.limits.body_timeout, self._body_timed_out)

    def _head_within_limit(self, data: bytes) -> bool:
        """Count `data` as header bytes; past the limit, refuse (414 if the request line alone
        is longer than max_url_bytes, else 431) unless the headers end within the allowance."""
        limits = self.limits
        line_bytes = -1
        if self._line_open:
            newline = data.find(b"\n")
            line_bytes = self._head_bytes + (len(data) if newline < 0 else newline)
            self._line_open = newline < 0
        seen = self._head_bytes + len(data)
        if seen <= limits.max_header_bytes:
            self._head_bytes = seen
            return True
        end = _HEAD_END.search(data)
        if end is not None and self._head_bytes + end.end() <= limits.max_header_bytes:
            return True  # the rest of `data` is body or the next request
        if line_bytes > limits.max_url_bytes:
            self._fail(414, "The request line is too long.")
        else:
            self._fail(431, "The request headers are too large.")
        return False

    # Parser callbacks

    def on_message_begin(self) -> None:
        """A request starts: its header bytes are counted from here."""
        super().on_message_begin()
        self._phase = _HEAD
        self._header_count = 0

    def on_url(self, url: bytes) -> None:
        """Refuse a request target past max_url_bytes (414)."""
        super().on_url(url)
        if len(self.url) > self.limits.max_url_bytes:
            self._error = (414, "The request target is too long.")
            raise _RefusedError

    def on_header(self, name: bytes, value: bytes) -> None:
        """Refuse more than max_headers header fields (431)."""
        self._header_count += 1
        if self._header_count > self.limits.max_headers:
            self._error = (431, "Too many request header fields.")
            raise _RefusedError
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is complete: stop its timer; the body's is armed if the body is not."""
        self._phase = _BODY
        self._cancel_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        """The request is complete: no timer until the next one starts."""
        self._phase = _IDLE
        self._head_bytes = 0
        self._line_open = True
        self._cancel_timer()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        """After an answer: send a waiting error answer, or close a half-closed connection."""
        super().on_response_complete()
        if self._error is not None:
            self._answer_error_when_idle()
        elif self._eof and not self.pipeline:
            self.transport.close()

    # Timeouts and errors

    def _head_timed_out(self) -> None:
        self._timer = None
        self._fail(408, "The request headers did not arrive in time.")

    def _body_timed_out(self) -> None:
        self._timer = None
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()  # answered already (401 before the body): nothing to say
        else:
            self._write_error(408, "The request body did not arrive in time.")

    def _fail(self, status: int, message: str) -> None:
        """Answer `status` and close, once every request before this one is answered."""
        self._error = (status, message)
        self._answer_error_when_idle()

    def _answer_error_when_idle(self) -> None:
        busy = self.cycle is not None and not self.cycle.response_complete
        if busy or self.pipeline:
            self.flow.pause_reading()  # answered by on_response_complete
            return
        assert self._error is not None
        self._write_error(*self._error)

    def _write_error(self, status: int, message: str) -> None:
        self._cancel_timer()
        self._unset_keepalive_if_required()
        if self.transport.is_closing():
            return
        body = b'{"message":"%s"}' % message.encode("ascii")
        self.transport.write(
            b"".join(
                (
                    STATUS_LINE[status],
                    b"content-type: application/json\r\n",
                    b"content-length: %d\r\n" % len(body),
                    b"connection: close\r\n\r\n",
                    body,
                )
            )
        )
        self.transport.close()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def guarded_protocol(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """The protocol class to give uvicorn (`Config(http=...)`), bounded by `limits`."""
    return type("GuardedHttpToolsProtocol", (_GuardedProtocol,), {"limits": limits})
