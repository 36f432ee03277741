"""The budget planner: leading tests first, then fair shares per part, nothing capped when the
budget covers the run, writes left out with their reason."""

from __future__ import annotations

import pytest

from immoteur_contract.runner.budget import (
    REASON_BUDGET,
    REASON_WRITES,
    Allotment,
    PlanItem,
    Sends,
    fair_shares,
    plan_budget,
)

EXAMPLES = 5


def _items(
    part: str, count: int, sends: Sends = "one", *, name: str = "", **flags: bool
) -> list[PlanItem]:
    layer = part.split()[0]
    return [
        PlanItem(f"{part}{name}::{n}", layer, f"rule-{n % 3}", part, sends, **flags)
        for n in range(count)
    ]


LEADING = _items("rules (deterministic)", 20, name="-leading", leading=True)
RULES_REST = _items("rules (deterministic)", 100)
GENERATED = _items("rules (generated)", 20, "examples")
ACCEPTANCE = _items("acceptance (deterministic)", 50, writes=True)
SCHEMA = _items("schema (schemathesis)", 1, "open")
SUITE = [*LEADING, *ACCEPTANCE, *RULES_REST, *GENERATED, *SCHEMA]


def _sent(plan_items: list[PlanItem], allotments: dict[str, Allotment]) -> int:
    return sum(allotments[item.test].requests or 0 for item in plan_items)


@pytest.mark.parametrize(
    ("demands", "total", "shares"),
    [
        pytest.param({"a": 10, "b": 10}, 30, {"a": 10, "b": 10}, id="enough-for-all"),
        pytest.param({"a": 10, "b": 100}, 60, {"a": 10, "b": 50}, id="small-part-frees-share"),
        pytest.param({"a": 100, "b": 100, "c": 100}, 61, {"a": 21, "b": 20, "c": 20}, id="even"),
        pytest.param({"a": 100, "b": 0}, 7, {"a": 7, "b": 0}, id="no-demand-no-share"),
        pytest.param({"a": 5, "b": 5, "c": 5}, 2, {"a": 1, "b": 1, "c": 0}, id="fewer-than-parts"),
    ],
)
def test_fair_shares_split_equally_without_exceeding_demand(
    demands: dict[str, int], total: int, shares: dict[str, int]
) -> None:
    assert fair_shares(demands, total) == shares


def test_plan_caps_nothing_when_the_budget_covers_the_run() -> None:
    plan = plan_budget(SUITE, budget=20_000, examples=EXAMPLES, writes_allowed=True)
    assert all(a == Allotment(None) for a in plan.allotments.values())
    assert plan.planned == plan.wanted
    assert not plan.capped


def test_plan_leaves_out_writes_when_not_allowed_with_the_reason() -> None:
    plan = plan_budget(SUITE, budget=20_000, examples=EXAMPLES, writes_allowed=False)
    for item in ACCEPTANCE:
        assert plan.allotment(item.test) == Allotment(0, REASON_WRITES)
    assert all(plan.allotment(item.test).runs for item in SUITE if not item.writes)


def test_plan_gives_every_leading_test_its_request_first() -> None:
    plan = plan_budget(SUITE, budget=30, examples=EXAMPLES, writes_allowed=False)
    assert all(plan.allotment(item.test) == Allotment(1) for item in LEADING)
    assert plan.planned == 30


def test_plan_gives_every_part_a_share_schemathesis_included() -> None:
    plan = plan_budget(SUITE, budget=200, examples=EXAMPLES, writes_allowed=False)
    left = 200 - len(LEADING)
    for part in (RULES_REST, GENERATED, SCHEMA):
        assert _sent(part, plan.allotments) == pytest.approx(left / 3, abs=1)
    assert plan.planned == 200
    assert plan.wanted == len(LEADING) + len(RULES_REST) + len(GENERATED) * EXAMPLES + 100


def test_plan_spreads_a_generated_share_over_every_rule() -> None:
    plan = plan_budget(SUITE, budget=200, examples=EXAMPLES, writes_allowed=False)
    given = [plan.allotment(item.test).requests or 0 for item in GENERATED]
    assert min(given) >= 1
    assert max(given) - min(given) <= 1
    assert all(plan.allotment(item.test).reason == REASON_BUDGET for item in GENERATED)


def test_plan_caps_the_open_ended_test_at_its_share() -> None:
    plan = plan_budget(SUITE, budget=200, examples=EXAMPLES, writes_allowed=False)
    schema = plan.allotment(SCHEMA[0].test)
    assert schema.requests is not None
    assert schema.requests > 0
    assert schema.reason == REASON_BUDGET


def test_plan_runs_deterministic_tests_in_order_while_their_share_lasts() -> None:
    plan = plan_budget(SUITE, budget=200, examples=EXAMPLES, writes_allowed=False)
    given = [plan.allotment(item.test) for item in RULES_REST]
    ran = [a for a in given if a.runs]
    assert given[: len(ran)] == [Allotment(1)] * len(ran)
    assert set(given[len(ran) :]) == {Allotment(0, REASON_BUDGET)}


def test_plan_never_allots_more_than_the_budget() -> None:
    for budget in (1, 7, 20, 21, 60, 199, 200, 455):
        plan = plan_budget(SUITE, budget=budget, examples=EXAMPLES, writes_allowed=False)
        assert plan.planned <= budget
