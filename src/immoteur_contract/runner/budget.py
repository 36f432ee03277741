"""How a request budget is spread over the suite, decided once the tests are collected.

A run against a real endpoint keeps to a budget (200 requests by default). Spent in file order,
it would go to the first layers and leave the last ones (schemathesis) with nothing. So the plan
gives, in this order:

1. every *leading* test its requests (one probe per rule, the auth/protocol probes, one valid
   body per boundary family, the probes below the schema that show a class of divergence):
   a divergence of any kind shows first;
2. what is left, in fair shares to the *parts* of the suite (one part per test module: the rule
   layer's deterministic and generated tests, acceptance, auth/protocol, schemathesis), each
   part taking no more than it asks for and the rest going to the others;
3. within a part, the share spread over its tests: deterministic tests one request each in
   their order (round-robin across rules), generated tests the same number of examples each,
   schemathesis its share as a cap.

Tests that need writes (a remote target without --allow-writes) are left out of the plan with
that reason. When the budget covers everything, nothing is capped. The plan sends nothing;
the plugin skips a test planned 0 requests and the guarded transport stops an open-ended one
at its cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "OPEN_REQUESTS_PER_EXAMPLE",
    "REASON_BUDGET",
    "REASON_WRITES",
    "Allotment",
    "Plan",
    "PlanItem",
    "Sends",
    "fair_shares",
    "plan_budget",
]

Sends = Literal["one", "examples", "open"]
"""What one test sends: one request, up to --examples (hypothesis), or as many as its
generator makes (schemathesis)."""

SEND_KINDS: tuple[str, ...] = get_args(Sends)

OPEN_REQUESTS_PER_EXAMPLE = 20
"""Requests schemathesis sends per --examples, for the estimate of a complete run (about what
it sends against the reference server). Only the estimate uses it."""

REASON_BUDGET = "request budget"
REASON_WRITES = "needs --allow-writes: valid reports would be filed for real"


@dataclass(frozen=True)
class PlanItem:
    """A collected test as the planner sees it."""

    test: str
    layer: str
    rule: str
    part: str
    sends: Sends = "one"
    leading: bool = False
    writes: bool = False


@dataclass(frozen=True)
class Allotment:
    """A test's share: `requests` it may send (None: no cap, 0: not run) and, when it gets
    less than it asks for, why."""

    requests: int | None
    reason: str | None = None
    """Set when the test may get less than a complete run gives it: not run (0), fewer
    examples, or a cap on an open-ended test (which matters only if it reaches it)."""

    @property
    def runs(self) -> bool:
        return self.requests is None or self.requests > 0


@dataclass(frozen=True)
class Plan:
    """The allotment of every test, and the totals the progress line and the report show."""

    budget: int
    wanted: int
    planned: int
    allotments: dict[str, Allotment]

    @property
    def capped(self) -> bool:
        """True when the budget does not cover a complete run (writes aside)."""
        return self.wanted > self.budget

    def allotment(self, test: str) -> Allotment:
        return self.allotments.get(test, Allotment(None))


def _cost(item: PlanItem, examples: int) -> int:
    if item.sends == "one":
        return 1
    if item.sends == "examples":
        return examples
    return examples * OPEN_REQUESTS_PER_EXAMPLE


def fair_shares(demands: dict[str, int], total: int) -> dict[str, int]:
    """Split `total` into equal shares, none above its demand (max-min fairness, in the order
    of `demands` for the units that do not divide evenly)."""
    shares = dict.fromkeys(demands, 0)
    hungry = [key for key, demand in demands.items() if demand > 0]
    left = total
    while hungry and left > 0:
        each = left // len(hungry)
        if each == 0:
            for key in hungry[:left]:
                shares[key] += 1
            break
        for key in list(hungry):
            give = min(each, demands[key] - shares[key])
            shares[key] += give
            left -= give
            if shares[key] >= demands[key]:
                hungry.remove(key)
    return shares


def _spread(items: Sequence[PlanItem], share: int, examples: int) -> dict[str, Allotment]:
    """A part's share over its tests, in order: deterministic tests one request each while the
    share lasts; the others the same number each (generated tests at most --examples; an
    open-ended one gets its number as a cap)."""
    result: dict[str, Allotment] = {}
    for item in items:
        if item.sends == "one":
            given = min(share, 1)
            share -= given
            result[item.test] = Allotment(given, None if given else REASON_BUDGET)
    several = [item for item in items if item.sends != "one"]
    each, extra = divmod(share, len(several)) if several else (0, 0)
    for position, item in enumerate(several):
        given = each + (1 if position < extra else 0)
        if item.sends == "examples":
            given = min(given, examples)
        full = item.sends == "examples" and given >= examples
        result[item.test] = Allotment(given, None if full else REASON_BUDGET)
    return result


def plan_budget(
    items: Iterable[PlanItem], *, budget: int, examples: int, writes_allowed: bool
) -> Plan:
    """The plan for `items` (in run order) within `budget` requests."""
    allotments: dict[str, Allotment] = {}
    runnable: list[PlanItem] = []
    for item in items:
        if item.writes and not writes_allowed:
            allotments[item.test] = Allotment(0, REASON_WRITES)
        else:
            runnable.append(item)
    wanted = sum(_cost(item, examples) for item in runnable)
    if wanted <= budget:  # everything fits: nothing is capped
        allotments.update({item.test: Allotment(None) for item in runnable})
        return Plan(budget, wanted, wanted, allotments)
    left = budget
    rest: dict[str, list[PlanItem]] = {}
    for item in runnable:
        if item.leading:
            given = min(_cost(item, examples), left)
            left -= given
            full = item.sends != "open" and given >= _cost(item, examples)
            allotments[item.test] = Allotment(given, None if full else REASON_BUDGET)
        else:
            rest.setdefault(item.part, []).append(item)
    demands = {part: sum(_cost(i, examples) for i in tests) for part, tests in rest.items()}
    for part, share in fair_shares(demands, left).items():
        allotments.update(_spread(rest[part], share, examples))
    planned = sum(a.requests or 0 for a in allotments.values())
    return Plan(budget, wanted, planned, allotments)
