"""Faulty servers that diverge below the schema: how the body is parsed, in which order the
token and the body are checked, and what unusual sizes and shapes do to them.

Each is the reference server behind one `Divergence` handler (exchange.py), built as a real
stack goes wrong: a lenient parser that reads what RFC 8259 says is not JSON (NaN, trailing
commas, comments, raw control characters, invalid UTF-8 replaced, UTF-16), a step that crashes
on what the RFC leaves open (a byte order mark, duplicate names, a number beyond a double, an
escaped lone surrogate), a body parsed or typed before the token is checked, an unhandled size
or depth error, and storage that fails on many keys or a long string. Each witness is the probe
of the contract suite that shows it (runner/raw_bodies.py builds both).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable
from typing import Any

from ..runner.ledger import deepest_nesting
from ..runner.raw_bodies import (
    GRAMMAR_PROBES,
    MIB,
    base_report,
    json_text,
    nested,
    padded_to,
    with_keys,
)
from ..server.body import MAX_DEPTH, BodyError, decode_json
from .exchange import CallNext, Handler, Request, Response
from .http_faults import handler_fault, response_fault
from .registry import Witness

__all__ = [
    "NOT_READ",
    "forwarding",
    "read_strictly",
    "strings_of",
]

NOT_READ = object()
"""What a parser returns for a body it cannot read."""

_VALID = base_report(valid=True)
_BOM = b"\xef\xbb\xbf"


def read_strictly(raw: bytes) -> Any:
    """The body as the reference server reads it, or NOT_READ."""
    try:
        return decode_json(raw)
    except BodyError:
        return NOT_READ


def strings_of(value: Any) -> list[str]:
    """Every string in a decoded JSON value, names of members included."""
    found: list[str] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            found.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinity made null (so that it can be written as JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _with_body(request: Request, body: bytes) -> Request:
    request = dataclasses.replace(request, body=body)
    return request.with_header("content-length", str(len(body)))


def forwarding(parse: Callable[[bytes], Any]) -> Callable[[str], Handler]:
    """A server whose parser is `parse`: a body the reference server cannot read but `parse`
    can is passed on as the JSON of what `parse` read."""

    def make(token: str) -> Handler:
        async def handle(request: Request, call_next: CallNext) -> Response:
            if read_strictly(request.body) is NOT_READ:
                try:
                    value = parse(request.body)
                    body = None if value is NOT_READ else json.dumps(_finite(value)).encode()
                except (ValueError, RecursionError):
                    body = None
                if body is not None:
                    request = _with_body(request, body)
            return await call_next(request)

        return handle

    return make


def _server_error() -> Response:
    return Response.of_json(500, {"message": "Server Error"})


def _grammar_witness(probe: str, expect: tuple[int, ...] = (400, 422)) -> Witness:
    return Witness(raw=GRAMMAR_PROBES[probe].content(_VALID), expect=expect)


# -- lenient parsers: what RFC 8259 says is not JSON, read ----------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _strip_trailing_commas(raw: bytes) -> Any:
    return decode_json(re.sub(rb",\s*([}\]])", rb"\1", raw))


def _strip_comments(raw: bytes) -> Any:
    return decode_json(re.sub(rb"/\*.*?\*/|//[^\n]*", b"", raw, flags=re.DOTALL))


def _any_unicode(raw: bytes) -> Any:
    """RFC 4627's encoding detection: UTF-8, UTF-16 or UTF-32, told apart by the zero bytes."""
    return json.loads(raw, parse_constant=_refuse_constant)


_LENIENT: tuple[tuple[str, str, Callable[[bytes], Any], str], ...] = (
    (
        "nan_accepted",
        "NaN and Infinity are read as numbers (Python's json.loads), so such a report is created",
        lambda raw: json.loads(raw.decode("utf-8")),
        "nan",
    ),
    (
        "trailing_comma_accepted",
        "a trailing comma before } or ] is ignored, so such a report is created",
        _strip_trailing_commas,
        "trailing-comma-object",
    ),
    (
        "comments_accepted",
        "/* */ and // comments are ignored (a JSON5-style parser), so such a report is created",
        _strip_comments,
        "block-comment",
    ),
    (
        "control_characters_accepted",
        "raw control characters inside strings are accepted (json.loads strict=False)",
        lambda raw: json.JSONDecoder(strict=False).decode(raw.decode("utf-8")),
        "raw-control-character",
    ),
    (
        "invalid_utf8_replaced",
        "bytes that are not UTF-8 are read as U+FFFD, so such a report is created",
        lambda raw: decode_json(raw.decode("utf-8", "replace").encode("utf-8")),
        "invalid-utf8",
    ),
    (
        "utf16_accepted",
        "UTF-16 and UTF-32 bodies are read (RFC 4627's detection), not only UTF-8",
        _any_unicode,
        "utf16-le",
    ),
)

for _name, _divergence, _parse, _probe in _LENIENT:
    handler_fault(_name, _divergence, _grammar_witness(_probe))(forwarding(_parse))


# -- crashes on what RFC 8259 leaves to the implementation ----------------------------------


