"""Faulty servers that enforce a different rule set: a rule dropped, altered, or one added.

Each is the reference server (`create_app`) given `RULES.without(...)`, `RULES.replacing(...)`,
an extra rule, or the contract's rules applied to a normalized body (how a server that rewrites
input before validating it behaves). Every one is a misreading of the documentation page that
an implementer could plausibly make; the witness is the smallest body that tells it apart.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..rules import CONTRACT, RULES, Check, Rule, RuleSet, is_blank
from ..server import ServerSettings, create_app
from ..server.asgi import ASGIApp
from .bodies import ABSENT, CLASSIFIED_ID, PROPERTY_ID, example
from .registry import FaultyServer, Witness, register

__all__ = ["rule_fault"]

Body = Mapping[str, Any]
_MAX = CONTRACT.comment_max_length
_MIN_TARGETS = CONTRACT.clustering_min_targets
_FACET = CONTRACT.issue_facets[0]
_ACTION = CONTRACT.clustering_actions[0]


def _serve(rules: RuleSet, token: str) -> ASGIApp:
    """The reference server accepting `token` and enforcing `rules` instead of RULES."""
    return create_app(ServerSettings(token=token), rules=rules)


def rule_fault(
    name: str, divergence: str, witness: Witness
) -> Callable[[Callable[[], RuleSet]], Callable[[], RuleSet]]:
    """Register the reference server enforcing the rule set the decorated function returns."""

    def decorate(make: Callable[[], RuleSet]) -> Callable[[], RuleSet]:
        rules = make()
        if rules == RULES:
            raise ValueError(f"{name}: the rule set is the contract's")
        register(FaultyServer(name, divergence, "rule", functools.partial(_serve, rules), witness))
        return make

    return decorate


def _reject(body: dict[str, Any]) -> Witness:
    """A witness body the contract rejects (the faulty server accepts it)."""
    return Witness(json=body, expect=(422,))


def _accept(body: dict[str, Any]) -> Witness:
    """A witness body the contract accepts (the faulty server rejects it)."""
    return Witness(json=body, expect=(201,))


def _kind(body: Body) -> object:
    return body.get("issueKind")


def _seen_as(transform: Callable[[Body], Body]) -> RuleSet:
    """The contract's rules applied to `transform(body)`: a server normalizing before it checks."""

    def wrap(check: Check) -> Check:
        def checked(body: Body) -> Iterator[tuple[str, str]]:
            yield from check(transform(body))

        return checked

    return RuleSet(tuple(replace(rule, check=wrap(rule.check)) for rule in RULES))


def _mapped(name: str, change: Callable[[Any], Any]) -> Callable[[Body], Body]:
    """A transform applying `change` to field `name` when present."""

    def transform(body: Body) -> Body:
        if name not in body:
            return body
        return {**body, name: change(body[name])}

    return transform


def _lower(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list):
        return [item.lower() if isinstance(item, str) else item for item in value]
    return value


# -- each conditional rule, not enforced ------------------------------------------------------


@rule_fault(
    "data_without_facets_accepted",
    "a data report without issueFacets is accepted (data-requires-issue-facets not enforced)",
    _reject(example("data", issueFacets=ABSENT)),
)
def _data_without_facets() -> RuleSet:
    return RULES.without("data-requires-issue-facets")


@rule_fault(
    "data_with_clustering_action_accepted",
    "a data report with clusteringAction merge is accepted (data-forbids-clustering-action off)",
    _reject(example("data", clusteringAction=_ACTION)),
)
def _data_with_action() -> RuleSet:
    return RULES.without("data-forbids-clustering-action")


@rule_fault(
    "clustering_without_action_accepted",
    "a clustering report without clusteringAction is accepted",
    _reject(example("clustering", clusteringAction=ABSENT)),
)
def _clustering_without_action() -> RuleSet:
    return RULES.without("clustering-requires-clustering-action")


@rule_fault(
    "clustering_with_one_target_accepted",
    "a clustering report with a single target is accepted (two-target rule not enforced)",
    _reject(example("clustering", classifiedIds=ABSENT)),
)
def _clustering_one_target() -> RuleSet:
    return RULES.without("clustering-requires-two-targets")


