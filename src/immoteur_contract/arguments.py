"""Command-line values checked while they are parsed, for every command of the kit.

Each function is an argparse `type=`: it returns the value or raises ArgumentTypeError, which
argparse reports as one line naming the flag (`--rate: must be a finite number > 0, got nan`)
before the command does anything. Output files are checked twice: their shape while parsing
(`output_file`), and, before anything is sent, whether they can be written, their missing
folders created (`prepare_outputs`), so that a long run never ends unable to write its report.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "OutputPathError",
    "base_url",
    "fraction",
    "non_negative_int",
    "non_negative_number",
    "output_file",
    "port",
    "positive_int",
    "positive_number",
    "prepare_outputs",
    "seed",
]


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # the text is not shown: it may be a token given to the wrong flag
        raise argparse.ArgumentTypeError("must be an integer") from None


def positive_int(text: str) -> int:
    """An integer >= 1 (`--max-requests`, `--examples`, `--jobs`)."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """An integer >= 0 (`--max-retries`, `--reference-seeds`)."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def port(text: str) -> int:
    """A TCP port: an integer in 0-65535 (0: any free port)."""
    value = _integer(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port in 0-65535, got {value}")
    return value


def seed(text: str) -> int:
    """A seed: an integer >= 0 (what a seed chosen at random looks like)."""
    return non_negative_int(text)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # the text is not shown: it may be a token given to the wrong flag
        raise argparse.ArgumentTypeError("must be a number") from None


def positive_number(text: str) -> float:
    """A finite number > 0 (`--rate`, `--timeout`): not 0, negative, nan or inf."""
    value = _number(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {value}")
    return value


def non_negative_number(text: str) -> float:
    """A finite number >= 0 (`mock --latency`)."""
    value = _number(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {value}")
    return value


def fraction(text: str) -> float:
    """A number between 0 and 1 (`mock --fail-rate`)."""
    value = _number(text)
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def base_url(text: str) -> str:
    """An API base URL by the one rule of `urls.api_base_url` (http(s), a host, no query or
    fragment), with a port that is a number in 0-65535."""
    from .urls import api_base_url, redacted_url  # here: the spec is read only when needed

    try:
        urlsplit(text).port  # noqa: B018 (raises on a port that is not a number in 0-65535)
    except ValueError:
        message = f"must be an http(s) URL with a port in 0-65535, got {redacted_url(text)}"
        raise argparse.ArgumentTypeError(message) from None
    try:
        return api_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("the base URL ")) from None


class OutputPathError(ValueError):
    """An output path that cannot be written; the message names the flag."""


def output_file(text: str) -> Path:
    """An argparse `type=` for an output file: not empty, not an existing directory."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a file path, got an empty string")
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory: give a file path")
    return path


def prepare_outputs(outputs: Iterable[tuple[str, Path | None]]) -> None:
    """Check each `(flag, path)` (None: not asked for) can be written, creating missing parent
    folders; raise OutputPathError naming the flag otherwise. Writes no file itself."""
    for flag, path in outputs:
        if path is None:
            continue
        if path.is_dir():
            raise OutputPathError(f"{flag} {path} is a directory: give a file path")
        parent = path.parent
        existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise OutputPathError(f"{flag} {path}: {existing} is a file, not a folder")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise OutputPathError(f"{flag} {path}: cannot create {parent}: {reason}") from None
        if not os.access(parent, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.W_OK)
        ):
            raise OutputPathError(f"{flag} {path}: not writable")
