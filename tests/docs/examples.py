"""The examples of README.md and docs/: found by Sybil, run by the evaluators here.

A ```console block is a list of `$ command` lines, each followed by the output it must print
(stdout and stderr together), where `...` stands for any text (doctest's ELLIPSIS, whitespace
normalised); a last line `[exit N]` gives a non-zero exit status, which must match exactly.
Each command runs in bash, in the document's own temporary folder (so one block can read what an
earlier block of the same page wrote) beside links to the checkout's `.venv`, `openapi.yaml` and
`contract-baseline.yml`, with the kit's `.venv/bin` first on the PATH, `IMMOTEUR_TOKEN` set to
`DOCS_TOKEN`, and `127.0.0.1:8080` standing for the reference server the tests started. A
```python block runs in the document's namespace, with the same address substituted. Other
blocks are not run.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sybil import Document, Example, Sybil
from sybil.parsers.markdown import CodeBlockParser

__all__ = [
    "COMMAND_TIMEOUT",
    "DOCS_ADDRESS",
    "DOCS_TOKEN",
    "ROOT",
    "DocsServer",
    "documents",
    "example_sybil",
    "run_document",
]

ROOT = Path(__file__).resolve().parents[2]
DOCS_ADDRESS = "127.0.0.1:8080"
"""The reference server's address as the examples write it (`make mock`'s)."""
DOCS_TOKEN = "local-token"
"""The token the examples give the reference server and the commands."""
COMMAND_TIMEOUT = 120.0
"""Seconds one example command may take before it is stopped (and fails)."""
_CHECKOUT_FILES = (".venv", "openapi.yaml", "contract-baseline.yml")
_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_EXIT_LINE = re.compile(r"\[exit (\d+)\]")


@dataclass(frozen=True)
class DocsServer:
    """Where the examples' reference server really listens, and the folder a document runs in."""

    address: str
    workdir: Path


def _server(example: Example) -> DocsServer:
    server = example.namespace["docs_server"]
    assert isinstance(server, DocsServer)
    return server


def _commands(block: str) -> Iterator[tuple[str, str]]:
    """(command, expected output) for each `$ ` line of a console block."""
    command: str | None = None
    expected: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, "\n".join(expected)
            command, expected = line[2:], []
        elif command is None:
            raise ValueError(f"console block does not start with '$ ': {line!r}")
        else:
            expected.append(line)
    if command is not None:
        yield command, "\n".join(expected)


def _environment(server: DocsServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMOTEUR_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["IMMOTEUR_TOKEN"] = DOCS_TOKEN
    env["COLUMNS"] = "100"
    return env


def evaluate_console(example: Example) -> None:
    """Run each command of a console block and compare what it prints with the block."""
    server = _server(example)
    for command, expected in _commands(str(example.parsed)):
        done = subprocess.run(
            ["bash", "-c", command.replace(DOCS_ADDRESS, server.address)],
            cwd=server.workdir,
            env=_environment(server),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        got = done.stdout.replace(server.address, DOCS_ADDRESS)
        want, want_status = _expected_status(expected)
        if done.returncode != want_status or not _CHECKER.check_output(want, got, _FLAGS):
            raise AssertionError(
                f"{example.path}, line {example.line}: `$ {command}` exited {done.returncode}"
                f" and printed\n{got}\nwhich does not match the documented exit {want_status}"
                f" and output\n{want}"
            )


def _expected_status(expected: str) -> tuple[str, int]:
    """The expected output without its `[exit N]` line, and N (0 without one)."""
    lines = expected.strip().splitlines()
    match = _EXIT_LINE.fullmatch(lines[-1]) if lines else None
    if match is None:
        return "\n".join(lines) + "\n", 0
    return "\n".join(lines[:-1]) + "\n", int(match.group(1))


def evaluate_python(example: Example) -> None:
    """Run a python block in its document's namespace, against the started reference server."""
    server = _server(example)
    source = str(example.parsed).replace(DOCS_ADDRESS, server.address)
    code = compile("\n" * example.line + source, example.path, "exec")
    before = Path.cwd()
    os.chdir(server.workdir)
    try:
        exec(code, example.namespace)
    finally:
        os.chdir(before)


def example_sybil() -> Sybil:
    """The parsers of the examples: console and python code blocks."""
    return Sybil(
        parsers=[
            CodeBlockParser(language="console", evaluator=evaluate_console),
            CodeBlockParser(language="python", evaluator=evaluate_python),
        ]
    )


def documents() -> list[Path]:
    """README.md and every page of docs/, the files whose examples run."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def run_document(path: Path, server: DocsServer) -> int:
    """Evaluate every example of `path` in order; the number evaluated. The first failure raises."""
    for name in _CHECKOUT_FILES:  # the folder looks like the checkout, after `make install`
        link = server.workdir / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    document: Document = example_sybil().parse(path)
    document.namespace["docs_server"] = server
    count = 0
    for example in document:
        example.evaluate()
        count += 1
    return count
