"""Reading a request body within a size limit, and decoding it as strict JSON.

Strict means: UTF-8 only (no BOM, no UTF-16/32 guessing), no NaN/Infinity, no number that
overflows a double (1e999999) or exceeds Python's int digit limit, at most `MAX_DEPTH` levels of
nesting (so that anything accepted can be written back as JSON), and one value with nothing after
it. Anything else raises `BodyError`, which the app answers with 400 -- never 500.

An unpaired surrogate escape ("\\ud800") is valid JSON grammar and decodes to a Python string
that the spec's JSON Schema accepts, so it is accepted too (the server agrees with the schema);
every JSON the server writes is ASCII-escaped, so such strings round-trip.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .asgi import Receive

__all__ = [
    "MAX_DEPTH",
    "BodyError",
    "BodyTooLargeError",
    "ClientGoneError",
    "decode_json",
    "read_body",
]

MAX_DEPTH = 512
"""Deepest accepted nesting of arrays and objects."""


class BodyError(ValueError):
    """The body is not strict JSON; the message says why (it never quotes the body)."""


class BodyTooLargeError(Exception):
    """The body is larger than the limit (by Content-Length or by counting)."""


class ClientGoneError(Exception):
    """The client disconnected before the body was complete."""


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, counting bytes as they stream in and stopping past `limit`."""
    message = await receive()
    if message["type"] != "http.request":
        raise ClientGoneError
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):  # the common case: one message
        if len(body) > limit:
            raise BodyTooLargeError
        return body
    chunks = [body]
    size = len(body)
    while True:
        if size > limit:
            raise BodyTooLargeError
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGoneError
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    if size > limit:
        raise BodyTooLargeError
    return b"".join(chunks)


def _refuse_constant(name: str) -> Any:
    raise BodyError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise BodyError("a number is too large")
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def decode_json(raw: bytes) -> Any:
    """The one JSON value of `raw`, decoded strictly (see the module docstring)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the body is not UTF-8") from None
    try:
        value = _DECODER.decode(text)
    except BodyError:
        raise
    except RecursionError:
        raise BodyError("the body is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise BodyError(f"{error.msg} at position {error.pos}") from None
    except ValueError:  # the int digit limit (10**5000)
        raise BodyError("a number has too many digits") from None
    if (raw.count(b"[") + raw.count(b"{")) > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise BodyError("the body is nested too deeply")
    return value


def _depth(value: Any) -> int:
    """Nesting depth of arrays and objects, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in node if isinstance(child, (dict, list)))
    return deepest
