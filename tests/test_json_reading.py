"""read_json reads a body as RFC 8259 does: not JSON, JSON, or open where the RFC leaves the
reading to the implementation (the grammar probes' table is checked in tests/runner)."""

from __future__ import annotations

import pytest

from immoteur_contract.json_reading import deepest_nesting, read_json


@pytest.mark.parametrize(
    ("content", "reading"),
    [
        pytest.param(b'{"a": [1, 2.5, -0, 1e2, "\\u00e9"]}', "json", id="plain"),
        pytest.param(b"0.1", "json", id="short-fraction"),
        pytest.param(b"9007199254740992", "json", id="largest-exact-integer"),
        pytest.param(b"9007199254740993", "open", id="past-exact-integers"),
        pytest.param(b"1e-400", "open", id="underflow"),
        pytest.param(b"0e0", "json", id="zero-with-exponent"),
        pytest.param(b"1" * 5000, "open", id="past-pythons-int-digits"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "open", id="deeper-than-the-parser"),
        pytest.param(b"\xef\xbb\xbf{", "not-json", id="bom-then-not-json"),
        pytest.param(b"", "not-json", id="empty"),
        pytest.param(b"NaN", "not-json", id="nan"),
        pytest.param(b'"\\udc00 and \\ud83c\\udfe0"', "open", id="lone-low-surrogate"),
    ],
)
def test_read_json_reads_as_rfc_8259(content: bytes, reading: str) -> None:
    assert read_json(content).reading == reading


def test_read_json_says_why_a_body_is_not_json_or_open() -> None:
    assert "RFC 8259, 6" in read_json(b"[Infinity]").why
    assert "RFC 8259, 4" in read_json(b'{"a": 1, "a": 2}').why
    assert read_json(b'{"a": 1, "a": 2}').value == {"a": 2}


@pytest.mark.parametrize(
    ("content", "depth"),
    [
        pytest.param(b'[["[[[\\"["]]', 2, id="escaped-quote-inside-a-string"),
        pytest.param(b'["\\\\", [1]]', 2, id="escaped-backslash-ends-before-the-quote"),
        pytest.param(b'{"a": {"b": "}}}"}}', 2, id="brackets-in-strings"),
        pytest.param(b"[" * 5000 + b"]" * 5000, 5000, id="deep"),
    ],
)
def test_deepest_nesting_skips_strings_and_their_escapes(content: bytes, depth: int) -> None:
    assert deepest_nesting(content) == depth
