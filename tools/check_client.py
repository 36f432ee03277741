"""Check that generated_client/ is exactly what openapi.yaml produces.

Regenerates the client into a temporary folder with the project's own generator config and
compares the two trees file by file, like openapi-python-client's own end-to-end tests. Exits 1
naming every file that differs, is missing or is extra; exits 0 when the trees are identical.

    python tools/check_client.py [--spec openapi.yaml] [--client generated_client]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "openapi-python-client.yaml"
TEMPLATES = ROOT / "tools" / "client_templates"  # only pyproject_uv.toml.jinja: the uv_build pin
IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


def generate(spec: Path, output: Path) -> None:
    """Run openapi-python-client on `spec` into `output` (which must not exist)."""
    bin_dir = Path(sys.executable).parent  # the post-hooks' ruff is the one pinned beside us
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "uv",
        "--fail-on-warning",
        "--output-path",
        str(output),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not output.is_dir():
        raise RuntimeError(f"openapi-python-client failed:\n{done.stdout}{done.stderr}")


def files(tree: Path) -> Iterator[Path]:
    """Relative paths of the files under `tree`, caches left out."""
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree)
        if path.is_file() and not IGNORED.intersection(relative.parts):
            yield relative


def differences(expected: Path, actual: Path) -> list[str]:
    """One line per file that differs between the trees: `changed`, `missing` or `extra`."""
    want, have = set(files(expected)), set(files(actual))
    lines = [f"missing: {path}" for path in sorted(want - have)]
    lines += [f"extra:   {path}" for path in sorted(have - want)]
    lines += [
        f"changed: {path}"
        for path in sorted(want & have)
        if not filecmp.cmp(expected / path, actual / path, shallow=False)
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi.yaml")
    parser.add_argument("--client", type=Path, default=ROOT / "generated_client")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "generated_client"
        generate(args.spec, fresh)
        lines = differences(fresh, args.client)
    if lines:
        print(f"{args.client} is not what {args.spec} produces; run `make client`:")
        print("\n".join(f"  {line}" for line in lines))
        return 1
    print(f"{args.client} is exactly what {args.spec} produces.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
