"""The deterministic boundary table: `Case(id, body, rule)` rows at the edge of every rule."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...rules import CONTRACT
from .characters import blank_characters, commonly_missed_first, whitespace_look_alikes
from .fields import (
    ACTION,
    CLASSIFIED_IDS,
    CLUSTERING,
    COMMENT,
    DATA,
    FACETS,
    ISSUE_KIND,
    MAX,
    OTHER,
    PROPERTY_IDS,
    Body,
)
from .uuids import NIL, fixed_uuid, uuid_look_alikes

__all__ = ["Case", "boundary_cases"]


@dataclass(frozen=True)
class Case:
    """A deterministic request body with its expected verdict: `rule` is the one rule id it
    breaks, or None when the body is valid. `id` is readable and unique."""

    id: str
    body: object
    rule: str | None


def _spec_examples() -> dict[str, Body]:
    """The spec's request examples, keyed by issue kind: the starting points of the table."""
    content = CONTRACT.document["paths"][CONTRACT.issues_path]["post"]["requestBody"]["content"]
    examples = content["application/json"]["examples"]
    found: dict[str, Body] = {}
    for example in examples.values():
        value = example["value"]
        found.setdefault(value[ISSUE_KIND], dict(value))
    return found


def _char_name(char: str) -> str:
    name = unicodedata.name(char, "")
    suffix = "-" + name.lower().replace(" ", "-") if name else ""
    return f"U+{ord(char):04X}{suffix}"


def _without(body: Mapping[str, Any], *names: str) -> Body:
    return {k: v for k, v in body.items() if k not in names}


def boundary_cases() -> list[Case]:
    """The deterministic boundary table: every rule and every decision D1-D10 at its edges.

    Built from the spec's examples and limits: comments of 4000 and 4001 code points (ASCII and
    astral, D6), each ECMA-262 whitespace character alone as an `other` comment (rejected) and
    each look-alike alone (accepted, D5), uppercase/nil/v1/v7 UUIDs (accepted) and look-alikes
    (rejected, D7), targets split over both arrays and one target (D1, D2), enum values in
    other cases, null vs absent for every optional field (D3, D4, D9), [] where allowed and
    not, unknown fields (D8), non-object bodies. Rows with a rule break exactly that rule.
    """
    return list(_boundary_cases())