@rule_fault(
    "other_without_comment_accepted",
    "an other report without a comment is accepted (other-requires-comment not enforced)",
    _reject(example("other", comment=ABSENT)),
)
def _other_without_comment() -> RuleSet:
    return RULES.without("other-requires-comment")


@rule_fault(
    "other_with_facets_accepted",
    "an other report with issueFacets is accepted (other-forbids-issue-facets not enforced)",
    _reject(example("other", issueFacets=[_FACET])),
)
def _other_with_facets() -> RuleSet:
    return RULES.without("other-forbids-issue-facets")


@rule_fault(
    "other_with_clustering_action_accepted",
    "an other report with clusteringAction merge is accepted (other-forbids-clustering-action off)",
    _reject(example("other", clusteringAction=_ACTION)),
)
def _other_with_action() -> RuleSet:
    return RULES.without("other-forbids-clustering-action")


# -- limits off by one, or counted in the wrong unit ------------------------------------------


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
    f"comment is limited to {_MAX - 1} code points, not {_MAX}",
    _accept(example("data", comment="a" * _MAX)),
)
def _comment_max_below() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(len, _MAX - 1))


@rule_fault(
    "comment_max_4001",
    f"comment is limited to {_MAX + 1} code points, not {_MAX}",
    _reject(example("data", comment="a" * (_MAX + 1))),
)
def _comment_max_above() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(len, _MAX + 1))


@rule_fault(
    "comment_length_in_utf16_units",
    "comment length is counted in UTF-16 units (an astral character counts 2), not code points",
    _accept(example("data", comment="a" * (_MAX - 1) + "\U0001f3e0")),
)
def _comment_utf16() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(_utf16_units, _MAX))


