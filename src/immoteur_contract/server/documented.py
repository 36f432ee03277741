"""The error answers the spec documents for the endpoint, built from openapi.yaml: what the
client-testing doubles (`Prefer: code=`, scripted faults) send.

For a status, the operation's response is the one listed under that code, or `default` for any
other 4xx or 5xx (OpenAPI: `default` covers every code not listed; this spec's says "an error this
contract does not document"). Its body is, in order of preference:

- the named example asked for: a media type's `examples` entry, or its single `example`, which
  is named `default` (the convention of Prism's OpenAPI reader);
- else the first example, `example` first;
- else, when the response documents no content, `{"message": <the response's description>}`,
  the server's own error layout; a documented schema without an example is used only if that
  body conforms to it (checked here, so a spec change cannot make the doubles lie).

A documented integer header (Retry-After) gets its example, else the smallest value of at least
1 its schema allows. 2xx and other non-error statuses are never offered: a 201 is what a valid
report gets.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from ..spec import Contract
from .errors import Answer, json_answer

__all__ = [
    "DEFAULT_EXAMPLE",
    "DocumentedAnswers",
    "DocumentedResponse",
    "UnavailableAnswerError",
    "documented_answers",
]

DEFAULT_EXAMPLE = "default"
"""The name of a media type's single `example`."""


class UnavailableAnswerError(LookupError):
    """The spec documents no such answer; the message says which are available."""


@dataclass(frozen=True)
class DocumentedResponse:
    """One documented response: where it comes from, its body schema and its named examples."""

    key: str
    """The operation's response key: a status code or `default`."""
    description: str
    schema_name: str | None
    """The component schema of its application/json body, when it documents one."""
    examples: Mapping[str, Any]
    """Named example bodies, in spec order (empty when none is documented)."""
    headers: tuple[tuple[bytes, bytes], ...]


class DocumentedAnswers:
    """The documented error answers of the contract's operation, by status and example name."""

    def __init__(self, contract: Contract) -> None:
        self._contract = contract
        document = contract.document
        operation = document["paths"][contract.issues_path]["post"]
        self._responses: dict[str, DocumentedResponse] = {
            key: self._read(key, _resolve(document, value))
            for key, value in operation["responses"].items()
        }
        self.listed: tuple[int, ...] = tuple(
            sorted(int(key) for key in self._responses if key.isdigit() and _is_error(int(key)))
        )
        """The error statuses the operation lists by code."""
        self.has_default = "default" in self._responses

    def response(self, status: int) -> DocumentedResponse:
        """The response documenting `status`; UnavailableAnswerError when none does."""
        found = self._responses.get(str(status))
        if _is_error(status):
            if found is None and self.has_default:
                found = self._responses["default"]
            if found is not None:
                return found
        raise UnavailableAnswerError(
            f"status {status} is not a documented error; {self.available()}"
        )

    def answer(self, status: int, example: str | None = None) -> Answer:
        """The answer for `status` (with the example named `example`, when given)."""
        response = self.response(status)
        if example is not None:
            if example not in response.examples:
                named = ", ".join(response.examples) or "none"
                raise UnavailableAnswerError(
                    f"status {status} ({response.key}) documents no example {example!r};"
                    f" its examples: {named}"
                )
            body = response.examples[example]
        elif response.examples:
            body = next(iter(response.examples.values()))
        else:
            body = {"message": response.description}
        return json_answer(status, body, response.headers)

    def available(self) -> str:
        """One sentence naming the statuses and examples that can be asked for."""
        listed = ", ".join(
            f"{code} (examples: {', '.join(self._responses[str(code)].examples)})"
            if self._responses[str(code)].examples
            else str(code)
            for code in self.listed
        )
        other = (
            " and any other 4xx or 5xx through the `default` response" if self.has_default else ""
        )
        return f"available: {listed}{other}"

    def _read(self, key: str, response: Mapping[str, Any]) -> DocumentedResponse:
        description = " ".join(str(response.get("description", "")).split())
        media = response.get("content", {}).get("application/json")
        schema_name = None
        examples: dict[str, Any] = {}
        if media is not None:
            ref = media.get("schema", {}).get("$ref", "")
            schema_name = ref.rsplit("/", 1)[-1] or None
            if "example" in media:
                examples[DEFAULT_EXAMPLE] = media["example"]
            for name, entry in media.get("examples", {}).items():
                examples[name] = _resolve(self._contract.document, entry)["value"]
            if not examples and schema_name is not None:
                fallback = {"message": description}
                if self._contract.validator(schema_name).is_valid(fallback):
                    examples[DEFAULT_EXAMPLE] = fallback
        headers = tuple(
            (name.lower().encode("latin-1"), _header_value(_resolve(self._contract.document, h)))
            for name, h in response.get("headers", {}).items()
        )
        return DocumentedResponse(key, description, schema_name, examples, headers)


@functools.cache
def documented_answers(contract: Contract) -> DocumentedAnswers:
    """The DocumentedAnswers of `contract`, read once."""
    return DocumentedAnswers(contract)


def _is_error(status: int) -> bool:
    return 400 <= status <= 599


def _resolve(document: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """`node`, or what its local `$ref` (#/...) points to."""
    while "$ref" in node:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = cast(Mapping[str, Any], target)
    return node


def _header_value(header: Mapping[str, Any]) -> bytes:
    """A value for a documented header: its example, or for an integer the smallest value of at
    least 1 that its schema allows."""
    schema = header.get("schema", {})
    if "example" in header:
        return str(header["example"]).encode("latin-1")
    if schema.get("type") == "integer":
        return str(max(int(schema.get("minimum", 1)), 1)).encode()
    raise ValueError(f"no value can be made for the header schema {schema!r}")
