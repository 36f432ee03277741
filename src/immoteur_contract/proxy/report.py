"""The proxy's report in the JSON format of `run`: rule rows, coverage, failures with ids,
verdict; so that `--baseline`, `compare` and `--summary` read it as they read a run.

A proxy session sees only what the traffic exercised: a rule or layer no exchange judged is
"not run" (reason: no traffic exercised it), so a session without violations is "partial"
("no divergence found in a partial run"), never "conforms". The extra `proxy` key says what
passed through: exchanges forwarded, on the endpoint, on other paths, upstream errors, answers
cut, bodies judged only in part (over the capture limit), exchanges not judged and why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..rules import RULES
from ..runner.ledger import Ledger
from ..runner.report import Coverage, Outcome, RunReport
from .judge import Side
from .recorder import Recorder

__all__ = ["ProxyReport", "proxy_report"]

_KEYS: dict[Side, tuple[str, ...]] = {
    "caller": (*RULES.ids, "schema", "auth-protocol"),
    "server": (*RULES.ids, "acceptance", "auth-protocol"),
}
_NO_TRAFFIC = "no traffic exercised it"


class _TallyLedger(Ledger):
    """A ledger of counts only: the proxy keeps no list of exchanges (its memory is bounded)."""

    def __init__(self, by_key: dict[str, int], first_failure: int | None) -> None:
        super().__init__()
        self._by_key = by_key
        self._first_failure = first_failure

    def counts(self) -> dict[str, int]:
        return dict(self._by_key)

    def first_failure_request(self) -> int | None:
        return self._first_failure


@dataclass
class ProxyReport(RunReport):
    """A RunReport whose request counts come from the proxy's tallies."""

    total: int = 0
    by_test: dict[str, int] = field(default_factory=dict)
    proxy: dict[str, Any] = field(default_factory=dict)

    def coverage(self) -> Coverage:
        base = super().coverage()
        parts = [
            dataclasses.replace(
                part,
                requests=sum(
                    self.by_test.get(o.test, 0) for o in self.outcomes if o.part == part.part
                ),
            )
            for part in base.parts
        ]
        return dataclasses.replace(base, sent=self.total, parts=parts)

    def as_json(self) -> dict[str, Any]:
        data = super().as_json()
        data["requests"] = self.total
        data["proxy"] = self.proxy
        return data


def proxy_report(recorder: Recorder, seconds: float, error: str | None = None) -> ProxyReport:
    """The report of everything `recorder` judged so far."""
    outcomes: list[Outcome] = []
    by_test: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for side, keys in _KEYS.items():
        for key in keys:
            test = f"proxy::{side}[{key}]"
            judged, failing = recorder.cases.get((side, key), (0, 0))
            if judged:
                outcomes.append(
                    Outcome(test, key, "failed" if failing else "passed", part=f"proxy {side}")
                )
            else:
                outcomes.append(Outcome(test, key, "not run", f"proxy {side}", _NO_TRAFFIC))
            by_test[test] = judged
            if side == "server":
                by_key[key] = judged
    proxy = {
        "upstream": recorder.upstream,
        "forwarded": recorder.forwarded,
        "endpoint": recorder.endpoint,
        "other_paths": recorder.other_paths,
        "upstream_errors": recorder.upstream_errors,
        "cut": recorder.cut,
        "partly_judged": recorder.partly_judged,
        "not_judged": dict(recorder.not_judged),
        "not_judged_queue_full": recorder.dropped,
        "occurrences": dict(recorder.occurrences),
        "caller_violations": recorder.by_side["caller"],
        "server_violations": recorder.by_side["server"],
    }
    return ProxyReport(
        target=recorder.upstream,
        seed=0,
        seconds=seconds,
        ledger=_TallyLedger(by_key, recorder.first_failure),
        outcomes=outcomes,
        failures=list(recorder.failures.values()),
        error=error,
        total=recorder.endpoint,
        by_test=by_test,
        proxy=proxy,
    )
