"""Valid reports of every kind: comments within the limit, UUID lists, facets, extra fields."""

from __future__ import annotations

import functools
from collections.abc import Callable

from hypothesis import strategies as st

from ...rules import CONTRACT
from .characters import blank_characters, non_blank_characters
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
from .json_values import extra_fields
from .uuids import uuids

__all__ = ["LONGER_THAN_MAX", "check_kind", "facets", "uuid_lists", "valid_reports"]


@st.composite
def long_comments(draw: st.DrawFn, shortest: int, longest: int) -> str:
    """Non-blank strings of `shortest` to `longest` code points, astral characters included
    (D6); shrinks towards `shortest` ASCII letters."""
    length = draw(st.integers(min_value=shortest, max_value=longest))
    unit = draw(st.sampled_from(["a", "\U0001f600", "\u00e9", "\U00010348", "\u4e2d"]))
    head = draw(st.text(max_size=min(20, length)))
    return head + unit * (length - len(head))


LONGER_THAN_MAX = long_comments(MAX + 1, MAX + 3)


@functools.cache
def comments(non_blank: bool = False) -> st.SearchStrategy[str]:
    """Comments within the limit (D6, D9); `non_blank` keeps to those valid for `other` (D5)."""
    short = st.text(max_size=120)
    if non_blank:
        short = st.builds(
            lambda pre, mid, post: pre + mid + post,
            st.text(st.sampled_from(blank_characters()), max_size=3),
            non_blank_characters(),
            st.text(max_size=60),
        )
    boundary = long_comments(MAX - 3, MAX)
    return st.one_of(short, boundary)


# -- valid reports ----------------------------------------------------------------------------


@functools.cache
def uuid_lists(min_size: int, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    """UUID lists, with duplicates drawn on purpose now and then (D2)."""
    plain = st.lists(uuids(), min_size=min_size, max_size=max_size)
    duplicated = st.lists(uuids(), min_size=max(min_size, 1), max_size=max_size).map(
        lambda ids: [*ids, ids[0]]
    )
    return st.one_of(plain, duplicated)


@functools.cache
def facets() -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.sampled_from(CONTRACT.issue_facets), min_size=CONTRACT.issue_facets_min_items, max_size=4
    )


def _with_extras(reports: st.SearchStrategy[Body]) -> st.SearchStrategy[Body]:
    @st.composite
    def combined(draw: st.DrawFn) -> Body:
        report = draw(reports)
        if draw(st.booleans()):
            return {**draw(extra_fields()), **report}
        return report

    return combined()


def _data_reports() -> st.SearchStrategy[Body]:
    return st.fixed_dictionaries(
        {
            PROPERTY_IDS: uuid_lists(CONTRACT.property_ids_min_items),
            ISSUE_KIND: st.just(DATA),
            FACETS: facets(),
        },
        optional={
            CLASSIFIED_IDS: uuid_lists(0),
            ACTION: st.none(),
            COMMENT: comments(),
        },
    )


def _other_reports() -> st.SearchStrategy[Body]:
    return st.fixed_dictionaries(
        {
            PROPERTY_IDS: uuid_lists(CONTRACT.property_ids_min_items),
            ISSUE_KIND: st.just(OTHER),
            COMMENT: comments(non_blank=True),
        },
        optional={
            CLASSIFIED_IDS: uuid_lists(0),
            ACTION: st.none(),
        },
    )


@st.composite
def _clustering_reports(draw: st.DrawFn) -> Body:
    """Clustering reports with targets split over both arrays so that together they reach the
    minimum (D2): propertyIds alone, classifiedIds making up the rest, or both."""
    report: Body = draw(
        st.fixed_dictionaries(
            {
                PROPERTY_IDS: uuid_lists(CONTRACT.property_ids_min_items),
                ISSUE_KIND: st.just(CLUSTERING),
                ACTION: st.sampled_from(CONTRACT.clustering_actions),
            },
            optional={COMMENT: comments(), FACETS: facets()},
        )
    )
    missing = CONTRACT.clustering_min_targets - len(report[PROPERTY_IDS])
    if missing > 0:
        report[CLASSIFIED_IDS] = draw(uuid_lists(missing))
    elif draw(st.booleans()):
        report[CLASSIFIED_IDS] = draw(uuid_lists(0))
    return report


def check_kind(kind: str | None, function: str) -> None:
    if kind is not None and kind not in CONTRACT.issue_kinds:
        raise ValueError(
            f"{function}(kind=...) must be None or one of {CONTRACT.issue_kinds}, got kind={kind!r}"
        )


def valid_reports(kind: str | None = None) -> st.SearchStrategy[Body]:
    """JSON-ready report dicts that break no rule (`RULES.is_valid` holds for every one).

    `kind` is an issue kind of the spec or None for all kinds. Values cover the edges: comments
    of up to 4000 code points with astral characters (D6), any string for data/clustering (D9),
    non-blank with surrounding whitespace for other (D5), upper/lower/nil UUIDs (D7), duplicate
    targets and clustering targets split over both arrays (D2), null clusteringAction for data
    and other (D3), classifiedIds [] (D9), unknown extra fields (D8). Shrinks towards the
    smallest report of the first kind: one nil propertyId and the required fields.
    """
    check_kind(kind, "valid_reports")
    return _valid_reports(kind)


@functools.cache
def _valid_reports(kind: str | None) -> st.SearchStrategy[Body]:
    by_kind: dict[str, Callable[[], st.SearchStrategy[Body]]] = {
        DATA: _data_reports,
        CLUSTERING: _clustering_reports,
        OTHER: _other_reports,
    }
    kinds = [kind] if kind is not None else list(CONTRACT.issue_kinds)
    return _with_extras(st.one_of([by_kind[k]() for k in kinds]))
