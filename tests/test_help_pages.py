"""Every --help page ends with real examples and the exit codes of exits.py."""

from __future__ import annotations

import re
import shlex

import pytest

from immoteur_contract import cli, exits
from immoteur_contract.help_pages import EXAMPLES

PAGES = ["mock", "run", "mutants", "report", "compare", "spec-diff",
         "report data", "report clustering", "report other"]  # fmt: skip


def _help(capsys: pytest.CaptureFixture[str], page: str) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main([*page.split(), "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("page", PAGES)
def test_help_pages_end_with_examples_and_exit_codes(
    capsys: pytest.CaptureFixture[str], page: str
) -> None:
    text = _help(capsys, page)
    assert text.rstrip().endswith(exits.epilog(page.split()[0]))
    examples = text.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 2 <= len(examples) <= 3
    assert all("immoteur-contract " + page.split()[0] in line for line in examples)


@pytest.mark.parametrize(
    ("page", "line"), [(page, line) for page in EXAMPLES for line in EXAMPLES[page]]
)
def test_help_pages_examples_parse(page: str, line: str) -> None:
    """Each example is a command line the parser takes as it stands (URL: any base URL)."""
    words = shlex.split(line.split("||")[0], comments=True)
    words = [w for w in words if not re.match(r"[A-Z_]+=", w)]  # VAR=value prefixes
    assert words[0] == "immoteur-contract"
    argv = ["http://127.0.0.1:8080" if w == "URL" else w for w in words[1:]]
    parser = cli._parser(argv)
    args, extras = parser.parse_known_args(argv)
    assert extras == []
    assert args.command == page.split()[0]


def test_help_pages_spec_diff_names_rev_path_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _help(capsys, "spec-diff")
    assert "REV:PATH" in text
    assert "Exit 1 when callers break" in " ".join(text.split())
