"""The generated parts of the documentation, and the mkdocs hook that writes them into the pages.

A page asks for a generated part with a marker on a line of its own, `<!-- generated: NAME -->`;
`on_page_markdown` (an mkdocs hook, `hooks:` in mkdocs.yml) replaces it at build time. Each part
is read from the code or the spec that defines the behaviour, so the site cannot drift from them:

- `cli`: every command's `--help`, from the argparse parsers of `immoteur_contract.cli`;
- `connection-options`: the mock's connection limits and workers, from the same parser;
- `rules`, `decisions`: openapi.yaml's `x-rules` and `x-decisions`;
- `rule-cases`: per rule, the deterministic bodies the suite sends (`strategies.boundary_cases()`);
- `exit-codes`: `immoteur_contract.exits.EXIT_CODES`;
- `faulty-servers`, `correct-servers`: the self-test's catalogs;
- `benchmarks`: bench/RESULTS.md as `make bench` wrote it; `changelog`: CHANGELOG.md.

`readme_exit_codes()` is the README's exit-code table; tests/docs checks the README holds it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.MULTILINE)
HELP_COLUMNS = "100"
"""The width `--help` is rendered at, so that the page does not depend on the builder's terminal."""

__all__ = [
    "GENERATED",
    "cli_reference",
    "exit_codes_reference",
    "on_page_markdown",
    "readme_exit_codes",
    "render",
    "rules_reference",
]


@contextlib.contextmanager
def _columns(width: str) -> Iterator[None]:
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = width
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(`immoteur-contract COMMAND [SUB]`, its parser) for every command and nested command."""
    from immoteur_contract import cli

    for name in cli._COMMANDS:
        top = cli._parser([name])
        parser = _subcommands(top)[name]
        yield f"immoteur-contract {name}", parser
        for sub_name, sub_parser in _subcommands(parser).items():
            yield f"immoteur-contract {name} {sub_name}", sub_parser


def cli_reference() -> str:
    """Every command's `--help`, as argparse prints it, each under its own heading."""
    parts = []
    with _columns(HELP_COLUMNS):
        for title, parser in command_parsers():
            level = "###" if title.count(" ") > 1 else "##"
            parts.append(f"{level} `{title}`\n\n```text\n{parser.format_help().rstrip()}\n```\n")
    return "\n".join(parts)


