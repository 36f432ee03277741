"""`immoteur-contract report`: file an issue report from the command line.

    immoteur-contract report data --property ID --facet price [--classified ID] [--comment TEXT]
    immoteur-contract report clustering --property ID --classified ID --action merge
    immoteur-contract report other --property ID --comment TEXT

The token is read from the IMMOTEUR_TOKEN environment variable only, never from an argument (an
argument would show in `ps` and shell history). `--dry-run` checks the report locally and prints
the JSON that would be sent, with no token and no request. Every failure is one line (a 422 adds
one line per field) prefixed `immoteur-contract report: error:`, with the exit codes of
`exits.EXIT_CODES["report"]`: 0 filed (the reportId is printed), 1 the API refused the report (a
4xx answer other than 404/405), 2 a usage or configuration error (a report breaking a rule, a
token that cannot be sent, a CA file that cannot be loaded, a generated client older than the
spec) or a server that could not be used (unreachable, no answer within `--timeout`, an answer
over `--max-response-bytes`, no endpoint at the URL, a 5xx), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from immoteur_client.models import IssueReportRequest

from ..arguments import base_url, non_negative_int, positive_int, positive_number
from ..exits import FAILED, INTERRUPTED, OK, USAGE
from ..help_pages import epilog
from ..rules import CONTRACT
from ..urls import BASE_URL_HELP
from ._errors import (
    APIStatusError,
    EndpointNotFoundError,
    ImmoteurError,
    ReportRuleError,
    ValidationFailedError,
)
from ._facade import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    TOKEN_ENV_VAR,
    IssueReports,
)
from ._reports import ClusteringReport, DataReport, OtherReport, Report
from ._staleness import stale_client_problem

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
        help="the most the command may take, connect, send, wait, read and retries included"
        f" (> 0; default: {DEFAULT_DEADLINE:g})",
    )
    common.add_argument(
        "--max-retries",
        type=non_negative_int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help=f"retries on 429/503/connect failures (default: {DEFAULT_MAX_RETRIES}); a"
        f" Retry-After over {DEFAULT_MAX_RETRY_AFTER:g} s is not waited",
    )
    common.add_argument(
        "--max-response-bytes",
        type=positive_int,
        default=DEFAULT_MAX_RESPONSE_BYTES,
        metavar="BYTES",
        help="the most bytes of an answer's body read; past it the connection is closed"
        f" (default: {DEFAULT_MAX_RESPONSE_BYTES})",
    )
    common.add_argument(
        "--cacert",
        metavar="PATH",
        help="a CA bundle (PEM) to verify the server with, for an internal certificate"
        " authority (SSL_CERT_FILE works too; HTTPS_PROXY and NO_PROXY are honoured)",
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


def _exit_status(error: ImmoteurError) -> int:
    """FAILED when the API refused the report (a 4xx answer other than "no endpoint here"),
    USAGE for everything that kept the command from asking (configuration, network, 5xx)."""
    if isinstance(error, APIStatusError) and not isinstance(error, EndpointNotFoundError):
        return FAILED if 400 <= error.status <= 499 else USAGE
    return USAGE


def run(args: argparse.Namespace) -> int:
    """File the report the arguments describe; return the exit status."""
    try:
        return _file(args)
    except KeyboardInterrupt:
        _error("interrupted; if the request had been sent, the report may have been filed")
        return INTERRUPTED


def _file(args: argparse.Namespace) -> int:
    stale = stale_client_problem()
    if stale:
        _error(stale)
        return USAGE
    try:
        report = _report(args)
    except ReportRuleError as error:
        _error(f"the report breaks {', '.join(error.rule_ids)}; nothing was sent")
        _error(*_field_lines(error.errors))
        return USAGE
    if args.dry_run:
        body: dict[str, Any] = IssueReportRequest.from_dict(report.to_body()).to_dict()
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return OK
    if not os.environ.get(TOKEN_ENV_VAR):
        _error(f"set {TOKEN_ENV_VAR} to your Immoteur personal access token (never an argument)")
        return USAGE
    options: dict[str, Any] = {
        "base_url": args.base_url,
        "max_retries": args.max_retries,
        "max_response_bytes": args.max_response_bytes,
    }
    if args.timeout is not None:
        options["timeout"] = args.timeout
    if args.cacert is not None:
        options["verify"] = args.cacert
    try:
        client = IssueReports(**options)
    except ImmoteurError as error:  # a malformed token, a CA file; never shows the token
        _error(str(error).replace("cannot load the CA file", "--cacert: cannot load"))
        return USAGE
    try:
        with client:
            created = client.create(report)
    except ValidationFailedError as error:
        _error(f"{error.status} {error.reason}: the server refused the report")
        _error(*_field_lines(error.errors))
        return FAILED
    except ImmoteurError as error:
        _error(str(error))
        return _exit_status(error)
    print(created.report_id)
    return OK
