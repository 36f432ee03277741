"""ConnectionLimits: the documented defaults, refused nonsense, one mock option per limit."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

import pytest

from immoteur_contract.server.command import add_arguments
from immoteur_contract.server.limits import ConnectionLimits
from immoteur_contract.server.listener import connection_limits


def test_limits_defaults_are_the_documented_ones() -> None:
    assert asdict(ConnectionLimits()) == {
        "idle_timeout": 5.0,
        "header_timeout": 10.0,
        "body_timeout": 30.0,
        "max_header_bytes": 16384,
        "max_url_bytes": 8192,
        "max_headers": 100,
    }


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"idle_timeout": 0}, id="zero-idle-timeout"),
        pytest.param({"header_timeout": -1.0}, id="negative-header-timeout"),
        pytest.param({"body_timeout": float("inf")}, id="infinite-body-timeout"),
        pytest.param({"body_timeout": float("nan")}, id="nan-body-timeout"),
        pytest.param({"max_header_bytes": 0}, id="zero-header-bytes"),
        pytest.param({"max_headers": 0}, id="zero-headers"),
        pytest.param({"max_url_bytes": 20000}, id="url-longer-than-headers"),
    ],
)
def test_limits_refuse_meaningless_values(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|cannot"):
        ConnectionLimits(**options)


def test_limits_are_the_mock_options_with_their_defaults() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert connection_limits(parser.parse_args([])) == ConnectionLimits()
    given = parser.parse_args(
        [
            *("--idle-timeout", "1", "--header-timeout", "2", "--body-timeout", "3"),
            *("--max-header-bytes", "4000", "--max-url-bytes", "300", "--max-headers", "6"),
        ]
    )
    assert connection_limits(given) == ConnectionLimits(1, 2, 3, 4000, 300, 6)
