"""The packaging tests' shared, session-wide artefacts: the two wheels are built once, and the
versions uv.lock pins are exported once, for every test that installs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import ROOT, run, uv


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the wheels of immoteur-client and immoteur-contract, built from this
    checkout (pass it to `--find-links`)."""
    out = tmp_path_factory.mktemp("wheels")
    for project in (ROOT / "generated_client", ROOT):
        built = run(uv(), "build", "--wheel", "--out-dir", out, project)
        assert built.returncode == 0, built.stderr
        assert "warning" not in built.stderr.lower(), built.stderr
    return out


@pytest.fixture(scope="session")
def pins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A constraints file of the versions uv.lock pins (every extra, no dev group), so that the
    installs under test use the kit's own environment's versions (and uv's cache)."""
    exported = run(uv(), "export", "--frozen", "--no-dev", "--all-extras", "--no-emit-project",
                   "--no-hashes", "--no-emit-package", "immoteur-client",
                   "--directory", ROOT)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    path = tmp_path_factory.mktemp("pins") / "pins.txt"
    path.write_text(exported.stdout, encoding="utf-8")
    return path
