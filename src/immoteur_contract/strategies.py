"""Hypothesis strategies and deterministic boundary cases for issue-report bodies.

Everything here is built from `rules.CONTRACT` (enums, limits, the UUID and non-blank patterns,
the spec's own examples) and checked against `rules.RULES`, so a change to openapi.yaml changes
what is generated without an edit here. Four public entry points:

- `uuids(case=...)`: UUID strings the spec accepts (D7).
- `valid_reports(kind=None)`: JSON-ready dicts that break no rule.
- `reports_breaking(rule_id)`: valid reports with exactly one thing broken, so that the only
  rule they break is `rule_id`.
- `report_like_bodies()`: a mix of valid, single-fault, multi-fault and odd JSON values for
  differential testing against the spec's JSON Schema.

`boundary_cases()` is the deterministic counterpart: a table of `Case(id, body, rule)` rows that
walk every rule and every decision D1-D10 at its edges.
"""

from __future__ import annotations

import functools
import json
import unicodedata
import uuid as uuid_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from .rules import CONTRACT, RULES, is_blank, is_uuid

__all__ = [
    "UUID_CASES",
    "Case",
    "blank_characters",
    "boundary_cases",
    "report_like_bodies",
    "reports_breaking",
    "uuid_look_alikes",
    "uuids",
    "valid_reports",
    "whitespace_look_alikes",
]

Body = dict[str, Any]

UUID_CASES = ("any", "lower", "upper", "mixed")
"""Accepted values of `uuids(case=...)`."""


def _known(options: tuple[str, ...], name: str) -> str:
    """`name`, checked to be one of the spec's `options` (fails at import if the spec drops it)."""
    if name not in options:
        raise LookupError(f"the spec no longer lists {name!r} among {options}")
    return name


_CLUSTERING = _known(CONTRACT.issue_kinds, "clustering")
_DATA = _known(CONTRACT.issue_kinds, "data")
_OTHER = _known(CONTRACT.issue_kinds, "other")
_FIELDS = CONTRACT.request_fields
_PROPERTY_IDS, _ISSUE_KIND, _CLASSIFIED_IDS, _ACTION, _COMMENT, _FACETS = (
    _known(_FIELDS, name)
    for name in (
        "propertyIds",
        "issueKind",
        "classifiedIds",
        "clusteringAction",
        "comment",
        "issueFacets",
    )
)
_MAX = CONTRACT.comment_max_length


# -- characters -------------------------------------------------------------------------------


