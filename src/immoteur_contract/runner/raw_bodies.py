"""Request bodies for the layers below the schema, as bytes: the JSON grammar's corners, the body
states of the check-order table, and the sizes and shapes of the resource-limit probes.

Every body is built from a base report (a dict) by editing its JSON text, so that one probe
differs from a body the target would read as that report in one thing only: a literal, an
encoding, a byte order mark, a nesting depth. The probes of the contract suite
(contract_tests/test_8_json_grammar.py, test_8_check_order.py, test_9_resource_limits.py) and
the witnesses of the faulty and correct servers that diverge there are built here, so that both
send the same bytes.

`GRAMMAR_PROBES` is the table of RFC 8259's corners: for each, what the RFC says of it
(`reading`): `not-json` (the text is not JSON: D10 wants 400 or 422), `json` (the text is JSON:
the body gets its own verdict) or `open` (the RFC leaves the behaviour to the implementation:
any answer but a 5xx, recorded as an observation). docs/reference/json-grammar.md quotes the
RFC for each.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..json_reading import Reading
from ..rules import RULES
from ..strategies import boundary_cases

__all__ = [
    "GRAMMAR_PROBES",
    "MIB",
    "PROBE_FIELD",
    "GrammarProbe",
    "Reading",
    "base_report",
    "every_shape",
    "json_text",
    "nested",
    "padded_to",
    "with_keys",
    "with_member",
]

MIB = 1024 * 1024
"""One mebibyte: the reference server refuses bodies larger than this with 413."""

PROBE_FIELD = "probe"
"""The unknown field that carries a probe's value (D8: unknown fields are ignored)."""


@functools.cache
def _valid_report() -> dict[str, Any]:
    return next(c.body for c in boundary_cases() if c.rule is None and isinstance(c.body, dict))


def base_report(*, valid: bool) -> dict[str, Any]:
    """The report a probe is built on: the spec's first example (valid), or that example with
    `issueFacets` empty, which breaks exactly one rule (a report no server may accept, for a
    target that must not get writes)."""
    body = dict(_valid_report())
    if not valid:
        body["issueFacets"] = []
    assert RULES.is_valid(body) is valid
    return body


def json_text(body: Any) -> bytes:
    """`body` as compact UTF-8 JSON (non-ASCII characters as themselves)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def with_member(
    body: dict[str, Any], raw_value: bytes, name: bytes = PROBE_FIELD.encode()
) -> bytes:
    """The JSON text of `body` with one more member, `"name": raw_value`, written as is (so
    that the value may be anything, JSON or not)."""
    text = json_text(body)
    separator = b"," if body else b""
    return text[:-1] + separator + b'"' + name + b'":' + raw_value + b"}"


def nested(body: dict[str, Any], depth: int) -> bytes:
    """`body` with an unknown field holding `depth` nested arrays (`[[[...]]]`)."""
    return with_member(body, b"[" * depth + b"]" * depth)


def with_keys(body: dict[str, Any], count: int) -> bytes:
    """`body` with an unknown field holding an object of `count` distinct keys."""
    members = b",".join(b'"k%d":0' % n for n in range(count))
    return with_member(body, b"{" + members + b"}")


def padded_to(body: dict[str, Any], size: int) -> bytes:
    """`body` with an unknown field holding an ASCII string that makes the text `size` bytes
    long (at least the body with an empty string)."""
    empty = with_member(body, b'""')
    return with_member(body, b'"' + b"x" * max(0, size - len(empty)) + b'"')


def every_shape(body: dict[str, Any]) -> bytes:
    """`body` with an unknown field holding every unusual shape a server should survive at
    once, each past a limit real stacks have, while the whole stays under 1 MiB and 64 levels
    deep: an object of 20,000 members, a string of 100,000 characters, an array of 50,000
    items, a name given twice (with one value), and an escaped lone surrogate."""
    keys = b",".join(b'"k%d":0' % n for n in range(20_000))
    parts = [
        b'"keys":{' + keys + b"}",
        b'"text":"' + b"x" * 100_000 + b'"',
        b'"items":[' + b",".join([b"0"] * 50_000) + b"]",
        b'"twice":1,"twice":1',
        b'"surrogate":"\\ud800"',
        b'"nested":' + b"[" * 32 + b"]" * 32,
    ]
    return with_member(body, b"{" + b",".join(parts) + b"}")


@dataclass(frozen=True)
class GrammarProbe:
    """One corner of the JSON grammar: an id, what RFC 8259 makes of it and where it says so,
    and how the probe's bytes are made from the base report."""

    id: str
    reading: Reading
    section: str
    build: Callable[[dict[str, Any]], bytes]
    leading: bool = False
    """Sent in the leading phase: the probe shows a class of lenient or crashing parsers."""

    def content(self, base: dict[str, Any]) -> bytes:
        """The probe's bytes for `base` (a report)."""
        return self.build(base)


