"""Packaging: `pip install immoteur-contract` is the client (the facade, `report`, `spec-diff`)
with httpx, the generated client, jsonschema and pyyaml only; the server and the suite come
with the `[server]` and `[suite]` extras, and a command that needs a missing one says so. The
generated client's version is the spec's `info.version`, and its build backend matches the uv
the Makefile pins (no uv_build warning)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from itertools import chain
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from immoteur_contract.cli import main
from immoteur_contract.server import reference_app, serving
from immoteur_contract.spec import SPEC_PATH

from .support import PROPERTY, ROOT, TOKEN, new_venv, run, uv

# what only the kit's extras bring; the client must do without them
KIT_ONLY = ("hypothesis", "pytest", "schemathesis", "starlette", "uvicorn")


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run(*argv, env=env, timeout=120)


_IMPORTS_PROBE = f"""
import sys
import immoteur_contract
immoteur_contract.IssueReports, immoteur_contract.DataReport
from immoteur_contract.cli import main
assert main(["report", "data", "--property", "{PROPERTY}", "--facet", "price", "--dry-run"]) == 0
assert main(["spec-diff", {str(SPEC_PATH)!r}, {str(SPEC_PATH)!r}]) == 0
print(sorted(m for m in sys.modules if m.partition(".")[0] in {KIT_ONLY!r}))
"""


def test_facade_report_and_spec_diff_import_nothing_of_the_kit() -> None:
    done = _run(sys.executable, "-c", _IMPORTS_PROBE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        pytest.param("mock", "server", id="mock-needs-server"),
        pytest.param("run", "suite", id="run-needs-suite"),
        pytest.param("mutants", "suite", id="mutants-needs-suite"),
    ],
)
def test_command_without_its_extra_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str, extra: str
) -> None:
    real_version = importlib.metadata.version

    def version(name: str) -> str:
        if name in {"uvicorn", "hypothesis"}:
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert main([command]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"immoteur-contract {command}: error: this command needs the [{extra}]")
    assert err.rstrip().endswith(f"pip install 'immoteur-contract[{extra}]'")


def test_extras_keep_the_kit_out_of_the_package_itself() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[\[=<>~!; ]", dep)[0] for dep in project["dependencies"]]
    assert not set(names) & set(KIT_ONLY)
    extras = project["optional-dependencies"]
    assert any(dep.startswith("uvicorn[standard]") for dep in extras["server"])
    assert "immoteur-contract[server]" in extras["suite"]


def _requirements(pyproject: Path) -> list[Requirement]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    listed = [*project["dependencies"], *chain(*project.get("optional-dependencies", {}).values())]
    return [Requirement(dep) for dep in listed]


@pytest.mark.parametrize(
    "pyproject",
    [
        pytest.param(ROOT / "pyproject.toml", id="kit"),
        pytest.param(ROOT / "generated_client" / "pyproject.toml", id="client"),
    ],
)
def test_metadata_pins_no_exact_version_and_caps_no_python(pyproject: Path) -> None:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    for requirement in _requirements(pyproject):
        operators = {spec.operator for spec in requirement.specifier}
        assert not operators & {"==", "===", "~="}, f"{pyproject.name}: {requirement} is a pin"


@pytest.mark.parametrize(
    "pyproject",
    [
        pytest.param(ROOT / "pyproject.toml", id="kit"),
        pytest.param(ROOT / "generated_client" / "pyproject.toml", id="client"),
    ],
)
def test_metadata_every_upper_bound_names_its_reason(pyproject: Path) -> None:
    """An upper bound on a dependency is there only for a known break, said in a comment above
    it (the build backend's range is not package metadata)."""
    text = pyproject.read_text(encoding="utf-8")
    metadata = re.search(r"^\[project\]\n(?:(?!\[(?!project)).*\n|\n)*", text, re.M)
    assert metadata is not None
    lines = metadata.group(0).splitlines()
    bounded = 0
    for number, line in enumerate(lines):
        if re.search(r'^\s*(\w+\s*=\s*\[)?\s*"[^"]*<[^"]*"', line):
            bounded += 1
            assert lines[number - 1].lstrip().startswith("#"), f"no reason above: {line.strip()}"
    assert bounded >= 1  # uvicorn (kit), httpx (client): the check saw them


# -- the wheel, installed alone ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory, wheels: Path, pins: Path) -> Path:
    """A new venv with the built wheels of immoteur-client and immoteur-contract, no extras,
    at the versions uv.lock pins; yields its bin directory."""
    python = new_venv(sys.executable, tmp_path_factory.mktemp("wheel") / "venv")
    installed = _run(uv(), "pip", "install", "--python", str(python), "--find-links", str(wheels),
                     "--constraint", str(pins), "immoteur-contract")  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    return python.parent


def test_wheel_without_extras_holds_no_kit_package(fresh_venv: Path) -> None:
    listed = _run(uv(), "pip", "list", "--python", str(fresh_venv / "python"), "--format", "json")
    names = {package["name"] for package in yaml.safe_load(listed.stdout)}
    assert {"immoteur-contract", "immoteur-client", "httpx"} <= names
    assert not names & set(KIT_ONLY)


def test_wheel_without_extras_files_a_report(fresh_venv: Path) -> None:
    app = reference_app(TOKEN)
    env = {**os.environ, "IMMOTEUR_TOKEN": TOKEN}
    with serving(app) as base_url:
        done = _run(
            str(fresh_venv / "immoteur-contract"), "report", "data", "--property", PROPERTY,
            "--facet", "price", "--base-url", base_url, env=env,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (stored,) = app.store.list()
    assert str(stored.report_id) in done.stdout


def test_wheel_without_extras_says_mock_needs_the_server_extra(fresh_venv: Path) -> None:
    done = _run(str(fresh_venv / "immoteur-contract"), "mock")
    assert done.returncode == 2
    assert done.stderr == (
        "immoteur-contract mock: error: this command needs the [server] extra"
        " (uvicorn not installed):"
        " pip install 'immoteur-contract[server]'\n"
    )


# -- the generated client's version and build backend --------------------------------------------


def test_generated_client_version_is_the_spec_version(tmp_path: Path) -> None:
    loader = importlib.util.spec_from_file_location("check_client", ROOT / "tools/check_client.py")
    assert loader is not None
    assert loader.loader is not None
    check_client = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(check_client)
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    committed = tomllib.loads((ROOT / "generated_client" / "pyproject.toml").read_text("utf-8"))
    assert committed["project"]["version"] == document["info"]["version"]
    document["info"]["version"] = "7.8.9"
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    check_client.generate(spec, tmp_path / "client")  # as `make client` does
    regenerated = tomllib.loads((tmp_path / "client" / "pyproject.toml").read_text("utf-8"))
    assert regenerated["project"]["version"] == "7.8.9"


def test_generated_client_build_backend_accepts_the_pinned_uv() -> None:
    pinned = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert pinned is not None
    client = tomllib.loads((ROOT / "generated_client" / "pyproject.toml").read_text("utf-8"))
    (requirement,) = client["build-system"]["requires"]
    name, _, versions = requirement.partition(">")
    assert name == "uv_build"
    assert pinned.group(1) in SpecifierSet(">" + versions)
