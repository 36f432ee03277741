"""The deterministic boundary table: `Case(id, body, rule, leading)` rows at the edge of every
rule, family by family."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...rules import CONTRACT, RULES
from .characters import (
    blank_characters,
    blank_classes,
    char_name,
    commonly_missed_first,
    whitespace_look_alikes,
)
from .fields import (
    ACTION,
    CLASSIFIED_IDS,
    CLUSTERING,
    COMMENT,
    DATA,
    FACETS,
    FIELDS,
    ISSUE_KIND,
    MAX,
    OTHER,
    PROPERTY_IDS,
    Body,
)
from .scale import DOZENS, HUNDREDS, every_facet_at_once, many_targets, with_bad_item
from .uuids import accepted_uuid_forms, fixed_uuid, uuid_look_alikes

__all__ = ["Case", "boundary_cases"]


@dataclass(frozen=True)
class Case:
    """A deterministic request body with its expected verdict: `rule` is the one rule id it
    breaks, or None when the body is valid. `id` is readable and unique. `leading` marks the
    cases the suite sends first: one per rule and per boundary family and issueKind, chosen
    to show a whole class of divergence each."""

    id: str
    body: object
    rule: str | None
    leading: bool = False


def _spec_examples() -> dict[str, Body]:
    """The spec's request examples, keyed by issue kind: the starting points of the table."""
    content = CONTRACT.document["paths"][CONTRACT.issues_path]["post"]["requestBody"]["content"]
    examples = content["application/json"]["examples"]
    found: dict[str, Body] = {}
    for example in examples.values():
        value = example["value"]
        found.setdefault(value[ISSUE_KIND], dict(value))
    return found


def _without(body: Mapping[str, Any], *names: str) -> Body:
    return {k: v for k, v in body.items() if k not in names}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


# Look-alikes that a common notion of whitespace calls blank: U+001C (Python's str.isspace,
# Java's Character.isWhitespace), U+0085 (Python's, and Unicode White_Space: Go, Rust, .NET).
_LEADING_LOOK_ALIKES = ("\x1c", "\x85")


class _Table:
    """The rows under construction, with the spec's examples they start from."""

    def __init__(self) -> None:
        self.rows: list[Case] = []
        self.ex = _spec_examples()
        self.data, self.clustering, self.other = self.ex[DATA], self.ex[CLUSTERING], self.ex[OTHER]
        self.pid = self.data[PROPERTY_IDS][0]
        self.cid = fixed_uuid(0x1C0DE)

    def add(self, case_id: str, body: object, rule: str | None, *, leading: bool = False) -> None:
        self.rows.append(Case(case_id, body, rule, leading))


def boundary_cases() -> list[Case]:
    """The deterministic boundary table: every rule and every decision D1-D10 at its edges.

    Built from the spec's examples and limits: comments of 4000 and 4001 code points (ASCII and
    astral, D6), each ECMA-262 whitespace character and each class of them as an `other`
    comment (rejected) and each look-alike alone (accepted, D5), uppercase/nil/v1/v7 UUIDs
    (accepted) and look-alikes (rejected, D7), dozens and hundreds of targets split over both
    arrays, one bad item among many, and one body per kind with every edge it allows at once
    (D1, D2), enum values in other cases, null in every optional position of every kind, with
    the verdict the rules give (D3, D4, D9), [] where allowed and not, unknown fields (D8),
    non-object bodies. Rows with a rule break exactly that rule; `leading` rows come first.
    """
    return list(_boundary_cases())


@functools.cache
def _boundary_cases() -> tuple[Case, ...]:
    """Built once per process, family by family; see boundary_cases."""
    table = _Table()
    for family in (
        _examples_and_scale,
        _property_ids,
        _uuids,
        _issue_kind,
        _nulls,
        _clustering_action,
        _clustering_targets,
        _comments,
        _blank_comments,
        _issue_facets,
        _non_objects,
    ):
        family(table)
    return tuple(table.rows)


