"""A lean HTTP/1.1 client for the upstream: pooled keep-alive connections on asyncio streams,
answers parsed with httptools (the parser uvicorn itself uses), bodies streamed both ways.

The proxy sends every exchange through it, so its cost is the latency the proxy adds; a
general-purpose client (httpx on anyio) costs several times more per request. It does only what
forwarding needs: write the head and the body as given (Content-Length kept, else chunked),
read the status, the headers in their order and spelling, and the body as the wire framing
delivers it (de-chunked, never decompressed). A connection goes back to the pool only after a
complete answer the upstream did not mark `Connection: close`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httptools

__all__ = ["UpstreamAnswer", "UpstreamClient", "UpstreamFailedError"]

_READ = 65536
_IDLE = 100
"""Idle connections kept for reuse."""


class UpstreamFailedError(Exception):
    """The upstream could not be reached, or broke the exchange off."""


class _Reading:
    """httptools callbacks: the head, then body pieces as they are parsed."""

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_done = False
        self.done = False
        self.pieces: list[bytes] = []
        self.keep_alive = False
        self.parser: httptools.HttpResponseParser | None = None

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.head_done = True
        # asked now: once the message is complete the parser has reset and says False
        self.keep_alive = self.parser is not None and self.parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        self.pieces.append(body)

    def on_message_complete(self) -> None:
        self.done = True


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class UpstreamAnswer:
    """An answer being read: status and headers now, the body with `aiter_raw`."""

    def __init__(
        self,
        client: UpstreamClient,
        connection: Connection,
        parser: httptools.HttpResponseParser,
        reading: _Reading,
        *,
        head_only: bool,
    ) -> None:
        self.status: int = parser.get_status_code()
        self.headers = reading.headers
        self._client = client
        self._connection: Connection | None = connection
        self._parser = parser
        self._reading = reading
        self._head_only = head_only
        self._complete = head_only or reading.done
        self._until_close = False

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body bytes as they arrive (de-chunked, not decoded)."""
        reading = self._reading
        while True:
            while reading.pieces:
                yield reading.pieces.pop(0)
            if self._complete or reading.done:
                self._complete = True
                return
            assert self._connection is not None
            data = await self._client.read(self._connection[0])
            if not data:
                if not self._framed():
                    self._complete = self._until_close = True  # delimited by the close
                    return
                raise UpstreamFailedError("the upstream closed the connection mid-answer")
            try:
                self._parser.feed_data(data)
            except httptools.HttpParserError as error:
                raise UpstreamFailedError(f"the upstream's answer is not HTTP: {error}") from None

    def _framed(self) -> bool:
        names = {name.lower() for name, _ in self.headers}
        return b"content-length" in names or b"transfer-encoding" in names

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        reusable = (
            self._complete
            and not self._head_only
            and not self._reading.pieces
            and not self._until_close
            and self._reading.keep_alive
        )
        self._client.release(connection, reusable=reusable)


class UpstreamClient:
    """Connections to one origin (`http://host:port` or `https://...`)."""

    def __init__(self, origin: str, *, verify: ssl.SSLContext | bool, timeout: float) -> None:
        parts = urlsplit(origin)
        self.host = parts.hostname or ""
        self.https = parts.scheme == "https"
        self.port = parts.port or (443 if self.https else 80)
        self.netloc = parts.netloc
        self.timeout = timeout
        self._ssl: ssl.SSLContext | None = None
        if self.https:
            if isinstance(verify, ssl.SSLContext):
                self._ssl = verify
            else:
                self._ssl = ssl.create_default_context()
                if not verify:
                    self._ssl.check_hostname = False
                    self._ssl.verify_mode = ssl.CERT_NONE
        self._idle: list[Connection] = []

    async def read(self, reader: asyncio.StreamReader) -> bytes:
        try:
            async with asyncio.timeout(self.timeout):
                return await reader.read(_READ)
        except TimeoutError:
            raise UpstreamFailedError(f"no data from the upstream for {self.timeout:g} s") from None
        except OSError as error:
            raise UpstreamFailedError(str(error) or type(error).__name__) from None

    async def _connect(self) -> Connection:
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()
        try:
            async with asyncio.timeout(min(self.timeout, 10.0)):
                return await asyncio.open_connection(
                    self.host,
                    self.port,
                    ssl=self._ssl,
                    server_hostname=self.host if self._ssl else None,
                )
        except TimeoutError:
            raise UpstreamFailedError("connecting timed out") from None
        except (OSError, ssl.SSLError) as error:
            raise UpstreamFailedError(f"{type(error).__name__}: {error}") from None

    def release(self, connection: Connection, *, reusable: bool) -> None:
        if reusable and len(self._idle) < _IDLE:
            self._idle.append(connection)
        else:
            connection[1].close()

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1):
                    await writer.wait_closed()

    async def send(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: AsyncIterator[bytes] | None,
    ) -> UpstreamAnswer:
        """Send the request (the body streamed as it is read) and read the answer's head."""
        writer = (connection := await self._connect())[1]
        names = {name for name, _ in headers}
        chunked = body is not None and "content-length" not in names
        head = [f"{method} {target} HTTP/1.1", f"host: {self.netloc}"]
        head += [f"{name}: {value}" for name, value in headers]
        if chunked:
            head.append("transfer-encoding: chunked")
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            if body is not None:
                async for chunk in body:
                    if chunked:
                        writer.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                    else:
                        writer.write(chunk)
                    await writer.drain()
                if chunked:
                    writer.write(b"0\r\n\r\n")
            await writer.drain()
            return await self._head(connection, head_only=method == "HEAD")
        except (OSError, ssl.SSLError) as error:
            writer.close()
            raise UpstreamFailedError(f"{type(error).__name__}: {error}") from None
        except BaseException:
            writer.close()
            raise

    async def _head(self, connection: Connection, *, head_only: bool) -> UpstreamAnswer:
        reading = _Reading()
        parser = reading.parser = httptools.HttpResponseParser(reading)
        while not reading.head_done:
            data = await self.read(connection[0])
            if not data:
                raise UpstreamFailedError("the upstream closed the connection without answering")
            try:
                parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                break
            except httptools.HttpParserError as error:
                raise UpstreamFailedError(f"the upstream's answer is not HTTP: {error}") from None
        if parser.get_status_code() < 200:
            # the proxy does not forward Expect, so no 100 Continue is due; 103 is not relayed
            raise UpstreamFailedError(
                f"an interim answer {parser.get_status_code()} is not relayed"
            )
        return UpstreamAnswer(self, connection, parser, reading, head_only=head_only)
