"""The contract-validating reverse proxy (`immoteur-contract proxy`) and its pytest fixture.

forwarding.py passes traffic through unchanged (upstream.py: its lean HTTP/1.1 client);
recorder.py judges each finished exchange off the forwarding path (judge.py: the rules and
the suite's expectations, one copy); report.py writes the session in the JSON format of `run`;
bounded.py caps what is kept of each body; session.py runs the whole in a thread for tests;
fixture.py is the pytest plugin.
"""

from __future__ import annotations

from .forwarding import ProxyApp, Upstream
from .judge import Violation
from .recorder import Recorded, Recorder
from .report import ProxyReport, proxy_report

__all__ = [
    "ProxyApp",
    "ProxyReport",
    "Recorded",
    "Recorder",
    "Upstream",
    "Violation",
    "proxy_report",
]