def _member(raw_value: bytes) -> Callable[[dict[str, Any]], bytes]:
    return lambda base: with_member(base, raw_value)


def _encoded(codec: str, bom: bytes = b"") -> Callable[[dict[str, Any]], bytes]:
    return lambda base: bom + json_text(base).decode("utf-8").encode(codec)


def _duplicate(first: bool) -> Callable[[dict[str, Any]], bytes]:
    """The base with its first member written twice: once with a value no rule accepts
    (issueKind "not-a-kind" for a report), once with its own, in either order."""

    def build(base: dict[str, Any]) -> bytes:
        name = next(iter(base))
        wrong = json_text({name: "not-a-kind"})[1:-1]
        text = json_text(base)
        return b"{" + wrong + b"," + text[1:] if first else text[:-1] + b"," + wrong + b"}"

    return build


def _whitespace(space: bytes) -> Callable[[dict[str, Any]], bytes]:
    """The base with `space` around every structural character."""

    def build(base: dict[str, Any]) -> bytes:
        text = json.dumps(base, ensure_ascii=False, separators=(",", ":"))
        out = bytearray()
        in_string = escaped = False
        for char in text.encode("utf-8"):
            out.append(char)
            if in_string:
                if escaped:
                    escaped = False
                elif char == ord("\\"):
                    escaped = True
                elif char == ord('"'):
                    in_string = False
                continue
            if char == ord('"'):
                in_string = True
            elif char in b"{}[],:":
                out[-1:] = space + bytes([char]) + space
        return bytes(out)

    return build


def _trailing(extra: bytes) -> Callable[[dict[str, Any]], bytes]:
    return lambda base: json_text(base) + extra