@functools.cache
def blank_characters() -> tuple[str, ...]:
    """Every character in ECMA-262's `\\s` set, found by scanning all code points with the
    contract's non-blank pattern (D5); a comment made only of these is blank."""
    return tuple(
        chr(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and is_blank(chr(code))
    )


# Characters that some regex engine or string library calls whitespace, or that render as
# nothing, but that ECMA-262's `\s` does not contain: a comment of one of them is NOT blank.
_HISTORICAL_SPACES = ("\u180e", "\u200b", "\u2060")


# Blank sets that implementations use instead of ECMA-262's: ASCII's, PHP trim()'s, Python's.
_NAIVE_BLANKS = (" \t\n\r", " \t\n\r\0\x0b")


def _commonly_missed_first(char: str) -> tuple[int, int]:
    """Sort key: ECMA-262 blanks that more naive blank checks miss come first (U+FEFF, which
    Python's `isspace` misses too, then U+00A0 and the like, then U+000C...), so that a wrong
    blank check shows in the first cases of its rule."""
    missed = sum(char not in blank for blank in _NAIVE_BLANKS) + (not char.isspace())
    return (-missed, ord(char))


@functools.cache
def whitespace_look_alikes() -> tuple[str, ...]:
    """Characters that look like whitespace but are outside ECMA-262's `\\s` (D5): Python's
    `str.isspace` extras (U+001C-U+001F, U+0085) plus U+180E, U+200B and U+2060. A comment made
    of one of them is non-blank, so an `other` report with it is valid."""
    python_spaces = (chr(c) for c in range(0x10000) if chr(c).isspace())
    found = {c for c in python_spaces if not is_blank(c)} | set(_HISTORICAL_SPACES)
    return tuple(sorted(c for c in found if not is_blank(c)))


@functools.cache
def _non_blank_characters() -> st.SearchStrategy[str]:
    return st.characters(codec="utf-8").filter(lambda c: not is_blank(c))


# -- UUIDs ------------------------------------------------------------------------------------

_NIL = str(uuid_module.UUID(int=0))


def uuids(case: str = "any") -> st.SearchStrategy[str]:
    """UUID strings the spec's Uuid schema accepts (D7): hyphenated 8-4-4-4-12 hex, any version
    and variant, the nil UUID included.

    `case` is one of `UUID_CASES`: "lower", "upper", "mixed" (as drawn from the pattern) or
    "any" (each of those). Every value satisfies `rules.is_uuid`. Shrinks towards the nil UUID.
    """
    if case not in UUID_CASES:
        raise ValueError(f"uuids(case=...) must be one of {UUID_CASES}, got case={case!r}")
    return _uuids(case)


@functools.cache
def _uuids(case: str) -> st.SearchStrategy[str]:
    drawn = st.builds(_cased_uuid, st.integers(0, (1 << 128) - 1), st.integers(0, (1 << 32) - 1))
    if case == "lower":
        return drawn.map(str.lower)
    if case == "upper":
        return drawn.map(str.upper)
    if case == "mixed":
        return drawn
    return st.one_of(drawn.map(str.lower), drawn.map(str.upper), drawn)


def _cased_uuid(number: int, upper_mask: int) -> str:
    """The UUID `number` in hyphenated hex, hex digit i uppercased when bit i of the mask is set
    (so mask 0 and number 0 give the lower-case nil UUID)."""
    text = str(uuid_module.UUID(int=number))
    digits = iter(range(32))
    return "".join(c.upper() if c != "-" and (upper_mask >> next(digits)) & 1 else c for c in text)


def _fixed_uuid(number: int, version: int | None = 4) -> str:
    """A deterministic UUID: `number` in the low bits, version nibble set, RFC 4122 variant."""
    value = number & ((1 << 128) - 1)
    if version is not None:
        value &= ~(0xF << 76)
        value |= version << 76
        value &= ~(0x3 << 62)
        value |= 0x2 << 62
    return str(uuid_module.UUID(int=value))


def uuid_look_alikes(valid: str = "3c90c3cc-0d44-4b50-8888-8dd25736052a") -> list[tuple[str, str]]:
    """`(name, value)` pairs of strings that resemble the UUID `valid` but break D7: braces,
    `urn:uuid:`, surrounding whitespace, a trailing newline, no hyphens, underscores, a
    non-ASCII digit, a non-hex letter, one character short or long. None satisfies `is_uuid`."""
    if not is_uuid(valid):
        raise ValueError(f"uuid_look_alikes(valid=...) needs a UUID, got valid={valid!r}")
    # Ordered by how often a UUID check lets them in: a parser (braces), a `$` that matches
    # before a final newline, trimming, then the rest.
    cases = [
        ("braces", "{" + valid + "}"),
        ("trailing-newline", valid + "\n"),
        ("leading-space", " " + valid),
        ("urn", "urn:uuid:" + valid),
        ("trailing-space", valid + " "),
        ("leading-tab", "\t" + valid),
        ("bom-prefix", "\ufeff" + valid),
        ("no-hyphens", valid.replace("-", "")),
        ("underscores", valid.replace("-", "_")),
        ("arabic-indic-digit", "\u0663" + valid[1:]),
        ("fullwidth-digit", "\uff10" + valid[1:]),
        ("non-hex-letter", "g" + valid[1:]),
        ("one-short", valid[:-1]),
        ("one-long", valid + "0"),
        ("hyphen-moved", valid[:7] + "-" + valid[7] + valid[9:]),
        ("empty", ""),
    ]
    return [(name, value) for name, value in cases if not is_uuid(value)]


@functools.cache
def _non_uuid_values() -> st.SearchStrategy[object]:
    """Items that break a UUID-array rule: look-alike strings, other strings, other JSON types."""
    look_alikes = st.builds(
        lambda u, i: (alikes := uuid_look_alikes(u))[i % len(alikes)][1],
        uuids(),
        st.integers(min_value=0, max_value=31),
    )
    return st.one_of(
        look_alikes,
        st.text(max_size=40).filter(lambda s: not is_uuid(s)),
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(uuids(), max_size=1),
        st.dictionaries(st.text(max_size=5), uuids(), max_size=1),
    )


# -- JSON values ------------------------------------------------------------------------------


@functools.cache
def _json_scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**53), max_value=2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )


