"""A tiny HTTP forward proxy on loopback, for the test that `run` honours HTTP_PROXY: it reads a
request in absolute form (`POST http://host:port/path`), sends it on with httpx, writes the answer
back, and counts what it forwarded."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import h11
import httpx

from immoteur_contract.mutants.hostile import read_request

__all__ = ["ForwardProxy", "forward_proxy"]


@dataclass
class ForwardProxy:
    url: str
    forwarded: int = 0


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def forward_proxy() -> Iterator[ForwardProxy]:
    """Serve the proxy on a free loopback port; yield it (its `url` goes in HTTP_PROXY)."""
    proxy = ForwardProxy("")
    lock = threading.Lock()
    upstream = httpx.Client(trust_env=False, timeout=30)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            with contextlib.suppress(OSError, h11.RemoteProtocolError):
                read = read_request(conn)
                if read is None:
                    return
                head, body = read
                skip = {b"host", b"content-length", b"proxy-connection", b"connection"}
                headers = [(k, v) for k, v in head.headers if k.lower() not in skip]
                answer = upstream.request(
                    head.method.decode(), head.target.decode(), headers=headers, content=body
                )
                with lock:
                    proxy.forwarded += 1
                lines = [f"HTTP/1.1 {answer.status_code} {answer.reason_phrase}"]
                lines += [
                    f"{k}: {v}"
                    for k, v in answer.headers.items()
                    if k.lower() not in ("content-length", "content-encoding", "connection")
                ]
                lines += [f"content-length: {len(answer.content)}", "connection: close"]
                conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + answer.content)

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        upstream.close()
