"""`run` sends through the proxy the environment names (HTTP_PROXY / NO_PROXY) and refuses a
`--cacert` it cannot use in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from immoteur_contract import exits
from immoteur_contract.mutants.hostile import hostile_server

from .proxy import forward_proxy

TOKEN = "tok-PROXY-4e2a"


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(
        [sys.executable, "-m", "immoteur_contract.cli", "run", "-q", "--seed", "1", *argv],
        env={**clean, "IMMOTEUR_TOKEN": TOKEN, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_proxy_from_http_proxy_carries_every_request() -> None:
    with hostile_server("control", TOKEN) as target, forward_proxy() as proxy:
        done = _run("--base-url", target.url, "--max-requests", "6", HTTP_PROXY=proxy.url)
        assert done.returncode == exits.OK, done.stdout + done.stderr
        assert proxy.forwarded == 6
        assert target.requests == 6


def test_proxy_is_skipped_for_no_proxy_hosts() -> None:
    with hostile_server("control", TOKEN) as target, forward_proxy() as proxy:
        done = _run(
            "--base-url",
            target.url,
            "--max-requests",
            "3",
            HTTP_PROXY=proxy.url,
            NO_PROXY="127.0.0.1",
        )
        assert done.returncode == exits.OK, done.stdout + done.stderr
        assert proxy.forwarded == 0
        assert target.requests == 3


def test_cacert_that_is_not_a_bundle_is_one_line_exit_2(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n", encoding="utf-8")
    done = _run("--base-url", "https://127.0.0.1:9/public/v1", "--cacert", str(bundle))
    assert done.returncode == exits.USAGE
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"immoteur-contract run: error: --cacert {bundle}")


def test_cacert_missing_is_refused_while_parsing(tmp_path: Path) -> None:
    done = _run("--cacert", str(tmp_path / "missing.pem"))
    assert done.returncode == exits.USAGE
    assert "--cacert: no such file" in done.stderr
