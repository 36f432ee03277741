"""Where `spec-diff` reads a version of the contract from: a file, or a git revision.

    openapi.yaml             a file (a path that exists always means the file)
    HEAD~1                   openapi.yaml at that revision (the repository root's openapi.yaml)
    main:openapi.yaml        a file at a revision, as `git show REV:PATH` reads it
    HEAD:./openapi.yaml      `./` makes PATH relative to the current directory

Every failure is a `SourceError` with a one-line message: the command prints it and exits 2.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULT_SPEC", "Source", "SourceError", "read_source"]

DEFAULT_SPEC = "openapi.yaml"


class SourceError(Exception):
    """A version of the contract that cannot be read; the message is one line."""


@dataclass(frozen=True)
class Source:
    """A loaded version of the contract and its name (`openapi.yaml`, `HEAD~1:openapi.yaml`)."""

    label: str
    document: Mapping[str, Any]


def read_source(argument: str) -> Source:
    """Read the contract named by `argument`: an existing file, else a git revision."""
    path = Path(argument)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SourceError(f"{argument}: cannot be read ({error})") from None
        return Source(argument, _parse(text, argument))
    if path.is_dir():
        raise SourceError(f"{argument}: is a directory, not an OpenAPI file")
    if ":" not in argument and path.suffix in (".yaml", ".yml", ".json"):
        raise SourceError(f"{argument}: no such file")
    spec = argument if ":" in argument else f"{argument}:{DEFAULT_SPEC}"
    return Source(spec, _parse(_git_show(argument, spec), spec))


def _git_show(argument: str, spec: str) -> str:
    if argument.startswith("-"):
        raise SourceError(f"{argument}: neither a file nor a git revision")
    try:
        done = subprocess.run(["git", "show", spec], capture_output=True, check=False)
    except OSError:
        raise SourceError(f"{argument}: no such file, and git is not available") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = reason[0].removeprefix("fatal: ") if reason else f"git exited {done.returncode}"
        raise SourceError(f"{argument}: no such file, and `git show {spec}` failed: {why}")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{spec}: not UTF-8 text") from None


def _parse(text: str, label: str) -> Mapping[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid"
        raise SourceError(f"{label}: not valid YAML{where}: {problem}") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("paths"), Mapping):
        raise SourceError(f"{label}: not an OpenAPI document (no `paths` mapping)")
    return document