@functools.cache
def _json_values(max_leaves: int = 8) -> st.SearchStrategy[object]:
    return st.recursive(
        _json_scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.text(max_size=8), children, max_size=3),
        ),
        max_leaves=max_leaves,
    )


@functools.cache
def _extra_fields() -> st.SearchStrategy[dict[str, object]]:
    """Unknown fields (D8): names that are not documented request fields, any JSON values."""
    return st.dictionaries(
        st.text(min_size=1, max_size=12).filter(lambda k: k not in _FIELDS),
        _json_values(max_leaves=3),
        max_size=2,
    )


_NONE_TYPE: type = type(None)


@functools.cache
def _non_type(*excluded: type) -> st.SearchStrategy[object]:
    """JSON values whose Python type is none of `excluded` (bool is kept apart from int)."""

    def keep(value: object) -> bool:
        return not any(type(value) is kind for kind in excluded)

    return st.one_of(
        _json_scalars(),
        st.lists(_json_scalars(), max_size=2),
        st.dictionaries(st.text(max_size=5), _json_scalars(), max_size=2),
    ).filter(keep)


# -- comments ---------------------------------------------------------------------------------


@st.composite
def _long_comments(draw: st.DrawFn, shortest: int, longest: int) -> str:
    """Non-blank strings of `shortest` to `longest` code points, astral characters included
    (D6); shrinks towards `shortest` ASCII letters."""
    length = draw(st.integers(min_value=shortest, max_value=longest))
    unit = draw(st.sampled_from(["a", "\U0001f600", "\u00e9", "\U00010348", "\u4e2d"]))
    head = draw(st.text(max_size=min(20, length)))
    return head + unit * (length - len(head))


_LONGER_THAN_MAX = _long_comments(_MAX + 1, _MAX + 3)


@functools.cache
def _comments(non_blank: bool = False) -> st.SearchStrategy[str]:
    """Comments within the limit (D6, D9); `non_blank` keeps to those valid for `other` (D5)."""
    short = st.text(max_size=120)
    if non_blank:
        short = st.builds(
            lambda pre, mid, post: pre + mid + post,
            st.text(st.sampled_from(blank_characters()), max_size=3),
            _non_blank_characters(),
            st.text(max_size=60),
        )
    boundary = _long_comments(_MAX - 3, _MAX)
    return st.one_of(short, boundary)


# -- valid reports ----------------------------------------------------------------------------


@functools.cache
def _uuid_lists(min_size: int, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    """UUID lists, with duplicates drawn on purpose now and then (D2)."""
    plain = st.lists(uuids(), min_size=min_size, max_size=max_size)
    duplicated = st.lists(uuids(), min_size=max(min_size, 1), max_size=max_size).map(
        lambda ids: [*ids, ids[0]]
    )
    return st.one_of(plain, duplicated)


@functools.cache
def _facets() -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.sampled_from(CONTRACT.issue_facets), min_size=CONTRACT.issue_facets_min_items, max_size=4
    )


def _with_extras(reports: st.SearchStrategy[Body]) -> st.SearchStrategy[Body]:
    @st.composite
    def combined(draw: st.DrawFn) -> Body:
        report = draw(reports)
        if draw(st.booleans()):
            return {**draw(_extra_fields()), **report}
        return report

    return combined()


def _data_reports() -> st.SearchStrategy[Body]:
    return st.fixed_dictionaries(
        {
            _PROPERTY_IDS: _uuid_lists(CONTRACT.property_ids_min_items),
            _ISSUE_KIND: st.just(_DATA),
            _FACETS: _facets(),
        },
        optional={
            _CLASSIFIED_IDS: _uuid_lists(0),
            _ACTION: st.none(),
            _COMMENT: _comments(),
        },
    )


def _other_reports() -> st.SearchStrategy[Body]:
    return st.fixed_dictionaries(
        {
            _PROPERTY_IDS: _uuid_lists(CONTRACT.property_ids_min_items),
            _ISSUE_KIND: st.just(_OTHER),
            _COMMENT: _comments(non_blank=True),
        },
        optional={
            _CLASSIFIED_IDS: _uuid_lists(0),
            _ACTION: st.none(),
        },
    )


