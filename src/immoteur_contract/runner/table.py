"""The end-of-run table on the terminal: one row per rule and layer, the total with the verdict
(verdict.py), what a partial run left out, the transport faults, and the failures."""

from __future__ import annotations

import json
from typing import Any

from .causes import cause_lines
from .report import RunReport

__all__ = ["fault_lines", "render_table"]

_SHOWN_FAILURES = 10
_BODY_CHARS = 300
_CURL_CHARS = 2000


def _shown_body(body: Any) -> str:
    """The body as readable JSON, cut to a few lines' worth with its full length said (a lone
    surrogate, which no terminal encoding takes, stays escaped)."""
    text = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace").decode()
    if len(text) <= _BODY_CHARS:
        return text
    return f"{text[:_BODY_CHARS]}... ({len(text):,} characters in all)"


def _shown_curl(curl: str, report_path: str | None) -> str:
    """The curl line, whole or not at all: a cut line would not reproduce anything."""
    if len(curl) <= _CURL_CHARS:
        return curl
    where = f"in {report_path}" if report_path else "in the --report file (run with --report PATH)"
    return f"a {len(curl):,}-character curl line, too long for the terminal: in full {where}"


def _coverage_lines(report: RunReport) -> list[str]:
    """What a partial run left out: the budget line, then the gaps grouped by reason."""
    coverage = report.coverage()
    budget = f" of a {coverage.max_requests}-request budget" if coverage.max_requests else ""
    lines = ["", f"partial run: {coverage.sent} requests sent{budget}"]
    if coverage.max_requests and coverage.wanted and coverage.wanted > coverage.max_requests:
        lines[-1] += f"; all it may send is about {coverage.wanted} (raise --max-requests)"
    for part in coverage.parts:
        if part.status != "complete":
            lines.append(
                f"  {part.part}: {part.complete} of {part.tests} tests ran whole, "
                f"{part.requests} requests ({part.reason})"
            )
    gaps_by_title = {"not covered": coverage.not_covered, "partly covered": coverage.partial}
    for title, gaps in gaps_by_title.items():
        by_reason: dict[str, list[str]] = {}
        for gap in gaps:
            by_reason.setdefault(gap.reason, []).append(gap.key)
        for reason, keys in by_reason.items():
            lines.append(f"{title} ({reason}): {', '.join(keys)}")
    return lines


def fault_lines(report: RunReport) -> list[str]:
    """How many requests met a transport fault, of which kinds, and the rules left unjudged
    (nothing when none did)."""
    faults = report.transport_faults()
    if not faults["requests"]:
        return []
    kinds = ", ".join(f"{n} {kind}" for kind, n in faults["kinds"].items())
    lines = ["", f"transport faults: {faults['requests']} requests ({kinds}), not judged"]
    if faults["unjudged"]:
        lines.append(f"  left unjudged: {', '.join(faults['unjudged'])}")
    for fault in faults["persistent"][:_SHOWN_FAILURES]:
        lines.append(f"  {fault['fault']}: {fault['method']} {fault['url']} ({fault['test']})")
    return lines


def render_table(report: RunReport, report_path: str | None = None) -> str:
    """The end-of-run table: one row per rule and layer, then totals, what a partial run left
    out, and the failures (the first ten; `--report` has them all, with whole curl lines)."""
    rows = report.rules()
    width = max(len(row["rule"]) for row in rows)
    lines = [f"{'rule / layer':<{width}}  {'requests':>8}  verdict", "-" * (width + 19)]
    lines += [f"{r['rule']:<{width}}  {r['requests']:>8}  {r['verdict']}" for r in rows]
    data = report.as_json()
    lines.append("-" * (width + 19))
    lines.append(
        f"{'total':<{width}}  {data['requests']:>8}  {report.final.text}"
        + f"  ({data['seconds']:.1f} s, seed {report.seed}, target {report.target})"
    )
    if report.halted:
        lines += ["", f"the run stopped early: {report.halted}"]
    if not report.complete:
        lines += _coverage_lines(report)
    lines += fault_lines(report)
    lines += cause_lines(report.causes(), lambda curl: _shown_curl(curl, report_path))
    for failure in report.failures[:_SHOWN_FAILURES]:
        lines += [
            "",
            f"FAILED {failure.test} [{failure.id or failure.rule}]",
            f"  {failure.message.splitlines()[0] if failure.message else ''}",
            f"  body: {_shown_body(failure.body)}",
            f"  reproduce: {_shown_curl(failure.curl, report_path)}",
        ]
    hidden = len(report.failures) - _SHOWN_FAILURES
    if hidden > 0:
        where = report_path or "the --report file"
        lines += ["", f"... and {hidden} more failures, all in {where}"]
    return report.scrubber.own_text("\n".join(lines))
