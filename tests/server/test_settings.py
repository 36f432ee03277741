"""ServerSettings: defaults are the contract without faults; nonsense is refused; no token shown."""

from __future__ import annotations

from typing import Any

import pytest

from immoteur_contract.server import MAX_BODY_BYTES, ServerSettings


def test_settings_default_to_no_fault() -> None:
    settings = ServerSettings(token="t")
    assert MAX_BODY_BYTES == 1024 * 1024
    assert (settings.accept_any_token, settings.max_body_bytes) == (False, MAX_BODY_BYTES)
    assert (settings.latency, settings.latency_range, settings.rate_limit) == (0.0, None, None)
    assert (settings.fail_rate, settings.seed) == (0.0, None)


def test_settings_repr_hides_the_token() -> None:
    assert "hush-hush" not in repr(ServerSettings(token="hush-hush"))


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"token": ""}, id="empty-token"),
        pytest.param({"max_body_bytes": -1}, id="negative-limit"),
        pytest.param({"latency": -0.1}, id="negative-latency"),
        pytest.param({"latency": float("inf")}, id="infinite-latency"),
        pytest.param({"latency_range": (0.2, 0.1)}, id="inverted-range"),
        pytest.param({"latency_range": (-1.0, 0.1)}, id="negative-range"),
        pytest.param({"rate_limit": 0}, id="zero-rate-limit"),
        pytest.param({"fail_rate": 1.5}, id="fail-rate-above-one"),
        pytest.param({"fail_rate": -0.1}, id="negative-fail-rate"),
    ],
)
def test_settings_refuse_meaningless_values(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|required"):
        ServerSettings(**({"token": "t"} | options))
