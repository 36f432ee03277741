"""The suite against Stoplight Prism 5, a server of the contract that nobody here wrote.

Prism (pinned by bench/prism/package-lock.json, installed with `npm ci` when missing) mocks
openapi.yaml at its root, so the run uses the root URL. Prism validates requests against the
spec's JSON Schema, so it agrees with the contract on most rules; the test lists EXACTLY the
divergences it really has, each with why it is one, and requires that the suite reports those
and nothing else: a new failure is a false positive of the suite (or a Prism change), a missing
one a divergence the suite no longer sees. Failing tests are compared as families: the test
function with its rule for the rule layer, the whole id elsewhere, and schemathesis's check
codes for the schema layer. Skipped, with the reason, when npm is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from immoteur_contract.server import free_port

# two Prism runs of up to 600 s each: longer than pytest-timeout's default (pyproject.toml)
pytestmark = pytest.mark.timeout(1200)

ROOT = Path(__file__).resolve().parents[2]
PRISM_DIR = ROOT / "bench" / "prism"
PRISM = PRISM_DIR / "node_modules" / ".bin" / "prism"
SEED = 0
EXAMPLES = 2
TOKEN = "prism-accepts-any-token"

_UUID_ITEMS = "its 422 is the spec's example, keyed issueFacets, so the faulty {} item is not named"
_NO_ALLOW = "its 405 for a method the spec does not declare has no Allow header"
_ANY_TOKEN = "it accepts any Bearer token: a wrong one gets the body's answer, not 401"
_PARSED_FIRST = "it parses the body before it checks the token: not JSON gets 400, not 401"
_NOT_UTF8 = "it reads bytes that are not UTF-8 (as U+FFFD), so a body that is not JSON gets 201"
_CHECK_ORDER = "test_8_check_order.py::test_token_verdict_comes_before_the_body"
_GRAMMAR = "test_8_json_grammar.py::test_json_grammar_corner"
PRISM_DIVERGENCES = {
    "test_1_auth_protocol.py::test_bad_authorization_is_unauthenticated"
    "[wrong-token-valid-body]": "it accepts any Bearer token: a wrong one gets 201",
    "test_1_auth_protocol.py::test_bad_authorization_is_unauthenticated"
    "[wrong-token-invalid-body]": "it accepts any Bearer token: a wrong one gets 422, not 401",
    "test_1_auth_protocol.py::test_other_method_is_not_allowed[GET]": _NO_ALLOW,
    "test_1_auth_protocol.py::test_other_method_is_not_allowed[PUT]": _NO_ALLOW,
    "test_1_auth_protocol.py::test_other_method_is_not_allowed[PATCH]": _NO_ALLOW,
    "test_1_auth_protocol.py::test_other_method_is_not_allowed[DELETE]": _NO_ALLOW,
    "test_6_schema.py::test_schema_conformance[UnsupportedMethodResponse]": (
        "schemathesis: TRACE gets " + _NO_ALLOW[4:]
    ),
    "test_3_rule_boundaries.py::test_rule_boundary_is_rejected[property-ids-uuid]": (
        _UUID_ITEMS.format("propertyIds")
    ),
    "test_3_rule_boundaries.py::test_rule_boundary_is_rejected[classified-ids-uuid]": (
        _UUID_ITEMS.format("classifiedIds")
    ),
    "test_3_rule_boundaries.py::test_rule_boundary_is_rejected[issue-facets-enum]": (
        _UUID_ITEMS.format("issueFacets")
    ),
    "test_4_rules_generated.py::test_report_breaking_rule_is_rejected[property-ids-uuid]": (
        _UUID_ITEMS.format("propertyIds")
    ),
    "test_4_rules_generated.py::test_report_breaking_rule_is_rejected[classified-ids-uuid]": (
        _UUID_ITEMS.format("classifiedIds")
    ),
    "test_4_rules_generated.py::test_report_breaking_rule_is_rejected[issue-facets-enum]": (
        _UUID_ITEMS.format("issueFacets")
    ),
    **{
        f"{_CHECK_ORDER}[wrong-token-{body}]": _ANY_TOKEN
        for body in (
            "empty",
            "not-json",
            "not-utf8",
            "not-an-object",
            "invalid-report",
            "valid-report",
            "oversized",
        )
    },
    f"{_CHECK_ORDER}[no-token-not-json]": _PARSED_FIRST,
    f"{_CHECK_ORDER}[malformed-header-not-json]": _PARSED_FIRST,
    **{
        f"{_GRAMMAR}[{probe}]": _NOT_UTF8
        for probe in ("invalid-utf8", "overlong-utf8", "utf8-encoded-surrogate", "latin1-text")
    },
}
"""Every family of failures the suite reports against Prism 5.14.2, with why it is a divergence
from the contract (D10: 401 for an invalid token and before the body is looked at, 400 or 422
for a body that is not JSON, keys that name the field at fault, 405 with Allow)."""

_RULE_LAYER_FILES = ("test_3_rule_boundaries.py", "test_4_rules_generated.py")
_CHECK_CODE = re.compile(r"^- (ST\d+) ", re.MULTILINE)


def families(failures: list[dict[str, Any]]) -> set[str]:
    """The failure families of a run report: rule-layer tests by function and rule, schema
    failures by schemathesis check code (or the failure class, the failure's `expectation`),
    other tests by their whole id."""
    found: set[str] = set()
    for failure in failures:
        test: str = failure["test"]
        function = test.split("[")[0]
        if function.startswith(_RULE_LAYER_FILES):
            found.add(f"{function}[{failure['rule']}]")
        elif function.startswith("test_6_schema.py"):
            codes = _CHECK_CODE.findall(failure["message"]) or [failure["expectation"]]
            found.update(f"{function}[{code}]" for code in codes)
        else:
            found.add(test)
    return found


def _installed_prism() -> Path:
    """Prism, installed with `npm ci` from the lock file when missing; skip without npm."""
    if PRISM.exists():
        return PRISM
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the Prism test needs Node.js 18+ and npm")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=PRISM_DIR,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return PRISM


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    """Prism mocking openapi.yaml on a free loopback port; its root URL."""
    prism = _installed_prism()
    port = free_port()
    process = subprocess.Popen(
        [str(prism), "mock", "openapi.yaml", "-p", str(port), "-h", "127.0.0.1", "-v", "silent"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.post(url + "/issues", json={}, timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Prism did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def prism_report(prism_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = tmp_path_factory.mktemp("prism") / "report.json"
    argv = ["run", "--base-url", prism_url, "--seed", str(SEED), "--examples", str(EXAMPLES)]
    completed = subprocess.run(
        [sys.executable, "-m", "immoteur_contract.cli", *argv, "--report", str(report), "-q"],
        env={**os.environ, "IMMOTEUR_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout[-3000:] + completed.stderr[-3000:]
    loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return loaded


def test_prism_divergences_are_exactly_the_listed_ones(prism_report: dict[str, Any]) -> None:
    found = families(prism_report["failures"])
    unexpected = sorted(found - set(PRISM_DIVERGENCES))
    missing = sorted(set(PRISM_DIVERGENCES) - found)
    assert not unexpected, f"reported against Prism but not listed: {unexpected}"
    assert not missing, f"listed but not reported: {missing}"


def test_prism_run_reaches_every_layer(prism_report: dict[str, Any]) -> None:
    requests = {row["rule"]: row["requests"] for row in prism_report["rules"]}
    assert all(requests.get(layer, 0) > 0 for layer in ("acceptance", "auth-protocol", "schema"))


@pytest.mark.parametrize(
    ("failure", "family"),
    [
        pytest.param(
            {"test": "test_3_rule_boundaries.py::test_rule_boundary_is_rejected[a:b]", "rule": "a"},
            "test_3_rule_boundaries.py::test_rule_boundary_is_rejected[a]",
            id="rule-layer-by-rule",
        ),
        pytest.param(
            {
                "test": "test_6_schema.py::test_schema_conformance",
                "rule": "schema",
                "message": "found 2\n\n- ST204 Wrong\n\n- ST101 Other\n",
            },
            "test_6_schema.py::test_schema_conformance[ST101]",
            id="schema-by-check-code",
        ),
        pytest.param(
            {"test": "test_1_auth_protocol.py::test_x[GET]", "rule": "auth-protocol"},
            "test_1_auth_protocol.py::test_x[GET]",
            id="other-by-id",
        ),
    ],
)
def test_families_normalise_failures(failure: dict[str, Any], family: str) -> None:
    assert family in families([{"message": "", **failure}])
