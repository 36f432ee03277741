"""Hostile bodies: each gets a 4xx (never a 5xx), and the server answers a valid request after."""

from __future__ import annotations

import json
from typing import Any

import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app

from .asgi_driver import ENDPOINT, call_now
from .conftest import AUTH, TOKEN, spec_examples, valid_body

HEADERS = list(AUTH.items())
REQUEST_SCHEMA = CONTRACT.validator("IssueReportRequest")
VALID = json.dumps(valid_body()).encode()
UUID = valid_body()["propertyIds"][0]


def _dump(body: Any) -> bytes:
    return json.dumps(body).encode()


def _malformed() -> list[tuple[str, bytes]]:
    texts = [
        b"",
        b" ",
        b"\n\t",
        b"{",
        b"}",
        b"[",
        b"]",
        b"{]",
        b"[}",
        b'{"a":}',
        b'{"a" 1}',
        b"{'a': 1}",
        b'{"a":1,}',
        b"[1,]",
        b"[,1]",
        b"tru",
        b"nul",
        b"fals",
        b"01",
        b"1.",
        b".5",
        b"+1",
        b"0x10",
        b"-",
        b'"abc',
        b'"\\x41"',
        b'"\\u12"',
        b'"\\u12G4"',
        b'"\t"',
        b'"a\nb"',
        b"//c\n{}",
        b"/* */{}",
        b"undefined",
        b"None",
        b"True",
        b"NaN",
        b"-NaN",
        b"Infinity",
        b"-Infinity",
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b"[-Infinity]",
        b'{"a":1}garbage',
        b"{} {}",
        b"{}{}",
        b"[][]",
        b"1 2",
        VALID + b"x",
        VALID + b"}",
        VALID + b",{}",
        VALID + b"\x00",
        b"\x00",
        b"\x00" + VALID,
        VALID[:-1],
        VALID[:10],
        b'{"propertyIds": ["\x00"], "issueKind": "data", "issueFacets": ["price"]}',
        b"{\x00}",
        b'{"a"\x00:1}',
        b"\x1a",
        b"{\x0c}",
    ]
    return [(f"malformed-{i}", raw) for i, raw in enumerate(texts)]


def _not_utf8() -> list[tuple[str, bytes]]:
    cases = {
        "ff": b"\xff",
        "fe-ff": b"\xfe\xff",
        "lone-continuation": b'{"comment": "\x80"}',
        "truncated-2-byte": b'{"comment": "\xc3"}',
        "overlong-slash": b'{"comment": "\xc0\xaf"}',
        "cesu-surrogate": b'{"comment": "\xed\xa0\x80"}',
        "above-10ffff": b'{"comment": "\xf4\x90\x80\x80"}',
        "latin1": '{"comment": "caf\u00e9"}'.encode("latin-1"),
        "utf8-bom": b"\xef\xbb\xbf" + VALID,
        "utf8-bom-only": b"\xef\xbb\xbf",
        "utf16-le-bom": VALID.decode().encode("utf-16"),
        "utf16-be": VALID.decode().encode("utf-16-be"),
        "utf32": VALID.decode().encode("utf-32"),
        "windows-1252-quotes": b'{"comment": \x93hi\x94}',
    }
    return [(f"not-utf8-{name}", raw) for name, raw in cases.items()]


def _deep_and_huge() -> list[tuple[str, bytes]]:
    valid_head = VALID[:-1] + b', "x": '
    cases = {
        "100k-brackets": b"[" * 100_000,
        "100k-braces": b'{"a":' * 100_000,
        "100k-balanced": b"[" * 100_000 + b"]" * 100_000,
        "600-deep-closed": b"[" * 600 + b"]" * 600,
        "deep-in-extra-field": valid_head + b"[" * 10_000 + b"]" * 10_000 + b"}",
        "deep-propertyIds": b'{"propertyIds": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        "1e999999": b"1e999999",
        "-1e999999": b"-1e999999",
        "1e400-in-valid": valid_head + b"1e400}",
        "-1e400-in-propertyIds": b'{"propertyIds": [-1e400], "issueKind": "data"}',
        "10**5000-digits": b"1" + b"0" * 5000,
        "10**5000-in-valid": valid_head + b"1" + b"0" * 5000 + b"}",
        "10**5000-in-issueKind": b'{"issueKind": ' + b"9" * 5000 + b"}",
        "1e-999999": b'{"propertyIds": 1e-999999}',
        "100k-items-propertyIds": _dump({"propertyIds": [1] * 100_000, "issueKind": "data"}),
        "10k-bad-facets": _dump(valid_body() | {"issueFacets": ["nope"] * 10_000}),
        "100k-array-body": _dump([0] * 100_000),
        "10k-null-classified": _dump(valid_body() | {"classifiedIds": [None] * 10_000}),
        "200k-valid-facets-over-limit": _dump(valid_body() | {"issueFacets": ["price"] * 200_000}),
        "over-1mib-valid-uuids": _dump(valid_body() | {"propertyIds": [UUID] * 40_000}),
        "over-1mib-whitespace": b" " * (1024 * 1024 + 1),
        "comment-past-max": _dump(
            valid_body() | {"comment": "x" * (CONTRACT.comment_max_length + 1)}
        ),
    }
    return [(f"huge-{name}", raw) for name, raw in cases.items()]


