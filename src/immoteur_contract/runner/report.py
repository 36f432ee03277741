"""The outcome of a run: per-rule verdicts, coverage, failures with curl lines, the table and
the JSON.

The JSON keys are an interface (`immoteur-contract mutants` and `compare` read them): conforms,
complete, verdict, target, seed, requests, seconds, first_failure_request, rules[{rule, requests,
verdict}], coverage{max_requests, planned, wanted, sent, complete, parts, not_covered, partial},
failures[{test, rule, body, curl, message, id, layer, case, expectation, status, generated}]
(the identity fields: identity.py), observations{name: {value, note}} (observations.py),
cases{case family: outcome} (what ran: a comparison tells fixed from not run), error.
`conforms` is true only for a complete run without failure: a run cut short by its budget (or
without the writes it needs) found no divergence in what it sent, and says so, but it does not
say the target conforms.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..rules import RULES
from .curl import curl_line, scrub
from .identity import Identity, case_of, identities_of
from .ledger import Exchange, Ledger, decode_body

__all__ = [
    "LAYERS",
    "VERDICTS",
    "Coverage",
    "Failure",
    "Gap",
    "Outcome",
    "PartCoverage",
    "RunReport",
    "Status",
    "failure_of",
    "failures_of",
    "render_table",
    "shown_exchange",
]

LAYERS = (
    "schema",
    "acceptance",
    "auth-protocol",
    "json-grammar",
    "check-order",
    "resource-limits",
    "observations",
)
"""Keys of the layers that are not a single rule; the rule layer's keys are rule ids."""

Status = Literal["passed", "failed", "partial", "not run"]
"""What became of a test: passed, failed, ran only in part (its budget share ran out, or it
got fewer examples than a complete run gives it), or did not run (`reason` says why)."""

VERDICTS = {
    "conforms": "conforms",
    "fails": "DOES NOT CONFORM",
    "partial": "no divergence found in a partial run",
    "error": "error",
}
"""The run's verdict, by key (the JSON's `verdict`) and as the table says it."""


@dataclass(frozen=True)
class Outcome:
    """A collected test and what became of it."""

    test: str
    rule: str
    outcome: Status
    part: str = ""
    reason: str | None = None


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


@dataclass(frozen=True)
class Gap:
    """A rule or layer key whose tests did not all run, and why."""

    key: str
    reason: str


@dataclass(frozen=True)
class PartCoverage:
    """One part of the suite (a test module): its tests, how many ran whole, requests sent."""

    part: str
    tests: int
    complete: int
    requests: int
    status: Literal["complete", "partial", "not covered"]
    reason: str | None


@dataclass(frozen=True)
class Coverage:
    """How much of the suite ran: the budget, what the plan allotted (`planned`), what a
    complete run is estimated to send (`wanted`), what was sent, and the gaps."""

    max_requests: int | None
    planned: int | None
    wanted: int | None
    sent: int
    complete: bool
    parts: list[PartCoverage]
    not_covered: list[Gap]
    partial: list[Gap]


def _reasons(outcomes: Iterable[Outcome]) -> str:
    """The distinct reasons why some of `outcomes` did not run whole."""
    whole = ("passed", "failed")
    reasons = dict.fromkeys(o.reason or "not run" for o in outcomes if o.outcome not in whole)
    return "; ".join(reasons)


def _reach(outcomes: list[Outcome]) -> Literal["complete", "partial", "not covered"]:
    """Whether a group of tests ran whole (passed or failed), in part, or not at all."""
    kinds = {"passed" if o.outcome == "failed" else o.outcome for o in outcomes}
    if not kinds or kinds == {"not run"}:
        return "not covered"
    return "complete" if kinds == {"passed"} else "partial"


