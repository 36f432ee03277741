"""The leading phase's rounds: round 1, then 2, then plain `leading` (3), then the rest."""

from __future__ import annotations

import types
from typing import Any

import pytest

from immoteur_contract.runner.items import LEAD_ROUNDS, lead_round


class _Item:
    """A collected test as lead_round sees it: a node id and its `leading` marker, if any."""

    def __init__(self, *args: Any, marked: bool = True) -> None:
        self.nodeid = f"test_x.py::test_{args}"
        self._marker = types.SimpleNamespace(name="leading", args=args) if marked else None

    def get_closest_marker(self, name: str) -> Any:
        return self._marker if name == "leading" else None


def test_lead_round_orders_rounds_then_plain_leading_then_the_rest() -> None:
    items = [_Item(marked=False), _Item(), _Item(2), _Item(1)]
    rounds = [lead_round(item) for item in items]  # type: ignore[arg-type]
    assert rounds == [LEAD_ROUNDS + 1, LEAD_ROUNDS, 2, 1]


@pytest.mark.parametrize("round_", [0, LEAD_ROUNDS + 1])
def test_lead_round_out_of_range_is_a_usage_error(round_: int) -> None:
    with pytest.raises(pytest.UsageError, match="leading takes a round"):
        lead_round(_Item(round_))  # type: ignore[arg-type]
