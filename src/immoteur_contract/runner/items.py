"""What the plugin knows of a collected test: how the planner sees it before it runs, and what
became of it after.

A test module names its layer (`LAYER`) and what one of its tests sends (`SENDS`: "one",
"examples" or "open", see budget.Sends); a rule-layer test names its rule with the marker
`rule(rule_id)`; markers `leading` and `writes` put it in the leading phase and among the tests
a remote target gets only with --allow-writes.
"""

from __future__ import annotations

from typing import cast

import pytest

from .budget import SEND_KINDS, Allotment, PlanItem, Sends
from .report import Status

__all__ = ["LEAD_ROUNDS", "lead_round", "outcome_of", "plan_item", "skip_reason"]

LEAD_ROUNDS = 3
"""Rounds of the leading phase: `leading(1)` marks a probe that shows several classes of
divergence at once (a body with every edge, the first 422, a bad token with a body that is not
JSON), `leading(2)` one that shows a class of its own early, `leading` (round 3) the rest of
the leading phase."""

_KINDS: dict[str, str] = {"one": "deterministic", "examples": "generated", "open": "schemathesis"}


def plan_item(item: pytest.Item) -> PlanItem:
    """The planner's view of `item`: layer, rule key, part (`rules (generated)`), cost kind and
    markers."""
    module = getattr(item, "module", None)
    layer = str(getattr(module, "LAYER", "other"))
    sends = str(getattr(module, "SENDS", "one"))
    if sends not in SEND_KINDS:
        raise pytest.UsageError(f"{item.nodeid}: SENDS must be one of {SEND_KINDS}, got {sends}")
    marker = item.get_closest_marker("rule")
    return PlanItem(
        test=item.nodeid,
        layer=layer,
        rule=str(marker.args[0]) if marker is not None else layer,
        part=f"{layer} ({_KINDS[sends]})",
        sends=cast(Sends, sends),
        leading=item.get_closest_marker("leading") is not None,
        writes=item.get_closest_marker("writes") is not None,
    )


def lead_round(item: pytest.Item) -> int:
    """When `item` runs: its round of the leading phase (1 to LEAD_ROUNDS), or after them."""
    marker = item.get_closest_marker("leading")
    if marker is None:
        return LEAD_ROUNDS + 1
    round_ = int(marker.args[0]) if marker.args else LEAD_ROUNDS
    if not 1 <= round_ <= LEAD_ROUNDS:
        raise pytest.UsageError(f"{item.nodeid}: leading takes a round from 1 to {LEAD_ROUNDS}")
    return round_


def outcome_of(
    report: pytest.TestReport,
    planned: PlanItem | None,
    allotment: Allotment,
    *,
    cut: bool,
    sent: bool,
) -> tuple[Status, str | None]:
    """What became of a test, and why it did not run whole: a generated test given fewer
    examples than a complete run gives it ran in part; so did a test stopped by the budget
    after it sent something (`cut`, `sent`); a skipped test did not run."""
    if report.failed:
        return "failed", None
    if report.passed:
        if planned is not None and planned.sends == "examples" and allotment.reason:
            return "partial", allotment.reason
        return "passed", None
    reason = skip_reason(report)
    return ("partial" if cut and sent else "not run"), reason


def skip_reason(report: pytest.TestReport) -> str:
    """The reason given to pytest.skip, without pytest's `Skipped: ` prefix."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"
