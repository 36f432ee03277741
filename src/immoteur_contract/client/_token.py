"""The API token, wrapped so that it cannot be printed, logged, formatted or pickled by accident.

`Secret` holds the token; only `reveal()` gives it back, and only the facade's `httpx.Auth`
calls that, once per request, to write the Authorization header. Everything else that could
turn an object into text (repr, str, format, pickling) shows or refuses with `***`.
"""

from __future__ import annotations

import hmac
from typing import NoReturn

from ._errors import InvalidTokenError

__all__ = ["REDACTED", "Secret", "header_problem"]

REDACTED = "***"
"""What a secret looks like wherever it is shown."""


def header_problem(value: str) -> str | None:
    """Why `value` cannot be sent as a bearer token in a header, without quoting it; None if it
    can."""
    if not value:
        return "it is empty"
    if any(char.isspace() or (char.isascii() and not char.isprintable()) for char in value):
        return "it contains whitespace or control characters"
    if not value.isascii():
        return "it contains a non-ASCII character"
    return None


class Secret:
    """A string that must never be shown: repr and str are `***`; `reveal()` returns the value.

    The token is checked on the way in: it must be able to go in an HTTP header as it is, so
    printable ASCII without spaces (RFC 9110 field values; a bearer token is narrower still). A
    pasted token with a trailing newline, or one with a non-ASCII character, raises
    `InvalidTokenError` here, before any request, with a message that does not repeat it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a token is a str, not {type(value).__name__}")
        problem = header_problem(value)
        if problem:
            raise InvalidTokenError(f"the token cannot be sent in an HTTP header: {problem}")
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call it only where the value leaves the process (the header)."""
        return self._value

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the secret replaced by `***`."""
        return text.replace(self._value, REDACTED)

    def __repr__(self) -> str:
        return f"Secret('{REDACTED}')"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return format(REDACTED, spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled (it would write the token out)")
