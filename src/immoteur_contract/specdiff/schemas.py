"""The generic part of `spec-diff`: two JSON Schemas of one request or response body, compared
keyword by keyword, with local `$ref`s followed.

No Python library on PyPI does this for OpenAPI 3.1 with the request/response asymmetry the
classification needs, and the spec is small, so the walk is written here. It knows the keywords
the contract uses (enum, const, type, bounds, pattern, format, required, properties, items,
additionalProperties, anyOf, oneOf, allOf with rule-named conditionals, if/then/else, not);
any other keyword that differs is reported as changed, never ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Change, Direction, Impact

__all__ = ["BodyComparer", "SpecError", "resolve"]

# Keywords that document without constraining.
_ANNOTATIONS = frozenset(
    {"description", "title", "summary", "example", "examples", "$comment", "default",
     "deprecated", "readOnly", "writeOnly", "externalDocs", "xml", "discriminator"}
)  # fmt: skip
_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
_HANDLED = frozenset(
    {"$ref", "enum", "const", "type", "pattern", "format", "required", "properties", "items",
     "additionalProperties", "anyOf", "oneOf", "allOf", "if", "then", "else", "not",
     "uniqueItems", *_UPPER_BOUNDS, *_LOWER_BOUNDS}
)  # fmt: skip
_SHORT = 40


class SpecError(ValueError):
    """A document `spec-diff` cannot read: a `$ref` that points nowhere, a wrong shape."""


def resolve(document: Mapping[str, Any], node: Any) -> tuple[Any, str | None]:
    """`node` with its local `$ref` followed (repeatedly), and the name of the component it
    landed on (None when `node` was not a reference)."""
    name = None
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise SpecError(f"$ref {ref!r} is not a local reference this tool can follow")
        seen.add(ref)
        target: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                raise SpecError(f"$ref {ref!r} points nowhere")
            target = target[part]
        node, name = target, ref.rsplit("/", 1)[-1]
    return node, name


def shown(value: Any) -> str:
    """A value as it reads in a change line: strings bare, the rest as JSON, absent as (none)."""
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class BodyComparer:
    """Compares the schemas of one body (a request or a response) between two documents.

    `where` labels the changes (`request`, `response 201`); `is_request` decides who a change
    of validity breaks: callers send requests and implementations check them, implementations
    send responses and callers read them."""

    old_document: Mapping[str, Any]
    new_document: Mapping[str, Any]
    where: str
    is_request: bool
    changes: list[Change] = field(default_factory=list)
    _seen: set[tuple[int, int]] = field(default_factory=set)

    def compare(self, old: Any, new: Any, name: str = "body", prefix: str = "") -> None:
        """Compare two schemas; `name` labels this schema's own keywords and `prefix` its
        properties (empty at a body's top level, so that `comment` reads as `comment`)."""
        old, old_ref = resolve(self.old_document, old)
        new, new_ref = resolve(self.new_document, new)
        if old_ref and new_ref and old_ref != new_ref:
            self._add(
                name, f"schema {old_ref} -> {new_ref}", Impact.CALLERS,
                note="the generated client's class is named after the schema",
            )  # fmt: skip
        if new_ref:
            name, prefix = new_ref, ("" if not prefix and name == "body" else f"{new_ref}.")
        if old_ref or new_ref:  # a component met twice (Uuid) is compared once
            if (id(old), id(new)) in self._seen:
                return
            self._seen.add((id(old), id(new)))  # both are owned by the documents: ids stay
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            if old != new:
                self._validity(name, "schema changed", Direction.CHANGED)
            return
        self._enum(name, old.get("enum"), new.get("enum"))
        self._scalars(name, old, new)
        self._required(name, old.get("required", []), new.get("required", []))
        self._properties(
            name,
            prefix,
            old.get("properties", {}),
            new.get("properties", {}),
            was_open=old.get("additionalProperties") is not False,
        )
        if "items" in old or "items" in new:
            self.compare(old.get("items", {}), new.get("items", {}), f"{name}[]", f"{name}[].")
        self._additional(name, old.get("additionalProperties"), new)
        for keyword in ("anyOf", "oneOf"):
            self._branches(name, prefix, keyword, old.get(keyword), new.get(keyword))
        self._all_of(name, prefix, old.get("allOf", []), new.get("allOf", []))
        self._conditional(name, prefix, old, new)
        if old.get("not") != new.get("not"):
            self._validity(f"{name} not", "changed", Direction.CHANGED)
        for keyword in sorted(set(old) | set(new)):
            if _unknown(keyword) and old.get(keyword) != new.get(keyword):
                self._validity(f"{name} {keyword}", "changed", Direction.CHANGED)

    # -- keywords ---------------------------------------------------------------------------

    def _enum(self, name: str, old: Sequence[Any] | None, new: Sequence[Any] | None) -> None:
        if old is None or new is None:
            if old != new:
                direction = Direction.TIGHTENED if new is not None else Direction.LOOSENED
                self._validity(f"{name} enum", "added" if new else "removed", direction)
            return
        for value in new:
            if value not in old:
                self._validity(name, f"+ {shown(value)}", Direction.LOOSENED)
        for value in old:
            if value not in new:
                self._validity(name, f"- {shown(value)}", Direction.TIGHTENED)

    def _scalars(self, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for keyword in _UPPER_BOUNDS + _LOWER_BOUNDS:
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            lower = keyword in _LOWER_BOUNDS
            if before is None or after is None:
                tightened = after is not None
            else:
                tightened = after > before if lower else after < before
            direction = Direction.TIGHTENED if tightened else Direction.LOOSENED
            self._validity(f"{name} {keyword}", f"{shown(before)} -> {shown(after)}", direction)
        for keyword in ("pattern", "format", "const", "uniqueItems"):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if before is None or after is None:
                direction = Direction.TIGHTENED if after is not None else Direction.LOOSENED
            else:
                direction = Direction.CHANGED
            if keyword == "uniqueItems":
                direction = Direction.TIGHTENED if after else Direction.LOOSENED
            self._validity(f"{name} {keyword}", _transition(before, after), direction)
        self._type(name, old.get("type"), new.get("type"))

    def _type(self, name: str, old: Any, new: Any) -> None:
        if old == new:
            return
        before, after = _types(old), _types(new)
        if before is None or after is None:
            direction = Direction.TIGHTENED if after is not None else Direction.LOOSENED
        elif after < before:
            direction = Direction.TIGHTENED
        elif after > before:
            direction = Direction.LOOSENED
        else:
            direction = Direction.CHANGED
        self._validity(f"{name} type", f"{shown(old)} -> {shown(new)}", direction)

    def _required(self, name: str, old: Sequence[str], new: Sequence[str]) -> None:
        for prop in new:
            if prop not in old:
                said = "implementations must send it" if not self.is_request else ""
                self._validity(f"{name} required", f"+ {prop}", Direction.TIGHTENED, said)
        for prop in old:
            if prop not in new:
                said = "implementations must accept requests without it" if self.is_request else ""
                self._validity(f"{name} required", f"- {prop}", Direction.LOOSENED, said)

    def _properties(
        self,
        name: str,
        prefix: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        *,
        was_open: bool,
    ) -> None:
        """Properties added, removed or changed; `was_open`: the old object took unknown
        fields (no `additionalProperties: false`)."""
        for prop in new:
            if prop not in old:
                if self.is_request and was_open:
                    # Unknown fields were already accepted (D8): callers who never sent it see no
                    # change, and implementations already had to take it.
                    note = "unknown fields were already accepted; a value off its schema is refused"
                    self._add(name, f"property + {prop}", Impact.COMPATIBLE, note=note)
                elif self.is_request:  # a closed object: the field was refused before
                    self._add(name, f"property + {prop}", Impact.IMPLEMENTATIONS,
                              "implementations must accept it")  # fmt: skip
                else:
                    self._add(name, f"property + {prop}", Impact.COMPATIBLE,
                              note="callers may ignore it")  # fmt: skip
        for prop in old:
            if prop not in new:
                note = "the server no longer reads it" if self.is_request else "callers read it"
                self._add(name, f"property - {prop}", Impact.CALLERS, note=note)
        for prop in old:
            if prop in new:
                self.compare(old[prop], new[prop], f"{prefix}{prop}", f"{prefix}{prop}.")

    def _additional(self, name: str, old: Any, new_schema: Mapping[str, Any]) -> None:
        new = new_schema.get("additionalProperties")
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            self.compare(old, new, f"{name}{{}}", f"{name}{{}}.")
            return
        if old == new or {old, new} <= {None, True}:
            return
        # absent or true accepts any value; a schema accepts some; false accepts none
        rank = {None: 2, True: 2, False: 0}
        before = rank.get(old, 1) if not isinstance(old, Mapping) else 1
        after = rank.get(new, 1) if not isinstance(new, Mapping) else 1
        direction = Direction.TIGHTENED if after < before else Direction.LOOSENED
        if before == after:
            direction = Direction.CHANGED
        self._validity(f"{name} additionalProperties", _transition(old, new), direction)

    def _branches(self, name: str, prefix: str, keyword: str, old: Any, new: Any) -> None:
        if old is None and new is None:
            return
        old, new = old or [], new or []
        if len(old) == len(new):
            for before, after in zip(old, new, strict=True):
                self.compare(before, after, name, prefix)
            return
        if keyword == "anyOf" and old and new:
            grown = len(new) > len(old)
            direction = Direction.LOOSENED if grown else Direction.TIGHTENED
        else:
            direction = Direction.CHANGED
        self._validity(f"{name} {keyword}", f"{len(old)} -> {len(new)} branches", direction)

    def _all_of(self, name: str, prefix: str, old: Sequence[Any], new: Sequence[Any]) -> None:
        before = dict(_keyed(old, name))
        after = dict(_keyed(new, name))
        for key in after:
            if key not in before:
                self._validity(name, f"conditional + {key}", Direction.TIGHTENED)
        for key in before:
            if key not in after:
                self._validity(name, f"conditional - {key}", Direction.LOOSENED)
        for key in before:
            if key in after:
                self.compare(before[key], after[key], key, f"{key}: {prefix}")

    def _conditional(
        self, name: str, prefix: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        if old.get("if") != new.get("if"):
            self._validity(f"{name} if", "changed", Direction.CHANGED)
        for keyword in ("then", "else"):
            if keyword in old or keyword in new:
                self.compare(old.get(keyword, {}), new.get(keyword, {}), name, prefix)

    # -- classification ---------------------------------------------------------------------

    def _validity(self, subject: str, detail: str, direction: Direction, said: str = "") -> None:
        """Record a change of which bodies are valid, judged by who sends this body."""
        # a tightened request or a loosened response breaks callers; so does any doubt
        breaks_callers = (direction is Direction.TIGHTENED) == self.is_request
        if direction is Direction.CHANGED or breaks_callers:
            impact, default = Impact.CALLERS, ""
        elif self.is_request:
            impact, default = Impact.IMPLEMENTATIONS, "implementations must accept it"
        else:
            impact, default = Impact.IMPLEMENTATIONS, ""
        self._add(subject, detail, impact, said or default, note=self._effect(direction))

    def _effect(self, direction: Direction) -> str:
        """`requests that were valid become invalid`, and the like, for the note."""
        bodies = "requests" if self.is_request else "responses"
        if direction is Direction.TIGHTENED:
            return f"{bodies} that were valid become invalid"
        if direction is Direction.LOOSENED:
            return f"{bodies} that were invalid become valid"
        return f"some valid {bodies} may become invalid, and the reverse"

    def _add(
        self, subject: str, detail: str, impact: Impact, said: str = "", note: str = ""
    ) -> None:
        self.changes.append(Change(self.where, subject, detail, impact, said, note))


def _unknown(keyword: str) -> bool:
    return keyword not in _HANDLED and keyword not in _ANNOTATIONS and not keyword.startswith("x-")


def _types(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)


def _transition(before: Any, after: Any) -> str:
    """`old -> new`, or just `added`, `removed` or `changed` when a value is too long to read."""
    old, new = shown(before), shown(after)
    if len(old) <= _SHORT and len(new) <= _SHORT:
        return f"{old} -> {new}"
    return "added" if before is None else "removed" if after is None else "changed"


def _keyed(entries: Sequence[Any], name: str) -> Iterator[tuple[str, Any]]:
    """allOf entries keyed by the rule their `$comment` names (`rule data-requires-...`), so
    that reordering them is no change; entries without one by position."""
    taken: set[str] = set()
    for index, entry in enumerate(entries):
        comment = entry.get("$comment", "") if isinstance(entry, Mapping) else ""
        words = str(comment).split()
        key = f"rule {words[1]}" if len(words) >= 2 and words[0] == "rule" else ""
        key = key if key and key not in taken else f"{name} allOf[{index}]"
        taken.add(key)
        yield key, entry