@st.composite
def _clustering_reports(draw: st.DrawFn) -> Body:
    """Clustering reports with targets split over both arrays so that together they reach the
    minimum (D2): propertyIds alone, classifiedIds making up the rest, or both."""
    report: Body = draw(
        st.fixed_dictionaries(
            {
                _PROPERTY_IDS: _uuid_lists(CONTRACT.property_ids_min_items),
                _ISSUE_KIND: st.just(_CLUSTERING),
                _ACTION: st.sampled_from(CONTRACT.clustering_actions),
            },
            optional={_COMMENT: _comments(), _FACETS: _facets()},
        )
    )
    missing = CONTRACT.clustering_min_targets - len(report[_PROPERTY_IDS])
    if missing > 0:
        report[_CLASSIFIED_IDS] = draw(_uuid_lists(missing))
    elif draw(st.booleans()):
        report[_CLASSIFIED_IDS] = draw(_uuid_lists(0))
    return report


def _check_kind(kind: str | None, function: str) -> None:
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
    _check_kind(kind, "valid_reports")
    return _valid_reports(kind)


@functools.cache
def _valid_reports(kind: str | None) -> st.SearchStrategy[Body]:
    by_kind: dict[str, Callable[[], st.SearchStrategy[Body]]] = {
        _DATA: _data_reports,
        _CLUSTERING: _clustering_reports,
        _OTHER: _other_reports,
    }
    kinds = [kind] if kind is not None else list(CONTRACT.issue_kinds)
    return _with_extras(st.one_of([by_kind[k]() for k in kinds]))


# -- single-fault reports ---------------------------------------------------------------------

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
            st.lists(_json_values(4), max_size=3),
            _json_scalars(),
            st.just(json.dumps(report)),
        )
    )


def _break_property_ids_required(draw: st.DrawFn, report: Body) -> object:
    return {k: v for k, v in report.items() if k != _PROPERTY_IDS}


def _break_property_ids_array(draw: st.DrawFn, report: Body) -> object:
    bad = draw(st.one_of(st.sampled_from(report[_PROPERTY_IDS]), _non_type(list)))
    return {**report, _PROPERTY_IDS: bad}


def _break_property_ids_min_items(draw: st.DrawFn, report: Body) -> object:
    broken = {**report, _PROPERTY_IDS: []}
    if report[_ISSUE_KIND] == _CLUSTERING:
        # keep D2's count satisfied by classifiedIds alone
        classified = list(report.get(_CLASSIFIED_IDS, []))
        missing = CONTRACT.clustering_min_targets - len(classified)
        broken[_CLASSIFIED_IDS] = classified + draw(_uuid_lists(max(missing, 0)))
    return broken


def _break_property_ids_uuid(draw: st.DrawFn, report: Body) -> object:
    bad = draw(_non_uuid_values())
    return {**report, _PROPERTY_IDS: _replace_item(draw, report[_PROPERTY_IDS], bad)}


def _break_issue_kind_required(draw: st.DrawFn, report: Body) -> object:
    return {k: v for k, v in report.items() if k != _ISSUE_KIND}


def _break_issue_kind_enum(draw: st.DrawFn, report: Body) -> object:
    kind = report[_ISSUE_KIND]
    bad = draw(
        st.one_of(
            st.sampled_from([kind.upper(), kind.capitalize(), f" {kind}", f"{kind}\n", ""]),
            st.text(max_size=12).filter(lambda s: s not in CONTRACT.issue_kinds),
            _non_type(str),
        )
    )
    return {**report, _ISSUE_KIND: bad}


def _break_classified_ids_array(draw: st.DrawFn, report: Body) -> object:
    return {**report, _CLASSIFIED_IDS: draw(_non_type(list))}


def _break_classified_ids_uuid(draw: st.DrawFn, report: Body) -> object:
    bad = draw(_non_uuid_values())
    return {**report, _CLASSIFIED_IDS: _replace_item(draw, report.get(_CLASSIFIED_IDS, []), bad)}


def _break_clustering_action_enum(draw: st.DrawFn, report: Body) -> object:
    actions = CONTRACT.clustering_actions
    bad = draw(
        st.one_of(
            st.sampled_from(actions).flatmap(
                lambda a: st.sampled_from([a.upper(), a.capitalize(), f"{a} ", ""])
            ),
            st.text(max_size=12).filter(lambda s: s not in actions),
            _non_type(str, _NONE_TYPE),
        )
    )
    return {**report, _ACTION: bad}


