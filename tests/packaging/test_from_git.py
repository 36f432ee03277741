"""Installing from the repository's URL, as docs/install.md shows: both packages from a clone by
`git+file://` URL (the client from its `subdirectory=`), into a fresh venv, and the command works
there. The clone is of this checkout's last commit (uncommitted changes are not in it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from immoteur_contract.server import reference_app, serving

from .support import PROPERTY, ROOT, TOKEN, clean_env, new_venv, run, uv

# clones, builds and installs, then runs the suite: longer than pytest-timeout's default
pytestmark = pytest.mark.timeout(1200)


def test_from_git_url_installs_client_and_suite_and_the_command_runs(
    pins: Path, tmp_path: Path
) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout: nothing to install by git URL")
    clone = tmp_path / "clone"
    cloned = run("git", "clone", "--quiet", "--no-hardlinks", ROOT, clone)
    assert cloned.returncode == 0, cloned.stderr
    repo = clone.as_uri().replace("file://", "git+file://", 1)
    python = new_venv(sys.executable, tmp_path / "venv")
    installed = run(uv(), "pip", "install", "--python", python, "--constraint", pins,
                    f"immoteur-client @ {repo}#subdirectory=generated_client",
                    f"immoteur-contract[suite] @ {repo}")  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    command = python.parent / "immoteur-contract"
    app = reference_app(TOKEN)
    with serving(app) as base_url:
        done = run(command, "report", "data", "--property", PROPERTY, "--facet", "price",
                   "--base-url", base_url, env=clean_env(IMMOTEUR_TOKEN=TOKEN))  # fmt: skip
    assert done.returncode == 0, done.stderr
    (stored,) = app.store.list()
    assert str(stored.report_id) in done.stdout
    suite = run(command, "run", "--examples", "1", "-q", cwd=tmp_path)
    assert suite.returncode == 0, suite.stdout[-2000:] + suite.stderr[-2000:]
