"""The API token, wrapped so that it cannot be printed, logged, formatted or pickled by accident.

`Secret` holds the token; only `reveal()` gives it back, and only the facade's `httpx.Auth`
calls that, once per request, to write the Authorization header. Everything else that could
turn an object into text (repr, str, format, pickling) shows or refuses with `***`.
"""

from __future__ import annotations

import hmac
from typing import NoReturn

__all__ = ["REDACTED", "Secret"]

REDACTED = "***"
"""What a secret looks like wherever it is shown."""


class Secret:
    """A string that must never be shown: repr and str are `***`; `reveal()` returns the value.

    The token is checked on the way in (non-empty, no whitespace or control characters) so that a
    pasted token with a trailing newline fails here, with a message that does not repeat it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a token is a str, not {type(value).__name__}")
        if not value:
            raise ValueError("the token is empty")
        if any(char.isspace() or not char.isprintable() for char in value):
            raise ValueError("the token contains whitespace or control characters")
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
