"""Faulty servers that read the UUID of a target differently from the spec (D7)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

from ...rules import RULES, Check, RuleSet
from ..bodies import PROPERTY_ID, example
from .making import (
    Body,
    accept,
    first_items_only,
    reject,
    rule_fault,
)


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
    accept(example("data", propertyIds=["3c90c3cc-0d44-1b50-8888-8dd25736052a"])),
)
def _uuid_v4() -> RuleSet:
    return _uuid_rule(_matches(_V4, re.IGNORECASE))


@rule_fault(
    "uuid_lowercase_only",
    "only lower-case UUIDs are accepted (D7: either case)",
    accept(example("data", propertyIds=[PROPERTY_ID.upper()])),
)
def _uuid_lower() -> RuleSet:
    return _uuid_rule(_matches(_LOWER))


@rule_fault(
    "uuid_nil_rejected",
    "the nil UUID 00000000-0000-0000-0000-000000000000 is rejected (D7: nil included)",
    accept(example("data", propertyIds=[_NIL])),
)
def _uuid_nil() -> RuleSet:
    return _uuid_rule(lambda value: _matches(_LOWER, re.IGNORECASE)(value) and value != _NIL)


@rule_fault(
    "uuid_python_parser",
    "UUIDs are checked with Python's uuid.UUID, which also takes braces, urn:uuid: and no hyphens",
    reject(example("data", propertyIds=["{" + PROPERTY_ID + "}"])),
)
def _uuid_python() -> RuleSet:
    return _uuid_rule(_python_uuid)


@rule_fault(
    "uuid_trailing_newline_accepted",
    "UUIDs are matched with Python's ^...$ and no length check, so a trailing newline passes",
    reject(example("data", propertyIds=[PROPERTY_ID + "\n"])),
)
def _uuid_newline() -> RuleSet:
    return _uuid_rule(_matches(_LOWER, re.IGNORECASE, whole=False))


@rule_fault(
    "classified_ids_items_unchecked",
    "classifiedIds items are not checked to be UUIDs",
    reject(example("data", classifiedIds=["not-a-uuid"])),
)
def _classified_unchecked() -> RuleSet:
    return RULES.without("classified-ids-uuid")


_CHECKED_ITEMS = 20


@rule_fault(
    "uuid_items_checked_up_to_20",
    f"only the first {_CHECKED_ITEMS} items of propertyIds and classifiedIds are checked to be "
    "UUIDs (a sample, or a loop with a bound)",
    reject(example("data", propertyIds=[PROPERTY_ID] * _CHECKED_ITEMS + ["not-a-uuid"])),
)
def _uuid_first_items() -> RuleSet:
    return RULES.replacing(
        "property-ids-uuid", first_items_only("property-ids-uuid", "propertyIds", _CHECKED_ITEMS)
    ).replacing(
        "classified-ids-uuid",
        first_items_only("classified-ids-uuid", "classifiedIds", _CHECKED_ITEMS),
    )
