"""Correct servers that differ from the reference server below the schema, where RFC 8259 or the
contract leaves the answer open: a byte order mark skipped, duplicate names refused or read
first-wins, numbers beyond a double read, an escaped lone surrogate refused, an oversized body
refused before the token (as a front proxy does), a shallower nesting limit.

The suite must pass each of them (zero false positives); each witness is the probe that shows
the difference (runner/raw_bodies.py builds both).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import httpx

from ..runner.ledger import deepest_nesting
from ..runner.raw_bodies import GRAMMAR_PROBES, MIB, base_report, nested, padded_to
from .body_faults import NOT_READ, forwarding, read_strictly, strings_of
from .correct_servers import Wrap, correct_server
from .exchange import CallNext, Divergence, Handler, Request, Response
from .registry import Witness

__all__: list[str] = []

_VALID = base_report(valid=True)
_BOM = b"\xef\xbb\xbf"
_OPEN = (201, 400, 422)


def _grammar_witness(probe: str) -> Witness:
    return Witness(raw=GRAMMAR_PROBES[probe].content(_VALID), expect=_OPEN)


def _status_is(status: int) -> Any:
    return lambda response: response.status_code == status


def _wrapping(make: Any) -> Wrap:
    """Middleware running the handler `make(token)` makes (the token is not needed)."""
    return lambda app: Divergence(app, make(""))


def _refusing(condition: Any, message: str) -> Wrap:
    """Middleware answering 400 `{"message"}` where the reference server read the body (201 or
    422, so after the token was checked) but `condition(raw)` refuses it."""

    async def handle(request: Request, call_next: CallNext) -> Response:
        response = await call_next(request)
        if response.status in (201, 422) and condition(request.body):
            return Response.of_json(400, {"message": message})
        return response

    return lambda app: Divergence(app, handle)


correct_server(
    "bom_accepted",
    "a UTF-8 byte order mark before the JSON text is skipped (RFC 8259 8.1: MAY ignore it)",
    "body",
    _grammar_witness("utf8-bom"),
    _status_is(201),
)(_wrapping(forwarding(lambda raw: read_strictly(raw.removeprefix(_BOM)))))


def _duplicate_names(raw: bytes) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        found = found or len({key for key, _ in items}) < len(items)
        return dict(items)

    if read_strictly(raw) is NOT_READ:
        return False
    json.loads(raw, object_pairs_hook=pairs)
    return found


correct_server(
    "duplicate_keys_rejected",
    "an object with a name twice is refused with 400 (RFC 8259 4: names SHOULD be unique)",
    "body",
    _grammar_witness("duplicate-name-last-valid"),
    _status_is(400),
)(_refusing(_duplicate_names, "The body has a duplicate name."))


def _first_wins(items: list[tuple[str, Any]]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in items:
        kept.setdefault(key, value)
    return kept


def _first_wins_handler(token: str) -> Handler:
    async def handle(request: Request, call_next: CallNext) -> Response:
        if read_strictly(request.body) is not NOT_READ:
            value = json.loads(request.body, object_pairs_hook=_first_wins)
            body = json.dumps(value).encode()
            request = Request(request.method, request.path, request.headers, body)
            request = request.with_header("content-length", str(len(body)))
        return await call_next(request)

    return handle


correct_server(
    "duplicate_keys_first_wins",
    "of a name given twice in an object the first value is kept, not the last",
    "body",
    _grammar_witness("duplicate-name-last-valid"),
    _status_is(422),
)(_wrapping(_first_wins_handler))


def _big_numbers_as_text(raw: bytes) -> Any:
    def number(text: str) -> Any:
        value = float(text)
        return value if math.isfinite(value) else text

    def refuse(name: str) -> Any:
        raise ValueError(name)

    return json.loads(raw.decode("utf-8"), parse_float=number, parse_constant=refuse)


correct_server(
    "big_numbers_accepted",
    "numbers beyond a double (1e400) are read as decimals (RFC 8259 6: the range is the "
    "implementation's)",
    "body",
    _grammar_witness("large-exponent"),
    _status_is(201),
)(_wrapping(forwarding(_big_numbers_as_text)))


def _lone_surrogate(raw: bytes) -> bool:
    value = read_strictly(raw)
    return value is not NOT_READ and any(
        re.search("[\ud800-\udfff]", text) for text in strings_of(value)
    )


correct_server(
    "lone_surrogates_rejected",
    "a string with an escaped lone surrogate is refused with 400 (RFC 8259 8.2: unpredictable)",
    "body",
    _grammar_witness("lone-surrogate-escaped"),
    _status_is(400),
)(_refusing(_lone_surrogate, "The body holds a string that is not Unicode text."))


async def _too_large_first(request: Request, call_next: CallNext) -> Response:
    if len(request.body) > MIB:
        return Response.of_json(413, {"message": "Payload Too Large"})
    return await call_next(request)


correct_server(
    "oversized_refused_before_token",
    "a body over 1 MiB is refused with 413 before the token is checked (a front proxy's limit)",
    "body",
    Witness(raw=padded_to(base_report(valid=False), MIB + 4096), auth="missing", expect=(401, 413)),
    _status_is(413),
)(lambda app: Divergence(app, _too_large_first))

_SHALLOW = 64

correct_server(
    "nesting_limit_64",
    f"a body nested deeper than {_SHALLOW} levels is refused with 400 (a shallower parser limit)",
    "body",
    Witness(raw=nested(_VALID, 100), expect=_OPEN),
    lambda response: isinstance(response, httpx.Response) and response.status_code == 400,
)(_refusing(lambda raw: deepest_nesting(raw) > _SHALLOW, "The body is nested too deeply."))
