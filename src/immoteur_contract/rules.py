"""The documented rules of an issue report, one small check per rule id of the spec's `x-rules`.

Each check is a function of the decoded JSON object that returns `(key, message)` pairs, one per
place the rule is broken; keys are Laravel-style field keys (`propertyIds`, `propertyIds.2`).
Statements, fields, enums and limits come from the spec (`spec.load_contract`); the logic is
proven equal to the spec's JSON Schema by a differential test over generated bodies
(tests/test_rules.py), so this is the one executable copy of the rules, shared by the reference
server, the strategies and the client facade.

This module imports nothing web-related.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .spec import SPEC_PATH, SpecMismatchError, load_contract

__all__ = [
    "CONTRACT",
    "RULES",
    "Check",
    "Rule",
    "RuleSet",
    "RuleViolation",
    "is_blank",
    "is_uuid",
]

CONTRACT = load_contract()

Body = Mapping[str, Any]
Check = Callable[[Body], Iterable[tuple[str, str]]]
"""A rule's check: gives `(field key, message)` for each place the body breaks the rule (the
contract's checks return a tuple; any iterable will do, a generator included)."""

Breaks = tuple[tuple[str, str], ...]
"""What the contract's checks return: the places broken, `()` when the body keeps the rule.
Tuples, not generators: the server runs every check on every request, and a generator's set-up
and teardown were two thirds of the checks' cost."""

_KEEPS: Breaks = ()


def _breaks(key: str, message: str) -> Breaks:
    return ((key, message),)


@dataclass(frozen=True)
class RuleViolation:
    """One place where a body breaks a rule."""

    rule_id: str
    key: str
    message: str


@dataclass(frozen=True)
class Rule:
    """A documented rule: its id, field and statement from the spec, and its check."""

    id: str
    field: str
    statement: str
    check: Check


def is_uuid(value: object) -> bool:
    """True for the hyphenated 8-4-4-4-12 hex form the spec's Uuid schema admits (D7)."""
    return (
        isinstance(value, str)
        and len(value) == CONTRACT.uuid_length
        and CONTRACT.uuid_pattern.search(value) is not None
    )


def is_blank(text: str) -> bool:
    """True when every character is in ECMA-262's `\\s` set (D5), the empty string included."""
    return CONTRACT.non_blank_pattern.search(text) is None


_MISSING: Any = object()
_checks: dict[str, Check] = {}