def _odd_strings() -> list[tuple[str, bytes]]:
    cases = {
        "lone-surrogate-body": b'"\\ud800"',
        "lone-surrogate-uuid": b'{"propertyIds": ["\\ud800"], "issueKind": "data"}',
        "lone-low-surrogate-kind": b'{"propertyIds": [], "issueKind": "\\udfff"}',
        "lone-surrogate-key": b'{"\\ud800": 1}',
        "reversed-pair-facet": b'{"issueKind": "data", "issueFacets": ["\\udc00\\ud800"]}',
        "nul-escape-kind": _dump(valid_body() | {"issueKind": "data\u0000"}),
        "nul-escape-uuid": _dump(valid_body() | {"propertyIds": [UUID[:-1] + "\u0000"]}),
        "nul-only-comment-other": _dump(
            {"propertyIds": [UUID], "issueKind": "other", "comment": "\u0000"[:0]}
        ),
        "bom-char-comment-other": _dump(
            {"propertyIds": [UUID], "issueKind": "other", "comment": "\ufeff"}
        ),
        "dup-keys-last-bad-kind": VALID[:-1] + b', "issueKind": "nope"}',
        "dup-keys-last-null-ids": VALID[:-1] + b', "propertyIds": null}',
        "dup-keys-last-empty-ids": VALID[:-1] + b', "propertyIds": []}',
        "uuid-braces": _dump(valid_body() | {"propertyIds": ["{" + UUID + "}"]}),
        "uuid-urn": _dump(valid_body() | {"propertyIds": ["urn:uuid:" + UUID]}),
        "uuid-newline": _dump(valid_body() | {"propertyIds": [UUID + "\n"]}),
        "uuid-fullwidth-digit": _dump(valid_body() | {"propertyIds": ["\uff13" + UUID[1:]]}),
        "kind-upper": _dump(valid_body() | {"issueKind": "DATA"}),
        "kind-padded": _dump(valid_body() | {"issueKind": " data"}),
        "empty-object": b"{}",
    }
    return [(f"odd-{name}", raw) for name, raw in cases.items()]


_SAMPLES: dict[str, Any] = {
    "null": None,
    "true": True,
    "zero": 0,
    "float": 1.5,
    "string": "x",
    "empty-array": [],
    "object": {"a": 1},
    "array-of-null": [None],
    "array-of-int": [1],
    "array-of-object": [{}],
    "nested-array": [[UUID]],
}


def _wrong_types() -> list[tuple[str, bytes]]:
    """Every documented field of every spec example set to values of other JSON types; only the
    combinations the spec's schema rejects are kept (e.g. clusteringAction null is valid)."""
    cases: list[tuple[str, bytes]] = []
    for example_name, example in spec_examples().items():
        for field in CONTRACT.request_fields:
            for sample_name, sample in _SAMPLES.items():
                body = example | {field: sample}
                if not REQUEST_SCHEMA.is_valid(body):
                    cases.append((f"type-{example_name}-{field}-{sample_name}", _dump(body)))
    return cases


HOSTILE = _malformed() + _not_utf8() + _deep_and_huge() + _odd_strings() + _wrong_types()


def test_hostile_table_is_large_and_unique() -> None:
    assert len(HOSTILE) >= 200
    assert len({name for name, _ in HOSTILE}) == len(HOSTILE)


def test_hostile_bodies_get_4xx_and_the_server_keeps_answering() -> None:
    app = reference_app(TOKEN)
    answers = {name: call_now(app, "POST", ENDPOINT, [raw], HEADERS) for name, raw in HOSTILE}
    wrong = {name: reply.status for name, reply in answers.items() if not 400 <= reply.status < 500}
    assert wrong == {}
    for name, reply in answers.items():
        assert "message" in reply.json(), name
    assert app.store.list() == []
    assert call_now(app, "POST", ENDPOINT, [VALID], HEADERS).status == 201


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b"[" * 65536] * 20, id="streamed-brackets-past-limit"),
        pytest.param([VALID[:5], b"\xff", VALID[5:]], id="bad-byte-between-chunks"),
        pytest.param([b""] * 1000 + [b"{"], id="many-empty-chunks"),
    ],
)
def test_hostile_streams_get_4xx(chunks: list[bytes]) -> None:
    app = reference_app(TOKEN)
    assert 400 <= call_now(app, "POST", ENDPOINT, chunks, HEADERS).status < 500
    assert call_now(app, "POST", ENDPOINT, [VALID], HEADERS).status == 201
