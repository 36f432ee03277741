"""`immoteur-contract run`: the contract suite (contract_tests/) against a target, via pytest.

Exit status (exits.py, the verdict's: verdict.py): 0 the target conforms, or no divergence was
found in a partial run (the budget or --max-time ran out, or writes were not allowed: the table
and the report say what was not covered); 1 it does not conform; 2 a usage or connection error,
said in one line before anything is sent (the options are checked by their argparse types, the
token, the output paths and the app before pytest starts); 3 could not verify (transport faults
or rate limiting left rules unjudged); 130 interrupted (the files written so far stay whole).
At the end a table: each rule id and layer, requests sent, verdict; then each failure with its
body and a curl line (token shown as `$IMMOTEUR_TOKEN`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import exits
from ..arguments import (
    OutputPathError,
    base_url,
    output_file,
    positive_int,
    positive_number,
    prepare_outputs,
    seed,
)
from ..urls import BASE_URL_HELP
from . import regression
from .options import DEFAULT_EXAMPLES, TARGET_OPTIONS

__all__ = ["SUITE_DIR", "add_arguments", "pytest_args", "run"]

_PACKAGE = Path(__file__).resolve().parents[1]
SUITE_DIR = next(
    (
        suite
        for suite in (_PACKAGE / "contract_tests", _PACKAGE.parents[1] / "contract_tests")
        if suite.is_dir()
    ),
    _PACKAGE.parents[1] / "contract_tests",
)
"""The contract suite: inside the installed package (the wheel carries it there), or next to
src/ in the repository."""


OUTPUTS = {
    "--junit": "write a JUnit XML report",
    "--report": "write the JSON run report",
    "--record": "write one JSON line per request",
    "--summary": "write a Markdown summary of the run (verdict, rules, new/known/fixed)",
}
"""The output files, by flag: each is checked (its folder created) before anything is sent."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `run` subcommand's options."""
    target = parser.add_argument_group("target")
    target.add_argument(
        "--base-url",
        type=base_url,
        metavar="URL",
        help=f"server to test, {BASE_URL_HELP}; token from IMMOTEUR_TOKEN "
        "(default: the reference server in-process)",
    )
    target.add_argument(
        "--app",
        metavar="MODULE:ATTR",
        help="in-process target: a factory (token) -> ASGI app "
        "(default immoteur_contract.server:reference_app)",
    )
    for flag, (kind, metavar, text) in TARGET_OPTIONS.items():
        target.add_argument(flag, type=kind, metavar=metavar, help=text)  # type: ignore[arg-type]
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--max-requests",
        type=positive_int,
        metavar="N",
        help="request budget (default 200 remote, 20000 loopback/in-process)",
    )
    limits.add_argument(
        "--rate",
        type=positive_number,
        metavar="R",
        help="requests per second (default 2 remote, unlimited locally)",
    )
    limits.add_argument(
        "--allow-writes",
        action="store_true",
        help="also send valid reports to a remote target (files real reports)",
    )
    parser.add_argument("--seed", type=seed, metavar="N", help="seed of every generator (>= 0)")
    parser.add_argument(
        "--examples",
        type=positive_int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help=f"generated examples per rule and kind (default {DEFAULT_EXAMPLES})",
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    outputs = parser.add_argument_group("outputs")
    for flag, what in OUTPUTS.items():
        outputs.add_argument(flag, type=output_file, metavar="PATH", help=what)
    outputs.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress and no rule rows: the verdict, what a partial run left out, failures",
    )
    regression.add_arguments(parser)


def pytest_args(args: argparse.Namespace) -> list[str]:
    """The pytest command line for `args` (never holds the token)."""
    # --capture=sys: the progress line writes to the real stderr while a test runs
    argv = [str(SUITE_DIR), "-p", "no:terminal", "-p", "no:cacheprovider", "--capture=sys"]
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
        ("--request-timeout", args.request_timeout),
        ("--max-body", args.max_body),
        ("--max-time", args.max_time),
        ("--cacert", args.cacert),
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


def usage_problem(args: argparse.Namespace) -> str | None:
    """What makes `args` unusable, found without sending anything (None: nothing). Creates the
    output files' missing folders."""
    from .target import UsageError, environment_token, load_factory

    if args.base_url and args.app:
        return "--base-url and --app are exclusive: pick one target"
    if args.base_url:
        try:
            environment_token()
        except UsageError as error:
            return str(error)
    if not SUITE_DIR.is_dir():
        return f"the contract suite is not at {SUITE_DIR}"
    try:
        if args.app:
            load_factory(args.app)
        prepare_outputs((flag, getattr(args, flag[2:].replace("-", "_"))) for flag in OUTPUTS)
    except (UsageError, OutputPathError) as error:
        return str(error)
    return None


def run(args: argparse.Namespace) -> int:
    """Run the suite; the exit status is the verdict's (verdict.py): 0 conforms or no divergence
    in a partial run, 1 does not conform, 2 usage or connection error, 3 could not verify, 130
    interrupted."""
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("immoteur-contract run: interrupted", file=sys.stderr, flush=True)
        return exits.INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    problem = usage_problem(args)
    if problem is not None:
        return _error(problem)
    try:
        checks = regression.prepare(args)
    except regression.RegressionUsageError as error:
        return _error(str(error))
    import pytest  # imported here, as the plugin: a usage error does not wait for them

    from . import plugin
    from .outputs import finish_junit, write_atomic
    from .table import render_table

    code = pytest.main(pytest_args(args))
    report = plugin.LAST_REPORT[0] if plugin.LAST_REPORT else None
    if report is None:
        return _error(f"the suite did not run (pytest exit status {int(code)})")
    unjudged_code = report.final.code
    if report.interrupted or report.error is not None:
        regression.summarise_error(args, report)
        if args.junit:
            finish_junit(Path(args.junit), report)
        if report.error is not None:
            return _error(report.error)
        print(
            f"immoteur-contract run: interrupted after {len(report.ledger.exchanges)} requests"
            f" ({len(report.failures)} failures so far)",
            file=sys.stderr,
            flush=True,
        )
        return exits.INTERRUPTED
    regression.new_failures_first(checks, report)
    judgement, lines = regression.judge_run(args, checks, report)
    if args.report and report.baseline is not None:  # the verdict after the baseline
        write_atomic(Path(args.report), report.dumps() + "\n")
    if args.junit:
        finish_junit(Path(args.junit), report)
    table = render_table(report, str(args.report) if args.report else None)
    if args.quiet:
        table = "\n".join(line for line in table.splitlines() if not _is_row(line, table))
    print(table, flush=True)
    if int(code) not in (0, unjudged_code) and not report.failures:
        return _error(f"pytest stopped with exit status {int(code)}")
    return regression.finish(args, checks, report, judgement, lines)


def _is_row(line: str, table: str) -> bool:
    """A rule row of the table (the lines before the total), left out by --quiet."""
    head, _, _ = table.partition("\ntotal")
    return line in head.splitlines()