@functools.cache
def _boundary_cases() -> tuple[Case, ...]:
    """Built once per process; see boundary_cases."""
    ex = _spec_examples()
    data, clustering, other = ex[DATA], ex[CLUSTERING], ex[OTHER]
    pid = data[PROPERTY_IDS][0]
    cid = fixed_uuid(0x1C0DE)
    rows: list[Case] = []

    def add(case_id: str, body: object, rule: str | None) -> None:
        rows.append(Case(case_id, body, rule))

    # spec examples and D8 unknown fields
    for kind, body in ex.items():
        add(f"spec-example-{kind}", body, None)
        add(f"{kind}-unknown-extra-field", {**body, "source": "contract-suite", "x": None}, None)
    # D1 / propertyIds
    add(
        "data-no-property-ids-but-classified-ids",
        {**_without(data, PROPERTY_IDS), CLASSIFIED_IDS: [pid]},
        "property-ids-required",
    )
    add("data-no-property-ids", _without(data, PROPERTY_IDS), "property-ids-required")
    add("data-property-ids-null", {**data, PROPERTY_IDS: None}, "property-ids-array")
    add("data-property-ids-string", {**data, PROPERTY_IDS: pid}, "property-ids-array")
    add("data-property-ids-empty", {**data, PROPERTY_IDS: []}, "property-ids-min-items")
    add(
        "clustering-property-ids-empty-classified-two",
        {**clustering, PROPERTY_IDS: [], CLASSIFIED_IDS: [cid, fixed_uuid(2)]},
        "property-ids-min-items",
    )
    # D7 UUIDs
    accepted = {
        "uppercase": pid.upper(),
        "nil": NIL,
        "v1": fixed_uuid(0xABCDEF, 1),
        "v7": fixed_uuid(0x0190F3A1B2C3, 7),
        "no-version-bits": fixed_uuid(0xFFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF, None),
        "mixed-case": "3C90c3cc-0D44-4b50-8888-8DD25736052A",
    }
    for name, value in accepted.items():
        add(f"property-ids-uuid-{name}-accepted", {**data, PROPERTY_IDS: [value]}, None)
        add(f"classified-ids-uuid-{name}-accepted", {**data, CLASSIFIED_IDS: [value]}, None)
    for name, value in uuid_look_alikes(pid):
        add(
            f"property-ids-uuid-{name}-rejected",
            {**data, PROPERTY_IDS: [value]},
            "property-ids-uuid",
        )
        add(
            f"classified-ids-uuid-{name}-rejected",
            {**data, CLASSIFIED_IDS: [cid, value]},
            "classified-ids-uuid",
        )
    for name, value in {"int": 1, "bool": True, "null": None, "object": {"id": pid}}.items():
        add(f"property-ids-item-{name}", {**data, PROPERTY_IDS: [pid, value]}, "property-ids-uuid")
    # issueKind
    add("no-issue-kind", _without(data, ISSUE_KIND), "issue-kind-required")
    for kind in CONTRACT.issue_kinds:
        for variant in (kind.capitalize(), kind.upper()):
            add(f"issue-kind-{variant}", {**ex[kind], ISSUE_KIND: variant}, "issue-kind-enum")
    add("issue-kind-null", {**data, ISSUE_KIND: None}, "issue-kind-enum")
    add("issue-kind-int", {**data, ISSUE_KIND: 1}, "issue-kind-enum")
    # classifiedIds (D9)
    add("data-classified-ids-empty", {**data, CLASSIFIED_IDS: []}, None)
    add("data-classified-ids-null", {**data, CLASSIFIED_IDS: None}, "classified-ids-array")
    add("other-classified-ids-string", {**other, CLASSIFIED_IDS: cid}, "classified-ids-array")
    # clusteringAction (D3)
    add("data-clustering-action-null", {**data, ACTION: None}, None)
    add("other-clustering-action-null", {**other, ACTION: None}, None)
    for action in CONTRACT.clustering_actions:
        add(f"clustering-action-{action}", {**clustering, ACTION: action}, None)
        add(
            f"data-clustering-action-{action}",
            {**data, ACTION: action},
            "data-forbids-clustering-action",
        )
        add(
            f"other-clustering-action-{action}",
            {**other, ACTION: action},
            "other-forbids-clustering-action",
        )
        for variant in (action.upper(), action.capitalize()):
            add(
                f"clustering-action-{variant}",
                {**clustering, ACTION: variant},
                "clustering-action-enum",
            )
    add("clustering-action-int", {**clustering, ACTION: 1}, "clustering-action-enum")
    add(
        "clustering-no-clustering-action",
        _without(clustering, ACTION),
        "clustering-requires-clustering-action",
    )
    add(
        "clustering-clustering-action-null",
        {**clustering, ACTION: None},
        "clustering-requires-clustering-action",
    )
    # D1/D2 targets
    one = {**clustering, PROPERTY_IDS: [pid]}
    add("clustering-one-target", _without(one, CLASSIFIED_IDS), "clustering-requires-two-targets")
    add(
        "clustering-one-target-classified-empty",
        {**one, CLASSIFIED_IDS: []},
        "clustering-requires-two-targets",
    )
    add(
        "clustering-two-property-ids",
        {**_without(one, CLASSIFIED_IDS), PROPERTY_IDS: [pid, cid]},
        None,
    )
    add("clustering-targets-split", {**one, CLASSIFIED_IDS: [cid]}, None)
    add(
        "clustering-duplicate-property-ids",
        {**_without(one, CLASSIFIED_IDS), PROPERTY_IDS: [pid, pid]},
        None,
    )
    add("clustering-duplicate-across-arrays", {**one, CLASSIFIED_IDS: [pid]}, None)
    add(
        "clustering-with-issue-facets",
        {**clustering, FACETS: list(CONTRACT.issue_facets[:1])},
        None,
    )
    # comment (D6, D9)
    for unit_name, unit in (("ascii", "a"), ("astral", "\U0001f600"), ("bmp", "\u00e9")):
        for kind in CONTRACT.issue_kinds:
            add(f"{kind}-comment-{MAX}-{unit_name}", {**ex[kind], COMMENT: unit * MAX}, None)
            add(
                f"{kind}-comment-{MAX + 1}-{unit_name}",
                {**ex[kind], COMMENT: unit * (MAX + 1)},
                "comment-max-length",
            )
    add("data-comment-empty", {**data, COMMENT: ""}, None)
    add("clustering-comment-blank", {**clustering, COMMENT: "  \t"}, None)
    for kind in CONTRACT.issue_kinds:
        add(f"{kind}-comment-null", {**ex[kind], COMMENT: None}, "comment-string")
    add("data-comment-int", {**data, COMMENT: 1}, "comment-string")
    add("other-comment-list", {**other, COMMENT: ["x"]}, "comment-string")
    # D5 blank comments for other
    add("other-no-comment", _without(other, COMMENT), "other-requires-comment")
    add("other-comment-empty", {**other, COMMENT: ""}, "other-requires-comment")
    for char in sorted(blank_characters(), key=commonly_missed_first):
        add(
            f"other-comment-blank-{_char_name(char)}",
            {**other, COMMENT: char},
            "other-requires-comment",
        )
    add(
        "other-comment-all-blanks",
        {**other, COMMENT: "".join(blank_characters())},
        "other-requires-comment",
    )
    for char in whitespace_look_alikes():
        add(f"other-comment-look-alike-{_char_name(char)}", {**other, COMMENT: char}, None)
    add("other-comment-blanks-around-x", {**other, COMMENT: " \u3000x\ufeff "}, None)
    # issueFacets (D4)
    add("data-no-issue-facets", _without(data, FACETS), "data-requires-issue-facets")
    add("data-issue-facets-null", {**data, FACETS: None}, "issue-facets-array")
    add(
        "data-issue-facets-string",
        {**data, FACETS: CONTRACT.issue_facets[0]},
        "issue-facets-array",
    )
    add("data-issue-facets-empty", {**data, FACETS: []}, "issue-facets-min-items")
    add("data-all-issue-facets-duplicated", {**data, FACETS: [*CONTRACT.issue_facets] * 2}, None)
    for facet in CONTRACT.issue_facets:
        add(f"data-issue-facet-{facet}", {**data, FACETS: [facet]}, None)
        add(
            f"data-issue-facet-{facet.capitalize()}",
            {**data, FACETS: [facet.capitalize()]},
            "issue-facets-enum",
        )
    add(
        "other-issue-facets",
        {**other, FACETS: list(CONTRACT.issue_facets[:1])},
        "other-forbids-issue-facets",
    )
    add("clustering-issue-facets-empty", {**clustering, FACETS: []}, "issue-facets-min-items")
    # body-is-object
    for name, value in {
        "array": [data],
        "string": "data",
        "number": 1,
        "null": None,
        "true": True,
    }.items():
        add(f"body-{name}", value, "body-is-object")
    return tuple(rows)
