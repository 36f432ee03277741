"""One cause, one headline: failures of several rules that share one anomaly of the answers.

A server that keys every 422 error at the body's root breaks one expectation in every rule it
validates: a run lists dozens of failures, each true, none saying they are one mistake. This
module groups the failures by a signature taken from what the target answered, never from a
list of known servers:

- the expectation broken (`error-key-field`, `status-422`, `content-type`, ...);
- the status answered;
- the first line of the failure's message with what varies from case to case taken out (a
  quoted answer after `: `, digits), so that `the error key 'body' names no field of the
  request` or `expected 422, got 400` stays as the anomaly itself.

A group is a cause when it holds `MIN_FAILURES` failures or more across `MIN_RULES` rule keys or
more: one rule failing in many cases is already one row of the table. A group whose answers were
a success (2xx: an invalid report accepted) is the rule's own divergence (each rule enforced or
not on its own), so it counts as one cause only when it touches most of the rules the run
exercised (`ACCEPTED_SHARE`): a server that validates nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # report.py imports this module
    from .report import Failure

__all__ = [
    "ACCEPTED_SHARE",
    "MIN_FAILURES",
    "MIN_RULES",
    "Cause",
    "cause_lines",
    "causes_of",
    "signature_of",
]

MIN_FAILURES = 3
"""Failures a group needs to be a cause."""
MIN_RULES = 3
"""Distinct rule keys a group needs to be a cause."""
ACCEPTED_SHARE = 0.75
"""Share of the exercised rule keys a group of accepted (2xx) answers must touch."""

_QUOTED_ANSWER = re.compile(r""":\s*(?:b?'|"|\{|\[).*$""")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_DIGITS = re.compile(r"\d+")
_SHOWN_VARIANTS = 3


def _anomaly(failure: Failure) -> str:
    """The first line of a failure's message without the answer it quotes after `: `."""
    first = failure.message.splitlines()[0] if failure.message else ""
    return _QUOTED_ANSWER.sub("", first).strip()


def signature_of(failure: Failure) -> tuple[str, int | None, str]:
    """What a failure's answer showed, without what varies from case to case: the quoted
    answer, quoted names (an error key) and numbers (an item's index) left out."""
    template = _DIGITS.sub("N", _QUOTED.sub("'...'", _anomaly(failure)))
    return failure.expectation, failure.status, template


@dataclass(frozen=True)
class Cause:
    """Failures of several rules sharing one signature: how many, the rules, one example."""

    anomaly: str
    expectation: str
    status: int | None
    count: int
    rules: list[str]
    example: Failure
    variants: tuple[str, ...] = ()
    """The quoted names seen (error keys...), when they differ from one failure to another."""

    @property
    def summary(self) -> str:
        """The headline: `N failures share one cause: <anomaly> (status S, broke E, in R
        rules)`."""
        seen = "no response" if self.status is None else f"status {self.status}"
        what = self.anomaly or self.expectation
        if self.variants:
            shown = ", ".join(self.variants[:_SHOWN_VARIANTS])
            more = len(self.variants) - _SHOWN_VARIANTS
            what += f" (as {shown}" + (f" and {more} more)" if more > 0 else ")")
        return (
            f"{self.count} failures share one cause: {what} ({seen}, broke {self.expectation},"
            f" in {len(self.rules)} rules)"
        )

    def as_json(self) -> dict[str, Any]:
        example = self.example
        return {
            "summary": self.summary,
            "count": self.count,
            "rules": self.rules,
            "expectation": self.expectation,
            "status": self.status,
            "example": {
                "id": example.id,
                "test": example.test,
                "message": example.message,
                "curl": example.curl,
            },
        }


def _cause(members: list[Failure], rules: list[str]) -> Cause:
    example = members[0]
    anomaly = _anomaly(example)
    quoted = dict.fromkeys(q for f in members for q in _QUOTED.findall(_anomaly(f)))
    variants: tuple[str, ...] = ()
    if len(quoted) > 1:
        anomaly, variants = _QUOTED.sub("'...'", anomaly), tuple(quoted)
    return Cause(
        anomaly, example.expectation, example.status, len(members), rules, example, variants
    )


def causes_of(failures: Sequence[Failure], exercised_rules: Iterable[str] = ()) -> list[Cause]:
    """The causes among `failures`, the largest first. `exercised_rules`: the rule keys the run
    sent requests for (a group of accepted answers must touch most of them)."""
    groups: dict[tuple[str, int | None, str], list[Failure]] = {}
    for failure in failures:
        groups.setdefault(signature_of(failure), []).append(failure)
    exercised = set(exercised_rules)
    causes = []
    for (_, status, _), members in groups.items():
        rules = list(dict.fromkeys(failure.rule for failure in members))
        if len(members) < MIN_FAILURES or len(rules) < MIN_RULES:
            continue
        accepted = status is not None and 200 <= status < 300
        if accepted and len(rules) < ACCEPTED_SHARE * max(len(exercised | set(rules)), 1):
            continue
        causes.append(_cause(members, rules))
    return sorted(causes, key=lambda cause: -cause.count)


_SHOWN_RULES = 8


def cause_lines(
    causes: Sequence[Cause], show_curl: Callable[[str], str] = lambda curl: curl
) -> list[str]:
    """The table's lines for `causes`: the headline, the rules, one example (its curl line
    as the table shows it, through `show_curl`)."""
    lines: list[str] = []
    for cause in causes:
        rules = ", ".join(cause.rules[:_SHOWN_RULES])
        if len(cause.rules) > _SHOWN_RULES:
            rules += f" and {len(cause.rules) - _SHOWN_RULES} more"
        example = cause.example
        lines += [
            "",
            cause.summary,
            f"  rules: {rules}",
            f"  example: {example.test} [{example.id or example.rule}]",
        ]
        if example.curl:
            lines.append(f"  reproduce: {show_curl(example.curl)}")
    return lines
