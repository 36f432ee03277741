"""The raw bodies are what they claim: each grammar probe is or is not JSON as its row of the
table says, differs from its base in one place, and the size builders hit their sizes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract.json_reading import read_json
from immoteur_contract.rules import RULES
from immoteur_contract.runner.raw_bodies import (
    GRAMMAR_PROBES,
    MIB,
    base_report,
    every_shape,
    json_text,
    nested,
    padded_to,
    with_keys,
)
from immoteur_contract.server.body import BodyError, decode_json

BASE = base_report(valid=True)


def _strict_rfc_json(raw: bytes) -> Any:
    """RFC 8259's JSON as Python reads it when told to be strict: UTF-8 without a BOM, no
    NaN or Infinity, no duplicate names (raises ValueError otherwise)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({key for key, _ in items}) < len(items):
            raise ValueError("duplicate name")
        return dict(items)

    def constant(name: str) -> Any:
        raise ValueError(name)

    return json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_constant=constant)


@pytest.mark.parametrize(
    "probe", [p for p in GRAMMAR_PROBES.values() if p.reading != "open"], ids=lambda probe: probe.id
)
def test_grammar_probe_is_json_exactly_when_its_row_says(probe: Any) -> None:
    content = probe.content(BASE)
    if probe.reading == "json":
        decoded = _strict_rfc_json(content)
        assert RULES.is_valid(decoded)
    else:
        with pytest.raises((ValueError, UnicodeDecodeError)):
            _strict_rfc_json(content)
        with pytest.raises(BodyError):
            decode_json(content)


@pytest.mark.parametrize("probe", GRAMMAR_PROBES.values(), ids=lambda probe: probe.id)
def test_grammar_probe_reads_as_its_row_says_for_the_proxys_reader(probe: Any) -> None:
    assert read_json(probe.content(BASE)).reading == probe.reading


def test_grammar_probe_ids_are_unique_and_every_reading_is_present() -> None:
    assert {p.reading for p in GRAMMAR_PROBES.values()} == {"not-json", "json", "open"}
    assert all(p.id == key for key, p in GRAMMAR_PROBES.items())
    assert all(
        p.section in {"2", "3", "4", "5", "6", "7", "8.1", "8.2"} for p in GRAMMAR_PROBES.values()
    )


def test_duplicate_name_probes_put_the_invalid_value_first_or_last() -> None:
    last_valid = GRAMMAR_PROBES["duplicate-name-last-valid"].content(BASE)
    first_valid = GRAMMAR_PROBES["duplicate-name-first-valid"].content(BASE)
    assert json.loads(last_valid) == BASE  # Python keeps the last value
    assert not RULES.is_valid(json.loads(first_valid))


def test_base_report_is_valid_or_breaks_one_rule() -> None:
    assert RULES.is_valid(base_report(valid=True))
    assert len(RULES.violations(base_report(valid=False))) == 1


@pytest.mark.parametrize("size", [1000, MIB - 64, MIB + 64])
def test_padded_to_makes_a_body_of_exactly_that_size(size: int) -> None:
    content = padded_to(BASE, size)
    assert len(content) == size
    assert decode_json(content)["probe"] == "x" * (size - len(json_text({**BASE, "probe": ""})))


def test_nested_and_with_keys_build_the_shape_they_name() -> None:
    probe = json.loads(nested(BASE, 10))["probe"]
    for _ in range(9):
        (probe,) = probe
    assert probe == []
    assert len(json.loads(with_keys(BASE, 300))["probe"]) == 300


def test_every_shape_stays_under_the_reference_limits_and_reads_as_the_base() -> None:
    content = every_shape(BASE)
    assert len(content) < MIB
    decoded = decode_json(content)
    assert RULES.is_valid(decoded)
    shapes = decoded["probe"]
    assert len(shapes["keys"]) == 20_000
    assert len(shapes["text"]) == 100_000
    assert shapes["surrogate"] == "\ud800"
    assert b'"twice":1,"twice":1' in content


_DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "json-grammar.md"
_READINGS = {"not JSON": "not-json", "JSON": "json", "open": "open"}


def test_docs_table_lists_every_grammar_probe_with_its_reading_and_section() -> None:
    rows = {}
    for line in _DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[1] in _READINGS and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (_READINGS[cells[1]], cells[2].split(",")[0])
    assert rows == {p.id: (p.reading, p.section) for p in GRAMMAR_PROBES.values()}
