"""The verdict table: hand-written request bodies with the verdict the contract gives them.

The rows live in `data/verdicts.yaml` so that the spec check, the reference server's tests, the
contract suite and the client facade's tests share one table. A row names the rule ids its body
breaks (none for a valid body).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["VERDICTS_PATH", "Verdict", "load_verdicts"]

VERDICTS_PATH = Path(__file__).with_name("data") / "verdicts.yaml"


@dataclass(frozen=True)
class Verdict:
    """One row: a body and the rules it breaks (empty for a valid body)."""

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


def _expand(value: Any) -> Any:
    """Replace each `{$repeat: [text, count]}` with the repeated text, recursively."""
    if isinstance(value, dict):
        if set(value) == {"$repeat"}:
            text, count = value["$repeat"]
            return str(text) * int(count)
        return {key: _expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item) for item in value]
    return value


@functools.cache
def _load() -> tuple[Verdict, ...]:
    with VERDICTS_PATH.open(encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)
    return tuple(
        Verdict(id=row["id"], why=row["why"], body=_expand(row["body"]), rules=tuple(row["breaks"]))
        for row in rows
    )


def load_verdicts() -> list[Verdict]:
    """Every row of the table, in file order."""
    return list(_load())