def _cut(base: dict[str, Any]) -> bytes:
    text = json_text(base)
    return text[: len(text) // 2]


_PROBES: tuple[GrammarProbe, ...] = (
    # section 6: numbers
    GrammarProbe("nan", "not-json", "6", _member(b"NaN"), leading=True),
    GrammarProbe("infinity", "not-json", "6", _member(b"Infinity")),
    GrammarProbe("minus-infinity", "not-json", "6", _member(b"-Infinity")),
    GrammarProbe("leading-zero", "not-json", "6", _member(b"012")),
    GrammarProbe("plus-sign", "not-json", "6", _member(b"+1")),
    GrammarProbe("hexadecimal", "not-json", "6", _member(b"0x1F")),
    GrammarProbe("bare-fraction", "not-json", "6", _member(b".5")),
    GrammarProbe("bare-point", "not-json", "6", _member(b"1.")),
    GrammarProbe("minus-zero", "json", "6", _member(b"-0")),
    GrammarProbe("exponent-forms", "json", "6", _member(b"[1E+2,1e-2,-0.0e0]")),
    GrammarProbe("large-exponent", "open", "6", _member(b"1e400"), leading=True),
    GrammarProbe("many-digits", "open", "6", _member(b"1" * 400)),
    GrammarProbe("high-precision", "open", "6", _member(b"0." + b"1" * 60)),
    # section 2: structure, literals and whitespace
    GrammarProbe("trailing-comma-object", "not-json", "4", _member(b"1,"), leading=True),
    GrammarProbe("trailing-comma-array", "not-json", "5", _member(b"[1,2,]")),
    GrammarProbe("block-comment", "not-json", "2", _member(b"/* note */ 1"), leading=True),
    GrammarProbe("line-comment", "not-json", "2", _member(b"1 // note\n")),
    GrammarProbe("single-quoted-string", "not-json", "7", _member(b"'text'")),
    GrammarProbe("unquoted-name", "not-json", "4", lambda b: json_text(b)[:-1] + b",probe:1}"),
    GrammarProbe("capitalised-literal", "not-json", "3", _member(b"True")),
    GrammarProbe("undefined", "not-json", "3", _member(b"undefined")),
    GrammarProbe("json-whitespace", "json", "2", _whitespace(b" \t\r\n")),
    GrammarProbe("form-feed", "not-json", "2", _whitespace(b"\f")),
    GrammarProbe("no-break-space", "not-json", "2", _whitespace("\u00a0".encode())),
    GrammarProbe("text-after-value", "not-json", "2", _trailing(b" x")),
    GrammarProbe("second-value", "not-json", "2", _trailing(b"{}")),
    GrammarProbe("cut-in-half", "not-json", "2", _cut),
    # section 7: strings
    GrammarProbe("raw-control-character", "not-json", "7", _member(b'"a\x01b"'), leading=True),
    GrammarProbe("raw-newline", "not-json", "7", _member(b'"a\nb"')),
    GrammarProbe("escape-x", "not-json", "7", _member(b'"\\x41"')),
    GrammarProbe("escape-unknown-letter", "not-json", "7", _member(b'"\\a"')),
    GrammarProbe("escape-u-short", "not-json", "7", _member(b'"\\u12"')),
    GrammarProbe("escape-big-u", "not-json", "7", _member(b'"\\U0001F600"')),
    GrammarProbe("escapes-of-the-rfc", "json", "7", _member(b'"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"')),
    GrammarProbe("escaped-surrogate-pair", "json", "7", _member(b'"\\ud83c\\udfe0"')),
    GrammarProbe("lone-surrogate-escaped", "open", "8.2", _member(b'"\\ud800"')),
    # section 8.1: encodings
    GrammarProbe("utf8-bom", "open", "8.1", lambda b: b"\xef\xbb\xbf" + json_text(b), leading=True),
    GrammarProbe("utf16-le", "not-json", "8.1", _encoded("utf-16-le"), leading=True),
    GrammarProbe("utf16-be-bom", "not-json", "8.1", _encoded("utf-16-be", b"\xfe\xff")),
    GrammarProbe("utf32-le", "not-json", "8.1", _encoded("utf-32-le")),
    GrammarProbe("invalid-utf8", "not-json", "8.1", _member(b'"caf\xc3("'), leading=True),
    GrammarProbe("overlong-utf8", "not-json", "8.1", _member(b'"\xc0\xaf"')),
    GrammarProbe("utf8-encoded-surrogate", "not-json", "8.1", _member(b'"\xed\xa0\x80"')),
    GrammarProbe("latin1-text", "not-json", "8.1", _member('"caf\u00e9"'.encode("latin-1"))),
    # section 4: objects
    GrammarProbe("duplicate-name-last-valid", "open", "4", _duplicate(first=True)),
    GrammarProbe("duplicate-name-first-valid", "open", "4", _duplicate(first=False)),
)

GRAMMAR_PROBES: dict[str, GrammarProbe] = {probe.id: probe for probe in _PROBES}
"""Every JSON grammar probe by id, in the order the suite sends them."""
