"""What the packaging tests share: uv, the interpreters pyenv carries, fresh venvs, and the
subprocess runner (every call bounded by a timeout, the environment cleaned of the caller's venv
and coverage settings so that an installed kit is tested as a user would run it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = [
    "PROPERTY",
    "ROOT",
    "SUPPORTED",
    "TOKEN",
    "clean_env",
    "interpreter",
    "new_venv",
    "run",
    "uv",
]

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = ("3.11", "3.12", "3.13")
"""The CPython versions `make test` installs the wheels on, when the machine has them."""
PROPERTY = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
TOKEN = "packaging-test-token"
_RELEASE = re.compile(r"^(3\.\d+)\.(\d+)$")


def uv() -> str:
    """The uv on PATH or the one `make install` put in .tools/; skip the test without one."""
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        pytest.skip("uv is not installed (make install puts it in .tools/)")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's venv, PYTHONPATH or coverage settings."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in dropped and not name.startswith(("COV_", "COVERAGE_"))
    }
    return {**env, **extra}


def run(
    *argv: str | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run `argv` to completion (bounded by `timeout` seconds), output captured."""
    return subprocess.run(
        [str(part) for part in argv],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env() if env is None else env,
        cwd=cwd,
        timeout=timeout,
    )


def _pyenv_root() -> Path:
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        done = subprocess.run(
            [pyenv, "root"], capture_output=True, text=True, check=False, timeout=30
        )
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip())
    return Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def interpreter(minor: str) -> Path:
    """The newest CPython `minor` (e.g. "3.12") release pyenv carries, else `python3.12` on
    PATH; skip the test, saying what was searched, when the machine has neither."""
    versions = _pyenv_root() / "versions"
    releases = []
    if versions.is_dir():
        for path in versions.iterdir():
            match = _RELEASE.match(path.name)
            if match and match.group(1) == minor and (path / "bin" / "python").exists():
                releases.append((int(match.group(2)), path / "bin" / "python"))
    if releases:
        return max(releases)[1]
    on_path = shutil.which(f"python{minor}")
    if on_path is not None:
        return Path(on_path)
    pytest.skip(f"CPython {minor} not found (neither in {versions} nor python{minor} on PATH)")


def new_venv(python: Path | str, path: Path) -> Path:
    """A fresh venv at `path` made by uv for `python`; returns its interpreter."""
    made = run(uv(), "venv", "--quiet", "--python", python, path)
    assert made.returncode == 0, made.stderr
    return path / "bin" / "python"
