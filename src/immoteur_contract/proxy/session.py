"""The proxy run in a thread of this process, for the pytest fixture and the kit's own tests.

with running_proxy(upstream_base_url) as session:   # session.base_url: http://127.0.0.1:PORT/public/v1
    ...                                               # send traffic through it
session.report()                                      # judged, in the format of `run`
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from ..rules import CONTRACT
from .forwarding import Upstream
from .recorder import Recorded, Recorder
from .report import ProxyReport, proxy_report
from .serving import ProxyServer, serve_in_thread

__all__ = ["ProxySession", "running_proxy"]


@dataclass
class ProxySession:
    """A proxy running in this process: its URLs, its recorder, when it started."""

    url: str
    recorder: Recorder
    started: float = field(default_factory=time.monotonic)

    @property
    def base_url(self) -> str:
        """The API base URL through the proxy (`http://HOST:PORT/public/v1`)."""
        return self.url + CONTRACT.base_path

    def violations(self, timeout: float = 10.0) -> list[Recorded]:
        """Every violation judged so far, once what was forwarded is judged."""
        self.recorder.drain(timeout)
        return list(self.recorder.recent)

    def report(self, timeout: float = 10.0) -> ProxyReport:
        self.recorder.drain(timeout)
        return proxy_report(self.recorder, time.monotonic() - self.started)


@contextlib.contextmanager
def running_proxy(
    upstream: str,
    *,
    verify: ssl.SSLContext | bool = True,
    live: TextIO | None = None,
    host: str = "127.0.0.1",
    start_timeout: float = 10.0,
) -> Iterator[ProxySession]:
    """Serve the proxy in front of `upstream` on a free port of `host` in a daemon thread."""
    recorder = Recorder(Upstream(upstream).url, live=live)
    server = ProxyServer(Upstream(upstream), recorder, verify=verify)
    try:
        with serve_in_thread(server, host=host, start_timeout=start_timeout) as port:
            yield ProxySession(f"http://{host}:{port}", recorder)
    finally:
        recorder.close()