def _break_comment_string(draw: st.DrawFn, report: Body) -> object:
    return {**report, _COMMENT: draw(_non_type(str))}


def _break_comment_max_length(draw: st.DrawFn, report: Body) -> object:
    return {**report, _COMMENT: draw(_LONGER_THAN_MAX)}


def _break_issue_facets_array(draw: st.DrawFn, report: Body) -> object:
    bad = draw(st.one_of(st.sampled_from(CONTRACT.issue_facets), _non_type(list)))
    return {**report, _FACETS: bad}


def _break_issue_facets_min_items(draw: st.DrawFn, report: Body) -> object:
    return {**report, _FACETS: []}


def _break_issue_facets_enum(draw: st.DrawFn, report: Body) -> object:
    facets = CONTRACT.issue_facets
    bad = draw(
        st.one_of(
            st.sampled_from(facets).flatmap(
                lambda f: st.sampled_from([f.upper(), f.capitalize(), f" {f}"])
            ),
            st.text(max_size=12).filter(lambda s: s not in facets),
            _non_type(str),
        )
    )
    return {**report, _FACETS: _replace_item(draw, report.get(_FACETS, []), bad)}


def _break_data_requires_issue_facets(draw: st.DrawFn, report: Body) -> object:
    return {k: v for k, v in report.items() if k != _FACETS}


def _set_action(draw: st.DrawFn, report: Body) -> object:
    return {**report, _ACTION: draw(st.sampled_from(CONTRACT.clustering_actions))}


def _break_clustering_requires_action(draw: st.DrawFn, report: Body) -> object:
    if draw(st.booleans()):
        return {**report, _ACTION: None}
    return {k: v for k, v in report.items() if k != _ACTION}


def _break_clustering_requires_two_targets(draw: st.DrawFn, report: Body) -> object:
    broken = {**report, _PROPERTY_IDS: report[_PROPERTY_IDS][: CONTRACT.property_ids_min_items]}
    broken.pop(_CLASSIFIED_IDS, None)
    if draw(st.booleans()):
        broken[_CLASSIFIED_IDS] = []
    return broken


def _break_other_requires_comment(draw: st.DrawFn, report: Body) -> object:
    if draw(st.booleans()):
        return {k: v for k, v in report.items() if k != _COMMENT}
    return {**report, _COMMENT: draw(st.text(st.sampled_from(blank_characters()), max_size=6))}


def _break_other_forbids_issue_facets(draw: st.DrawFn, report: Body) -> object:
    return {**report, _FACETS: draw(_facets())}


