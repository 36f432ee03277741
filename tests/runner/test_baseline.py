"""The baseline file: strict reading (a mistake is one line before anything is sent), and the
judgement of a run's failures against it (new, known, expired, fixed, not reproduced)."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

from immoteur_contract.runner.baseline import (
    PLACEHOLDER_REASON,
    Baseline,
    BaselineError,
    Entry,
    judge,
    updated,
)
from immoteur_contract.runner.report import Failure, Outcome, Status

TODAY = datetime.date(2026, 11, 29)
ENTRY = """\
  - id: r#00000001
    rule: r
    summary: 'test_a[x]: broke status-422 (status 201)'
    reason: decided with the API owners
    first_seen: 2026-10-01
"""


def _failure(failure_id: str, case: str, *, generated: bool = False) -> Failure:
    return Failure(
        test=f"contract_tests/t.py::{case}",
        rule=failure_id.split("#")[0],
        body={},
        curl="",
        message="m",
        id=failure_id,
        layer="rules",
        case=case,
        expectation="status-422",
        status=201,
        generated=generated,
    )


def _entry(failure_id: str, case: str, **changes: object) -> Entry:
    entry = Entry.of_failure(_failure(failure_id, case), TODAY)
    return dataclasses.replace(entry, reason="accepted", **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param(
            "version: 1\nentries:\n" + ENTRY + "    owner: me\n",
            "unknown keys owner",
            id="unknown-key",
        ),
        pytest.param(
            "version: 1\nentries:\n" + ENTRY.replace("2026-10-01", "2026-13-01"),
            "date that does not exist",
            id="bad-date",
        ),
        pytest.param(
            "version: 1\nentries:\n" + ENTRY + "    expires: soon\n",
            "expires must be a date",
            id="bad-expires",
        ),
        pytest.param(
            "version: 1\nentries:\n"
            + ENTRY.replace("    reason: decided with the API owners\n", ""),
            "lacks reason",
            id="missing-reason",
        ),
        pytest.param("version: 2\nentries: []\n", "version must be 1", id="version"),
        pytest.param("version: 1\nentries: [\n", "not valid YAML", id="not-yaml"),
        pytest.param("version: 1\nentries:\n" + ENTRY + ENTRY, "ids listed twice", id="twice"),
        pytest.param("- 1\n", "expected a mapping", id="a-list"),
    ],
)
def test_baseline_load_refuses_a_bad_file_in_one_line(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "baseline.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as raised:
        Baseline.load(path)
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)


def test_baseline_load_missing_file_is_an_error_unless_updating(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        Baseline.load(tmp_path / "none.yml")
    assert Baseline.load(tmp_path / "none.yml", missing_ok=True).entries == ()


def test_baseline_dumps_and_loads_back(tmp_path: Path) -> None:
    baseline = Baseline((_entry("r#2", "test_b[y]", expires=TODAY), _entry("r#1", "test_a[x]")))
    path = tmp_path / "b.yml"
    path.write_text(baseline.dumps(), encoding="utf-8")
    assert set(Baseline.load(path).entries) == set(baseline.entries)
    assert "&id" not in path.read_text(encoding="utf-8")


def test_judge_sorts_failures_and_entries() -> None:
    baseline = Baseline(
        (
            _entry("r#known", "test_a[known]"),
            _entry("r#expired", "test_a[expired]", expires=TODAY - datetime.timedelta(days=1)),
            _entry("r#fixed", "test_a[fixed]"),
            _entry("r#unseen", "test_g[r]", generated=True),
            _entry("r#not-run", "test_a[skipped]"),
        )
    )
    failures = [
        _failure("r#known", "test_a[known]"),
        _failure("r#expired", "test_a[expired]"),
        _failure("r#new", "test_a[new]"),
    ]
    runs: list[tuple[str, Status]] = [
        ("test_a[known]", "failed"),
        ("test_a[expired]", "failed"),
        ("test_a[new]", "failed"),
        ("test_a[fixed]", "passed"),
        ("test_g[r]", "passed"),
        ("test_a[skipped]", "not run"),
    ]
    outcomes = [Outcome(f"contract_tests/t.py::{case}", "r", status) for case, status in runs]
    judgement = judge(baseline, failures, outcomes, TODAY)
    assert [f.id for f in judgement.new] == ["r#expired", "r#new"]
    assert [e.id for e in judgement.expired] == ["r#expired"]
    assert [f.id for f, _ in judgement.known] == ["r#known"]
    assert [e.id for e in judgement.fixed] == ["r#fixed"]
    assert [e.id for e in judgement.unconfirmed] == ["r#unseen"]
    assert judgement.exit_status(strict=False) == 1


@pytest.mark.parametrize(
    ("strict", "status"), [pytest.param(False, 0, id="lenient"), pytest.param(True, 1, id="strict")]
)
def test_judge_fixed_entry_fails_only_a_strict_run(strict: bool, status: int) -> None:
    baseline = Baseline((_entry("r#fixed", "test_a[fixed]"),))
    outcomes = [Outcome("contract_tests/t.py::test_a[fixed]", "r", "passed")]
    judgement = judge(baseline, [], outcomes, TODAY)
    assert judgement.exit_status(strict=strict) == status


def test_updated_keeps_reasons_adds_placeholders_and_prunes_fixed() -> None:
    baseline = Baseline((_entry("r#known", "test_a[known]"), _entry("r#fixed", "test_a[fixed]")))
    failures = [_failure("r#known", "test_a[known]"), _failure("r#new", "test_a[new]")]
    outcomes = [Outcome("contract_tests/t.py::test_a[fixed]", "r", "passed")]
    judgement = judge(baseline, failures, outcomes, TODAY)
    result = updated(baseline, judgement, failures, TODAY, add=True, prune=True)
    reasons = {entry.id: entry.reason for entry in result.entries}
    assert reasons == {"r#known": "accepted", "r#new": PLACEHOLDER_REASON}
