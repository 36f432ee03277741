"""`immoteur-contract run`: the contract suite (contract_tests/) against a target, via pytest.

Exit status: 0 the target conforms, 1 it does not, 2 a usage or connection error (said in one
line). At the end a table: each rule id and layer, requests sent, verdict; then each failure
with its body and a curl line (token shown as `$IMMOTEUR_TOKEN`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from ..urls import BASE_URL_HELP
from .curl import scrub
from .options import DEFAULT_EXAMPLES
from .target import TOKEN_ENV

__all__ = ["SUITE_DIR", "add_arguments", "pytest_args", "run"]

SUITE_DIR = Path(__file__).resolve().parents[3] / "contract_tests"
"""The contract suite, next to src/ in the repository."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `run` subcommand's options."""
    target = parser.add_argument_group("target")
    target.add_argument(
        "--base-url",
        metavar="URL",
        help=f"server to test, {BASE_URL_HELP}; token from {TOKEN_ENV} "
        "(default: the reference server in-process)",
    )
    target.add_argument(
        "--app",
        metavar="MODULE:ATTR",
        help="in-process target: a factory (token) -> ASGI app "
        "(default immoteur_contract.server:reference_app)",
    )
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="request budget (default 200 remote, 20000 loopback/in-process)",
    )
    limits.add_argument(
        "--rate",
        type=float,
        metavar="R",
        help="requests per second (default 2 remote, unlimited locally)",
    )
    limits.add_argument(
        "--allow-writes",
        action="store_true",
        help="also send valid reports to a remote target (files real reports)",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="seed of every generator")
    parser.add_argument(
        "--examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help=f"generated examples per rule and kind (default {DEFAULT_EXAMPLES})",
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    outputs = parser.add_argument_group("outputs")
    outputs.add_argument("--junit", metavar="PATH", help="write a JUnit XML report")
    outputs.add_argument("--report", metavar="PATH", help="write the JSON run report")
    outputs.add_argument("--record", metavar="PATH", help="write one JSON line per request")
    outputs.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress lines and no table: the verdict line and failures",
    )


def pytest_args(args: argparse.Namespace) -> list[str]:
    """The pytest command line for `args` (never holds the token)."""
    argv = [str(SUITE_DIR), "-p", "no:terminal", "-p", "no:cacheprovider"]
    # hypothesis or the plugin may already be imported (the mutants command warms them up)
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    for flag, value in (
        ("--base-url", args.base_url),
        ("--app", args.app),
        ("--seed", args.seed),
        ("--max-requests", args.max_requests),
        ("--rate", args.rate),
        ("--report", args.report),
        ("--record", args.record),
        ("--examples", args.examples),
    ):
        if value is not None:
            argv += [flag, str(value)]
    if args.junit:
        argv.append(f"--junitxml={args.junit}")
    for flag, on in (
        ("--allow-writes", args.allow_writes),
        ("--fail-fast", args.fail_fast),
        ("--progress", not args.quiet),
    ):
        if on:
            argv.append(flag)
    return argv


def _error(message: str) -> int:
    print(f"immoteur-contract run: error: {message}", file=sys.stderr, flush=True)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run the suite; 0 conforms, 1 does not, 2 usage or connection error."""
    from . import plugin  # imported here: it pulls in hypothesis and the rules

    if args.base_url and args.app:
        return _error("--base-url and --app are exclusive: pick one target")
    if args.base_url and not os.environ.get(TOKEN_ENV):
        return _error(f"{TOKEN_ENV} is not set: the token for --base-url comes from it")
    if not SUITE_DIR.is_dir():
        return _error(f"the contract suite is not at {SUITE_DIR}")
    code = pytest.main(pytest_args(args))
    report = plugin.LAST_REPORT[0] if plugin.LAST_REPORT else None
    if args.junit and report is not None:
        _scrub_file(Path(args.junit), report.token)
    if report is None:
        return _error(f"the suite did not run (pytest exit status {int(code)})")
    if report.error is not None:
        return _error(report.error)
    from .report import render_table

    table = render_table(report, args.report)
    if args.quiet:
        table = "\n".join(line for line in table.splitlines() if not _is_row(line, table))
    print(table, flush=True)
    if int(code) not in (0, 1) and report.conforms:
        return _error(f"pytest stopped with exit status {int(code)}")
    return 0 if report.conforms else 1


def _is_row(line: str, table: str) -> bool:
    """A rule row of the table (the lines before the total), left out by --quiet."""
    head, _, _ = table.partition("\ntotal")
    return line in head.splitlines()


def _scrub_file(path: Path, token: str) -> None:
    if token and path.exists():
        path.write_text(scrub(path.read_text(encoding="utf-8"), token), encoding="utf-8")