def connection_options_reference() -> str:
    """The mock's "connections" options (limits and workers): default and meaning, from its
    parser, so that the table follows the defaults in `ConnectionLimits`."""
    mock = dict(command_parsers())["immoteur-contract mock"]
    group = next(g for g in mock._action_groups if g.title == "connections")
    lines = ["| option | default | meaning |", "|---|---:|---|"]
    for action in group._group_actions:
        flag = f"`{action.option_strings[0]} {action.metavar}`"
        meaning = re.sub(r" \(default [^);]*\)", "", str(action.help))
        lines.append(f"| {flag} | {action.default:g} | {_cell(meaning)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def exit_codes_reference() -> str:
    """One table per command: each exit code and what it means for that command."""
    from immoteur_contract.exits import EXIT_CODES

    parts = []
    for command, rows in EXIT_CODES.items():
        lines = [f"### `{command}`\n", "| exit | meaning |", "|---:|---|"]
        lines += [f"| {code} | {_cell(meaning)} |" for code, meaning in rows]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def readme_exit_codes() -> str:
    """The README's table: one row per command, one column per exit code."""
    from immoteur_contract.exits import EXIT_CODES

    codes = sorted({code for rows in EXIT_CODES.values() for code, _ in rows})
    lines = [
        "| command | " + " | ".join(str(code) for code in codes) + " |",
        "|---|" + "---|" * len(codes),
    ]
    for command, rows in EXIT_CODES.items():
        meaning = dict(rows)
        cells = [_cell(meaning.get(code, "")) for code in codes]
        lines.append(f"| `{command}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rules_reference() -> str:
    """openapi.yaml's `x-rules`: id, field, statement, in spec order."""
    from immoteur_contract.spec import load_contract

    contract = load_contract()
    lines = ["| rule id | field | statement |", "|---|---|---|"]
    for rule in contract.rules:
        field = f"`{rule.field}`" if rule.field else "(the body)"
        lines.append(f"| `{rule.id}` | {field} | {_cell(rule.statement)} |")
    return "\n".join(lines) + f"\n\n{len(contract.rules)} rules.\n"


def decisions_reference() -> str:
    """openapi.yaml's `info.x-decisions`: id and statement."""
    from immoteur_contract.spec import load_contract

    decisions = load_contract().document["info"].get("x-decisions", [])
    lines = ["| decision | statement |", "|---|---|"]
    lines += [f"| **{d['id']}** | {_cell(str(d['statement']))} |" for d in decisions]
    return "\n".join(lines) + "\n"


def rule_cases_reference() -> str:
    """Per rule: its statement and the deterministic bodies the suite sends to break it alone;
    then the valid bodies the acceptance layer sends (`strategies.boundary_cases()`)."""
    from immoteur_contract.rules import CONTRACT
    from immoteur_contract.strategies import boundary_cases

    cases = boundary_cases()
    lines = [
        "| rule | statement | deterministic bodies that break it, by case id |",
        "|---|---|---|",
    ]
    for rule in CONTRACT.rules:
        ids = [f"`{case.id}`" for case in cases if case.rule == rule.id]
        lines.append(f"| `{rule.id}` | {_cell(rule.statement)} | {len(ids)}: {', '.join(ids)} |")
    valid = [f"`{case.id}`" for case in cases if case.rule is None]
    lines.append(f"\nValid bodies of the acceptance layer ({len(valid)}): {', '.join(valid)}.")
    return "\n".join(lines) + "\n"


def faulty_servers_reference() -> str:
    """The faulty servers of the self-test, in catalog order."""
    from immoteur_contract.mutants import catalog

    lines = ["| faulty server | kind | divergence |", "|---|---|---|"]
    for name in catalog.names():
        server = catalog.faulty_server(name)
        lines.append(f"| `{name}` | {server.kind} | {_cell(server.divergence)} |")
    return "\n".join(lines) + f"\n\n{len(catalog.names())} faulty servers.\n"


def correct_servers_reference() -> str:
    """The correct servers of the self-test, in catalog order."""
    from immoteur_contract.mutants import catalog

    lines = ["| correct server | kind | how it differs |", "|---|---|---|"]
    for name in catalog.correct_names():
        server = catalog.correct_server(name)
        lines.append(f"| `{name}` | {server.kind} | {_cell(server.difference)} |")
    return "\n".join(lines) + "\n"


def _included(path: str, missing: str) -> Callable[[], str]:
    def include() -> str:
        file = ROOT / path
        if not file.exists():
            return missing
        text = file.read_text(encoding="utf-8")
        return re.sub(r"^# .*\n", "", text, count=1)  # the page has its own title

    return include


GENERATED: dict[str, Callable[[], str]] = {
    "cli": cli_reference,
    "exit-codes": exit_codes_reference,
    "rules": rules_reference,
    "rule-cases": rule_cases_reference,
    "connection-options": connection_options_reference,
    "decisions": decisions_reference,
    "faulty-servers": faulty_servers_reference,
    "correct-servers": correct_servers_reference,
    "benchmarks": _included(
        "bench/RESULTS.md",
        "No results yet: `make bench` writes them into `bench/RESULTS.md`.\n",
    ),
    "changelog": _included("CHANGELOG.md", "No CHANGELOG.md.\n"),
}
"""Marker name -> the function that writes that part."""


def render(markdown: str) -> str:
    """`markdown` with every `<!-- generated: NAME -->` marker replaced by its part."""

    def part(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATED:
            raise ValueError(f"unknown generated part {name!r}; known: {', '.join(GENERATED)}")
        return GENERATED[name]().rstrip("\n")

    return MARKER.sub(part, markdown)


def on_page_markdown(markdown: str, **_: Any) -> str:
    """mkdocs hook: write the generated parts into the page before it is rendered."""
    return render(markdown)
