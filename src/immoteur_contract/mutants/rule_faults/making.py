"""How a rule fault is made: the `rule_fault` decorator that registers the reference server
enforcing a different rule set, the witnesses, the transforms a normalizing server applies, and
the contract's values the faults are written with."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from ...rules import CONTRACT, RULES, Check, RuleSet
from ...server import ServerSettings, create_app
from ...server.asgi import ASGIApp
from ..registry import FaultyServer, Witness, register

__all__ = [
    "ACTION",
    "COMMENT_MAX_LENGTH",
    "FACET",
    "MIN_TARGETS",
    "Body",
    "accept",
    "first_items_only",
    "kind_of",
    "lower",
    "mapped",
    "reject",
    "rule_fault",
    "seen_as",
]

Body = Mapping[str, Any]
COMMENT_MAX_LENGTH = CONTRACT.comment_max_length
MIN_TARGETS = CONTRACT.clustering_min_targets
FACET = CONTRACT.issue_facets[0]
ACTION = CONTRACT.clustering_actions[0]


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


def reject(body: dict[str, Any]) -> Witness:
    """A witness body the contract rejects (the faulty server accepts it)."""
    return Witness(json=body, expect=(422,))


def accept(body: dict[str, Any]) -> Witness:
    """A witness body the contract accepts (the faulty server rejects it)."""
    return Witness(json=body, expect=(201,))


def kind_of(body: Body) -> object:
    return body.get("issueKind")


def seen_as(transform: Callable[[Body], Body]) -> RuleSet:
    """The contract's rules applied to `transform(body)`: a server normalizing before it checks."""

    def wrap(check: Check) -> Check:
        def checked(body: Body) -> Iterator[tuple[str, str]]:
            yield from check(transform(body))

        return checked

    return RuleSet(tuple(replace(rule, check=wrap(rule.check)) for rule in RULES))


def mapped(name: str, change: Callable[[Any], Any]) -> Callable[[Body], Body]:
    """A transform applying `change` to field `name` when present."""

    def transform(body: Body) -> Body:
        if name not in body:
            return body
        return {**body, name: change(body[name])}

    return transform


def lower(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list):
        return [item.lower() if isinstance(item, str) else item for item in value]
    return value


def first_items_only(rule_id: str, name: str, count: int) -> Check:
    """The contract's check of `rule_id` on the first `count` items of array `name` only."""
    contract = RULES[rule_id].check

    def check(body: Body) -> Iterator[tuple[str, str]]:
        value = body.get(name)
        yield from contract({**body, name: value[:count]} if isinstance(value, list) else body)

    return check
