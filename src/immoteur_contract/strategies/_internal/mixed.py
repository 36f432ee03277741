"""Near-valid bodies for differential testing: valid, single-fault, multi-fault and edge values."""

from __future__ import annotations

import functools
from collections.abc import Callable

from hypothesis import strategies as st

from ...rules import CONTRACT
from .characters import blank_characters, whitespace_look_alikes
from .faults import BREAKERS, reports_breaking
from .fields import CLASSIFIED_IDS, COMMENT, FACETS, FIELDS, ISSUE_KIND, PROPERTY_IDS, Body
from .json_values import json_values
from .uuids import non_uuid_values, uuids
from .valid import valid_reports

__all__ = ["report_like_bodies"]


@st.composite
def _multi_fault_reports(draw: st.DrawFn) -> object:
    """Two breakers applied in turn: bodies that break two or more rules (or, now and then,
    only one when the second fault hides the first)."""
    first, second = draw(
        st.lists(
            st.sampled_from([r for r in BREAKERS if r != "body-is-object"]),
            min_size=2,
            max_size=2,
            unique=True,
        )
    )
    kinds, breaker = BREAKERS[first]
    body = breaker(draw, draw(valid_reports(draw(st.sampled_from(kinds)))))
    if isinstance(body, dict):
        body = BREAKERS[second][1](draw, body) if _fits(second, body) else body
    return body


def _fits(rule_id: str, body: Body) -> bool:
    """Whether a breaker can run on `body`, already broken once, without a type error: some
    breakers read a field they expect to be a (non-empty) list or a string."""

    def is_list(name: str) -> bool:
        return isinstance(body.get(name), list)

    needs: dict[str, Callable[[], bool]] = {
        "property-ids-array": lambda: is_list(PROPERTY_IDS) and bool(body[PROPERTY_IDS]),
        "property-ids-uuid": lambda: is_list(PROPERTY_IDS),
        "property-ids-min-items": lambda: ISSUE_KIND in body,
        "issue-kind-enum": lambda: isinstance(body.get(ISSUE_KIND), str),
        "clustering-requires-two-targets": lambda: is_list(PROPERTY_IDS),
        "classified-ids-uuid": lambda: is_list(CLASSIFIED_IDS) or CLASSIFIED_IDS not in body,
        "issue-facets-enum": lambda: is_list(FACETS) or FACETS not in body,
    }
    return needs.get(rule_id, lambda: True)()


# Values where Python and JSON Schema tend to disagree: bool vs int, 1.0 vs 1, lone surrogates.
_TRICKY_SCALARS: tuple[object, ...] = (True, False, 0, 1, 1.0, 0.0, -0.0, None, "", "\ud800")


@functools.cache
def _edge_values(name: str) -> st.SearchStrategy[object]:
    """Values for field `name` where implementations often disagree with JSON Schema."""
    options: list[st.SearchStrategy[object]] = [
        st.sampled_from(_TRICKY_SCALARS),
        st.lists(st.sampled_from(_TRICKY_SCALARS), min_size=1, max_size=2),
    ]
    if name in (PROPERTY_IDS, CLASSIFIED_IDS):
        options.append(st.lists(non_uuid_values(), min_size=1, max_size=1))
        options.append(uuids().map(lambda u: [u, "\ud800"]))
    if name == COMMENT:
        look_alikes = st.sampled_from(whitespace_look_alikes())
        options += [look_alikes, look_alikes, st.sampled_from(blank_characters())]
        options.append(st.text(st.sampled_from(blank_characters()), min_size=1, max_size=3))
        options.append(st.just("a\ud800"))
    if name == ISSUE_KIND:
        variants = [k.capitalize() for k in CONTRACT.issue_kinds]
        options.append(st.sampled_from(variants + [f"{k}\n" for k in CONTRACT.issue_kinds]))
    return st.one_of(options)


@st.composite
def _edge_bodies(draw: st.DrawFn) -> object:
    """Valid reports with one field set to a value where implementations often disagree:
    booleans and floats for arrays or strings, UUID look-alikes, look-alike whitespace
    comments, lone surrogates, enum values in other cases."""
    report = dict(draw(valid_reports()))
    name = draw(st.sampled_from([COMMENT, PROPERTY_IDS, CLASSIFIED_IDS, ISSUE_KIND, *FIELDS]))
    report[name] = draw(_edge_values(name))
    return report


def report_like_bodies() -> st.SearchStrategy[object]:
    """Near-valid bodies for differential testing (server verdict vs the spec's JSON Schema).

    A mix with both verdicts in good proportion: valid reports (about 1 in 3), single-fault
    reports of every rule, multi-fault reports, edge values where Python and JSON Schema can
    disagree (bool vs int, 1.0, look-alike whitespace such as U+001C-U+001F, U+0085, U+FEFF,
    U+180E, UUID look-alikes, lone surrogates), unknown extra fields, and arbitrary JSON values
    including non-objects. Values may contain lone surrogates, so encode them with
    `json.dumps(..., ensure_ascii=True)`. Shrinks towards a small valid report.
    """
    return _report_like_bodies()


@functools.cache
def _report_like_bodies() -> st.SearchStrategy[object]:
    # (weight, strategy): drawn through an index so that one_of does not flatten the nested
    # single-fault alternatives into 22 equal shares and drown the valid ones.
    parts: list[tuple[int, st.SearchStrategy[object]]] = [
        (4, valid_reports()),
        (3, st.one_of([reports_breaking(rule_id) for rule_id in BREAKERS])),
        (2, _edge_bodies()),
        (1, _multi_fault_reports()),
        (1, st.one_of(json_values(), st.dictionaries(st.sampled_from(FIELDS), json_values(4)))),
    ]
    slots = [strategy for weight, strategy in parts for _ in range(weight)]

    @st.composite
    def mixed(draw: st.DrawFn) -> object:
        return draw(slots[draw(st.integers(min_value=0, max_value=len(slots) - 1))])

    return mixed()