@rule_fault(
    "comment_length_in_utf8_bytes",
    "comment length is counted in UTF-8 bytes, not code points",
    _accept(example("data", comment="\u00e9" * (_MAX // 2 + 1))),
)
def _comment_utf8() -> RuleSet:
    return RULES.replacing("comment-max-length", _comment_length(_utf8_bytes, _MAX))


def _targets(count: Callable[[list[Any], list[Any]], int], needed: int) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if _kind(body) != "clustering":
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
    f"a clustering report needs {_MIN_TARGETS + 1} targets, not {_MIN_TARGETS}",
    _accept(example("clustering")),
)
def _clustering_three() -> RuleSet:
    return RULES.replacing(
        "clustering-requires-two-targets",
        _targets(lambda p, c: len(p) + len(c), _MIN_TARGETS + 1),
    )


@rule_fault(
    "clustering_counts_property_ids_only",
    "clustering targets are counted in propertyIds only; classifiedIds are ignored",
    _accept(example("clustering")),
)
def _clustering_property_only() -> RuleSet:
    return RULES.replacing(
        "clustering-requires-two-targets", _targets(lambda p, c: len(p), _MIN_TARGETS)
    )


@rule_fault(
    "clustering_counts_distinct_ids",
    "clustering targets are counted as distinct ids, so a repeated id counts once (D2: it counts)",
    _accept(example("clustering", propertyIds=[PROPERTY_ID, PROPERTY_ID], classifiedIds=ABSENT)),
)
def _clustering_distinct() -> RuleSet:
    return RULES.replacing(
        "clustering-requires-two-targets",
        _targets(lambda p, c: len({repr(item) for item in p + c}), _MIN_TARGETS),
    )


# -- the blank check of an other report's comment ---------------------------------------------


def _other_comment(blank: Callable[[str], bool]) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if _kind(body) != "other":
            return
        comment = body.get("comment")
        if "comment" not in body or (isinstance(comment, str) and blank(comment)):
            yield "comment", "The comment field is required when issueKind is other."

    return check


@rule_fault(
    "blank_check_ascii_only",
    'only " \\t\\n\\r" count as blank, so an other comment of just U+00A0 is accepted',
    _reject(example("other", comment="\u00a0")),
)
def _blank_ascii() -> RuleSet:
    return RULES.replacing(
        "other-requires-comment", _other_comment(lambda s: not s.strip(" \t\n\r"))
    )


@rule_fault(
    "blank_check_python_isspace",
    "blank means Python str.isspace, so an other comment of just U+001C is rejected",
    _accept(example("other", comment="\u001c")),
)
def _blank_isspace() -> RuleSet:
    return RULES.replacing("other-requires-comment", _other_comment(lambda s: not s.strip()))


@rule_fault(
    "blank_check_php_trim",
    'blank means PHP trim() (" \\t\\n\\r\\0\\x0B"), so an other comment of just U+0000 is rejected',
    _accept(example("other", comment="\u0000")),
)
def _blank_php_trim() -> RuleSet:
    return RULES.replacing(
        "other-requires-comment", _other_comment(lambda s: not s.strip(" \t\n\r\0\x0b"))
    )


@rule_fault(
    "other_blank_comment_accepted",
    "an other report's comment is only required to be present, so a blank comment is accepted",
    _reject(example("other", comment="   ")),
)
def _other_blank() -> RuleSet:
    return RULES.replacing("other-requires-comment", _other_comment(lambda s: False))


def _made_of(blank: Callable[[str], bool]) -> Callable[[str], bool]:
    """A blank check: every character of the string is `blank` (the empty string included)."""
    return lambda text: all(blank(char) for char in text)


@rule_fault(
    "blank_check_unicode_white_space",
    "blank means Unicode White_Space (Go's unicode.IsSpace, Rust, .NET), which lacks U+FEFF, so an "
    "other comment of just U+FEFF is accepted",
    _reject(example("other", comment="\ufeff")),
)
def _blank_white_space() -> RuleSet:
    def white_space(char: str) -> bool:
        return (is_blank(char) and char != "\ufeff") or char == "\x85"

    return RULES.replacing("other-requires-comment", _other_comment(_made_of(white_space)))


@rule_fault(
    "blank_check_java_is_whitespace",
    "blank means Java's Character.isWhitespace, which lacks the no-break spaces, so an other "
    "comment of just U+00A0 is accepted",
    _reject(example("other", comment="\u00a0")),
)
def _blank_java() -> RuleSet:
    def java(char: str) -> bool:
        return (
            is_blank(char) and char not in "\u00a0\u2007\u202f\ufeff"
        ) or char in "\x1c\x1d\x1e\x1f"

    return RULES.replacing("other-requires-comment", _other_comment(_made_of(java)))


@rule_fault(
    "blank_check_without_line_separators",
    "the blank class is written out by hand without U+2028 and U+2029, so an other comment of "
    "just U+2028 is accepted",
    _reject(example("other", comment="\u2028")),
)
def _blank_without_separators() -> RuleSet:
    def blank(char: str) -> bool:
        return is_blank(char) and char not in "\u2028\u2029"

    return RULES.replacing("other-requires-comment", _other_comment(_made_of(blank)))


# -- UUIDs ------------------------------------------------------------------------------------


def _uuid_items(name: str, ok: Callable[[object], bool]) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        value = body.get(name)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if not ok(item):
                    yield f"{name}.{index}", f"Each {name} item must be a UUID."

    return check


def _uuid_rule(ok: Callable[[object], bool]) -> RuleSet:
    """RULES with one other notion of a UUID, used for both id lists (one helper, as in code)."""
    return RULES.replacing("property-ids-uuid", _uuid_items("propertyIds", ok)).replacing(
        "classified-ids-uuid", _uuid_items("classifiedIds", ok)
    )


def _matches(pattern: str, flags: int = 0, *, whole: bool = True) -> Callable[[object], bool]:
    """A predicate: the value is a string `pattern` matches (the whole string, unless not `whole`,
    when Python's `$` also matches before a final newline)."""
    compiled = re.compile(pattern, flags)
    match = compiled.fullmatch if whole else compiled.match
    return lambda value: isinstance(value, str) and match(value) is not None


_HEX = "[0-9a-f]"
_V4 = f"^{_HEX}{{8}}-{_HEX}{{4}}-4{_HEX}{{3}}-[89ab]{_HEX}{{3}}-{_HEX}{{12}}$"
_LOWER = f"^{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}$"
_NIL = str(uuid.UUID(int=0))


def _python_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@rule_fault(
    "uuid_v4_only",
    "only version-4 UUIDs are accepted (D7: any version or variant)",
    _accept(example("data", propertyIds=["3c90c3cc-0d44-1b50-8888-8dd25736052a"])),
)
def _uuid_v4() -> RuleSet:
    return _uuid_rule(_matches(_V4, re.IGNORECASE))


@rule_fault(
    "uuid_lowercase_only",
    "only lower-case UUIDs are accepted (D7: either case)",
    _accept(example("data", propertyIds=[PROPERTY_ID.upper()])),
)
def _uuid_lower() -> RuleSet:
    return _uuid_rule(_matches(_LOWER))


@rule_fault(
    "uuid_nil_rejected",
    "the nil UUID 00000000-0000-0000-0000-000000000000 is rejected (D7: nil included)",
    _accept(example("data", propertyIds=[_NIL])),
)
def _uuid_nil() -> RuleSet:
    return _uuid_rule(lambda value: _matches(_LOWER, re.IGNORECASE)(value) and value != _NIL)


@rule_fault(
    "uuid_python_parser",
    "UUIDs are checked with Python's uuid.UUID, which also takes braces, urn:uuid: and no hyphens",
    _reject(example("data", propertyIds=["{" + PROPERTY_ID + "}"])),
)
def _uuid_python() -> RuleSet:
    return _uuid_rule(_python_uuid)


@rule_fault(
    "uuid_trailing_newline_accepted",
    "UUIDs are matched with Python's ^...$ and no length check, so a trailing newline passes",
    _reject(example("data", propertyIds=[PROPERTY_ID + "\n"])),
)
def _uuid_newline() -> RuleSet:
    return _uuid_rule(_matches(_LOWER, re.IGNORECASE, whole=False))


@rule_fault(
    "classified_ids_items_unchecked",
    "classifiedIds items are not checked to be UUIDs",
    _reject(example("data", classifiedIds=["not-a-uuid"])),
)
def _classified_unchecked() -> RuleSet:
    return RULES.without("classified-ids-uuid")


_CHECKED_ITEMS = 20


def _first_items_only(rule_id: str, name: str, count: int) -> Check:
    """The contract's check of `rule_id` on the first `count` items of array `name` only."""
    contract = RULES[rule_id].check

    def check(body: Body) -> Iterator[tuple[str, str]]:
        value = body.get(name)
        yield from contract({**body, name: value[:count]} if isinstance(value, list) else body)

    return check


@rule_fault(
    "uuid_items_checked_up_to_20",
    f"only the first {_CHECKED_ITEMS} items of propertyIds and classifiedIds are checked to be "
    "UUIDs (a sample, or a loop with a bound)",
    _reject(example("data", propertyIds=[PROPERTY_ID] * _CHECKED_ITEMS + ["not-a-uuid"])),
)
def _uuid_first_items() -> RuleSet:
    return RULES.replacing(
        "property-ids-uuid", _first_items_only("property-ids-uuid", "propertyIds", _CHECKED_ITEMS)
    ).replacing(
        "classified-ids-uuid",
        _first_items_only("classified-ids-uuid", "classifiedIds", _CHECKED_ITEMS),
    )


# -- enums ------------------------------------------------------------------------------------


@rule_fault(
    "issue_kind_case_insensitive",
    'issueKind is lower-cased before it is checked, so "DATA" is accepted',
    _reject(example("data", issueKind="DATA")),
)
def _kind_case() -> RuleSet:
    return _seen_as(_mapped("issueKind", _lower))


@rule_fault(
    "issue_facets_case_insensitive",
    "issueFacets items are lower-cased before they are checked, so an upper-case facet passes",
    _reject(example("data", issueFacets=[_FACET.upper()])),
)
def _facets_case() -> RuleSet:
    return _seen_as(_mapped("issueFacets", _lower))


@rule_fault(
    "clustering_action_case_insensitive",
    "clusteringAction is lower-cased before it is checked, so an upper-case action passes",
    _reject(example("clustering", clusteringAction=_ACTION.upper())),
)
def _action_case() -> RuleSet:
    return _seen_as(_mapped("clusteringAction", _lower))


@rule_fault(
    "unknown_facet_accepted",
    "issueFacets items are not checked against the documented facets",
    _reject(example("data", issueFacets=["rent"])),
)
def _unknown_facet() -> RuleSet:
    return RULES.without("issue-facets-enum")


@rule_fault(
    "issue_facets_first_item_only",
    "only the first issueFacets item is checked against the documented facets",
    _reject(example("data", issueFacets=[_FACET, "rent"])),
)
def _facets_first_item() -> RuleSet:
    return RULES.replacing(
        "issue-facets-enum", _first_items_only("issue-facets-enum", "issueFacets", 1)
    )


@rule_fault(
    "issue_facets_empty_accepted",
    "issueFacets [] is accepted (minItems 1 not enforced)",
    _reject(example("data", issueFacets=[])),
)
def _facets_empty() -> RuleSet:
    return RULES.without("issue-facets-min-items")


# -- null, empty and absent (D1, D3, D4, D8, D9) ----------------------------------------------


def _forbids_action(kind: str, *, null_too: bool) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if _kind(body) != kind or "clusteringAction" not in body:
            return
        if null_too or body["clusteringAction"] is not None:
            yield "clusteringAction", f"The clusteringAction field is prohibited for {kind}."

    return check


@rule_fault(
    "data_null_clustering_action_rejected",
    "a data report with clusteringAction null is rejected (D3: null means absent)",
    _accept(example("data", clusteringAction=None)),
)
def _data_null_action() -> RuleSet:
    return RULES.replacing("data-forbids-clustering-action", _forbids_action("data", null_too=True))


@rule_fault(
    "other_null_clustering_action_rejected",
    "an other report with clusteringAction null is rejected (D3: null means absent)",
    _accept(example("other", clusteringAction=None)),
)
def _other_null_action() -> RuleSet:
    return RULES.replacing(
        "other-forbids-clustering-action", _forbids_action("other", null_too=True)
    )


def _requires_action_present(body: Body) -> Iterator[tuple[str, str]]:
    if _kind(body) == "clustering" and "clusteringAction" not in body:
        yield "clusteringAction", "The clusteringAction field is required for clustering."


@rule_fault(
    "clustering_null_action_accepted",
    "a clustering report with clusteringAction null is accepted (present counts as given)",
    _reject(example("clustering", clusteringAction=None)),
)
def _clustering_null_action() -> RuleSet:
    return RULES.replacing("clustering-requires-clustering-action", _requires_action_present)


def _array_field(name: str, *, nullable: bool = False, filled: bool = False) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if name not in body:
            return
        value = body[name]
        if value is None and nullable:
            return
        if not isinstance(value, list) or (filled and not value):
            yield name, f"The {name} field must be a non-empty array."

    return check


@rule_fault(
    "classified_ids_empty_rejected",
    "classifiedIds [] is rejected (D9: it may be empty)",
    _accept(example("data", classifiedIds=[])),
)
def _classified_empty() -> RuleSet:
    return RULES.replacing("classified-ids-array", _array_field("classifiedIds", filled=True))


@rule_fault(
    "classified_ids_null_accepted",
    "classifiedIds null is accepted as absent (D9: a type error)",
    _reject(example("data", classifiedIds=None)),
)
def _classified_null() -> RuleSet:
    return RULES.replacing("classified-ids-array", _array_field("classifiedIds", nullable=True))


def _comment_string(*, nullable: bool = False, filled: bool = False) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if "comment" not in body:
            return
        value = body["comment"]
        if value is None and nullable:
            return
        if not isinstance(value, str) or (filled and not value):
            yield "comment", "The comment field must be a string."

    return check


@rule_fault(
    "comment_null_accepted",
    "comment null is accepted as absent (D9: a type error)",
    _reject(example("data", comment=None)),
)
def _comment_null() -> RuleSet:
    return RULES.replacing("comment-string", _comment_string(nullable=True))


def _null_passes_for(kind: str, rule_id: str, name: str) -> Check:
    """The contract's check of `rule_id`, except that `name: null` passes for `kind` (a
    per-kind validator that declares the field nullable)."""
    contract = RULES[rule_id].check

    def check(body: Body) -> Iterator[tuple[str, str]]:
        if _kind(body) == kind and name in body and body[name] is None:
            return
        yield from contract(body)

    return check


@rule_fault(
    "other_null_comment_accepted",
    "an other report with comment null is accepted (its validator has nullable|string; D9)",
    _reject(example("other", comment=None)),
)
def _other_comment_null() -> RuleSet:
    return RULES.replacing("comment-string", _null_passes_for("other", "comment-string", "comment"))


@rule_fault(
    "other_null_classified_ids_accepted",
    "an other report with classifiedIds null is accepted as if absent (D9: a type error)",
    _reject(example("other", classifiedIds=None)),
)
def _other_classified_null() -> RuleSet:
    return RULES.replacing(
        "classified-ids-array", _null_passes_for("other", "classified-ids-array", "classifiedIds")
    )


@rule_fault(
    "empty_comment_rejected",
    'an empty comment "" is rejected, as Laravel\'s ConvertEmptyStringsToNull makes it null (D9)',
    _accept(example("data", comment="")),
)
def _comment_empty() -> RuleSet:
    return RULES.replacing("comment-string", _comment_string(filled=True))


def _no_unknown_fields(body: Body) -> Iterator[tuple[str, str]]:
    for name in body:
        if name not in CONTRACT.request_fields:
            yield name, f"The {name} field is prohibited."


@rule_fault(
    "unknown_fields_rejected",
    "a body with a field the contract does not document is rejected (D8: allowed)",
    _accept(example("data", source="mobile-app")),
)
def _unknown_fields() -> RuleSet:
    extra = Rule(
        id="no-unknown-fields",
        field="",
        statement="Only documented fields may be sent (not a rule of the contract).",
        check=_no_unknown_fields,
    )
    return RuleSet((*RULES.rules, extra))


@rule_fault(
    "property_ids_empty_accepted",
    "propertyIds [] is accepted (minItems 1 not enforced, D1)",
    _reject(example("data", propertyIds=[])),
)
def _property_empty() -> RuleSet:
    return RULES.without("property-ids-min-items")


def _property_ids_or_classified(body: Body) -> Iterator[tuple[str, str]]:
    classified = body.get("classifiedIds")
    if "propertyIds" not in body and not (isinstance(classified, list) and classified):
        yield "propertyIds", "The propertyIds field is required when classifiedIds is empty."


@rule_fault(
    "property_ids_optional_with_classified_ids",
    '"at least one target overall" read as: propertyIds may be left out when classifiedIds is set',
    _reject(example("data", propertyIds=ABSENT, classifiedIds=[CLASSIFIED_ID])),
)
def _property_optional() -> RuleSet:
    return RULES.replacing("property-ids-required", _property_ids_or_classified)


def _drop_null_facets(body: Body) -> Body:
    if "issueFacets" in body and body["issueFacets"] is None:
        return {name: value for name, value in body.items() if name != "issueFacets"}
    return body


@rule_fault(
    "issue_facets_null_as_absent",
    "issueFacets null is read as absent, so an other report with issueFacets null passes (D4)",
    _reject(example("other", issueFacets=None)),
)
def _facets_null() -> RuleSet:
    return _seen_as(_drop_null_facets)


def _php_trim(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip(" \t\n\r\0\x0b")
    if isinstance(value, list):
        return [_php_trim(item) for item in value]
    if isinstance(value, dict):
        return {name: _php_trim(item) for name, item in value.items()}
    return value


@rule_fault(
    "strings_trimmed",
    "strings are trimmed before they are checked (Laravel's TrimStrings), so ' <uuid>' passes (D7)",
    _reject(example("data", propertyIds=[" " + PROPERTY_ID])),
)
def _trimmed() -> RuleSet:
    return _seen_as(_php_trim)


# -- scale: the contract documents no maxItems ------------------------------------------------


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
    _accept(example("data", propertyIds=[PROPERTY_ID] * 11)),
)
def _ten_targets() -> RuleSet:
    return RuleSet((*RULES.rules, _targets_at_most(10, per_array=False)))


@rule_fault(
    "more_than_255_items_per_array_rejected",
    "propertyIds or classifiedIds with more than 255 items is rejected (a one-byte count)",
    _accept(example("data", classifiedIds=[CLASSIFIED_ID] * 256)),
)
def _many_items() -> RuleSet:
    return RuleSet((*RULES.rules, _targets_at_most(255, per_array=True)))
