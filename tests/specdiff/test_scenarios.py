"""`spec-diff` on the copies the kit itself is tried on (tests/spec_change/scenarios.py): each
scenario's change gets the classification that scenario records for people who call the API."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from immoteur_contract.spec import PACKAGED_SPEC_PATH
from immoteur_contract.specdiff.compare import compare

from ..spec_change.scenarios import SCENARIOS, Scenario, edited


def _document() -> dict[str, Any]:
    document = yaml.safe_load(PACKAGED_SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_spec_diff_classifies_each_spec_change_scenario(scenario: Scenario) -> None:
    document = _document()
    changes = compare(document, edited(scenario, document))
    assert changes, f"{scenario.name}: spec-diff saw no change"
    worst = min(changes, key=lambda change: change.impact.rank)
    assert worst.impact.value == scenario.api_change, [change.line for change in changes]