@handler_fault(
    "bom_crashes",
    "a body that starts with a UTF-8 byte order mark gets 500 (the decode error is not handled)",
    _grammar_witness("utf8-bom", (201, 400, 422)),
)
def _bom_crashes(token: str) -> Handler:
    async def handle(request: Request, call_next: CallNext) -> Response:
        response = await call_next(request)
        return _server_error() if request.body.startswith(_BOM) else response

    return handle


def _has_duplicate_names(raw: bytes) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        found = found or len({key for key, _ in items}) < len(items)
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return False
    return found


response_fault(
    "duplicate_keys_crash",
    "an object with a name twice gets 500 (a strict dict builder raises, unhandled)",
    _grammar_witness("duplicate-name-last-valid", (201, 400, 422)),
)(lambda request, response: _server_error() if _has_duplicate_names(request.body) else response)


def _has_number_beyond_double(raw: bytes) -> bool:
    found = False

    def number(text: str) -> float:
        nonlocal found
        value = float(text)
        found = found or not math.isfinite(value)
        return value

    try:
        json.loads(raw, parse_float=number, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return False
    return found


response_fault(
    "big_number_crashes",
    "a number beyond a double (1e400) gets 500 (it overflows to infinity, which is not handled)",
    _grammar_witness("large-exponent", (201, 400, 422)),
)(
    lambda request, response: (
        _server_error() if _has_number_beyond_double(request.body) else response
    )
)


def _stores_lone_surrogate(request: Request, response: Response) -> Response:
    if response.status != 201:
        return response
    value = read_strictly(request.body)
    if any(re.search("[\ud800-\udfff]", text) for text in strings_of(value)):
        return _server_error()  # str.encode("utf-8") refuses it when the report is stored
    return response


response_fault(
    "lone_surrogate_crashes",
    "a report with an escaped lone surrogate (\\ud800) gets 500: storing it as UTF-8 fails",
    _grammar_witness("lone-surrogate-escaped", (201, 400, 422)),
)(_stores_lone_surrogate)


# -- the order of the checks ----------------------------------------------------------------

_NOT_JSON = b'{"issueKind": "data", "propertyIds": ['


@handler_fault(
    "non_json_before_token",
    "the body is parsed before the token is checked: a body that is not JSON gets 400, not 401",
    Witness(raw=_NOT_JSON, auth="missing", expect=(401,)),
)
def _parsed_first(token: str) -> Handler:
    async def handle(request: Request, call_next: CallNext) -> Response:
        if request.method == "POST" and read_strictly(request.body) is NOT_READ:
            return Response.of_json(400, {"message": "The body is not valid JSON."})
        return await call_next(request)

    return handle


@handler_fault(
    "non_object_before_token",
    "a JSON body that is not an object is refused (422) before the token is checked, not 401",
    Witness(raw=json_text(["data"]), auth="wrong", expect=(401,)),
)
def _typed_first(token: str) -> Handler:
    async def handle(request: Request, call_next: CallNext) -> Response:
        value = read_strictly(request.body)
        if value is not NOT_READ and not isinstance(value, dict):
            request = request.with_header("authorization", f"Bearer {token}")
        return await call_next(request)

    return handle


# -- sizes and shapes -----------------------------------------------------------------------

_OVERSIZED = padded_to(base_report(valid=False), MIB + 4096)

response_fault(
    "oversized_body_500",
    "a body over 1 MiB gets 500, not 413 (the size error is not handled)",
    Witness(raw=_OVERSIZED, expect=(400, 413, 422)),
)(lambda request, response: _server_error() if response.status == 413 else response)

response_fault(
    "deep_nesting_crashes",
    f"a body nested deeper than {MAX_DEPTH} levels gets 500 (a RecursionError, not handled)",
    Witness(raw=nested(_VALID, 5000), expect=(201, 400, 413, 422)),
)(
    lambda request, response: (
        _server_error()
        if response.status == 400 and deepest_nesting(request.body) > MAX_DEPTH
        else response
    )
)

_MANY_KEYS = 10_000


def _most_keys(value: Any) -> int:
    most = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            most = max(most, len(node))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return most


response_fault(
    "many_keys_crash",
    f"an object of more than {_MANY_KEYS:,} members gets 500 (a worker's allocation limit)",
    Witness(raw=with_keys(_VALID, 20_000), expect=(201, 400, 413, 422)),
)(
    lambda request, response: (
        _server_error()
        if response.status in (201, 422) and _most_keys(read_strictly(request.body)) > _MANY_KEYS
        else response
    )
)

_TEXT_COLUMN = 65_535


def _stores_long_string(request: Request, response: Response) -> Response:
    if response.status != 201:
        return response
    texts = strings_of(read_strictly(request.body))
    if any(len(text.encode("utf-8", "surrogatepass")) > _TEXT_COLUMN for text in texts):
        return _server_error()  # the report goes to a TEXT column of 64 KiB
    return response


response_fault(
    "long_string_crashes",
    "a report with a string over 64 KiB in an unknown field gets 500 (a TEXT column overflows)",
    Witness(raw=padded_to(_VALID, 100_000), expect=(201, 400, 413, 422)),
)(_stores_long_string)
