"""The `immoteur_contract_proxy` pytest fixture, as an application's test suite uses it: run in
pytester, with a small application that files reports through the URL the fixture yields."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from immoteur_contract.verdicts import agreeing_verdicts

_NO_FACETS = next(r for r in agreeing_verdicts() if r.rules == ("data-requires-issue-facets",))
_VALID = [r for r in agreeing_verdicts() if r.valid][:2]

_APP = """
import httpx

def file_report(base_url, token, report):
    headers = {"authorization": f"Bearer {token}"}
    return httpx.post(base_url + "/issues", json=report, headers=headers, timeout=10)
"""


def _suite(pytester: pytest.Pytester, reports: list[object]) -> None:
    pytester.makepyfile(app=_APP)
    pytester.makepyfile(
        test_app=f"""
import json
import subprocess
import sys
from app import file_report

REPORTS = json.loads({json.dumps(json.dumps(reports))})

def test_app_files_its_reports(immoteur_contract_proxy, immoteur_contract_token):
    for report in REPORTS:
        file_report(immoteur_contract_proxy, immoteur_contract_token, report)
"""
    )


def test_fixture_fails_a_test_whose_application_sends_a_data_report_without_facets(
    pytester: pytest.Pytester,
) -> None:
    _suite(pytester, [_NO_FACETS.body])
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*1 contract violation(s) during this test*",
            "*caller violation ?data-requires-issue-facets?*your application sent*",
        ]
    )


def test_fixture_passes_a_test_whose_application_sends_valid_reports(
    pytester: pytest.Pytester,
) -> None:
    _suite(pytester, [row.body for row in _VALID])
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_fixture_fails_a_test_when_the_upstream_answers_off_contract(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
import pytest
from immoteur_contract.mutants.apps import data_without_facets_accepted
from immoteur_contract.server import serving

@pytest.fixture
def immoteur_contract_upstream(immoteur_contract_token):
    with serving(data_without_facets_accepted(immoteur_contract_token)) as url:
        yield url
"""
    )
    _suite(pytester, [_NO_FACETS.body])
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*server violation ?data-requires-issue-facets?*expected 422*"])


def test_plugin_loads_nothing_else_of_the_kit_until_its_fixture_is_used() -> None:
    """pytest loads the plugin in every run of an environment that has the kit (pytest11)."""
    code = (
        "import sys; import immoteur_contract.proxy.fixture; "
        "print(sorted(m for m in sys.modules if m.startswith('immoteur')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(
        ["immoteur_contract", "immoteur_contract.proxy", "immoteur_contract.proxy.fixture"]
    )