def _row_verdict(outcomes: list[Outcome]) -> str:
    """fail, pass, partial or not covered."""
    if any(o.outcome == "failed" for o in outcomes):
        return "fail"
    reach = _reach(outcomes)
    return "pass" if reach == "complete" else reach


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
    max_requests: int | None = None
    planned: int | None = None
    wanted: int | None = None
    observations: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every collected test ran whole (none cut, none left out), and at least one did."""
        return bool(self.outcomes) and all(o.outcome in ("passed", "failed") for o in self.outcomes)

    @property
    def conforms(self) -> bool:
        return self.error is None and not self.failures and self.complete

    @property
    def verdict(self) -> str:
        """conforms / fails / partial / error (keys of VERDICTS)."""
        if self.error is not None:
            return "error"
        if self.failures:
            return "fails"
        return "conforms" if self.complete else "partial"

    def _by_key(self) -> dict[str, list[Outcome]]:
        groups: dict[str, list[Outcome]] = {key: [] for key in (*RULES.ids, *LAYERS)}
        for outcome in self.outcomes:
            groups.setdefault(outcome.rule, []).append(outcome)
        return groups

    def rules(self) -> list[dict[str, Any]]:
        """One row per rule id and layer: requests sent and a verdict (pass, fail, partial,
        not covered)."""
        counts = self.ledger.counts()
        return [
            {"rule": key, "requests": counts.get(key, 0), "verdict": _row_verdict(group)}
            for key, group in self._by_key().items()
        ]

    def coverage(self) -> Coverage:
        groups = self._by_key()
        not_covered = [
            Gap(key, _reasons(group) or "no test")
            for key, group in groups.items()
            if _reach(group) == "not covered"
        ]
        partial = [
            Gap(key, _reasons(group)) for key, group in groups.items() if _reach(group) == "partial"
        ]
        parts: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            parts.setdefault(outcome.part, []).append(outcome)
        sent_by_test: dict[str, int] = {}
        for exchange in self.ledger.exchanges:
            sent_by_test[exchange.context.test] = sent_by_test.get(exchange.context.test, 0) + 1
        part_rows = []
        for part, group in parts.items():
            part_rows.append(
                PartCoverage(
                    part=part,
                    tests=len(group),
                    complete=sum(o.outcome in ("passed", "failed") for o in group),
                    requests=sum(sent_by_test.get(o.test, 0) for o in group),
                    status=_reach(group),
                    reason=_reasons(group) or None,
                )
            )
        return Coverage(
            max_requests=self.max_requests,
            planned=self.planned,
            wanted=self.wanted,
            sent=len(self.ledger.exchanges),
            complete=self.complete,
            parts=part_rows,
            not_covered=not_covered,
            partial=partial,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "complete": self.complete,
            "verdict": self.verdict,
            "target": self.target,
            "seed": self.seed,
            "requests": len(self.ledger.exchanges),
            "seconds": round(self.seconds, 3),
            "first_failure_request": self.ledger.first_failure_request(),
            "rules": self.rules(),
            "coverage": asdict(self.coverage()),
            "failures": [asdict(failure) for failure in self.failures],
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


def _coverage_lines(report: RunReport) -> list[str]:
    """What a partial run left out: the budget line, then the gaps grouped by reason."""
    coverage = report.coverage()
    budget = f" of a {coverage.max_requests}-request budget" if coverage.max_requests else ""
    lines = ["", f"partial run: {coverage.sent} requests sent{budget}"]
    if coverage.max_requests and coverage.wanted and coverage.wanted > coverage.max_requests:
        lines[-1] += f"; all it may send is about {coverage.wanted} (raise --max-requests)"
    for part in coverage.parts:
        if part.status != "complete":
            lines.append(
                f"  {part.part}: {part.complete} of {part.tests} tests ran whole, "
                f"{part.requests} requests ({part.reason})"
            )
    gaps_by_title = {"not covered": coverage.not_covered, "partly covered": coverage.partial}
    for title, gaps in gaps_by_title.items():
        by_reason: dict[str, list[str]] = {}
        for gap in gaps:
            by_reason.setdefault(gap.reason, []).append(gap.key)
        for reason, keys in by_reason.items():
            lines.append(f"{title} ({reason}): {', '.join(keys)}")
    return lines


def render_table(report: RunReport, report_path: str | None = None) -> str:
    """The end-of-run table: one row per rule and layer, then totals, what a partial run left
    out, and the failures (the first ten; `--report` has them all, with whole curl lines)."""
    rows = report.rules()
    width = max(len(row["rule"]) for row in rows)
    lines = [f"{'rule / layer':<{width}}  {'requests':>8}  verdict", "-" * (width + 19)]
    lines += [f"{r['rule']:<{width}}  {r['requests']:>8}  {r['verdict']}" for r in rows]
    data = report.as_json()
    lines.append("-" * (width + 19))
    lines.append(
        f"{'total':<{width}}  {data['requests']:>8}  {VERDICTS[report.verdict]}"
        + f"  ({data['seconds']:.1f} s, seed {report.seed}, target {report.target})"
    )
    if not report.complete:
        lines += _coverage_lines(report)
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
