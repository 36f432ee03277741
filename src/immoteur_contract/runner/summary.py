"""`run --summary PATH`: the run as Markdown, for `$GITHUB_STEP_SUMMARY` or a chat message.

The verdict first, then the causes that many failures share (causes.py), then new / known /
fixed failures (with a baseline), the observations that
changed (with --compare-to), and the per-rule table. No body and no curl line (a summary is for
reading, the --report file has them), and the token is scrubbed like everywhere else (scrubbing.py).
"""

from __future__ import annotations

import json
from typing import Any

from .baseline import Judgement
from .compare import Comparison
from .report import Failure, RunReport

__all__ = ["render_summary", "verdict_of"]


def verdict_of(report: RunReport, judgement: Judgement | None) -> str:
    """One line: what the run concludes, with or without a baseline."""
    if judgement is None:
        return "conforms" if report.conforms else f"does not conform ({len(report.failures)})"
    if judgement.new:
        rules = sorted({failure.rule for failure in judgement.new})
        named = ", ".join(rules[:3]) + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")
        return f"{len(judgement.new)} new failure(s) in {named} ({len(judgement.known)} known)"
    if judgement.known:
        return f"no new divergence ({len(judgement.known)} known, accepted in the baseline)"
    return "conforms"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _failure_rows(failures: list[Failure]) -> list[str]:
    rows = ["| id | rule | case | seen |", "|---|---|---|---|"]
    for f in failures:
        seen = f"broke {f.expectation}, " + ("no response" if f.status is None else f"{f.status}")
        rows.append(f"| `{f.id}` | {_cell(f.rule)} | {_cell(f.case)} | {_cell(seen)} |")
    return rows


def _cause_rows(report: RunReport) -> list[str]:
    """Each shared cause (causes.py) as a headline, its rules and one example."""
    rows: list[str] = []
    for cause in report.causes():
        example = cause.example
        rows += [
            "",
            f"**{_cell(cause.summary)}**",
            "",
            f"- rules: {', '.join(cause.rules)}",
            f"- example: `{example.id}` {_cell(example.case or example.test)}",
        ]
    return rows


def render_summary(
    report: RunReport,
    judgement: Judgement | None = None,
    comparison: Comparison | None = None,
) -> str:
    """The Markdown summary of a finished run."""
    data = report.as_json()
    lines = [
        f"## Immoteur contract: {verdict_of(report, judgement)}",
        "",
        f"Target `{report.target}`, seed {report.seed}, {data['requests']} requests, "
        f"{data['seconds']:.1f} s.",
    ]
    lines += _cause_rows(report)
    if judgement is not None:
        lines += ["", f"### New failures ({len(judgement.new)})", ""]
        lines += _failure_rows(judgement.new) if judgement.new else ["None."]
        lines += ["", f"### Known failures ({len(judgement.known)})", ""]
        if judgement.known:
            lines += ["| id | rule | reason |", "|---|---|---|"]
            lines += [
                f"| `{f.id}` | {_cell(f.rule)} | {_cell(entry.reason)} |"
                for f, entry in judgement.known
            ]
        else:
            lines.append("None.")
        lines += ["", f"### Fixed: please remove from the baseline ({len(judgement.fixed)})", ""]
        lines += [f"- `{e.id}` {_cell(e.summary)}" for e in judgement.fixed] or ["None."]
        if judgement.unconfirmed:
            lines += ["", "Found by a generator, not seen under this seed (kept):", ""]
            lines += [f"- `{e.id}` {_cell(e.summary)}" for e in judgement.unconfirmed]
    elif report.failures:
        lines += ["", f"### Failures ({len(report.failures)})", ""]
        lines += _failure_rows(report.failures)
    if comparison is not None:
        lines += [
            "",
            f"### Compared with the previous run: {len(comparison.new)} new, "
            f"{len(comparison.fixed)} fixed",
            "",
        ]
        if comparison.changed:
            lines += ["| observation | before | after |", "|---|---|---|"]
            lines += [
                f"| {_cell(c.name)} | `{_cell(json.dumps(c.old))}` | `{_cell(json.dumps(c.new))}` |"
                for c in comparison.changed
            ]
        else:
            lines.append("No observation changed.")
    lines += ["", "### Per rule", "", "| rule / layer | requests | verdict |", "|---|---:|---|"]
    lines += [f"| {r['rule']} | {r['requests']} | {r['verdict']} |" for r in report.rules()]
    return report.scrubber.own_text("\n".join(lines) + "\n")
