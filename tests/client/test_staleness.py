"""Tests of `stale_client_problem`: a generated client older (or newer) than the spec gets one
line naming `make client`, from the facade and from `report`, never a traceback.

The end-to-end tests run the kit in a subprocess with IMMOTEUR_SPEC pointing at an edited copy of
openapi.yaml that adds a facet the generated client lacks, as tests/spec_change does, without
regenerating the client."""

from __future__ import annotations

import os
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest
import yaml

from immoteur_contract.client import (
    StaleClientError,
    _staleness,
    check_generated_client,
    stale_client_problem,
)
from immoteur_contract.rules import CONTRACT
from immoteur_contract.spec import PACKAGED_SPEC_PATH, SPEC_ENV_VAR

from .support import PROPERTY

NEW_FACET = "energy" if "energy" not in CONTRACT.issue_facets else "energy-2"


def test_the_generated_client_matches_the_spec() -> None:
    assert stale_client_problem() is None
    check_generated_client()


def test_a_value_the_spec_added_names_make_client(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = _staleness._pairs()
    field, values, enum = pairs[1]
    monkeypatch.setattr(
        _staleness, "_pairs", lambda: (pairs[0], (field, (*values, NEW_FACET), enum), pairs[2])
    )
    problem = stale_client_problem()
    assert problem == (
        f"the generated client is older than {PACKAGED_SPEC_PATH.name}: {field} has"
        f" {NEW_FACET!r} that immoteur_client.{enum.__name__} lacks; run `make client`"
    )
    with pytest.raises(StaleClientError, match="run `make client`"):
        check_generated_client()


def test_a_value_the_spec_dropped_names_make_client(monkeypatch: pytest.MonkeyPatch) -> None:
    members = [(k.upper(), k) for k in (*CONTRACT.issue_kinds, "legacy")]
    kinds = StrEnum("Kinds", members)  # type: ignore[misc]  # a functional enum, as generated
    pairs = _staleness._pairs()
    monkeypatch.setattr(
        _staleness, "_pairs", lambda: (("issueKind", CONTRACT.issue_kinds, kinds), *pairs[1:])
    )
    problem = stale_client_problem()
    assert problem is not None
    assert "does not match" in problem
    assert "immoteur_client.Kinds has 'legacy' that issueKind lacks; run `make client`" in problem


@pytest.fixture(scope="module")
def spec_with_a_new_facet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    document = yaml.safe_load(PACKAGED_SPEC_PATH.read_text(encoding="utf-8"))
    facet_ref = document["components"]["schemas"][CONTRACT.request_schema_name]["properties"][
        "issueFacets"
    ]["items"]["$ref"]
    document["components"]["schemas"][facet_ref.rsplit("/", 1)[-1]]["enum"].append(NEW_FACET)
    path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _python(spec: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, SPEC_ENV_VAR: str(spec)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_report_dry_run_with_a_facet_the_client_lacks_is_one_line(
    spec_with_a_new_facet: Path,
) -> None:
    argv = ["report", "data", "--property", PROPERTY, "--facet", NEW_FACET, "--dry-run"]
    done = _python(
        spec_with_a_new_facet,
        f"from immoteur_contract.cli import main; raise SystemExit(main({argv!r}))",
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "immoteur-contract report: error: the generated client is older than openapi.yaml:"
        f" issueFacets has {NEW_FACET!r} that immoteur_client.IssueFacet lacks; run `make client`"
    ]


def test_facade_with_a_stale_client_raises_stale_client_error(spec_with_a_new_facet: Path) -> None:
    code = (
        "from immoteur_contract.client import IssueReports, StaleClientError\n"
        "try:\n"
        "    IssueReports('tok', base_url='http://127.0.0.1:9')\n"
        "except StaleClientError as error:\n"
        "    print(error)\n"
    )
    done = _python(spec_with_a_new_facet, code)
    assert done.returncode == 0, done.stderr
    assert f"issueFacets has {NEW_FACET!r}" in done.stdout
    assert "run `make client`" in done.stdout
