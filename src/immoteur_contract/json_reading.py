"""What RFC 8259 makes of a request body: not JSON, JSON, or JSON whose reading the RFC leaves
to the implementation.

D10 wants a body that is not JSON rejected with 400 or 422. Python's `json` module accepts
more than the RFC (NaN, Infinity), and the RFC itself leaves some corners open: a UTF-8 byte
order mark (8.1: implementations MAY ignore it), duplicate names (4: names SHOULD be unique),
numbers beyond IEEE 754 binary64's range or precision (6: implementations may set limits),
escaped lone surrogates (8.2: the behaviour is unpredictable), and texts of unusual size or
depth (9: implementations may limit the size of texts, the depth of nesting, the length of
strings). A judge of answers must accept either answer for those (`open`: read, or refused
with 400, 413 or 422, never a 5xx), a rejection for `not-json`, and the body's own verdict for
`json`. The contract sets no limit of its own; `USUAL_SIZE`, `USUAL_DEPTH` and `USUAL_MEMBERS`
bound what a server may not refuse for its size (a report is a few hundred bytes, two levels
deep, a handful of members).

`read_json` is the one place that reads a body so; the proxy judges live traffic with it and
the grammar probes of the suite (runner/raw_bodies.py) are tested against it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "USUAL_DEPTH",
    "USUAL_MEMBERS",
    "USUAL_SIZE",
    "JsonReading",
    "Reading",
    "deepest_nesting",
    "read_json",
]

Reading = Literal["not-json", "json", "open"]
"""What RFC 8259 makes of a text: not JSON, JSON, or left to the implementation."""

USUAL_SIZE = 64 * 1024
"""Bytes past which a server may refuse a body for its size (RFC 8259, 9)."""
USUAL_DEPTH = 32
"""Nesting past which a server may refuse a body for its depth (RFC 8259, 9)."""
USUAL_MEMBERS = 1000
"""Members of one object past which a server may refuse it (RFC 8259, 9: sizes)."""

_BOM = b"\xef\xbb\xbf"
_DOUBLE_DIGITS = 17
"""Significant digits past which a number is more precise than binary64 holds."""
_EXACT_INTEGERS = 2**53
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_MAX_INT_DIGITS = 4000
"""Python refuses to turn longer digit strings into int; such a number is read as a float."""


@dataclass(frozen=True)
class JsonReading:
    """A body's reading, the value Python makes of it (None when not JSON), why a `not-json`
    or `open` reading is so, and whether an `open` reading is one of size or depth (RFC 8259,
    section 9: a server may refuse it for that, with 413 as well, before the token)."""

    reading: Reading
    value: Any = None
    why: str = ""
    limits: bool = False


def deepest_nesting(content: bytes) -> int:
    """How deeply arrays and objects nest in `content` (a JSON text), brackets inside strings
    aside. Linear in the bytes and without recursion, for any depth."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in content:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def _unusual(content: bytes) -> str | None:
    if len(content) > USUAL_SIZE:
        return f"a body over {USUAL_SIZE:,} bytes (RFC 8259, 9)"
    brackets = content.count(b"[") + content.count(b"{")
    if brackets > USUAL_DEPTH and deepest_nesting(content) > USUAL_DEPTH:
        return f"nesting deeper than {USUAL_DEPTH} levels (RFC 8259, 9)"
    return None


class _NotJsonError(ValueError):
    pass


def _significant_digits(mantissa: str) -> int:
    """How many significant digits a number's mantissa (the part before any exponent) has."""
    return len(mantissa.lstrip("-").replace(".", "").strip("0")) or 1


def read_json(content: bytes) -> JsonReading:
    """Read `content` as RFC 8259 reads it (see the module's docstring)."""
    unusual = _unusual(content)
    if unusual is not None:
        inner = _read(content)
        if inner.reading == "not-json":
            return inner
        return JsonReading("open", inner.value, unusual, limits=True)
    return _read(content)


def _read(content: bytes) -> JsonReading:
    if content.startswith(_BOM):
        inner = _read(content[len(_BOM) :])
        if inner.reading == "not-json":
            return inner
        return JsonReading("open", inner.value, "a UTF-8 byte order mark (RFC 8259, 8.1)")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return JsonReading("not-json", None, "not UTF-8 (RFC 8259, 8.1)")
    open_because: list[str] = []
    limits: list[str] = []

    def constant(name: str) -> Any:
        raise _NotJsonError(f"{name} is not a JSON number (RFC 8259, 6)")

    def integer(digits: str) -> Any:
        count = len(digits.lstrip("-"))
        if count > _MAX_INT_DIGITS:
            open_because.append("a number beyond binary64's range (RFC 8259, 6)")
            return float(digits)
        value = int(digits)
        if abs(value) > _EXACT_INTEGERS:
            open_because.append("an integer beyond binary64's exact range (RFC 8259, 6)")
        return value

    def fraction(number: str) -> float:
        value = float(number)
        mantissa = re.split("[eE]", number, maxsplit=1)[0]
        underflow = value == 0 and any(digit in "123456789" for digit in mantissa)
        if math.isinf(value) or underflow:
            open_because.append("a number beyond binary64's range (RFC 8259, 6)")
        elif _significant_digits(mantissa) > _DOUBLE_DIGITS:
            open_because.append("a number more precise than binary64 (RFC 8259, 6)")
        return value

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len(pairs) > USUAL_MEMBERS:
            limits.append(f"an object of over {USUAL_MEMBERS:,} members (RFC 8259, 9)")
        if len({name for name, _ in pairs}) < len(pairs):
            open_because.append("duplicate names in an object (RFC 8259, 4)")
        return dict(pairs)

    try:
        value = json.loads(
            text,
            parse_constant=constant,
            parse_int=integer,
            parse_float=fraction,
            object_pairs_hook=members,
        )
    except RecursionError:
        why = "nesting deeper than this parser takes (RFC 8259, 9)"
        return JsonReading("open", None, why, limits=True)
    except _NotJsonError as error:
        return JsonReading("not-json", None, str(error))
    except ValueError as error:
        return JsonReading("not-json", None, str(error).split(":")[0])
    if _ESCAPED_SURROGATE.search(text) and _has_lone_surrogate(value):
        open_because.append("an escaped lone surrogate (RFC 8259, 8.2)")
    if limits:
        return JsonReading("open", value, limits[0], limits=True)
    if open_because:
        return JsonReading("open", value, open_because[0])
    return JsonReading("json", value)


def _has_lone_surrogate(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False
    return False
