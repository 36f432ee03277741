"""`compare`: new and fixed failures, changed observations with tolerance where runs vary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract.cli import main
from immoteur_contract.runner.compare import LATENCY_FLOOR_MS, compare


def _report(
    failures: list[dict[str, Any]] | None = None,
    observations: dict[str, Any] | None = None,
    cases: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "failures": failures or [],
        "observations": {k: {"value": v, "note": ""} for k, v in (observations or {}).items()},
        "cases": cases or {},
    }


def _failure(failure_id: str, case: str, *, generated: bool = False) -> dict[str, Any]:
    return {"id": failure_id, "rule": "r", "case": case, "generated": generated, "status": 201}


@pytest.mark.parametrize(
    ("name", "old", "new", "changed"),
    [
        pytest.param("latency.p95-ms", 100.0, 250.0, False, id="latency-less-than-tripled"),
        pytest.param("latency.p95-ms", 1.0, 150.0, False, id="latency-tripled-under-floor"),
        pytest.param("latency.p95-ms", 100.0, 300.0, True, id="latency-tripled-above-floor"),
        pytest.param("latency.p50-ms", 0.3, 0.9, False, id="latency-in-process-jitter"),
        pytest.param("401.message", "Unauthenticated.", "Token expired.", True, id="message"),
        pytest.param("401.message", "Unauthenticated.", "Unauthenticated.", False, id="same"),
        pytest.param(
            "429.headers",
            ["retry-after", "x-ratelimit-limit"],
            ["x-ratelimit-limit"],
            True,
            id="header-gone",
        ),
        pytest.param("422.r.keys", ["comment"], ["comment"], False, id="same-keys"),
        pytest.param("422.r.messages", ["a"], None, True, id="message-lost"),
    ],
)
def test_compare_observation_changes(name: str, old: Any, new: Any, changed: bool) -> None:
    result = compare(_report(observations={name: old}), _report(observations={name: new}))
    assert bool(result.changed) is changed
    assert not result.new


def test_compare_latency_floor_is_above_local_jitter() -> None:
    assert LATENCY_FLOOR_MS >= 100


def test_compare_header_gone_is_named() -> None:
    old = _report(observations={"429.headers": ["retry-after", "x-ratelimit-limit"]})
    new = _report(observations={"429.headers": ["x-ratelimit-limit"]})
    assert compare(old, new).changed[0].detail == 'gone: ["retry-after"]'


def test_compare_observation_made_by_one_run_only_is_no_change() -> None:
    result = compare(_report(observations={"429.headers": ["retry-after"]}), _report())
    assert result.unchanged


def test_compare_sorts_failures_into_new_fixed_and_not_reproduced() -> None:
    old = _report(
        [_failure("r#1", "a"), _failure("r#2", "b"), _failure("r#3", "g", generated=True)]
    )
    new = _report(
        [_failure("r#4", "d")], cases={"a": "passed", "b": "skipped", "g": "passed", "d": "failed"}
    )
    result = compare(old, new)
    assert [f["id"] for f in result.new] == ["r#4"]
    assert [f["id"] for f in result.fixed] == ["r#1"]
    assert [f["id"] for f in result.unconfirmed] == ["r#2", "r#3"]
    assert result.exit_status() == 1


def _write(path: Path, data: Any) -> str:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_compare_command_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _write(tmp_path / "old.json", _report([_failure("r#1", "a")]))
    same = _write(tmp_path / "same.json", _report([_failure("r#1", "a")]))
    worse = _write(tmp_path / "new.json", _report([_failure("r#1", "a"), _failure("r#2", "b")]))
    assert main(["compare", old, same]) == 0
    assert "verdict: unchanged" in capsys.readouterr().out
    assert main(["compare", old, worse]) == 1
    assert "NEW failures (1):" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="missing"),
        pytest.param("{", id="not-json"),
        pytest.param("[]", id="not-a-report"),
        pytest.param('{"failures": [{"rule": "r"}]}', id="failure-without-id"),
    ],
)
def test_compare_command_unreadable_input_exits_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    good = _write(tmp_path / "good.json", _report())
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["compare", good, str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("immoteur-contract compare: error: ")
    assert err.count("\n") == 1
