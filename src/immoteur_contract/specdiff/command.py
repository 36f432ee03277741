"""`immoteur-contract spec-diff OLD NEW`: what a change of the contract means, for a pull request.

    immoteur-contract spec-diff HEAD openapi.yaml          # the uncommitted change
    immoteur-contract spec-diff HEAD~1 openapi.yaml        # the last commit's change
    immoteur-contract spec-diff main:openapi.yaml openapi.yaml --markdown

OLD and NEW are files or git revisions (see `sources`). Exit status: 1 when a change breaks
callers (a request that was valid becomes invalid, a response field they read disappears), 0
otherwise, 2 for a usage error (a missing file, a bad revision, invalid YAML), in one line.
"""

from __future__ import annotations

import argparse
import sys

from . import render
from .compare import breaks_callers, compare
from .schemas import SpecError
from .sources import SourceError, read_source

__all__ = ["add_arguments", "run"]

_PROG = "immoteur-contract spec-diff"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """OLD, NEW and the output format."""
    parser.add_argument("old", metavar="OLD", help="the contract before: a file or a git revision")
    parser.add_argument("new", metavar="NEW", help="the contract after: a file or a git revision")
    parser.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="plain text (default) or Markdown for a pull request comment",
    )
    parser.add_argument(
        "--markdown", dest="format", action="store_const", const="markdown",
        help="same as --format markdown",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Compare, print, and return 1 when a change breaks callers (2 on a usage error)."""
    try:
        old, new = read_source(args.old), read_source(args.new)
        changes = compare(old.document, new.document)
    except (SourceError, SpecError) as error:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
        return 2
    except (AttributeError, KeyError, TypeError) as error:  # a part of an unexpected shape
        print(
            f"{_PROG}: error: {args.old} or {args.new} has a part OpenAPI 3.1 does not allow"
            f" ({type(error).__name__}: {error}); openapi-spec-validator names it",
            file=sys.stderr,
        )
        return 2
    show = render.markdown if args.format == "markdown" else render.text
    print(show(old.label, new.label, changes))
    return 1 if breaks_callers(changes) else 0