# rule id -> (kinds whose valid reports it starts from, how to break one)
_BREAKERS: dict[str, tuple[tuple[str, ...], Breaker]] = {
    "body-is-object": (CONTRACT.issue_kinds, _break_body_is_object),
    "property-ids-required": (CONTRACT.issue_kinds, _break_property_ids_required),
    "property-ids-array": (CONTRACT.issue_kinds, _break_property_ids_array),
    "property-ids-min-items": (CONTRACT.issue_kinds, _break_property_ids_min_items),
    "property-ids-uuid": (CONTRACT.issue_kinds, _break_property_ids_uuid),
    "issue-kind-required": (CONTRACT.issue_kinds, _break_issue_kind_required),
    "issue-kind-enum": (CONTRACT.issue_kinds, _break_issue_kind_enum),
    "classified-ids-array": (CONTRACT.issue_kinds, _break_classified_ids_array),
    "classified-ids-uuid": (CONTRACT.issue_kinds, _break_classified_ids_uuid),
    "clustering-action-enum": ((_CLUSTERING,), _break_clustering_action_enum),
    "comment-string": (CONTRACT.issue_kinds, _break_comment_string),
    "comment-max-length": (CONTRACT.issue_kinds, _break_comment_max_length),
    "issue-facets-array": ((_DATA, _CLUSTERING), _break_issue_facets_array),
    "issue-facets-min-items": ((_DATA, _CLUSTERING), _break_issue_facets_min_items),
    "issue-facets-enum": ((_DATA, _CLUSTERING), _break_issue_facets_enum),
    "data-requires-issue-facets": ((_DATA,), _break_data_requires_issue_facets),
    "data-forbids-clustering-action": ((_DATA,), _set_action),
    "clustering-requires-clustering-action": ((_CLUSTERING,), _break_clustering_requires_action),
    "clustering-requires-two-targets": ((_CLUSTERING,), _break_clustering_requires_two_targets),
    "other-requires-comment": ((_OTHER,), _break_other_requires_comment),
    "other-forbids-issue-facets": ((_OTHER,), _break_other_forbids_issue_facets),
    "other-forbids-clustering-action": ((_OTHER,), _set_action),
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
    if rule_id not in _BREAKERS:
        raise NotImplementedError(f"reports_breaking: no strategy breaks rule {rule_id!r} yet")
    kinds, breaker = _BREAKERS[rule_id]
    starts = st.one_of([valid_reports(kind) for kind in kinds])

    @st.composite
    def broken(draw: st.DrawFn) -> object:
        return breaker(draw, draw(starts))

    return broken()


# -- differential bodies ----------------------------------------------------------------------


@st.composite
def _multi_fault_reports(draw: st.DrawFn) -> object:
    """Two breakers applied in turn: bodies that break two or more rules (or, now and then,
    only one when the second fault hides the first)."""
    first, second = draw(
        st.lists(
            st.sampled_from([r for r in _BREAKERS if r != "body-is-object"]),
            min_size=2,
            max_size=2,
            unique=True,
        )
    )
    kinds, breaker = _BREAKERS[first]
    body = breaker(draw, draw(valid_reports(draw(st.sampled_from(kinds)))))
    if isinstance(body, dict):
        body = _BREAKERS[second][1](draw, body) if _fits(second, body) else body
    return body


def _fits(rule_id: str, body: Body) -> bool:
    """Whether a breaker can run on `body`, already broken once, without a type error: some
    breakers read a field they expect to be a (non-empty) list or a string."""

    def is_list(name: str) -> bool:
        return isinstance(body.get(name), list)

    needs: dict[str, Callable[[], bool]] = {
        "property-ids-array": lambda: is_list(_PROPERTY_IDS) and bool(body[_PROPERTY_IDS]),
        "property-ids-uuid": lambda: is_list(_PROPERTY_IDS),
        "property-ids-min-items": lambda: _ISSUE_KIND in body,
        "issue-kind-enum": lambda: isinstance(body.get(_ISSUE_KIND), str),
        "clustering-requires-two-targets": lambda: is_list(_PROPERTY_IDS),
        "classified-ids-uuid": lambda: is_list(_CLASSIFIED_IDS) or _CLASSIFIED_IDS not in body,
        "issue-facets-enum": lambda: is_list(_FACETS) or _FACETS not in body,
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
    if name in (_PROPERTY_IDS, _CLASSIFIED_IDS):
        options.append(st.lists(_non_uuid_values(), min_size=1, max_size=1))
        options.append(uuids().map(lambda u: [u, "\ud800"]))
    if name == _COMMENT:
        look_alikes = st.sampled_from(whitespace_look_alikes())
        options += [look_alikes, look_alikes, st.sampled_from(blank_characters())]
        options.append(st.text(st.sampled_from(blank_characters()), min_size=1, max_size=3))
        options.append(st.just("a\ud800"))
    if name == _ISSUE_KIND:
        variants = [k.capitalize() for k in CONTRACT.issue_kinds]
        options.append(st.sampled_from(variants + [f"{k}\n" for k in CONTRACT.issue_kinds]))
    return st.one_of(options)


@st.composite
def _edge_bodies(draw: st.DrawFn) -> object:
    """Valid reports with one field set to a value where implementations often disagree:
    booleans and floats for arrays or strings, UUID look-alikes, look-alike whitespace
    comments, lone surrogates, enum values in other cases."""
    report = dict(draw(valid_reports()))
    name = draw(st.sampled_from([_COMMENT, _PROPERTY_IDS, _CLASSIFIED_IDS, _ISSUE_KIND, *_FIELDS]))
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
        (3, st.one_of([reports_breaking(rule_id) for rule_id in _BREAKERS])),
        (2, _edge_bodies()),
        (1, _multi_fault_reports()),
        (1, st.one_of(_json_values(), st.dictionaries(st.sampled_from(_FIELDS), _json_values(4)))),
    ]
    slots = [strategy for weight, strategy in parts for _ in range(weight)]

    @st.composite
    def mixed(draw: st.DrawFn) -> object:
        return draw(slots[draw(st.integers(min_value=0, max_value=len(slots) - 1))])

    return mixed()


# -- deterministic boundary cases ------------------------------------------------------------


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
        found.setdefault(value[_ISSUE_KIND], dict(value))
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
    data, clustering, other = ex[_DATA], ex[_CLUSTERING], ex[_OTHER]
    pid = data[_PROPERTY_IDS][0]
    cid = _fixed_uuid(0x1C0DE)
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
        {**_without(data, _PROPERTY_IDS), _CLASSIFIED_IDS: [pid]},
        "property-ids-required",
    )
    add("data-no-property-ids", _without(data, _PROPERTY_IDS), "property-ids-required")
    add("data-property-ids-null", {**data, _PROPERTY_IDS: None}, "property-ids-array")
    add("data-property-ids-string", {**data, _PROPERTY_IDS: pid}, "property-ids-array")
    add("data-property-ids-empty", {**data, _PROPERTY_IDS: []}, "property-ids-min-items")
    add(
        "clustering-property-ids-empty-classified-two",
        {**clustering, _PROPERTY_IDS: [], _CLASSIFIED_IDS: [cid, _fixed_uuid(2)]},
        "property-ids-min-items",
    )
    # D7 UUIDs
    accepted = {
        "uppercase": pid.upper(),
        "nil": _NIL,
        "v1": _fixed_uuid(0xABCDEF, 1),
        "v7": _fixed_uuid(0x0190F3A1B2C3, 7),
        "no-version-bits": _fixed_uuid(0xFFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF, None),
        "mixed-case": "3C90c3cc-0D44-4b50-8888-8DD25736052A",
    }
    for name, value in accepted.items():
        add(f"property-ids-uuid-{name}-accepted", {**data, _PROPERTY_IDS: [value]}, None)
        add(f"classified-ids-uuid-{name}-accepted", {**data, _CLASSIFIED_IDS: [value]}, None)
    for name, value in uuid_look_alikes(pid):
        add(
            f"property-ids-uuid-{name}-rejected",
            {**data, _PROPERTY_IDS: [value]},
            "property-ids-uuid",
        )
        add(
            f"classified-ids-uuid-{name}-rejected",
            {**data, _CLASSIFIED_IDS: [cid, value]},
            "classified-ids-uuid",
        )
    for name, value in {"int": 1, "bool": True, "null": None, "object": {"id": pid}}.items():
        add(f"property-ids-item-{name}", {**data, _PROPERTY_IDS: [pid, value]}, "property-ids-uuid")
    # issueKind
    add("no-issue-kind", _without(data, _ISSUE_KIND), "issue-kind-required")
    for kind in CONTRACT.issue_kinds:
        for variant in (kind.capitalize(), kind.upper()):
            add(f"issue-kind-{variant}", {**ex[kind], _ISSUE_KIND: variant}, "issue-kind-enum")
    add("issue-kind-null", {**data, _ISSUE_KIND: None}, "issue-kind-enum")
    add("issue-kind-int", {**data, _ISSUE_KIND: 1}, "issue-kind-enum")
    # classifiedIds (D9)
    add("data-classified-ids-empty", {**data, _CLASSIFIED_IDS: []}, None)
    add("data-classified-ids-null", {**data, _CLASSIFIED_IDS: None}, "classified-ids-array")
    add("other-classified-ids-string", {**other, _CLASSIFIED_IDS: cid}, "classified-ids-array")
    # clusteringAction (D3)
    add("data-clustering-action-null", {**data, _ACTION: None}, None)
    add("other-clustering-action-null", {**other, _ACTION: None}, None)
    for action in CONTRACT.clustering_actions:
        add(f"clustering-action-{action}", {**clustering, _ACTION: action}, None)
        add(
            f"data-clustering-action-{action}",
            {**data, _ACTION: action},
            "data-forbids-clustering-action",
        )
        add(
            f"other-clustering-action-{action}",
            {**other, _ACTION: action},
            "other-forbids-clustering-action",
        )
        for variant in (action.upper(), action.capitalize()):
            add(
                f"clustering-action-{variant}",
                {**clustering, _ACTION: variant},
                "clustering-action-enum",
            )
    add("clustering-action-int", {**clustering, _ACTION: 1}, "clustering-action-enum")
    add(
        "clustering-no-clustering-action",
        _without(clustering, _ACTION),
        "clustering-requires-clustering-action",
    )
    add(
        "clustering-clustering-action-null",
        {**clustering, _ACTION: None},
        "clustering-requires-clustering-action",
    )
    # D1/D2 targets
    one = {**clustering, _PROPERTY_IDS: [pid]}
    add("clustering-one-target", _without(one, _CLASSIFIED_IDS), "clustering-requires-two-targets")
    add(
        "clustering-one-target-classified-empty",
        {**one, _CLASSIFIED_IDS: []},
        "clustering-requires-two-targets",
    )
    add(
        "clustering-two-property-ids",
        {**_without(one, _CLASSIFIED_IDS), _PROPERTY_IDS: [pid, cid]},
        None,
    )
    add("clustering-targets-split", {**one, _CLASSIFIED_IDS: [cid]}, None)
    add(
        "clustering-duplicate-property-ids",
        {**_without(one, _CLASSIFIED_IDS), _PROPERTY_IDS: [pid, pid]},
        None,
    )
    add("clustering-duplicate-across-arrays", {**one, _CLASSIFIED_IDS: [pid]}, None)
    add(
        "clustering-with-issue-facets",
        {**clustering, _FACETS: list(CONTRACT.issue_facets[:1])},
        None,
    )
    # comment (D6, D9)
    for unit_name, unit in (("ascii", "a"), ("astral", "\U0001f600"), ("bmp", "\u00e9")):
        for kind in CONTRACT.issue_kinds:
            add(f"{kind}-comment-{_MAX}-{unit_name}", {**ex[kind], _COMMENT: unit * _MAX}, None)
            add(
                f"{kind}-comment-{_MAX + 1}-{unit_name}",
                {**ex[kind], _COMMENT: unit * (_MAX + 1)},
                "comment-max-length",
            )
    add("data-comment-empty", {**data, _COMMENT: ""}, None)
    add("clustering-comment-blank", {**clustering, _COMMENT: "  \t"}, None)
    for kind in CONTRACT.issue_kinds:
        add(f"{kind}-comment-null", {**ex[kind], _COMMENT: None}, "comment-string")
    add("data-comment-int", {**data, _COMMENT: 1}, "comment-string")
    add("other-comment-list", {**other, _COMMENT: ["x"]}, "comment-string")
    # D5 blank comments for other
    add("other-no-comment", _without(other, _COMMENT), "other-requires-comment")
    add("other-comment-empty", {**other, _COMMENT: ""}, "other-requires-comment")
    for char in sorted(blank_characters(), key=_commonly_missed_first):
        add(
            f"other-comment-blank-{_char_name(char)}",
            {**other, _COMMENT: char},
            "other-requires-comment",
        )
    add(
        "other-comment-all-blanks",
        {**other, _COMMENT: "".join(blank_characters())},
        "other-requires-comment",
    )
    for char in whitespace_look_alikes():
        add(f"other-comment-look-alike-{_char_name(char)}", {**other, _COMMENT: char}, None)
    add("other-comment-blanks-around-x", {**other, _COMMENT: " \u3000x\ufeff "}, None)
    # issueFacets (D4)
    add("data-no-issue-facets", _without(data, _FACETS), "data-requires-issue-facets")
    add("data-issue-facets-null", {**data, _FACETS: None}, "issue-facets-array")
    add(
        "data-issue-facets-string",
        {**data, _FACETS: CONTRACT.issue_facets[0]},
        "issue-facets-array",
    )
    add("data-issue-facets-empty", {**data, _FACETS: []}, "issue-facets-min-items")
    add("data-all-issue-facets-duplicated", {**data, _FACETS: [*CONTRACT.issue_facets] * 2}, None)
    for facet in CONTRACT.issue_facets:
        add(f"data-issue-facet-{facet}", {**data, _FACETS: [facet]}, None)
        add(
            f"data-issue-facet-{facet.capitalize()}",
            {**data, _FACETS: [facet.capitalize()]},
            "issue-facets-enum",
        )
    add(
        "other-issue-facets",
        {**other, _FACETS: list(CONTRACT.issue_facets[:1])},
        "other-forbids-issue-facets",
    )
    add("clustering-issue-facets-empty", {**clustering, _FACETS: []}, "issue-facets-min-items")
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
