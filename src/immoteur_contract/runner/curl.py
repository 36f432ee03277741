"""A curl line that reproduces one request, with the token replaced by `$IMMOTEUR_TOKEN`."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from .scrubbing import PLACEHOLDER as _PLACEHOLDER
from .scrubbing import Scrubber

__all__ = ["curl_line", "scrub"]

_KEPT_HEADERS = ("authorization", "content-type", "accept")


def scrub(text: str, token: str) -> str:
    """`text` with the token replaced by `$IMMOTEUR_TOKEN` wherever it stands, except inside a
    rule id (scrubbing.py; a report's own outputs keep its case ids too, through its Scrubber)."""
    return Scrubber(token).text(text)


def _double_quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    escaped = escaped.replace("$", "\\$").replace(f"\\{_PLACEHOLDER}", _PLACEHOLDER)
    return f'"{escaped}"'


def curl_line(method: str, url: str, headers: Mapping[str, str], body: bytes, token: str) -> str:
    """`curl` arguments for the request; a header holding the token is double-quoted with
    `$IMMOTEUR_TOKEN` in its place, so the line runs as-is in a shell that exports it."""
    parts = ["curl", "-sS", "-i", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() not in _KEPT_HEADERS:
            continue
        header = f"{name}: {value}"
        parts += [
            "-H",
            _double_quoted(scrub(header, token)) if token in header else shlex.quote(header),
        ]
    if body:
        text = scrub(body.decode("utf-8", errors="replace"), token)
        parts += ["--data-binary", shlex.quote(text)]
    return " ".join(parts)
