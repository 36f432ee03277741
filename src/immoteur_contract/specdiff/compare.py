"""Two versions of the contract compared at this kit's level: the servers, each operation (its
path, method and operationId), its request and response bodies, and the rules (`x-rules`) and
decisions (`x-decisions`) the spec states in words.

Operations are paired by path and method, then by operationId, then (one left on each side) with
each other, so that a renamed operationId or a moved path reads as that, not as one operation
removed and another added.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..spec import rule_statements
from .model import Change, Impact
from .schemas import BodyComparer, resolve, shown

__all__ = ["compare"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Operation = tuple[str, str, Mapping[str, Any]]  # path, method, operation object


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, the ones that break callers first, then the ones that
    break implementations, then the compatible ones (each group in document order)."""
    changes = [
        *_info(old, new),
        *_servers(old, new),
        *_operations(old, new),
        *_rules(old, new),
        *_decisions(old, new),
    ]
    unique = list(dict.fromkeys(changes))
    return sorted(unique, key=lambda change: change.impact.rank)


def breaks_callers(changes: list[Change]) -> bool:
    """True when any change breaks callers: what `spec-diff` exits 1 on."""
    return any(change.impact is Impact.CALLERS for change in changes)


def _info(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    before, after = old.get("info", {}).get("version"), new.get("info", {}).get("version")
    if before != after:
        yield Change(
            "info", "info.version", f"{shown(before)} -> {shown(after)}", Impact.COMPATIBLE,
            note="the generated client's version follows it",
        )  # fmt: skip


def _servers(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    before = [server.get("url") for server in old.get("servers", [])]
    after = [server.get("url") for server in new.get("servers", [])]
    if before != after:
        yield Change(
            "servers", "server URL", f"{_urls(before)} -> {_urls(after)}", Impact.CALLERS,
            note="callers send to the base URL",
        )  # fmt: skip


def _urls(urls: list[Any]) -> str:
    return ", ".join(map(shown, urls)) or shown(None)


def _operations(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    before, after = list(_operations_of(old)), list(_operations_of(new))
    pairs: list[tuple[Operation, Operation]] = []
    for match in (_same_route, _same_id):
        for op in list(before):
            partner = next((other for other in after if match(op, other)), None)
            if partner is not None:
                pairs.append((op, partner))
                before.remove(op)
                after.remove(partner)
    if len(before) == len(after) == 1:
        pairs.append((before.pop(), after.pop()))
    several = max(len(list(_operations_of(old))), len(list(_operations_of(new)))) > 1
    for old_op, new_op in pairs:
        yield from _operation(old, new, old_op, new_op, several)
    for path, method, _ in before:
        yield Change("operation", f"{method.upper()} {path}", "removed", Impact.CALLERS)
    for path, method, _ in after:
        yield Change(
            "operation", f"{method.upper()} {path}", "added", Impact.IMPLEMENTATIONS,
            "implementations must serve it",
        )  # fmt: skip


def _operations_of(document: Mapping[str, Any]) -> Iterator[Operation]:
    for path, item in (document.get("paths") or {}).items():
        item, _ = resolve(document, item)
        for method in _METHODS:
            if isinstance(item, Mapping) and method in item:
                yield path, method, item[method]


def _same_route(one: Operation, other: Operation) -> bool:
    return one[:2] == other[:2]


def _same_id(one: Operation, other: Operation) -> bool:
    return one[2].get("operationId") is not None and (
        one[2].get("operationId") == other[2].get("operationId")
    )


def _operation(
    old_doc: Mapping[str, Any],
    new_doc: Mapping[str, Any],
    old_op: Operation,
    new_op: Operation,
    several: bool,
) -> Iterator[Change]:
    (old_path, old_method, old), (new_path, new_method, new) = old_op, new_op
    label = f"{new_method.upper()} {new_path}"
    where = f"operation {label}" if several else "operation"
    if old_path != new_path:
        yield Change(where, "path", f"{old_path} -> {new_path}", Impact.CALLERS)
    if old_method != new_method:
        detail = f"{old_method.upper()} -> {new_method.upper()}"
        yield Change(where, "method", detail, Impact.CALLERS)
    if old.get("operationId") != new.get("operationId"):
        detail = f"{shown(old.get('operationId'))} -> {shown(new.get('operationId'))}"
        note = "the generated client's function is named after it"
        yield Change(where, "operationId", detail, Impact.CALLERS, note=note)
    security = (old.get("security", old_doc.get("security")), _schemes(old_doc))
    if security != (new.get("security", new_doc.get("security")), _schemes(new_doc)):
        yield Change(where, "security", "changed", Impact.CALLERS, note="how callers authenticate")
    suffix = f" of {label}" if several else ""
    yield from _request(old_doc, new_doc, old, new, f"request{suffix}")
    yield from _responses(old_doc, new_doc, old, new, suffix)


def _schemes(document: Mapping[str, Any]) -> Any:
    return document.get("components", {}).get("securitySchemes")


def _request(
    old_doc: Mapping[str, Any],
    new_doc: Mapping[str, Any],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    where: str,
) -> Iterator[Change]:
    before, _ = resolve(old_doc, old.get("requestBody", {}))
    after, _ = resolve(new_doc, new.get("requestBody", {}))
    if bool(before.get("required")) != bool(after.get("required")):
        if after.get("required"):
            yield Change(where, "body", "now required", Impact.CALLERS)
        else:
            yield Change(where, "body", "now optional", Impact.IMPLEMENTATIONS,
                         "implementations must accept requests without it")  # fmt: skip
    yield from _media(old_doc, new_doc, before, after, where, is_request=True)


def _responses(
    old_doc: Mapping[str, Any],
    new_doc: Mapping[str, Any],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    suffix: str,
) -> Iterator[Change]:
    before, after = old.get("responses", {}), new.get("responses", {})
    for status in after:
        if status not in before:
            success = str(status).startswith("2")
            impact = Impact.CALLERS if success else Impact.COMPATIBLE
            yield Change(f"responses{suffix}", "status", f"+ {status}", impact,
                         note="callers may receive it")  # fmt: skip
    for status in before:
        if status not in after:
            success = str(status).startswith("2")
            impact = Impact.CALLERS if success else Impact.COMPATIBLE
            yield Change(f"responses{suffix}", "status", f"- {status}", impact)
    for status in before:
        if status in after:
            old_response, _ = resolve(old_doc, before[status])
            new_response, _ = resolve(new_doc, after[status])
            where = f"response {status}{suffix}"
            yield from _media(old_doc, new_doc, old_response, new_response, where, False)


def _media(
    old_doc: Mapping[str, Any],
    new_doc: Mapping[str, Any],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    where: str,
    is_request: bool,
) -> Iterator[Change]:
    """The bodies of a request or a response, media type by media type."""
    before, after = old.get("content") or {}, new.get("content") or {}
    for media in after:
        if media not in before:
            if is_request:
                yield Change(where, "content", f"+ {media}", Impact.IMPLEMENTATIONS,
                             "implementations must accept it")  # fmt: skip
            elif not before:
                yield Change(where, "content", f"+ {media}", Impact.IMPLEMENTATIONS,
                             "implementations must send it")  # fmt: skip
            else:
                yield Change(where, "content", f"+ {media}", Impact.CALLERS)
    for media in before:
        if media not in after:
            impact = Impact.CALLERS if is_request or not after else Impact.IMPLEMENTATIONS
            yield Change(where, "content", f"- {media}", impact)
    for media in before:
        if media in after:
            comparer = BodyComparer(old_doc, new_doc, where, is_request)
            comparer.compare(before[media].get("schema", {}), after[media].get("schema", {}))
            yield from comparer.changes


def _rules(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    """The `x-rules` of every component schema, by id: the rules as the spec words them. A rule
    whose schema encoding changed also shows among the request's changes."""
    before = {rule.id: rule for _, rule in _all_rules(old)}
    after = {rule.id: rule for _, rule in _all_rules(new)}
    for rule_id, rule in after.items():
        if rule_id not in before:
            yield Change(
                "rules", f"rule {rule_id}", "added", Impact.CALLERS,
                note=f"requests that break it become invalid: {rule.statement}",
            )  # fmt: skip
    for rule_id, rule in before.items():
        if rule_id not in after:
            yield Change(
                "rules", f"rule {rule_id}", "removed", Impact.IMPLEMENTATIONS,
                "implementations must accept what it forbade", note=rule.statement,
            )  # fmt: skip
    for rule_id, rule in before.items():
        changed = after.get(rule_id)
        if changed is not None and changed != rule:
            yield Change(
                "rules", f"rule {rule_id}", "restated", Impact.COMPATIBLE,
                note=f"was: {_worded(rule.field, rule.statement)} / "
                f"now: {_worded(changed.field, changed.statement)}",
            )  # fmt: skip


def _all_rules(document: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, schema in (document.get("components", {}).get("schemas") or {}).items():
        if isinstance(schema, Mapping):
            for rule in rule_statements(schema):
                yield name, rule


def _worded(field: str, statement: str) -> str:
    return f"[{field}] {statement}" if field else statement


def _decisions(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    """`info.x-decisions`, by id: how the spec settles what the documentation page leaves open.
    They are words; what they change in the schema shows among the request's changes."""
    before = {d["id"]: d.get("statement") for d in old.get("info", {}).get("x-decisions", [])}
    after = {d["id"]: d.get("statement") for d in new.get("info", {}).get("x-decisions", [])}
    for key in sorted(after.keys() - before.keys()):
        yield Change("decisions", f"decision {key}", "added", Impact.COMPATIBLE, note=after[key])
    for key in sorted(before.keys() - after.keys()):
        yield Change("decisions", f"decision {key}", "removed", Impact.COMPATIBLE)
    for key in sorted(before.keys() & after.keys()):
        if before[key] != after[key]:
            note = f"was: {before[key]} / now: {after[key]}"
            yield Change("decisions", f"decision {key}", "restated", Impact.COMPATIBLE, note=note)
