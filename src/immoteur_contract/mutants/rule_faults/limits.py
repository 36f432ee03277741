"""Faulty servers whose limits are off by one, or counted in the wrong unit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ...rules import RULES, Check, RuleSet
from ..bodies import ABSENT, PROPERTY_ID, example
from .making import (
    COMMENT_MAX_LENGTH,
    MIN_TARGETS,
    Body,
    accept,
    kind_of,
    reject,
    rule_fault,
)


def _comment_length(measure: Callable[[str], int], limit: int) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        value = body.get("comment")
        if isinstance(value, str) and measure(value) > limit:
            yield "comment", f"The comment field must not be longer than {limit} characters."

    return check


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


@rule_fault(
    "comment_max_3999",
    f"comment is limited to {COMMENT_MAX_LENGTH - 1} code points, not {COMMENT_MAX_LENGTH}",
    accept(example("data", comment="a" * COMMENT_MAX_LENGTH)),
)
def _comment_max_below() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(len, COMMENT_MAX_LENGTH - 1))


@rule_fault(
    "comment_max_4001",
    f"comment is limited to {COMMENT_MAX_LENGTH + 1} code points, not {COMMENT_MAX_LENGTH}",
    reject(example("data", comment="a" * (COMMENT_MAX_LENGTH + 1))),
)
def _comment_max_above() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(len, COMMENT_MAX_LENGTH + 1))


@rule_fault(
    "comment_length_in_utf16_units",
    "comment length is counted in UTF-16 units (an astral character counts 2), not code points",
    accept(example("data", comment="a" * (COMMENT_MAX_LENGTH - 1) + "\U0001f3e0")),
)
def _comment_utf16() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(_utf16_units, COMMENT_MAX_LENGTH))


@rule_fault(
    "comment_length_in_utf8_bytes",
    "comment length is counted in UTF-8 bytes, not code points",
    accept(example("data", comment="\u00e9" * (COMMENT_MAX_LENGTH // 2 + 1))),
)
def _comment_utf8() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(_utf8_bytes, COMMENT_MAX_LENGTH))


def _targets(count: Callable[[list[Any], list[Any]], int], needed: int) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if kind_of(body) != "clustering":
            return
        property_ids = body.get("propertyIds")
        classified_ids = body.get("classifiedIds", [])
        if not (isinstance(property_ids, list) and isinstance(classified_ids, list)):
            return
        if count(property_ids, classified_ids) < needed:
            yield "propertyIds", f"A clustering report needs at least {needed} targets."

    return check


@rule_fault(
    "clustering_needs_three_targets",
    f"a clustering report needs {MIN_TARGETS + 1} targets, not {MIN_TARGETS}",
    accept(example("clustering")),
)
def _clustering_three() -> RuleSet:
    return RULES.replacing(
        "clustering-requires-two-targets",
        _targets(lambda p, c: len(p) + len(c), MIN_TARGETS + 1),
    )


@rule_fault(
    "clustering_counts_property_ids_only",
    "clustering targets are counted in propertyIds only; classifiedIds are ignored",
    accept(example("clustering")),
)
def _clustering_property_only() -> RuleSet:
    return RULES.replacing(
        "clustering-requires-two-targets", _targets(lambda p, c: len(p), MIN_TARGETS)
    )


@rule_fault(
    "clustering_counts_distinct_ids",
    "clustering targets are counted as distinct ids, so a repeated id counts once (D2: it counts)",
    accept(example("clustering", propertyIds=[PROPERTY_ID, PROPERTY_ID], classifiedIds=ABSENT)),
)
def _clustering_distinct() -> RuleSet:
    return RULES.replacing(
        "clustering-requires-two-targets",
        _targets(lambda p, c: len({repr(item) for item in p + c}), MIN_TARGETS),
    )
