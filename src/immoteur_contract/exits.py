"""The exit codes of every command, in one table.

Each command's `--help` ends with its rows (`epilog`), the documentation's exit-code reference is
generated from `EXIT_CODES`, and the commands return the named constants, so the three cannot
disagree. The codes mean the same thing in every command: 0 the job succeeded, 1 the thing checked
is wrong (the target, the report, the change), 2 the command could not do its job as asked (a
usage error, an unreachable target), 3 the target could not be judged, 130 interrupted.
"""

from __future__ import annotations

__all__ = [
    "EXIT_CODES",
    "FAILED",
    "INTERRUPTED",
    "OK",
    "UNVERIFIED",
    "USAGE",
    "epilog",
]

OK = 0
"""The job succeeded."""
FAILED = 1
"""What was checked is wrong: a divergence, a refused report, new failures, a breaking change."""
USAGE = 2
"""The command could not do its job as asked: a usage error, a target that cannot be reached."""
UNVERIFIED = 3
"""`run` could not judge the target: transport faults or rate limiting left rules unjudged."""
INTERRUPTED = 130
"""Interrupted by Ctrl-C (SIGINT): 128 + 2, as a shell reports it."""

_USAGE_LINE = "usage or configuration error, found before anything is sent"

EXIT_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "run": (
        (OK, "conforms, or no divergence found in a partial run (budget or --max-time reached)"),
        (FAILED, "does not conform: at least one divergence from the contract"),
        (USAGE, f"{_USAGE_LINE}; target unreachable or preflight failed"),
        (UNVERIFIED, "could not verify: transport faults or rate limiting left rules unjudged"),
        (INTERRUPTED, "interrupted; the report files written so far stay valid"),
    ),
    "report": (
        (OK, "the report was created (with --dry-run: it is valid and was not sent)"),
        (FAILED, "the API refused the report (a 4xx answer: 401, 403, 422, 429, ...)"),
        (
            USAGE,
            f"{_USAGE_LINE} (a report breaking a rule, an unusable token, a stale client);"
            " no server or no endpoint at the URL, no answer in time, too large, or a 5xx",
        ),
        (INTERRUPTED, "interrupted"),
    ),
    "mock": (
        (OK, "stopped by SIGINT or SIGTERM"),
        (USAGE, f"{_USAGE_LINE}; the port is taken or the store cannot be used"),
    ),
    "mutants": (
        (OK, "every faulty server was caught and every correct server passed"),
        (FAILED, "a faulty server survived or a correct server failed"),
        (USAGE, _USAGE_LINE),
        (INTERRUPTED, "interrupted"),
    ),
    "compare": (
        (OK, "no new failure"),
        (FAILED, "the newer run has failures the older one did not"),
        (USAGE, f"{_USAGE_LINE}: a file missing or not a run report"),
    ),
    "proxy": (
        (
            OK,
            "stopped (SIGINT, SIGTERM or --max-exchanges) without a violation (with --baseline:"
            " none new)",
        ),
        (FAILED, "a caller or server violation was seen (with --baseline: a new one)"),
        (USAGE, f"{_USAGE_LINE}: a bad --upstream, --listen, --cacert or output path"),
        (UNVERIFIED, "could not verify: the judging process stopped before judging the session"),
    ),
    "spec-diff": (
        (OK, "no change breaks callers of the API"),
        (FAILED, "a change breaks callers of the API"),
        (USAGE, f"{_USAGE_LINE}: a file or git revision that cannot be read"),
    ),
}
"""Command name -> (exit code, meaning) rows, in code order."""


def epilog(command: str) -> str:
    """The exit-code block that ends `command`'s `--help`."""
    rows = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES[command])
    return f"exit codes:\n{rows}"