def _examples_and_scale(t: _Table) -> None:
    """The spec's examples, unknown fields (D8), every edge at once, dozens and hundreds of
    targets (D2: no maxItems)."""
    for kind, body in t.ex.items():
        t.add(f"spec-example-{kind}", body, None, leading=True)
    for kind, body in t.ex.items():
        t.add(f"{kind}-every-edge-at-once", every_facet_at_once(body), None, leading=True)
    for kind, body in t.ex.items():
        t.add(f"{kind}-unknown-extra-field", {**body, "source": "contract-suite", "x": None}, None)
        t.add(f"{kind}-targets-{2 * DOZENS}", many_targets(body, DOZENS), None)
    for kind, body in t.ex.items():
        t.add(f"{kind}-targets-{2 * HUNDREDS}", many_targets(body, HUNDREDS), None, leading=True)


def _property_ids(t: _Table) -> None:
    """D1: propertyIds required, an array, at least one item."""
    data, pid = t.data, t.pid
    t.add(
        "data-no-property-ids-but-classified-ids",
        {**_without(data, PROPERTY_IDS), CLASSIFIED_IDS: [pid]},
        "property-ids-required",
        leading=True,
    )
    t.add("data-no-property-ids", _without(data, PROPERTY_IDS), "property-ids-required")
    t.add(
        "data-property-ids-null", {**data, PROPERTY_IDS: None}, "property-ids-array", leading=True
    )
    t.add("data-property-ids-string", {**data, PROPERTY_IDS: pid}, "property-ids-array")
    t.add(
        "data-property-ids-empty",
        {**data, PROPERTY_IDS: []},
        "property-ids-min-items",
        leading=True,
    )
    t.add(
        "clustering-property-ids-empty-classified-two",
        {**t.clustering, PROPERTY_IDS: [], CLASSIFIED_IDS: [t.cid, fixed_uuid(2)]},
        "property-ids-min-items",
    )


def _uuids(t: _Table) -> None:
    """D7: the accepted forms, the look-alikes, and one look-alike among many good items."""
    data, pid = t.data, t.pid
    for name, value in accepted_uuid_forms(pid).items():
        t.add(f"property-ids-uuid-{name}-accepted", {**data, PROPERTY_IDS: [value]}, None)
        t.add(f"classified-ids-uuid-{name}-accepted", {**data, CLASSIFIED_IDS: [value]}, None)
    look_alikes = dict(uuid_look_alikes(pid))
    for name, array, count, index, rule in (
        ("braces", PROPERTY_IDS, 100, 63, "property-ids-uuid"),
        ("trailing-newline", CLASSIFIED_IDS, 200, 137, "classified-ids-uuid"),
    ):
        t.add(
            f"{_kebab(array)}-{name}-at-{index}-of-{count}",
            with_bad_item(data, array, count, index, look_alikes[name]),
            rule,
            leading=True,
        )
    for name, value in look_alikes.items():
        t.add(
            f"property-ids-uuid-{name}-rejected",
            {**data, PROPERTY_IDS: [value]},
            "property-ids-uuid",
        )
        t.add(
            f"classified-ids-uuid-{name}-rejected",
            {**data, CLASSIFIED_IDS: [t.cid, value]},
            "classified-ids-uuid",
        )
    items: dict[str, object] = {"int": 1, "bool": True, "null": None, "object": {"id": pid}}
    for kind_name, item in items.items():
        t.add(
            f"property-ids-item-{kind_name}",
            {**data, PROPERTY_IDS: [pid, item]},
            "property-ids-uuid",
        )


def _issue_kind(t: _Table) -> None:
    t.add("no-issue-kind", _without(t.data, ISSUE_KIND), "issue-kind-required", leading=True)
    for kind in CONTRACT.issue_kinds:
        for variant in (kind.capitalize(), kind.upper()):
            t.add(
                f"issue-kind-{variant}",
                {**t.ex[kind], ISSUE_KIND: variant},
                "issue-kind-enum",
                leading=variant == CLUSTERING.capitalize(),
            )
    t.add("issue-kind-null", {**t.data, ISSUE_KIND: None}, "issue-kind-enum")
    t.add("issue-kind-int", {**t.data, ISSUE_KIND: 1}, "issue-kind-enum")


