"""Option values checked while parsing: what each type accepts (the refusals, one line and exit
2 per command, are in test_cli.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract.arguments import (
    base_url,
    non_negative_int,
    output_file,
    port,
    positive_int,
    positive_number,
    seed,
)


@pytest.mark.parametrize(
    ("convert", "text", "value"),
    [
        pytest.param(positive_int, "1", 1, id="positive-int"),
        pytest.param(non_negative_int, "0", 0, id="non-negative-int"),
        pytest.param(seed, "0", 0, id="seed-0"),
        pytest.param(seed, str(2**70), 2**70, id="seed-big"),
        pytest.param(positive_number, "0.5", 0.5, id="rate-fraction"),
        pytest.param(positive_number, "1e3", 1000.0, id="rate-exponent"),
        pytest.param(port, "0", 0, id="port-any"),
        pytest.param(port, "65535", 65535, id="port-max"),
        pytest.param(base_url, "http://[::1]:8080/x", "http://[::1]:8080/x", id="url-ipv6"),
        pytest.param(base_url, "https://api.immoteur.com/public/v1", None, id="url-production"),
        pytest.param(output_file, "out/report.json", Path("out/report.json"), id="file"),
    ],
)
def test_argument_type_accepts_a_good_value(
    convert: Callable[[str], Any], text: str, value: Any
) -> None:
    assert convert(text) == (text if value is None else value)


@pytest.mark.parametrize(
    ("convert", "text"),
    [
        pytest.param(positive_int, "1.5", id="int-fraction"),
        pytest.param(non_negative_int, "-1", id="negative"),
        pytest.param(positive_number, "-inf", id="minus-inf"),
        pytest.param(port, "65536", id="port-too-big"),
        pytest.param(base_url, "http://", id="url-without-host"),
        pytest.param(base_url, "http://[::1", id="url-unclosed-bracket"),
        pytest.param(output_file, " ", id="file-blank"),
    ],
)
def test_argument_type_refuses_a_bad_value(convert: Callable[[str], Any], text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        convert(text)
