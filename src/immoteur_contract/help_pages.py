"""What ends every `--help` page: two or three real examples, then the exit codes.

The examples are commands a user can type as they stand (against a local reference server,
never production, except where the production URL is the point); the exit codes come from
`exits.EXIT_CODES`, so that the help, the docs and the code cannot disagree. The report kinds
(`report data`, `report clustering`, `report other`) each get their own examples and the
`report` exit codes.
"""

from __future__ import annotations

import textwrap

from .exits import epilog as exit_codes

__all__ = ["DESCRIPTIONS", "EXAMPLES", "description", "epilog"]

_LOCAL = "http://127.0.0.1:8080/public/v1"
_UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

EXAMPLES: dict[str, tuple[str, ...]] = {
    "mock": (
        "immoteur-contract mock                                  # port 8080, token printed once",
        "IMMOTEUR_MOCK_TOKEN=dev-token immoteur-contract mock --store reports.db --workers 2",
        "immoteur-contract mock --fail-rate 0.1 --latency-range 0 0.5 --seed 1",
    ),
    "run": (
        "immoteur-contract run                          # the reference server, in-process",
        f"IMMOTEUR_TOKEN=dev-token immoteur-contract run --base-url {_LOCAL} --report run.json",
        "immoteur-contract run --base-url URL --baseline baseline.yaml --summary summary.md"
        " --junit junit.xml",
    ),
    "mutants": (
        "immoteur-contract mutants --list                        # the faulty and correct servers",
        "immoteur-contract mutants --jobs 2 --report mutants.json",
        "immoteur-contract mutants --only created_as_200 errors_keyed_body --seed 3",
    ),
    "report": (
        f"immoteur-contract report data --property {_UUID} --facet price --dry-run",
        f"IMMOTEUR_TOKEN=dev-token immoteur-contract report other --property {_UUID}"
        f" --comment 'wrong floor' --base-url {_LOCAL}",
    ),
    "report data": (
        f"immoteur-contract report data --property {_UUID} --facet price --dry-run",
        f"IMMOTEUR_TOKEN=dev-token immoteur-contract report data --property {_UUID}"
        f" --facet price --facet location --comment 'wrong street' --base-url {_LOCAL}",
    ),
    "report clustering": (
        f"immoteur-contract report clustering --property {_UUID} --classified {_UUID}"
        " --action split --dry-run",
        f"IMMOTEUR_TOKEN=dev-token immoteur-contract report clustering --property {_UUID}"
        f" --classified {_UUID} --action split --base-url {_LOCAL}",
    ),
    "report other": (
        f"immoteur-contract report other --property {_UUID} --comment 'listing is a duplicate'"
        " --dry-run",
        f"IMMOTEUR_TOKEN=dev-token immoteur-contract report other --property {_UUID}"
        f" --comment 'listing is a duplicate' --base-url {_LOCAL}",
    ),
    "compare": (
        "immoteur-contract compare yesterday.json today.json",
        "immoteur-contract compare main-run.json branch-run.json || echo 'new failures'",
    ),
    "spec-diff": (
        "immoteur-contract spec-diff HEAD openapi.yaml            # the uncommitted change",
        "immoteur-contract spec-diff main:openapi.yaml openapi.yaml --markdown"
        "   # REV:PATH, a file at a git revision",
        "immoteur-contract spec-diff old-openapi.yaml openapi.yaml || echo 'callers break'",
    ),
}
"""Command (or `report KIND`) -> example command lines."""


DESCRIPTIONS: dict[str, str] = {
    "run": "Run the contract suite against a target: the reference server in-process by"
    " default, or --base-url with the token in IMMOTEUR_TOKEN (never an argument). Exit 1 when"
    " the target diverges from the contract.",
    "report": "File an issue report. The token is read from IMMOTEUR_TOKEN only, never from an"
    " argument; --dry-run checks the report and prints its JSON without sending anything.",
    "compare": "Compare two runs' --report files: new and fixed failures, changed observations."
    " Exit 1 when the newer run has a failure the older one did not.",
    "spec-diff": "What a change of openapi.yaml means for callers of the API. Exit 1 when"
    " callers break (a request that was valid becomes invalid, a response field they read"
    " disappears).\n\nOLD and NEW are each a file or a git revision: PATH (a file that exists),"
    " REV (openapi.yaml at that revision, e.g. HEAD~1) or REV:PATH (a file at a revision, as"
    " `git show REV:PATH` reads it, e.g. main:openapi.yaml).",
}
"""Command -> the paragraph under its usage line (the one-line help when absent)."""


def epilog(command: str) -> str:
    """The block that ends `command`'s --help: its examples, then its exit codes (`report
    KIND` takes the exit codes of `report`)."""
    examples = "\n".join(f"  {line}" for line in EXAMPLES[command])
    return f"examples:\n{examples}\n\n{exit_codes(command.split()[0])}"


def description(command: str, default: str) -> str:
    """The paragraphs under `command`'s usage line, wrapped to 79 columns (`default` when the
    command has none of its own)."""
    text = DESCRIPTIONS.get(command, default)
    return "\n\n".join(textwrap.fill(paragraph, 79) for paragraph in text.split("\n\n"))
