"""The verdict table covers every rule and decision and agrees with the spec on every row."""

from __future__ import annotations

import re

import pytest

from immoteur_contract.rules import RULES
from immoteur_contract.spec import load_contract
from immoteur_contract.verdicts import Verdict, load_verdicts

CONTRACT = load_contract()
ROWS = load_verdicts()


def test_verdicts_table_has_at_least_60_rows_with_unique_ids() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)


def test_verdicts_table_covers_every_rule() -> None:
    broken = {rule for row in ROWS for rule in row.rules}
    assert broken == set(RULES.ids)


def test_verdicts_table_covers_every_decision() -> None:
    cited = {match for row in ROWS for match in re.findall(r"\bD\d+\b", row.why)}
    assert cited >= {f"D{n}" for n in range(1, 10)}


@pytest.mark.parametrize("kind", CONTRACT.issue_kinds)
def test_verdicts_table_has_valid_and_invalid_rows_per_kind(kind: str) -> None:
    rows = [r for r in ROWS if isinstance(r.body, dict) and r.body.get("issueKind") == kind]
    assert any(r.valid for r in rows)
    assert any(not r.valid for r in rows)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_verdicts_row_agrees_with_the_spec_schema(row: Verdict) -> None:
    errors = [
        e.message for e in CONTRACT.validator(CONTRACT.request_schema_name).iter_errors(row.body)
    ]
    assert (not errors) == row.valid, errors


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_verdicts_row_breaks_exactly_its_rules(row: Verdict) -> None:
    assert sorted({v.rule_id for v in RULES.violations(row.body)}) == sorted(row.rules)
