"""The contract-validating reverse proxy (`immoteur-contract proxy`) and its pytest fixture.

forwarding.py passes traffic through unchanged (upstream.py: its lean HTTP/1.1 client);
recorder.py judges each finished exchange off the forwarding path (judge.py: the rules and
the suite's expectations, one copy); report.py writes the session in the JSON format of `run`;
bounded.py caps what is kept of each body; session.py runs the whole in a thread for tests;
fixture.py is the pytest plugin. The names below are imported lazily: the plugin is loaded by
every pytest run of an environment that installs the kit (the `pytest11` entry point), and must
not load the proxy, the runner and the server there until its fixture is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .forwarding import ProxyApp, Upstream
    from .judge import Violation
    from .recorder import Recorded, Recorder
    from .report import ProxyReport, proxy_report

_HOMES = {
    "ProxyApp": ".forwarding",
    "Upstream": ".forwarding",
    "Violation": ".judge",
    "Recorded": ".recorder",
    "Recorder": ".recorder",
    "ProxyReport": ".report",
    "proxy_report": ".report",
}

__all__ = [
    "ProxyApp",
    "ProxyReport",
    "Recorded",
    "Recorder",
    "Upstream",
    "Violation",
    "proxy_report",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
