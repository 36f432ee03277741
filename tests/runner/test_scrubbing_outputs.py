"""End to end: a token that is also part of a case id never rewrites that id, and is absent
from every output (report, record, JUnit, summary, stdout and stderr); a short token is still
scrubbed where it stands, with one warning.

The target accepts requests without a token (so the `no-token-*` cases fail, and their ids,
which contain `en-valid`, are in every output) and quotes the caller's Authorization header in
its 422 messages (so the token reaches the failures' messages).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .batch import run_batch
from .live import live_reference_server

OVERLAPPING = "en-valid"  # 8 characters, inside the case id no-token-valid-body
SHORT = "Qz7tok9"  # 7 characters
CASE = "test_bad_authorization_is_unauthenticated[no-token-valid-body]"
APP = "scrubbing_apps:open_door_echoing"
OUTPUTS = ("report", "record", "junit", "summary")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("scrubbing")
    found: dict[str, Any] = {}
    with (
        live_reference_server(OVERLAPPING, app=APP) as url_overlapping,
        live_reference_server(SHORT, app=APP) as url_short,
    ):
        jobs = []
        for name, token, url in (("overlapping", OVERLAPPING, url_overlapping),
                                 ("short", SHORT, url_short)):  # fmt: skip
            files = {kind: work / f"{name}.{kind}" for kind in OUTPUTS}
            argv = ["--base-url", url, "--rate", "1000", "--seed", "1", "--examples", "1", "-q"]
            argv += [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
            out = work / f"{name}.out"
            jobs.append({"argv": argv, "env": {"IMMOTEUR_TOKEN": token}, "out": str(out)})
            found[name] = {"files": {**files, "out": out}}
        codes = run_batch(jobs, work / "jobs.json")
    for name, code in zip(("overlapping", "short"), codes, strict=True):
        found[name]["code"] = code
        found[name]["texts"] = {
            kind: path.read_text(encoding="utf-8") for kind, path in found[name]["files"].items()
        }
    return found


def _case_ids(run: dict[str, Any]) -> set[str]:
    return set(json.loads(run["texts"]["report"])["cases"])


def test_scrubbing_outputs_keep_a_case_id_that_holds_the_token(runs: dict[str, Any]) -> None:
    run = runs["overlapping"]
    assert run["code"] == 1, run["texts"]["out"]
    assert CASE in _case_ids(run)
    report = json.loads(run["texts"]["report"])
    assert any(failure["case"] == CASE for failure in report["failures"])
    for kind in ("report", "record", "junit", "summary", "out"):
        assert "no-token-valid-body" in run["texts"][kind], kind


def test_scrubbing_outputs_hold_the_token_only_inside_case_ids(runs: dict[str, Any]) -> None:
    run = runs["overlapping"]
    shields = sorted((c for c in _case_ids(run) if OVERLAPPING in c), key=len, reverse=True)
    params = {re.sub(r"^.*\[|\]$", "", c) for c in shields}
    assert "no-token-valid-body" in params
    for kind, text in run["texts"].items():
        for name in [*shields, *sorted(params, key=len, reverse=True)]:
            text = text.replace(name, "")
        assert OVERLAPPING not in text, kind
    # the server quoted the token: its scrubbed form reached the failures
    assert "request by Bearer $IMMOTEUR_TOKEN" in run["texts"]["report"]


def test_scrubbing_outputs_short_token_scrubbed_and_warned_once(runs: dict[str, Any]) -> None:
    run = runs["short"]
    assert run["code"] == 1, run["texts"]["out"]
    for kind, text in run["texts"].items():
        assert SHORT not in text, kind
    assert run["texts"]["out"].count("cannot be told apart from ordinary text") == 1
    assert "request by Bearer $IMMOTEUR_TOKEN" in run["texts"]["report"]