def _nulls(t: _Table) -> None:
    """An explicit null in every optional position of every kind, with the verdict the rules
    give: valid for clusteringAction on data and other (D3), a type error for comment,
    classifiedIds and issueFacets (D4, D9), a missing action for clustering. A null that
    breaks two rules at once (issueFacets on other) is left to the verdict table."""
    optional = [name for name in FIELDS if name not in CONTRACT.required_fields]
    for kind, example in t.ex.items():
        for name in optional:
            body = {**example, name: None}
            broken = {violation.rule_id for violation in RULES.violations(body)}
            if len(broken) <= 1:
                rule = next(iter(broken), None)
                t.add(f"{kind}-{_kebab(name)}-null", body, rule, leading=True)
    t.add("data-classified-ids-empty", {**t.data, CLASSIFIED_IDS: []}, None, leading=True)
    t.add("other-classified-ids-string", {**t.other, CLASSIFIED_IDS: t.cid}, "classified-ids-array")


def _clustering_action(t: _Table) -> None:
    """D3: the enum, where it is forbidden, where it is required."""
    clustering = t.clustering
    for position, action in enumerate(CONTRACT.clustering_actions):
        first = position == 0
        t.add(f"clustering-action-{action}", {**clustering, ACTION: action}, None)
        t.add(
            f"data-clustering-action-{action}",
            {**t.data, ACTION: action},
            "data-forbids-clustering-action",
            leading=first,
        )
        t.add(
            f"other-clustering-action-{action}",
            {**t.other, ACTION: action},
            "other-forbids-clustering-action",
            leading=first,
        )
        for variant in (action.upper(), action.capitalize()):
            t.add(
                f"clustering-action-{variant}",
                {**clustering, ACTION: variant},
                "clustering-action-enum",
                leading=first and variant == action.upper(),
            )
    t.add("clustering-action-int", {**clustering, ACTION: 1}, "clustering-action-enum")
    t.add(
        "clustering-no-clustering-action",
        _without(clustering, ACTION),
        "clustering-requires-clustering-action",
        leading=True,
    )


def _clustering_targets(t: _Table) -> None:
    """D1/D2: at least two targets, counted as sent over both arrays."""
    pid, cid = t.pid, t.cid
    one = {**t.clustering, PROPERTY_IDS: [pid]}
    t.add(
        "clustering-one-target",
        _without(one, CLASSIFIED_IDS),
        "clustering-requires-two-targets",
        leading=True,
    )
    t.add(
        "clustering-one-target-classified-empty",
        {**one, CLASSIFIED_IDS: []},
        "clustering-requires-two-targets",
    )
    alone = _without(one, CLASSIFIED_IDS)
    t.add("clustering-two-property-ids", {**alone, PROPERTY_IDS: [pid, cid]}, None)
    t.add("clustering-targets-split", {**one, CLASSIFIED_IDS: [cid]}, None)
    t.add(
        "clustering-duplicate-property-ids", {**alone, PROPERTY_IDS: [pid, pid]}, None, leading=True
    )
    t.add("clustering-duplicate-across-arrays", {**one, CLASSIFIED_IDS: [pid]}, None)
    t.add(
        "clustering-with-issue-facets",
        {**t.clustering, FACETS: list(CONTRACT.issue_facets[:1])},
        None,
    )


