"""The run's verdict, decided in one place: the terminal table, the JSON report, the JUnit file
and the Markdown summary all take it from `decide`, so they cannot disagree.

In order: a run that could not start or go on is an `error` (exit 2); Ctrl-C makes it
`interrupted` (130); a divergence found makes it `fails` (1), whatever else happened (with a
baseline: a new failure, an expired entry, or a fixed one under --strict-baseline); transport
faults or rate limiting that left tests unjudged make it `unverified`, "could not verify" (3);
a run that ran every test whole `conforms` (0), and one cut short by its budget, --max-time or
the writes it may not send is `partial`: no divergence found in what it sent (0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .. import exits

__all__ = ["EXIT_STATUS", "VERDICTS", "Verdict", "VerdictKey", "decide"]

VerdictKey = Literal["conforms", "fails", "partial", "unverified", "interrupted", "error"]

VERDICTS: dict[str, str] = {
    "conforms": "conforms",
    "fails": "DOES NOT CONFORM",
    "partial": "no divergence found in a partial run",
    "unverified": "could not verify",
    "interrupted": "interrupted",
    "error": "error",
}
"""The verdict, by key (the JSON report's `verdict`), as every output says it."""

EXIT_STATUS: dict[str, int] = {
    "conforms": exits.OK,
    "fails": exits.FAILED,
    "partial": exits.OK,
    "unverified": exits.UNVERIFIED,
    "interrupted": exits.INTERRUPTED,
    "error": exits.USAGE,
}
"""The exit status of `immoteur-contract run` for each verdict."""


@dataclass(frozen=True)
class Verdict:
    """A run's verdict: its key, the words every output uses, and the exit status."""

    key: VerdictKey
    text: str

    @property
    def code(self) -> int:
        return EXIT_STATUS[self.key]


def decide(
    *,
    error: bool,
    interrupted: bool,
    diverged: bool,
    unjudged: bool,
    complete: bool,
    known: int = 0,
) -> Verdict:
    """The verdict of a run: `diverged` a divergence counts against the target (with a
    baseline: one it does not accept), `unjudged` transport faults or rate limiting left tests
    unjudged, `complete` every test ran whole, `known` failures a baseline accepts (said in the
    text, they do not fail the run)."""
    key: VerdictKey
    if error:
        key = "error"
    elif interrupted:
        key = "interrupted"
    elif diverged:
        key = "fails"
    elif unjudged:
        key = "unverified"
    else:
        key = "conforms" if complete else "partial"
    text = VERDICTS[key]
    if known and key != "fails":
        if key == "conforms":  # every test ran, and only accepted divergences showed
            text = "no new divergence"
        text += f" ({known} known, accepted in the baseline)"
    return Verdict(key, text)
