"""The documentation site builds in strict mode, and its generated parts follow the code."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from immoteur_contract import cli
from immoteur_contract.exits import EXIT_CODES

from .examples import ROOT


def _docs_pages() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_pages", ROOT / "tools" / "docs_pages.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


docs_pages = _docs_pages()


def test_site_builds_strict_without_warning(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output, output
    assert (tmp_path / "site" / "reference" / "cli" / "index.html").exists()


def _help(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main([*argv, "--help"])
    return out.getvalue().rstrip()


@pytest.mark.parametrize("command", list(EXIT_CODES))
def test_cli_reference_holds_each_commands_help(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", docs_pages.HELP_COLUMNS)
    assert _help([command]) in docs_pages.cli_reference()


def test_cli_reference_covers_every_command() -> None:
    titles = [title for title, _ in docs_pages.command_parsers()]
    assert {title.split()[1] for title in titles} == set(cli._COMMANDS)


def test_rules_reference_lists_every_rule_of_the_spec() -> None:
    from immoteur_contract.rules import CONTRACT

    page = docs_pages.rules_reference()
    assert [f"`{rule.id}`" for rule in CONTRACT.rules] == re.findall(r"^\| (`[^`]+`)", page, re.M)


def test_readme_exit_codes_are_those_of_exits_py() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- exit-codes:start[^\n]*-->\n(.*?)\n<!-- exit-codes:end -->", readme, re.S
    )
    assert block is not None, "README.md lost its <!-- exit-codes:start/end --> markers"
    assert block.group(1) == docs_pages.readme_exit_codes(), (
        "README.md's exit-code table differs from src/immoteur_contract/exits.py; write this"
        f" table between the markers:\n{docs_pages.readme_exit_codes()}"
    )


def test_readme_stays_short() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


def test_unknown_generated_part_is_named() -> None:
    with pytest.raises(ValueError, match="unknown generated part 'nope'"):
        docs_pages.render("<!-- generated: nope -->\n")


def test_coverage_floor_in_readme_and_contributing_is_pyprojects() -> None:
    floor = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "coverage"
    ]["report"]["fail_under"]
    shown = f"{floor:g} %"
    assert f"floor of {shown}" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"**{shown}** (`fail_under = {floor}`)" in (ROOT / "docs" / "contributing.md").read_text(
        encoding="utf-8"
    )