def _comments(t: _Table) -> None:
    """D6 (the limit in code points) and D9 (any string, empty included, for data/clustering)."""
    for unit_name, unit in (("ascii", "a"), ("astral", "\U0001f600"), ("bmp", "\u00e9")):
        for kind in CONTRACT.issue_kinds:
            t.add(f"{kind}-comment-{MAX}-{unit_name}", {**t.ex[kind], COMMENT: unit * MAX}, None)
            t.add(
                f"{kind}-comment-{MAX + 1}-{unit_name}",
                {**t.ex[kind], COMMENT: unit * (MAX + 1)},
                "comment-max-length",
                leading=kind == DATA and unit_name == "ascii",
            )
    t.add("data-comment-empty", {**t.data, COMMENT: ""}, None, leading=True)
    t.add("clustering-comment-blank", {**t.clustering, COMMENT: "  \t"}, None)
    t.add("data-comment-int", {**t.data, COMMENT: 1}, "comment-string")
    t.add("other-comment-list", {**t.other, COMMENT: ["x"]}, "comment-string")


def _blank_comments(t: _Table) -> None:
    """D5: an other report needs a comment with a character outside ECMA-262's `\\s`."""
    other = t.other
    classes = sorted(blank_classes().items(), key=lambda kv: min(map(commonly_missed_first, kv[1])))
    for name, chars in classes:  # the class a naive blank check misses most often first
        t.add(
            f"other-comment-blank-class-{name}",
            {**other, COMMENT: chars},
            "other-requires-comment",
            leading=True,
        )
    t.add("other-no-comment", _without(other, COMMENT), "other-requires-comment", leading=True)
    t.add("other-comment-empty", {**other, COMMENT: ""}, "other-requires-comment")
    for char in sorted(blank_characters(), key=commonly_missed_first):
        t.add(
            f"other-comment-blank-{char_name(char)}",
            {**other, COMMENT: char},
            "other-requires-comment",
        )
    t.add(
        "other-comment-all-blanks",
        {**other, COMMENT: "".join(blank_characters())},
        "other-requires-comment",
    )
    for char in whitespace_look_alikes():
        t.add(
            f"other-comment-look-alike-{char_name(char)}",
            {**other, COMMENT: char},
            None,
            leading=char in _LEADING_LOOK_ALIKES,
        )
    t.add(f"other-comment-{char_name(chr(0))}", {**other, COMMENT: "\x00"}, None)
    t.add("other-comment-blanks-around-x", {**other, COMMENT: " \u3000x\ufeff "}, None)


def _issue_facets(t: _Table) -> None:
    """D4: required for data, an array of at least one documented facet, forbidden for other."""
    data, facets = t.data, CONTRACT.issue_facets
    t.add(
        "data-no-issue-facets", _without(data, FACETS), "data-requires-issue-facets", leading=True
    )
    t.add("data-issue-facets-string", {**data, FACETS: facets[0]}, "issue-facets-array")
    t.add("data-issue-facets-empty", {**data, FACETS: []}, "issue-facets-min-items", leading=True)
    t.add("data-all-issue-facets-duplicated", {**data, FACETS: [*facets] * 2}, None)
    bad = facets[0].capitalize()
    t.add(
        f"data-issue-facets-{bad}-after-all-{len(facets)}",
        {**data, FACETS: [*facets, bad]},
        "issue-facets-enum",
        leading=True,
    )
    for facet in facets:
        t.add(f"data-issue-facet-{facet}", {**data, FACETS: [facet]}, None)
        t.add(
            f"data-issue-facet-{facet.capitalize()}",
            {**data, FACETS: [facet.capitalize()]},
            "issue-facets-enum",
        )
    t.add(
        "other-issue-facets",
        {**t.other, FACETS: list(facets[:1])},
        "other-forbids-issue-facets",
        leading=True,
    )
    t.add("clustering-issue-facets-empty", {**t.clustering, FACETS: []}, "issue-facets-min-items")


def _non_objects(t: _Table) -> None:
    for name, value in {
        "array": [t.data],
        "string": "data",
        "number": 1,
        "null": None,
        "true": True,
    }.items():
        t.add(f"body-{name}", value, "body-is-object", leading=name == "array")
