"""The outcome of a run: per-rule verdicts, coverage, failures with curl lines, transport faults,
and the JSON (the table is table.py's).

The JSON keys are an interface (`immoteur-contract mutants` and `compare` read them): conforms,
complete, verdict (verdict.py's key), verdict_text, target, seed, requests, seconds,
first_failure_request, rules[{rule, requests, verdict}], coverage{max_requests, planned, wanted,
sent, complete, parts, not_covered, partial}, causes[{summary, count, rules, expectation, status,
example{id, test, message, curl}}] (failures of several rules sharing one anomaly: causes.py),
failures[{test, rule, body, curl, message, id, layer, case, expectation, status, generated}]
(the identity fields: identity.py), transport_faults{requests, kinds, unjudged, halted,
persistent[{test, rule, fault, method, url, body, curl}]} (faults.py), observations{name: {value,
note}} (observations.py), cases{case family: outcome} (what ran: a comparison tells fixed from
not run), error.
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
from .causes import Cause, causes_of
from .curl import curl_line
from .identity import Identity, case_of, identities_of
from .ledger import Exchange, Ledger, decode_body
from .scrubbing import Scrubber, identifiers_of_test
from .verdict import Verdict, decide

__all__ = [
    "LAYERS",
    "Coverage",
    "Failure",
    "Gap",
    "Outcome",
    "PartCoverage",
    "RunReport",
    "Status",
    "failure_of",
    "failures_of",
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

Status = Literal["passed", "failed", "partial", "unverified", "not run"]
"""What became of a test: passed, failed, ran only in part (its budget share ran out, or it
got fewer examples than a complete run gives it), stopped unjudged by a transport fault
(`unverified`: what it judged before passed), or did not run (`reason` says why)."""


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
    """fail, pass, partial, unverified or not covered: a rule's verdict comes from the answers
    its tests got; a transport fault leaves it unverified, never failed."""
    if any(o.outcome == "failed" for o in outcomes):
        return "fail"
    if any(o.outcome == "unverified" for o in outcomes):
        return "unverified"
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
    halted: str | None = None
    """Why the run ended before its last test (rate limited, a silent target, --max-time)."""
    halted_unverified: bool = False
    """Whether that halt leaves the run unverified (every halt but --max-time)."""
    interrupted: bool = False
    """Ctrl-C ended the run."""
    baseline: tuple[bool, int] | None = None
    """Set once a baseline judged the failures: (whether one counts against the target, how
    many it accepts as known)."""

    @property
    def complete(self) -> bool:
        """Every collected test ran whole (none cut, none left out), and at least one did."""
        return bool(self.outcomes) and all(o.outcome in ("passed", "failed") for o in self.outcomes)

    @property
    def conforms(self) -> bool:
        return self.error is None and not self.failures and self.complete

    @property
    def unjudged(self) -> list[str]:
        """Rule and layer keys a transport fault left (partly) unjudged."""
        return sorted({o.rule for o in self.outcomes if o.outcome == "unverified"})

    @property
    def final(self) -> Verdict:
        """The run's verdict (verdict.decide), after the baseline when one judged it."""
        diverged, known = self.baseline if self.baseline else (bool(self.failures), 0)
        return decide(
            error=self.error is not None,
            interrupted=self.interrupted,
            diverged=diverged,
            unjudged=bool(self.unjudged) or (self.halted is not None and self.halted_unverified),
            complete=self.complete,
            known=known,
        )

    @property
    def verdict(self) -> str:
        """The key of the run's verdict (verdict.VERDICTS)."""
        return self.final.key

    def transport_faults(self) -> dict[str, Any]:
        """How many requests met a transport fault, of which kinds, the rule keys they left
        unjudged, why the run halted, and the faults that persisted, with what was sent."""
        faulty = self.ledger.faults()
        kinds: dict[str, int] = {}
        for exchange in faulty:
            kinds[str(exchange.fault)] = kinds.get(str(exchange.fault), 0) + 1
        persistent = []
        for outcome in self.outcomes:
            if outcome.outcome != "unverified":
                continue
            last = next((e for e in reversed(self.ledger.of_test(outcome.test)) if e.fault), None)
            if last is not None:
                persistent.append(
                    {
                        "test": outcome.test,
                        "rule": outcome.rule,
                        "fault": last.fault,
                        "method": last.method,
                        "url": last.url,
                        "body": self.scrubber.foreign(decode_body(last.body)),
                        "curl": curl_line(
                            last.method, last.url, last.headers, last.body, self.token
                        ),
                    }
                )
        return {
            "requests": len(faulty),
            "kinds": kinds,
            "unjudged": self.unjudged,
            "halted": self.halted,
            "persistent": persistent,
        }

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

    def identifiers(self) -> set[str]:
        """The names scrubbing never rewrites: rule and layer keys, test ids and their case
        families, failure ids and expectations, observation names (scrubbing.py)."""
        names = {*LAYERS, *self.observations}
        contexts = {exchange.context for exchange in self.ledger.exchanges}
        names |= {
            part for c in contexts for part in (c.rule, c.layer, *identifiers_of_test(c.test))
        }
        for outcome in self.outcomes:
            names |= {outcome.rule, outcome.part, *identifiers_of_test(outcome.test)}
        for f in self.failures:
            names |= {f.id, f.rule, f.layer, f.case, f.expectation, *identifiers_of_test(f.test)}
        return {name for name in names if name}

    def causes(self) -> list[Cause]:
        """Failures of several rules that share one anomaly of the answers (causes.py)."""
        exercised = [key for key in self.ledger.counts() if key in RULES.ids]
        return causes_of(self.failures, exercised)

    @property
    def scrubber(self) -> Scrubber:
        """The token's scrubber for this run's outputs, keeping its identifiers."""
        return Scrubber(self.token, frozenset(self.identifiers()))

    def as_json(self) -> dict[str, Any]:
        foreign = Scrubber(self.token).foreign  # what the target said, scrubbed at any length
        return {
            "conforms": self.conforms,
            "complete": self.complete,
            "verdict": self.final.key,
            "verdict_text": self.final.text,
            "target": self.target,
            "seed": self.seed,
            "requests": len(self.ledger.exchanges),
            "seconds": round(self.seconds, 3),
            "first_failure_request": self.ledger.first_failure_request(),
            "rules": self.rules(),
            "coverage": asdict(self.coverage()),
            "causes": [cause.as_json() for cause in self.causes()],
            "failures": [asdict(failure) for failure in self.failures],
            "transport_faults": self.transport_faults(),
            "observations": {
                name: {**seen, "value": foreign(seen.get("value"))}
                if isinstance(seen, dict)
                else foreign(seen)
                for name, seen in self.observations.items()
            },
            "cases": {case_of(o.test): o.outcome for o in self.outcomes},
            "error": foreign(self.error),
        }

    def dumps(self) -> str:
        return json.dumps(self.scrubber.own(self.as_json()), indent=2, ensure_ascii=True)


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
    scrubber = Scrubber(token, frozenset({rule, *identifiers_of_test(test)}))
    failure = Failure(
        test=test,
        rule=rule,
        body=None if shown is None else scrubber.foreign(decode_body(shown.body)),
        curl=""
        if shown is None
        else curl_line(shown.method, shown.url, shown.headers, shown.body, token),
        message=scrubber.text(message),
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
