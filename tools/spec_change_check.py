"""`make spec-change-check`: the whole of `make test` on a copy of this checkout whose
openapi.yaml has the spec-change scenario (a facet added, the comment limit halved),
after `make client` on the copy. Every test derives what it expects from the spec it runs on,
so the only failures allowed are the documentation pages that quote the spec (they are compared
with committed text a person updates). Exit 0 when that holds, 1 otherwise (naming each failure
that should not have happened), 2 when the copy could not be made or generated.

    python tools/spec_change_check.py [--keep] [--facet energy] [--allow PATTERN ...]

Outside `make test` (it runs `make test` once more, on the copy). The copy is in a temporary
folder, removed afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what is not copied: environments, caches and build output (the copy makes its own)
_ANYWHERE = shutil.ignore_patterns(
    ".venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    ".coverage*",
)  # fmt: skip
_AT_THE_ROOT = {".tools", ".git", "dist", "site"}


def ignored(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: installed environments and caches anywhere (the copy installs
    its own from the lock files, as a fresh clone does: a `dist` folder inside an npm package
    is part of it), and the checkout's own build outputs at its root."""
    left_out = set(_ANYWHERE(folder, names))
    if Path(folder) == ROOT:
        left_out |= _AT_THE_ROOT & set(names)
    return left_out


ALLOWED = (
    r"^tests/docs/",
    r"documentation_page",
    r"docs?_pages?",
    r"test_docs",
    r"^tests/foreign/",
)
"""Failing test ids allowed on the copy: the documentation-page comparisons, and the servers
built on real frameworks (foreign_servers/): they are other people's implementations of today's
contract, written by hand (the FastAPI one types the facets and the comment limit into its
pydantic model, as FastAPI users do), so a contract change is one they must follow by hand, and
the suite is right to fail the ones that do not."""
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def edit_spec(text: str, facet: str) -> str:
    """openapi.yaml's text with `facet` added to IssueFacet and the comment limit halved in the
    schema and in every text that states it (a text edit keeps the file's comments and layout)."""
    enum = re.search(r"(    IssueFacet:\n(?:      .*\n)*?      enum: \[)([^\]]*)\]", text)
    if enum is None or facet in enum.group(2):
        raise SystemExit(f"spec-change-check: IssueFacet has no enum line, or has {facet!r}")
    text = text[: enum.end(2)] + f", {facet}" + text[enum.end(2) :]
    limit = re.search(r"^          maxLength: (\d+)$", text[text.index("        comment:") :], re.M)
    if limit is None:
        raise SystemExit("spec-change-check: no maxLength under comment")
    old = limit.group(1)
    return re.sub(rf"\b{old}\b", str(int(old) // 2), text)


def _commit(copy: Path) -> None:
    """Make `copy` a git repository of its own with everything committed."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=spec-change-check", "-c", "user.email=check@example.invalid"]
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "edited copy"]):
        subprocess.run(
            ["git", *identity, *argv], cwd=copy, env=env, check=True, capture_output=True
        )


def _make(copy: Path, *targets: str, uv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", f"UV={uv}", *targets],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        timeout=3 * 3600,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="spec-change-check", description=__doc__.splitlines()[0])
    parser.add_argument("--facet", default="energy", help="the facet added (default energy)")
    parser.add_argument("--allow", nargs="*", default=list(ALLOWED), metavar="PATTERN",
                        help="regular expressions of test ids allowed to fail")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the copy and print its path")
    args = parser.parse_args(argv)
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    scratch = Path(tempfile.mkdtemp(prefix="spec-change-check-"))
    copy = scratch / "kit"
    started = time.monotonic()
    try:
        # symlinks stay links: the packaged spec (src/immoteur_contract/openapi.yaml) is a link
        # to the root file, so the edit below reaches both
        shutil.copytree(ROOT, copy, ignore=ignored, symlinks=True)
        spec = copy / "openapi.yaml"
        spec.write_text(edit_spec(spec.read_text(encoding="utf-8"), args.facet), "utf-8")
        generated = _make(copy, "client", uv=uv)
        if generated.returncode != 0:
            print(generated.stdout[-3000:] + generated.stderr[-3000:])
            print("spec-change-check: error: make client failed on the edited copy")
            return 2
        # a repository of its own, for the tests that clone the checkout: committed after
        # `make client`, as a spec change is committed with the client it regenerates
        _commit(copy)
        tested = _make(copy, "test", uv=uv)
        output = tested.stdout + tested.stderr
        failures = _FAILED.findall(output)
        unexpected = [test for test in failures if not any(re.search(p, test) for p in args.allow)]
        minutes = (time.monotonic() - started) / 60
        print(f"make test on the edited copy: exit {tested.returncode}, {len(failures)} failed"
              f" ({len(failures) - len(unexpected)} allowed), {minutes:.0f} min")  # fmt: skip
        for test in failures:
            print(f"  {'unexpected' if test in unexpected else 'allowed'}: {test}")
        if tested.returncode != 0 and not failures:
            print(output[-4000:])  # a step before pytest failed (lint, types, check-client)
            return 1
        return 1 if unexpected else 0
    finally:
        if args.keep:
            print(f"the copy: {copy}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