def _rule(rule_id: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _checks[rule_id] = check  # matched against the spec's x-rules by _contract_rules()
        return check

    return register


def _items_breaking(body: Body, name: str, ok: Callable[[object], bool], message: str) -> Breaks:
    value = body.get(name)
    if isinstance(value, list) and not all(map(ok, value)):
        return tuple(
            (f"{name}.{index}", message) for index, item in enumerate(value) if not ok(item)
        )
    return _KEEPS


# -- the body ---------------------------------------------------------------------------------


@_rule("body-is-object")
def _body_is_object(body: Body) -> Breaks:
    # Applied by RuleSet.violations to bodies that are not objects (see there); an object passes.
    return _KEEPS


# -- propertyIds ------------------------------------------------------------------------------


@_rule("property-ids-required")
def _property_ids_required(body: Body) -> Breaks:
    if "propertyIds" not in body:
        return _breaks("propertyIds", "The propertyIds field is required.")
    return _KEEPS


@_rule("property-ids-array")
def _property_ids_array(body: Body) -> Breaks:
    if "propertyIds" in body and not isinstance(body["propertyIds"], list):
        return _breaks("propertyIds", "The propertyIds field must be an array.")
    return _KEEPS


@_rule("property-ids-min-items")
def _property_ids_min_items(body: Body) -> Breaks:
    value = body.get("propertyIds")
    if isinstance(value, list) and len(value) < CONTRACT.property_ids_min_items:
        return _breaks(
            "propertyIds",
            f"The propertyIds field must have at least {CONTRACT.property_ids_min_items} items.",
        )
    return _KEEPS


@_rule("property-ids-uuid")
def _property_ids_uuid(body: Body) -> Breaks:
    return _items_breaking(body, "propertyIds", is_uuid, "Each propertyIds item must be a UUID.")


# -- issueKind --------------------------------------------------------------------------------


@_rule("issue-kind-required")
def _issue_kind_required(body: Body) -> Breaks:
    if "issueKind" not in body:
        return _breaks("issueKind", "The issueKind field is required.")
    return _KEEPS


@_rule("issue-kind-enum")
def _issue_kind_enum(body: Body) -> Breaks:
    if "issueKind" in body and not _is_one_of(body["issueKind"], CONTRACT.issue_kinds):
        return _breaks(
            "issueKind", f"The issueKind field must be one of: {', '.join(CONTRACT.issue_kinds)}."
        )
    return _KEEPS


# -- classifiedIds ----------------------------------------------------------------------------


@_rule("classified-ids-array")
def _classified_ids_array(body: Body) -> Breaks:
    if "classifiedIds" in body and not isinstance(body["classifiedIds"], list):
        return _breaks("classifiedIds", "The classifiedIds field must be an array.")
    return _KEEPS


@_rule("classified-ids-uuid")
def _classified_ids_uuid(body: Body) -> Breaks:
    return _items_breaking(
        body, "classifiedIds", is_uuid, "Each classifiedIds item must be a UUID."
    )


# -- clusteringAction -------------------------------------------------------------------------
# D3: a null clusteringAction is the same as an absent one, hence `body.get(...) is not None`.


@_rule("clustering-action-enum")
def _clustering_action_enum(body: Body) -> Breaks:
    if body.get("clusteringAction") is not None and not _is_one_of(
        body["clusteringAction"], CONTRACT.clustering_actions
    ):
        return _breaks(
            "clusteringAction",
            f"The clusteringAction field must be one of: {', '.join(CONTRACT.clustering_actions)}"
            " or null.",
        )
    return _KEEPS


# -- comment ----------------------------------------------------------------------------------


@_rule("comment-string")
def _comment_string(body: Body) -> Breaks:
    if "comment" in body and not isinstance(body["comment"], str):
        return _breaks("comment", "The comment field must be a string.")
    return _KEEPS


@_rule("comment-max-length")
def _comment_max_length(body: Body) -> Breaks:
    value = body.get("comment")
    if isinstance(value, str) and len(value) > CONTRACT.comment_max_length:
        return _breaks(
            "comment",
            f"The comment field must not be longer than {CONTRACT.comment_max_length} characters.",
        )
    return _KEEPS


# -- issueFacets ------------------------------------------------------------------------------


@_rule("issue-facets-array")
def _issue_facets_array(body: Body) -> Breaks:
    if "issueFacets" in body and not isinstance(body["issueFacets"], list):
        return _breaks("issueFacets", "The issueFacets field must be an array.")
    return _KEEPS


@_rule("issue-facets-min-items")
def _issue_facets_min_items(body: Body) -> Breaks:
    value = body.get("issueFacets")
    if isinstance(value, list) and len(value) < CONTRACT.issue_facets_min_items:
        return _breaks(
            "issueFacets",
            f"The issueFacets field must have at least {CONTRACT.issue_facets_min_items} items.",
        )
    return _KEEPS


@_rule("issue-facets-enum")
def _issue_facets_enum(body: Body) -> Breaks:
    return _items_breaking(body, "issueFacets", _is_facet, _FACETS_MESSAGE)


_is_facet: Callable[[object], bool] = CONTRACT.issue_facets.__contains__
"""`_is_one_of(item, CONTRACT.issue_facets)` at C speed: a JSON value that is not a string never
equals one, and a tuple compares rather than hashes (so lists and objects are simply absent)."""
_FACETS_MESSAGE = f"Each issueFacets item must be one of: {', '.join(CONTRACT.issue_facets)}."


# -- conditional rules ------------------------------------------------------------------------


@_rule("data-requires-issue-facets")
def _data_requires_issue_facets(body: Body) -> Breaks:
    if body.get("issueKind") == "data" and "issueFacets" not in body:
        return _breaks("issueFacets", "The issueFacets field is required when issueKind is data.")
    return _KEEPS


@_rule("data-forbids-clustering-action")
def _data_forbids_clustering_action(body: Body) -> Breaks:
    if body.get("issueKind") == "data" and body.get("clusteringAction") is not None:
        return _breaks(
            "clusteringAction", "The clusteringAction field must be absent or null for data."
        )
    return _KEEPS


@_rule("clustering-requires-clustering-action")
def _clustering_requires_clustering_action(body: Body) -> Breaks:
    if body.get("issueKind") == "clustering" and body.get("clusteringAction") is None:
        return _breaks(
            "clusteringAction",
            "The clusteringAction field is required when issueKind is clustering.",
        )
    return _KEEPS


@_rule("clustering-requires-two-targets")
def _clustering_requires_two_targets(body: Body) -> Breaks:
    if body.get("issueKind") != "clustering":
        return _KEEPS
    property_ids = body.get("propertyIds", _MISSING)
    classified_ids = body.get("classifiedIds", [])
    if not (isinstance(property_ids, list) and isinstance(classified_ids, list)):
        return _KEEPS  # a type rule speaks for this body (D2 counts arrays as sent)
    if len(property_ids) + len(classified_ids) < CONTRACT.clustering_min_targets:
        return _breaks(
            "propertyIds",
            f"A clustering report needs at least {CONTRACT.clustering_min_targets} targets"
            " across propertyIds and classifiedIds.",
        )
    return _KEEPS


@_rule("other-requires-comment")
def _other_requires_comment(body: Body) -> Breaks:
    if body.get("issueKind") != "other":
        return _KEEPS
    comment = body.get("comment", _MISSING)
    if comment is _MISSING or (isinstance(comment, str) and is_blank(comment)):
        return _breaks("comment", "The comment field is required and must not be blank for other.")
    return _KEEPS


@_rule("other-forbids-issue-facets")
def _other_forbids_issue_facets(body: Body) -> Breaks:
    if body.get("issueKind") == "other" and "issueFacets" in body:
        return _breaks(
            "issueFacets", "The issueFacets field must be absent when issueKind is other."
        )
    return _KEEPS


@_rule("other-forbids-clustering-action")
def _other_forbids_clustering_action(body: Body) -> Breaks:
    if body.get("issueKind") == "other" and body.get("clusteringAction") is not None:
        return _breaks(
            "clusteringAction", "The clusteringAction field must be absent or null for other."
        )
    return _KEEPS


def _is_one_of(value: object, options: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value in options


# -- the rule set -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """An ordered, immutable set of rules: the contract's, or a deliberately different one.

    `without` and `replacing` exist so that the contract suite's faulty servers can be the
    reference server with exactly one rule changed.
    """

    rules: tuple[Rule, ...]
    _checks: tuple[tuple[str, Check], ...] = field(init=False, repr=False, compare=False)
    """(id, check) of each rule, read once: `violations` runs on every request the server gets."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_checks", tuple((rule.id, rule.check) for rule in self.rules))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id!r}; known: {', '.join(self.ids)}")

    def without(self, rule_id: str) -> RuleSet:
        """This set with the rule `rule_id` not enforced."""
        self[rule_id]
        return RuleSet(tuple(rule for rule in self.rules if rule.id != rule_id))

    def replacing(self, rule_id: str, check: Check) -> RuleSet:
        """This set with the check of `rule_id` swapped for `check`."""
        self[rule_id]
        return RuleSet(tuple(replace(r, check=check) if r.id == rule_id else r for r in self.rules))

    def violations(self, body: object) -> list[RuleViolation]:
        """Every violation of the body, in rule order; empty when the body is valid.

        A body that is not a JSON object breaks `body-is-object`, reported under each required
        field, as a Laravel server reports input it cannot read as fields.
        """
        if not isinstance(body, dict):
            if "body-is-object" not in self.ids:
                return []
            message = "The request body must be a JSON object."
            return [
                RuleViolation("body-is-object", name, message) for name in CONTRACT.required_fields
            ]
        found: list[RuleViolation] = []
        for rule_id, check in self._checks:
            broken = check(body)
            if broken:  # () when kept; a check written as a generator is always truthy
                found.extend(
                    RuleViolation(rule_id, key, f"{message} [{rule_id}]") for key, message in broken
                )
        return found

    def is_valid(self, body: object) -> bool:
        """True when the body breaks no rule of this set."""
        return not self.violations(body)


