"""Faulty servers that cap what the contract leaves unbounded (it documents no maxItems)."""

from __future__ import annotations

from collections.abc import Iterator

from ...rules import RULES, Rule, RuleSet
from ..bodies import CLASSIFIED_ID, PROPERTY_ID, example
from .making import (
    Body,
    accept,
    rule_fault,
)


def _targets_at_most(limit: int, *, per_array: bool) -> Rule:
    """An extra rule: at most `limit` targets, in all or in each array."""

    def check(body: Body) -> Iterator[tuple[str, str]]:
        arrays = [
            (name, body[name])
            for name in ("propertyIds", "classifiedIds")
            if isinstance(body.get(name), list)
        ]
        if per_array:
            for name, items in arrays:
                if len(items) > limit:
                    yield name, f"The {name} field must not have more than {limit} items."
        elif sum(len(items) for _, items in arrays) > limit:
            yield "propertyIds", f"A report may name at most {limit} targets."

    return Rule(
        id="targets-max",
        field="propertyIds",
        statement=f"At most {limit} targets (not a rule of the contract).",
        check=check,
    )


@rule_fault(
    "more_than_10_targets_rejected",
    "a report with more than 10 targets in all is rejected (a maxItems the page never states)",
    accept(example("data", propertyIds=[PROPERTY_ID] * 11)),
)
def _ten_targets() -> RuleSet:
    return RuleSet((*RULES.rules, _targets_at_most(10, per_array=False)))


@rule_fault(
    "more_than_255_items_per_array_rejected",
    "propertyIds or classifiedIds with more than 255 items is rejected (a one-byte count)",
    accept(example("data", classifiedIds=[CLASSIFIED_ID] * 256)),
)
def _many_items() -> RuleSet:
    return RuleSet((*RULES.rules, _targets_at_most(255, per_array=True)))
