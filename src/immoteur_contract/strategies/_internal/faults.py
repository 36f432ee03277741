"""Single-fault reports: a valid report with one thing broken, one breaker per rule id."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ...rules import CONTRACT, RULES
from .characters import blank_characters
from .fields import (
    ACTION,
    CLASSIFIED_IDS,
    CLUSTERING,
    COMMENT,
    DATA,
    FACETS,
    ISSUE_KIND,
    OTHER,
    PROPERTY_IDS,
    Body,
)
from .json_values import NONE_TYPE, json_scalars, json_values, non_type
from .uuids import non_uuid_values
from .valid import LONGER_THAN_MAX, facets, uuid_lists, valid_reports

__all__ = ["BREAKERS", "Breaker", "reports_breaking"]


Breaker = Callable[[st.DrawFn, Body], object]


def _replace_item(draw: st.DrawFn, items: list[Any], bad: object) -> list[Any]:
    index = draw(st.integers(min_value=0, max_value=len(items)))
    if index < len(items) and draw(st.booleans()):
        return [*items[:index], bad, *items[index + 1 :]]
    return [*items[:index], bad, *items[index:]]


def _break_body_is_object(draw: st.DrawFn, report: Body) -> object:
    return draw(
        st.one_of(
            st.just([report]),
            st.lists(json_values(4), max_size=3),
            json_scalars(),
            st.just(json.dumps(report)),
        )
    )


def _break_property_ids_required(draw: st.DrawFn, report: Body) -> object:
    return {k: v for k, v in report.items() if k != PROPERTY_IDS}


def _break_property_ids_array(draw: st.DrawFn, report: Body) -> object:
    bad = draw(st.one_of(st.sampled_from(report[PROPERTY_IDS]), non_type(list)))
    return {**report, PROPERTY_IDS: bad}


def _break_property_ids_min_items(draw: st.DrawFn, report: Body) -> object:
    broken = {**report, PROPERTY_IDS: []}
    if report[ISSUE_KIND] == CLUSTERING:
        # keep D2's count satisfied by classifiedIds alone
        classified = list(report.get(CLASSIFIED_IDS, []))
        missing = CONTRACT.clustering_min_targets - len(classified)
        broken[CLASSIFIED_IDS] = classified + draw(uuid_lists(max(missing, 0)))
    return broken


def _break_property_ids_uuid(draw: st.DrawFn, report: Body) -> object:
    bad = draw(non_uuid_values())
    return {**report, PROPERTY_IDS: _replace_item(draw, report[PROPERTY_IDS], bad)}


def _break_issue_kind_required(draw: st.DrawFn, report: Body) -> object:
    return {k: v for k, v in report.items() if k != ISSUE_KIND}


def _break_issue_kind_enum(draw: st.DrawFn, report: Body) -> object:
    kind = report[ISSUE_KIND]
    bad = draw(
        st.one_of(
            st.sampled_from([kind.upper(), kind.capitalize(), f" {kind}", f"{kind}\n", ""]),
            st.text(max_size=12).filter(lambda s: s not in CONTRACT.issue_kinds),
            non_type(str),
        )
    )
    return {**report, ISSUE_KIND: bad}


def _break_classified_ids_array(draw: st.DrawFn, report: Body) -> object:
    return {**report, CLASSIFIED_IDS: draw(non_type(list))}


def _break_classified_ids_uuid(draw: st.DrawFn, report: Body) -> object:
    bad = draw(non_uuid_values())
    return {**report, CLASSIFIED_IDS: _replace_item(draw, report.get(CLASSIFIED_IDS, []), bad)}


def _break_clustering_action_enum(draw: st.DrawFn, report: Body) -> object:
    actions = CONTRACT.clustering_actions
    bad = draw(
        st.one_of(
            st.sampled_from(actions).flatmap(
                lambda a: st.sampled_from([a.upper(), a.capitalize(), f"{a} ", ""])
            ),
            st.text(max_size=12).filter(lambda s: s not in actions),
            non_type(str, NONE_TYPE),
        )
    )
    return {**report, ACTION: bad}


def _break_comment_string(draw: st.DrawFn, report: Body) -> object:
    return {**report, COMMENT: draw(non_type(str))}


def _break_comment_max_length(draw: st.DrawFn, report: Body) -> object:
    return {**report, COMMENT: draw(LONGER_THAN_MAX)}


def _break_issue_facets_array(draw: st.DrawFn, report: Body) -> object:
    bad = draw(st.one_of(st.sampled_from(CONTRACT.issue_facets), non_type(list)))
    return {**report, FACETS: bad}


def _break_issue_facets_min_items(draw: st.DrawFn, report: Body) -> object:
    return {**report, FACETS: []}


def _break_issue_facets_enum(draw: st.DrawFn, report: Body) -> object:
    facets = CONTRACT.issue_facets
    bad = draw(
        st.one_of(
            st.sampled_from(facets).flatmap(
                lambda f: st.sampled_from([f.upper(), f.capitalize(), f" {f}"])
            ),
            st.text(max_size=12).filter(lambda s: s not in facets),
            non_type(str),
        )
    )
    return {**report, FACETS: _replace_item(draw, report.get(FACETS, []), bad)}


def _break_data_requires_issue_facets(draw: st.DrawFn, report: Body) -> object:
    return {k: v for k, v in report.items() if k != FACETS}


def _set_action(draw: st.DrawFn, report: Body) -> object:
    return {**report, ACTION: draw(st.sampled_from(CONTRACT.clustering_actions))}


def _break_clustering_requires_action(draw: st.DrawFn, report: Body) -> object:
    if draw(st.booleans()):
        return {**report, ACTION: None}
    return {k: v for k, v in report.items() if k != ACTION}


def _break_clustering_requires_two_targets(draw: st.DrawFn, report: Body) -> object:
    broken = {**report, PROPERTY_IDS: report[PROPERTY_IDS][: CONTRACT.property_ids_min_items]}
    broken.pop(CLASSIFIED_IDS, None)
    if draw(st.booleans()):
        broken[CLASSIFIED_IDS] = []
    return broken


def _break_other_requires_comment(draw: st.DrawFn, report: Body) -> object:
    if draw(st.booleans()):
        return {k: v for k, v in report.items() if k != COMMENT}
    return {**report, COMMENT: draw(st.text(st.sampled_from(blank_characters()), max_size=6))}


def _break_other_forbids_issue_facets(draw: st.DrawFn, report: Body) -> object:
    return {**report, FACETS: draw(facets())}


# rule id -> (kinds whose valid reports it starts from, how to break one)
BREAKERS: dict[str, tuple[tuple[str, ...], Breaker]] = {
    "body-is-object": (CONTRACT.issue_kinds, _break_body_is_object),
    "property-ids-required": (CONTRACT.issue_kinds, _break_property_ids_required),
    "property-ids-array": (CONTRACT.issue_kinds, _break_property_ids_array),
    "property-ids-min-items": (CONTRACT.issue_kinds, _break_property_ids_min_items),
    "property-ids-uuid": (CONTRACT.issue_kinds, _break_property_ids_uuid),
    "issue-kind-required": (CONTRACT.issue_kinds, _break_issue_kind_required),
    "issue-kind-enum": (CONTRACT.issue_kinds, _break_issue_kind_enum),
    "classified-ids-array": (CONTRACT.issue_kinds, _break_classified_ids_array),
    "classified-ids-uuid": (CONTRACT.issue_kinds, _break_classified_ids_uuid),
    "clustering-action-enum": ((CLUSTERING,), _break_clustering_action_enum),
    "comment-string": (CONTRACT.issue_kinds, _break_comment_string),
    "comment-max-length": (CONTRACT.issue_kinds, _break_comment_max_length),
    "issue-facets-array": ((DATA, CLUSTERING), _break_issue_facets_array),
    "issue-facets-min-items": ((DATA, CLUSTERING), _break_issue_facets_min_items),
    "issue-facets-enum": ((DATA, CLUSTERING), _break_issue_facets_enum),
    "data-requires-issue-facets": ((DATA,), _break_data_requires_issue_facets),
    "data-forbids-clustering-action": ((DATA,), _set_action),
    "clustering-requires-clustering-action": ((CLUSTERING,), _break_clustering_requires_action),
    "clustering-requires-two-targets": ((CLUSTERING,), _break_clustering_requires_two_targets),
    "other-requires-comment": ((OTHER,), _break_other_requires_comment),
    "other-forbids-issue-facets": ((OTHER,), _break_other_forbids_issue_facets),
    "other-forbids-clustering-action": ((OTHER,), _set_action),
}


def reports_breaking(rule_id: str) -> st.SearchStrategy[object]:
    """Valid reports with exactly one thing broken, so that `rule_id` is the only rule broken:
    `{v.rule_id for v in RULES.violations(body)} == {rule_id}` for every value.

    Starts from `valid_reports` of each kind the rule can be broken in alone (a conditional
    rule only in its own kind) and changes one field. Shrinks towards the smallest such report.
    Raises KeyError naming `rule_id` when RULES has no such rule, and NotImplementedError when
    the spec has a rule this module cannot break yet (a new x-rules entry).
    """
    if rule_id not in RULES.ids:
        raise KeyError(f"reports_breaking(rule_id=...): no rule {rule_id!r}; known: {RULES.ids}")
    if rule_id not in BREAKERS:
        raise NotImplementedError(f"reports_breaking: no strategy breaks rule {rule_id!r} yet")
    kinds, breaker = BREAKERS[rule_id]
    starts = st.one_of([valid_reports(kind) for kind in kinds])

    @st.composite
    def broken(draw: st.DrawFn) -> object:
        return breaker(draw, draw(starts))

    return broken()
