"""`tools/check_client.py` passes on the committed client and names files when the spec moves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"


def _check(spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_client.py"), "--spec", str(spec)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_client_passes_on_committed_client() -> None:
    done = _check(SPEC)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exactly what" in done.stdout


@pytest.mark.parametrize(
    ("old", "new", "changed_file"),
    [
        pytest.param(
            "enum: [merge, split]",
            "enum: [merge, splat]",
            "immoteur_client/models/clustering_action.py",
            id="one-enum-letter",
        ),
        pytest.param(
            "operationId: issuesCreate",
            "operationId: issuesCreatf",
            "immoteur_client/api/issue/issues_create.py",
            id="one-operation-id-letter",
        ),
        pytest.param(
            "      required: [createdAt, reportId]",
            "      required: [createdAt]",
            "immoteur_client/models/issue_report_created.py",
            id="one-required-field",
        ),
    ],
)
def test_check_client_names_each_file_a_one_character_spec_change_affects(
    tmp_path: Path, old: str, new: str, changed_file: str
) -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the spec no longer contains {old!r} once"
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text.replace(old, new), encoding="utf-8")

    done = _check(spec)

    assert done.returncode == 1, done.stdout + done.stderr
    assert changed_file in done.stdout
