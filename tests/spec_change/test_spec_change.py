"""The spec-change test: the kit on edited copies of openapi.yaml, one change each.

For every scenario of scenarios.py the kit regenerates the client and runs the verdict table,
the strategies, the server, the facade and the suite on the copy (see kit.py). Each part either
follows the change with no hand edit, or fails with the scenario's one line naming what a person
must write (and nothing longer: no traceback). A verdict-table row whose verdict really changed
is reported once, by the table's own test, and by no other part.

The copies run in parallel, one per core, all of them started by the first test that needs one
(only the scenarios selected in this session). The outcome of every part is kept, so that each
(scenario, part) is one test with its own verdict.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from .kit import PartOutcome, run_kit
from .scenarios import PARTS, SCENARIOS, Scenario

# the kit on every scenario's copy: longer than pytest-timeout's default (pyproject.toml)
pytestmark = pytest.mark.timeout(1800)

CASES = [
    pytest.param(scenario, part, id=f"{scenario.name}-{part}")
    for scenario in SCENARIOS
    for part in PARTS
]


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[dict[str, PartOutcome]]]]:
    """The kit's outcome on each selected scenario's copy, computed in parallel."""
    selected = {
        param.name
        for item in request.session.items
        if isinstance(item, pytest.Function) and item.module is request.module
        for param in [item.callspec.params["scenario"]]
        if isinstance(param, Scenario)
    }
    with (
        tempfile.TemporaryDirectory(prefix="spec-change-") as scratch,
        ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool,
    ):
        futures = {}
        for scenario in SCENARIOS:
            if scenario.name in selected:
                folder = Path(scratch) / scenario.name
                folder.mkdir()
                futures[scenario.name] = pool.submit(run_kit, scenario, folder)
        yield futures


def _shown(outcome: PartOutcome) -> str:
    return outcome.output[-3000:]


@pytest.mark.parametrize(("scenario", "part"), CASES)
def test_spec_change_part_follows_or_names_what_to_write(
    outcomes: dict[str, Future[dict[str, PartOutcome]]], scenario: Scenario, part: str
) -> None:
    results = outcomes[scenario.name].result()
    outcome = results.get(part)
    assert outcome is not None, f"the client was not generated: {results['client'].output}"
    if part == "verdicts" and scenario.stale_rows:
        expected = {f"test_verdicts_row_agrees_with_the_spec[{row}]" for row in scenario.stale_rows}
        assert set(outcome.failures) == expected, _shown(outcome)
        for row in scenario.stale_rows:
            message = outcome.failures[f"test_verdicts_row_agrees_with_the_spec[{row}]"]
            assert f"row {row}: the table says valid, openapi.yaml now says" in message
            assert "update the row in verdicts.yaml" in message
    elif part in scenario.follows:
        assert outcome.passed, _shown(outcome)
    else:
        assert scenario.message is not None
        assert not outcome.passed
        assert scenario.message in outcome.output, _shown(outcome)
        assert "Traceback" not in outcome.output, _shown(outcome)
        assert len(outcome.output.strip().splitlines()) == 1, _shown(outcome)