# Keywords that describe a property without constraining it (a field with only these needs no rule).
_ANNOTATIONS = frozenset({"title", "description", "examples", "deprecated", "$comment"})


def _contract_rules() -> RuleSet:
    """The spec's x-rules, each with its check; one line naming what to write when they differ."""
    spec = SPEC_PATH.name
    for statement in CONTRACT.rules:
        if statement.id not in _checks:
            raise SpecMismatchError(
                f"{spec}: x-rules has {statement.id!r} but rules.py has no check for it: write one"
                f' with @_rule("{statement.id}") in src/immoteur_contract/rules.py'
            )
    named = {statement.field for statement in CONTRACT.rules}
    for name, schema in CONTRACT.schema(CONTRACT.request_schema_name)["properties"].items():
        if name not in named and set(schema) - _ANNOTATIONS:
            raise SpecMismatchError(
                f"{spec}: request field {name!r} has constraints but no x-rules entry names it:"
                f" state its rules in x-rules (id, field: {name}, statement) and write a check"
                " for each in src/immoteur_contract/rules.py"
            )
    stated = {statement.id for statement in CONTRACT.rules}
    for rule_id in _checks:
        if rule_id not in stated:
            raise SpecMismatchError(
                f"rules.py has a check for {rule_id!r} but {spec}'s x-rules does not state it:"
                " remove the check from src/immoteur_contract/rules.py (or restore the rule)"
            )
    return RuleSet(
        tuple(
            Rule(id=s.id, field=s.field, statement=s.statement, check=_checks[s.id])
            for s in CONTRACT.rules
        )
    )


RULES = _contract_rules()
"""The contract's rules, in the spec's order."""
