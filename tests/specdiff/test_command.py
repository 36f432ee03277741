"""`immoteur-contract spec-diff OLD NEW`: files and git revisions in, lines and an exit status
out (1 when callers break, 0 otherwise, 2 in one line for a usage error)."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract.cli import main

from .conftest import write
from .test_compare import (
    FACET_ADDED,
    LOWERED,
    add_facet,
    lower_comment_limit,
    raise_comment_limit,
    restate_rule,
)

Doc = dict[str, Any]


def _spec_diff(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["spec-diff", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_spec_diff_of_the_issue_scenario_says_who_breaks_and_exits_1(
    document: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = copy.deepcopy(document)
    add_facet(new)
    lower_comment_limit(new)
    old_path, new_path = write(tmp_path / "old.yaml", document), write(tmp_path / "new.yaml", new)
    status, out, err = _spec_diff(str(old_path), str(new_path), capsys=capsys)
    assert status == 1, err
    assert LOWERED in out
    assert FACET_ADDED in out
    assert out.rstrip().endswith(
        "2 changes: 1 breaking for callers, 1 breaking for implementations."
    )


@pytest.mark.parametrize(
    ("change", "status"),
    [
        pytest.param(lower_comment_limit, 1, id="callers-break-exit-1"),
        pytest.param(raise_comment_limit, 0, id="implementations-break-exit-0"),
        pytest.param(restate_rule, 0, id="compatible-exit-0"),
    ],
)
def test_spec_diff_exits_1_only_when_callers_break(
    document: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, status: int
) -> None:
    new = copy.deepcopy(document)
    change(new)
    paths = write(tmp_path / "old.yaml", document), write(tmp_path / "new.yaml", new)
    assert _spec_diff(*map(str, paths), capsys=capsys)[0] == status


@pytest.mark.parametrize("flag", [["--markdown"], ["--format", "markdown"]])
def test_spec_diff_markdown_groups_changes_by_impact(
    document: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: list[str]
) -> None:
    new = copy.deepcopy(document)
    add_facet(new)
    lower_comment_limit(new)
    paths = write(tmp_path / "old.yaml", document), write(tmp_path / "new.yaml", new)
    status, out, _ = _spec_diff(*map(str, paths), *flag, capsys=capsys)
    assert status == 1
    callers = out.index("#### Breaking for callers")
    implementations = out.index("#### Breaking for implementations")
    assert callers < out.index(LOWERED.partition(":")[0]) < implementations
    assert implementations < out.index(FACET_ADDED)


# -- git revisions ---------------------------------------------------------------------------


def _git(repo: Path, *argv: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", *identity, *argv], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(document: Doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose two commits change openapi.yaml (a facet added, then the comment
    limit lowered), with the facet's removal left uncommitted; the current directory."""
    _git(tmp_path, "init", "-q", "-b", "main")
    new = copy.deepcopy(document)
    write(tmp_path / "openapi.yaml", new)
    _git(tmp_path, "add", "openapi.yaml")
    _git(tmp_path, "commit", "-q", "-m", "spec")
    add_facet(new)
    write(tmp_path / "openapi.yaml", new)
    _git(tmp_path, "commit", "-q", "-am", "a facet")
    lower_comment_limit(new)
    write(tmp_path / "openapi.yaml", new)
    _git(tmp_path, "commit", "-q", "-am", "shorter comments")
    restate_rule(new)
    write(tmp_path / "openapi.yaml", new)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        pytest.param(
            "HEAD",
            "openapi.yaml",
            ["rule issue-kind-required restated: compatible"],
            id="uncommitted",
        ),
        pytest.param(
            "HEAD~1",
            "HEAD",
            [LOWERED],
            id="last-commit",
        ),
        pytest.param(
            "HEAD~2:openapi.yaml",
            "HEAD~1:openapi.yaml",
            [FACET_ADDED],
            id="rev-colon-path",
        ),
        pytest.param("main~2:./openapi.yaml", "main~2", [], id="relative-path-and-branch"),
    ],
)
def test_spec_diff_reads_git_revisions(
    repo: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, lines: list[str]
) -> None:
    status, out, err = _spec_diff(old, new, capsys=capsys)
    assert err == ""
    shown = [line.split("] ", 1)[1] for line in out.splitlines() if line.startswith("  [")]
    assert shown == lines
    assert status == (1 if any("callers" in line for line in lines) else 0)


def test_spec_diff_names_revisions_in_its_header(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _spec_diff("HEAD~1", "openapi.yaml", capsys=capsys)[1]
    assert out.splitlines()[0] == "spec-diff HEAD~1:openapi.yaml -> openapi.yaml"


# -- usage errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "paths: [\n", "bad.yaml: not valid YAML at line 2, column 1", id="invalid-yaml"
        ),
        pytest.param("- just\n- a list\n", "bad.yaml: not an OpenAPI document", id="not-openapi"),
        pytest.param(
            "paths:\n  /issues:\n    post:\n      requestBody: {content: {application/json: []}}\n",
            "has a part OpenAPI 3.1 does not allow (",
            id="ill-typed-part",
        ),
        pytest.param(
            "paths:\n  /x:\n    post:\n      requestBody: {$ref:"
            " '#/components/requestBodies/Nope'}\n",
            "$ref '#/components/requestBodies/Nope' points nowhere",
            id="dangling-ref",
        ),
    ],
)
def test_spec_diff_refuses_an_unreadable_document_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    from immoteur_contract.spec import SPEC_PATH

    status, out, err = _spec_diff(str(SPEC_PATH), str(tmp_path / "bad.yaml"), capsys=capsys)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("immoteur-contract spec-diff: error: ")
    assert message in err


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        pytest.param("missing.yaml", "missing.yaml: no such file", id="missing-file"),
        pytest.param(
            "HEAD~9", "`git show HEAD~9:openapi.yaml` failed: invalid object", id="bad-revision"
        ),
        pytest.param(
            "HEAD:nope.yaml",
            "`git show HEAD:nope.yaml` failed: path 'nope.yaml' does not exist",
            id="missing-path-at-revision",
        ),
        pytest.param(".", ".: is a directory", id="directory"),
    ],
)
def test_spec_diff_refuses_a_missing_source_in_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str], argument: str, message: str
) -> None:
    status, out, err = _spec_diff(argument, "openapi.yaml", capsys=capsys)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_spec_diff_outside_a_repository_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    status, _, err = _spec_diff("HEAD", "HEAD", capsys=capsys)
    assert status == 2
    assert err.count("\n") == 1
    assert "not a git repository" in err
