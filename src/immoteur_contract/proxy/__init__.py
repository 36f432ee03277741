"""The contract-validating reverse proxy (`immoteur-contract proxy`) and its pytest fixture.

serving.py listens; downstream.py (requests.py: what a request becomes) and upstream.py pass
traffic through unchanged, as forwarding.py defines it; judging.py judges in a process of its
own for the command;
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
    from .forwarding import Upstream
    from .judge import Violation
    from .recorder import Recorded, Recorder
    from .report import ProxyReport, proxy_report
    from .serving import ProxyServer

_HOMES = {
    "ProxyServer": ".serving",
    "Upstream": ".forwarding",
    "Violation": ".judge",
    "Recorded": ".recorder",
    "Recorder": ".recorder",
    "ProxyReport": ".report",
    "proxy_report": ".report",
}

__all__ = [
    "ProxyReport",
    "ProxyServer",
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
