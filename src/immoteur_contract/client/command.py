"""`immoteur-contract report`: file an issue report from the command line.

    immoteur-contract report data --property ID --facet price [--classified ID] [--comment TEXT]
    immoteur-contract report clustering --property ID --classified ID --action merge
    immoteur-contract report other --property ID --comment TEXT

The token is read from the IMMOTEUR_TOKEN environment variable only, never from an argument (an
argument would show in `ps` and shell history). `--dry-run` checks the report locally and prints
the JSON that would be sent, with no token and no request. Exit status: 0 filed (the reportId is
printed), 1 refused or failed (a 422 prints one line per field), 2 bad usage, missing token or a
report that breaks a documented rule locally.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from immoteur_client.models import IssueReportRequest

from ..arguments import base_url, non_negative_int, positive_number
from ..help_pages import epilog
from ..rules import CONTRACT
from ..urls import BASE_URL_HELP
from ._errors import ImmoteurError, ReportRuleError, ValidationFailedError
from ._facade import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, TOKEN_ENV_VAR, IssueReports
from ._reports import ClusteringReport, DataReport, OtherReport, Report

__all__ = ["add_arguments", "run"]

_PROG_ERROR = "immoteur-contract report: error:"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `data`, `clustering` and `other` subcommands and their options to `parser`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--property",
        dest="property_ids",
        action="append",
        required=True,
        metavar="ID",
        help="a property UUID (repeat for several)",
    )
    common.add_argument(
        "--classified",
        dest="classified_ids",
        action="append",
        default=[],
        metavar="ID",
        help="a classified UUID (repeat for several)",
    )
    common.add_argument(
        "--dry-run",
        action="store_true",
        help="check the report and print the JSON body; send nothing (no token needed)",
    )
    common.add_argument(
        "--base-url",
        type=base_url,
        default=DEFAULT_BASE_URL,
        metavar="URL",
        help=f"API base URL, {BASE_URL_HELP} (default: {DEFAULT_BASE_URL})",
    )
    common.add_argument(
        "--timeout",
        type=positive_number,
        default=None,
        metavar="SECONDS",
        help="per-request timeout (> 0)",
    )
    common.add_argument(
        "--max-retries",
        type=non_negative_int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help=f"retries on 429/503/connect failures (default: {DEFAULT_MAX_RETRIES})",
    )

    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    data = kinds.add_parser(
        "data",
        parents=[common],
        epilog=epilog("report data"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="some facts of a listing are wrong",
    )
    data.add_argument(
        "--facet",
        dest="facets",
        action="append",
        required=True,
        choices=CONTRACT.issue_facets,
        metavar="FACET",
        help=f"a wrong part of the listing, repeatable: {', '.join(CONTRACT.issue_facets)}",
    )
    data.add_argument("--comment", help="optional details")

    clustering = kinds.add_parser(
        "clustering",
        parents=[common],
        epilog=epilog("report clustering"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="targets are grouped wrongly (two targets or more)",
    )
    clustering.add_argument(
        "--action",
        required=True,
        choices=CONTRACT.clustering_actions,
        metavar="ACTION",
        help=f"what should happen to the grouping: {', '.join(CONTRACT.clustering_actions)}",
    )
    clustering.add_argument("--comment", help="optional details")

    other = kinds.add_parser(
        "other",
        parents=[common],
        epilog=epilog("report other"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="anything else, explained",
    )
    other.add_argument("--comment", required=True, help="what is wrong (required, not blank)")


def _report(args: argparse.Namespace) -> Report:
    if args.kind == "data":
        return DataReport(args.property_ids, args.facets, args.classified_ids, args.comment)
    if args.kind == "clustering":
        return ClusteringReport(args.property_ids, args.action, args.classified_ids, args.comment)
    return OtherReport(args.property_ids, args.comment, args.classified_ids)


def _error(*lines: str) -> None:
    for line in lines:
        print(f"{_PROG_ERROR} {line}", file=sys.stderr)


def _field_lines(errors: dict[str, list[str]]) -> list[str]:
    return [f"{key}: {' '.join(messages)}" for key, messages in errors.items()]


def run(args: argparse.Namespace) -> int:
    """File the report the arguments describe; return the exit status."""
    try:
        report = _report(args)
    except ReportRuleError as error:
        _error(f"the report breaks {', '.join(error.rule_ids)}; nothing was sent")
        _error(*_field_lines(error.errors))
        return 2
    if args.dry_run:
        body: dict[str, Any] = IssueReportRequest.from_dict(report.to_body()).to_dict()
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return 0
    if not os.environ.get(TOKEN_ENV_VAR):
        _error(f"set {TOKEN_ENV_VAR} to your Immoteur personal access token (never an argument)")
        return 2
    options: dict[str, Any] = {"base_url": args.base_url, "max_retries": args.max_retries}
    if args.timeout is not None:
        options["timeout"] = args.timeout
    try:
        client = IssueReports(**options)
    except ValueError as error:  # a malformed token or option; the message never shows the token
        _error(str(error))
        return 2
    try:
        with client:
            created = client.create(report)
    except ValidationFailedError as error:
        _error(f"{error.status} {error.reason}: the server refused the report")
        _error(*_field_lines(error.errors))
        return 1
    except ImmoteurError as error:
        _error(str(error))
        return 1
    print(created.report_id)
    return 0
