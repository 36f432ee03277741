"""The outcome of a run: per-rule verdicts, failures with curl lines, the table and the JSON.

The JSON keys are an interface (`immoteur-contract mutants` reads them): conforms, target,
seed, requests, seconds, first_failure_request, rules[{rule, requests, verdict}],
failures[{test, rule, body, curl, message, id, layer, case, expectation, status, generated}]
(the identity fields: identity.py), observations{name: {value, note}} (observations.py),
cases{case family: passed/failed/skipped} (what ran: a comparison tells fixed from not run).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from ..rules import RULES
from .curl import curl_line, scrub
from .identity import Identity, case_of, identities_of
from .ledger import Exchange, Ledger, decode_body

__all__ = [
    "LAYERS",
    "Failure",
    "Outcome",
    "RunReport",
    "failure_of",
    "failures_of",
    "render_table",
    "shown_exchange",
]

LAYERS = ("schema", "acceptance", "auth-protocol", "observations")
"""Keys of the layers that are not a single rule; the rule layer's keys are rule ids."""


@dataclass(frozen=True)
class Outcome:
    """A finished test: its id, its rule key and its pytest outcome (passed/failed/skipped)."""

    test: str
    rule: str
    outcome: str


@dataclass(frozen=True)
class Failure:
    """A divergence a failed test showed, with the request that showed it and its stable
    identity (`id`, and the parts it is built from)."""

    test: str
    rule: str
    body: Any
    curl: str
    message: str
    id: str = ""
    layer: str = ""
    case: str = ""
    expectation: str = ""
    status: int | None = None
    generated: bool = False


@dataclass
class RunReport:
    """Everything `--report` writes and the table shows."""

    target: str
    seed: int
    seconds: float
    ledger: Ledger
    outcomes: list[Outcome]
    failures: list[Failure]
    error: str | None = None
    token: str = field(default="", repr=False)
    observations: dict[str, Any] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return self.error is None and not self.failures

    def rules(self) -> list[dict[str, Any]]:
        counts = self.ledger.counts()
        rows = []
        for key in (*RULES.ids, *LAYERS):
            seen = {o.outcome for o in self.outcomes if o.rule == key}
            verdict = "fail" if "failed" in seen else "pass" if "passed" in seen else "skipped"
            rows.append({"rule": key, "requests": counts.get(key, 0), "verdict": verdict})
        return rows

    def as_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "target": self.target,
            "seed": self.seed,
            "requests": len(self.ledger.exchanges),
            "seconds": round(self.seconds, 3),
            "first_failure_request": self.ledger.first_failure_request(),
            "rules": self.rules(),
            "failures": [failure.__dict__ for failure in self.failures],
            "observations": self.observations,
            "cases": {case_of(o.test): o.outcome for o in self.outcomes},
            "error": self.error,
        }

    def dumps(self) -> str:
        return scrub(json.dumps(self.as_json(), indent=2, ensure_ascii=True), self.token)


def shown_exchange(test: str, ledger: Ledger) -> Exchange | None:
    """The request that showed `test`'s failure: the last it marked failing, else its last."""
    sent = ledger.of_test(test)
    return next((e for e in reversed(sent) if e.failed), sent[-1] if sent else None)


def failures_of(
    test: str,
    rule: str,
    layer: str,
    error: BaseException | None,
    ledger: Ledger,
    token: str,
    *,
    generated: bool,
) -> list[Failure]:
    """The failures a failed test showed: one per distinct identity its error holds
    (identity.py); `generated`: the test drew its cases from hypothesis."""
    shown = shown_exchange(test, ledger)
    found = identities_of(
        error,
        layer=layer,
        rule=rule,
        case=case_of(test),
        shown_status=shown.status if shown is not None else None,
        generated=generated,
    )
    return [failure_of(test, rule, message, ledger, token, identity) for identity, message in found]


def failure_of(
    test: str, rule: str, message: str, ledger: Ledger, token: str, identity: Identity | None = None
) -> Failure:
    """The failure of `test` shown by its `shown_exchange`, under `identity`."""
    shown = shown_exchange(test, ledger)
    failure = Failure(
        test=test,
        rule=rule,
        body=None if shown is None else decode_body(shown.body),
        curl=""
        if shown is None
        else curl_line(shown.method, shown.url, shown.headers, shown.body, token),
        message=scrub(message, token),
    )
    if identity is None:
        return failure
    return dataclasses.replace(
        failure,
        id=identity.id,
        layer=identity.layer,
        case=identity.case,
        expectation=identity.expectation,
        status=identity.status,
        generated=identity.generated,
    )


_SHOWN_FAILURES = 10
_BODY_CHARS = 300
_CURL_CHARS = 2000


def _shown_body(body: Any) -> str:
    """The body as readable JSON, cut to a few lines' worth with its full length said (a lone
    surrogate, which no terminal encoding takes, stays escaped)."""
    text = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace").decode()
    if len(text) <= _BODY_CHARS:
        return text
    return f"{text[:_BODY_CHARS]}... ({len(text):,} characters in all)"


def _shown_curl(curl: str, report_path: str | None) -> str:
    """The curl line, whole or not at all: a cut line would not reproduce anything."""
    if len(curl) <= _CURL_CHARS:
        return curl
    where = f"in {report_path}" if report_path else "in the --report file (run with --report PATH)"
    return f"a {len(curl):,}-character curl line, too long for the terminal: in full {where}"


def render_table(report: RunReport, report_path: str | None = None) -> str:
    """The end-of-run table: one row per rule and layer, then totals and the failures (the
    first ten; `--report` has them all, with whole curl lines)."""
    rows = report.rules()
    width = max(len(row["rule"]) for row in rows)
    lines = [f"{'rule / layer':<{width}}  {'requests':>8}  verdict", "-" * (width + 19)]
    lines += [f"{r['rule']:<{width}}  {r['requests']:>8}  {r['verdict']}" for r in rows]
    data = report.as_json()
    lines.append("-" * (width + 19))
    lines.append(
        f"{'total':<{width}}  {data['requests']:>8}  "
        + ("conforms" if report.conforms else "DOES NOT CONFORM")
        + f"  ({data['seconds']:.1f} s, seed {report.seed}, target {report.target})"
    )
    for failure in report.failures[:_SHOWN_FAILURES]:
        lines += [
            "",
            f"FAILED {failure.test} [{failure.id or failure.rule}]",
            f"  {failure.message.splitlines()[0] if failure.message else ''}",
            f"  body: {_shown_body(failure.body)}",
            f"  reproduce: {_shown_curl(failure.curl, report_path)}",
        ]
    hidden = len(report.failures) - _SHOWN_FAILURES
    if hidden > 0:
        where = report_path or "the --report file"
        lines += ["", f"... and {hidden} more failures, all in {where}"]
    return scrub("\n".join(lines), report.token)
