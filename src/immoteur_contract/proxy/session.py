"""The proxy served by uvicorn: its configuration (shared by the command and the tests) and a
context manager that runs it in a thread, for the pytest fixture and the kit's own tests.

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

import uvicorn

from ..rules import CONTRACT
from ..server.serving import serving_thread
from .forwarding import ProxyApp, Upstream
from .recorder import Recorded, Recorder
from .report import ProxyReport, proxy_report

__all__ = ["ProxySession", "proxy_config", "running_proxy"]


def proxy_config(app: ProxyApp, *, loop: str = "asyncio") -> uvicorn.Config:
    """uvicorn settings that keep answers as the upstream gave them: no Date or Server header
    of the proxy's own, no proxy-header rewriting, no access log."""
    return uvicorn.Config(
        app,
        loop=loop,
        ws="none",
        lifespan="on",
        access_log=False,
        log_config=None,
        log_level="critical",
        server_header=False,
        date_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        limit_concurrency=2000,
    )


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
    app = ProxyApp(Upstream(upstream), recorder, verify=verify)
    config = proxy_config(app)
    try:
        with serving_thread(
            config, host=host, start_timeout=start_timeout, what="the proxy"
        ) as port:
            yield ProxySession(f"http://{host}:{port}", recorder)
    finally:
        recorder.close()
