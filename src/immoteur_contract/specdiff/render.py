"""`spec-diff` output: plain text (one line per change, worst first) or Markdown (for a pull
request comment). Both say the same things in the same order."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Change, Impact

__all__ = ["markdown", "summary", "text"]


def summary(changes: Sequence[Change]) -> str:
    """`3 changes: 1 breaking for callers, 1 breaking for implementations, 1 compatible.`"""
    if not changes:
        return "No change at this kit's level (descriptions and examples are not compared)."
    counts = [
        f"{sum(c.impact is impact for c in changes)} {impact.value}"
        for impact in Impact
        if any(c.impact is impact for c in changes)
    ]
    noun = "change" if len(changes) == 1 else "changes"
    return f"{len(changes)} {noun}: {', '.join(counts)}."


def text(old: str, new: str, changes: Sequence[Change]) -> str:
    """Plain text: a header, `  [where] subject detail: consequence` lines, a summary."""
    width = max((len(change.where) for change in changes), default=0) + 2
    lines = [f"spec-diff {old} -> {new}"]
    for change in changes:
        lines.append(f"  {'[' + change.where + ']':<{width}} {change.line}")
        if change.note:
            lines.append(f"  {'':<{width}}   ({change.note})")
    lines.append(summary(changes))
    return "\n".join(lines)


def markdown(old: str, new: str, changes: Sequence[Change]) -> str:
    """Markdown: a heading, the summary, then one section per impact with a bullet per change."""
    lines = [f"### spec-diff `{old}` → `{new}`", "", f"**{summary(changes)}**"]
    for impact in Impact:
        group = [change for change in changes if change.impact is impact]
        if not group:
            continue
        lines += ["", f"#### {impact.value.capitalize()}", ""]
        for change in group:
            said = change.consequence or change.impact.value
            note = f" <br>_{_escaped(change.note)}_" if change.note else ""
            subject = _escaped(f"{change.subject} {change.detail}")
            lines.append(f"- **{change.where}** {subject}: {said}{note}")
    return "\n".join(lines)


def _escaped(words: str) -> str:
    """Markdown-neutral: the characters that would start emphasis, code, HTML or a link."""
    for char in "\\`*_[]<|":
        words = words.replace(char, "\\" + char)
    return words
