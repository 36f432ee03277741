"""`run`'s regression options: every mistake is one line and exit 2 before pytest starts (so
before any request)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from immoteur_contract.runner import command


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param(
            ["--baseline-update"], "--baseline-update needs --baseline", id="update-alone"
        ),
        pytest.param(["--baseline-prune"], "--baseline-prune needs --baseline", id="prune-alone"),
        pytest.param(["--strict-baseline"], "--strict-baseline needs", id="strict-alone"),
        pytest.param(["--baseline", "{missing}"], "does not exist", id="baseline-missing"),
        pytest.param(["--baseline", "{dir}"], "cannot be read", id="baseline-directory"),
        pytest.param(["--baseline", "{unknown}"], "unknown keys owner", id="baseline-unknown-key"),
        pytest.param(
            ["--baseline", "{bad_date}"], "expires must be a date", id="baseline-bad-date"
        ),
        pytest.param(["--compare-to", "{missing}"], "--compare-to", id="compare-to-missing"),
        pytest.param(["--compare-to", "{unknown}"], "is not JSON", id="compare-to-not-json"),
        pytest.param(["--summary", "{dir}"], "is a directory", id="summary-directory"),
    ],
)
def test_run_regression_mistake_exits_2_in_one_line_before_pytest(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    words: str,
) -> None:
    entry = "  - {id: r#1, rule: r, summary: s, reason: x, first_seen: 2026-01-01"
    files = {
        "missing": tmp_path / "missing.yml",
        "dir": tmp_path,
        "unknown": tmp_path / "unknown.yml",
        "bad_date": tmp_path / "bad-date.yml",
    }
    files["unknown"].write_text(f"version: 1\nentries:\n{entry}, owner: me}}\n", encoding="utf-8")
    files["bad_date"].write_text(f"version: 1\nentries:\n{entry}, expires: 31/12}}\n", "utf-8")

    def no_pytest(args: list[str]) -> int:
        raise AssertionError("pytest started")

    monkeypatch.setattr(pytest, "main", no_pytest)
    args = _parse([arg.format(**files) for arg in argv])
    assert command.run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("immoteur-contract run: error: ")
    assert err.count("\n") == 1
    assert words in err
