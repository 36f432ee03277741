"""The Bearer token check, done before anything else about a request is looked at.

The scheme is matched case-insensitively (RFC 7235 section 2.1: `bearer` is the same scheme as
`Bearer`); the credentials are everything after the scheme and its spaces, compared in constant
time with hmac.compare_digest. A missing header, another scheme, or `Bearer` with nothing after
it is never accepted, not even with accept_any_token.
"""

from __future__ import annotations

import hmac
import unicodedata

__all__ = ["TokenCheck", "bearer_credentials", "unusable_token_reason"]


def unusable_token_reason(token: str) -> str | None:
    """Why no request could ever authenticate with `token`, or None when one can.

    An Authorization header cannot carry an empty token, whitespace (it separates the scheme
    from the credentials and is stripped around them) or a control character. The reason never
    quotes the token.
    """
    if not token:
        return "the token is empty"
    for character in token:
        if character.isspace():
            return "the token contains whitespace, which no Authorization header can carry"
        if unicodedata.category(character) == "Cc":
            return "the token contains a control character, which no header can carry"
    return None


def bearer_credentials(authorization: bytes | None) -> bytes | None:
    """The token of an `Authorization: Bearer <token>` value, or None when it is not one."""
    if authorization is None:
        return None
    scheme, _, credentials = authorization.strip(b" \t").partition(b" ")
    if scheme.lower() != b"bearer":
        return None
    credentials = credentials.strip(b" \t")
    if not credentials or b" " in credentials:
        return None
    return credentials


class TokenCheck:
    """Decides whether an Authorization header value carries an accepted token.

    The token is kept as bytes and never shown (no repr of it, no message quoting it).
    """

    __slots__ = ("_accept_any", "_token")

    def __init__(self, token: str, *, accept_any: bool = False) -> None:
        self._token = token.encode("utf-8")
        self._accept_any = accept_any

    def __call__(self, authorization: bytes | None) -> bool:
        """True when `authorization` is `Bearer <accepted token>`."""
        credentials = bearer_credentials(authorization)
        if credentials is None:
            return False
        return self._accept_any or hmac.compare_digest(credentials, self._token)

    def __repr__(self) -> str:
        return f"TokenCheck(accept_any={self._accept_any})"
