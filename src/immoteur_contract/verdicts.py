"""The verdict table: hand-written request bodies with the verdict the contract gives them.

The rows live in `data/verdicts.yaml` so that the spec check, the reference server's tests, the
contract suite and the client facade's tests share one table. A row names the rule ids its body
breaks (none for a valid body).

Rows at a limit are written relative to it, so that a limit change in openapi.yaml needs no
table edit. Two forms stand for values computed from the spec (`rules.CONTRACT`) at load time:

- `{$repeat: TEXT, length: LIMIT}`: TEXT repeated, cut to LIMIT code points (`"ab"` with length
  5 is `"ababa"`); with a list instead of TEXT, a list of LIMIT items taken in turn from it.
- `{$every: ENUM}`: every value of an enum the contract reads, in spec order (`issue_facets`).

LIMIT is a number, or an integer attribute of `spec.Contract` with an optional `+ N` or `- N`:
`comment_max_length`, `comment_max_length + 1`, `clustering_min_targets - 1`.

A row *agrees* with the spec when the spec's JSON Schema and `rules.RULES` both give its verdict
(valid, or exactly its rules broken). `disagreement(row)` says in one line how a row that does not
agree differs; `agreeing_verdicts()` is what the suite, the server's and the facade's tests use,
so that a stale row is reported once (by tests/test_verdicts.py) and never blamed on a server.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import yaml

from .rules import CONTRACT, RULES
from .spec import SPEC_PATH

__all__ = [
    "VERDICTS_PATH",
    "Verdict",
    "agreeing_verdicts",
    "disagreement",
    "load_verdicts",
    "resolve_limit",
]

VERDICTS_PATH = Path(__file__).with_name("data") / "verdicts.yaml"

_LIMIT = re.compile(r"\s*([a-z_]+)\s*(?:([+-])\s*(\d+))?\s*")


@dataclass(frozen=True)
class Verdict:
    """One row: a body (limits resolved against the spec) and the rules it breaks (empty for a
    valid body)."""

    id: str
    why: str
    body: Any
    rules: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.rules

    @property
    def rule(self) -> str | None:
        """The first rule broken, or None for a valid body."""
        return self.rules[0] if self.rules else None


def resolve_limit(expression: int | str) -> int:
    """The value of a LIMIT: `4`, `"comment_max_length"`, `"comment_max_length + 1"`.

    ValueError names an unknown attribute or a malformed expression.
    """
    if isinstance(expression, int):
        return expression
    match = _LIMIT.fullmatch(expression)
    value = getattr(CONTRACT, match.group(1), None) if match else None
    if match is None or not isinstance(value, int) or isinstance(value, bool):
        known = [name for name, v in vars(CONTRACT).items() if type(v) is int]
        raise ValueError(
            f"bad limit {expression!r}: write NAME, NAME + N or NAME - N, NAME in {known}"
        )
    offset = int(match.group(3) or 0)
    return value - offset if match.group(2) == "-" else value + offset


def _expand(value: Any) -> Any:
    """Replace each `{$repeat: ..., length: ...}` and `{$every: ...}` by its value, recursively."""
    if isinstance(value, dict):
        if set(value) == {"$repeat", "length"}:
            length = resolve_limit(value["length"])
            if length < 0:
                raise ValueError(f"{value!r} resolves to a negative length ({length})")
            items = list(islice(cycle(value["$repeat"]), length))
            return "".join(items) if isinstance(value["$repeat"], str) else items
        if set(value) == {"$every"}:
            values = getattr(CONTRACT, str(value["$every"]), None)
            if not isinstance(values, tuple):
                raise ValueError(f"bad $every {value['$every']!r}: not an enum of the contract")
            return list(values)
        return {key: _expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item) for item in value]
    return value


@functools.cache
def _load() -> tuple[Verdict, ...]:
    with VERDICTS_PATH.open(encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)
    verdicts = []
    for row in rows:
        try:
            body = _expand(row["body"])
        except ValueError as error:
            raise ValueError(f"{VERDICTS_PATH.name}, row {row['id']}: {error}") from None
        verdicts.append(
            Verdict(id=row["id"], why=row["why"], body=body, rules=tuple(row["breaks"]))
        )
    return tuple(verdicts)


def load_verdicts() -> list[Verdict]:
    """Every row of the table, in file order, stale ones included (see `agreeing_verdicts`)."""
    return list(_load())


def _said(rules: tuple[str, ...] | list[str]) -> str:
    """`valid`, `invalid (rule a)` or `invalid (rules a, b)`."""
    if not rules:
        return "valid"
    return f"invalid (rule{'s' if len(rules) > 1 else ''} {', '.join(rules)})"


def disagreement(row: Verdict) -> str | None:
    """None when the spec's JSON Schema and `rules.RULES` both give the row's verdict; otherwise
    one line saying what the table says, what the spec now says, and what to do."""
    schema_errors = list(CONTRACT.validator(CONTRACT.request_schema_name).iter_errors(row.body))
    broken = sorted({v.rule_id for v in RULES.violations(row.body)})
    spec = SPEC_PATH.name
    if (not schema_errors) != (not broken):
        schema_says = "invalid: " + schema_errors[0].message if schema_errors else "valid"
        return (
            f"row {row.id}: the JSON Schema of {spec} says {schema_says}, but rules.RULES says"
            f" {_said(broken)}: rules.py does not follow {spec}; fix the check"
        )
    if broken == sorted(row.rules):
        return None
    return (
        f"row {row.id}: the table says {_said(list(row.rules))}, {spec} now says {_said(broken)}:"
        f" update the row in {VERDICTS_PATH.name}"
    )


def agreeing_verdicts() -> list[Verdict]:
    """The rows that agree with the current spec, in file order: what every consumer of the
    table uses, so that a stale row fails one test (the table's own) and no server test."""
    return list(_agreeing())


@functools.cache
def _agreeing() -> tuple[Verdict, ...]:
    return tuple(row for row in _load() if disagreement(row) is None)
