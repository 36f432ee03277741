"""`Prefer: code=NNN` and `Prefer: example=NAME` (Prism's convention, RFC 7240 syntax): answer a
documented error on demand, for testing a client's error handling.

Installed only when the server is started with `--allow-prefer` (ServerSettings.allow_prefer);
without it the header is ignored and the server is the contract. It applies to the public API's
paths, and only to requests whose token is accepted: a missing or wrong token still gets the
contract's 401 (the header cannot make an unauthenticated request look served). The body is not
read. `code` picks the status (a documented error: see `documented.py`), `example` one of that
response's named examples (so `example` needs `code`: a 201 is only ever the answer to a valid
report, which is then stored). The answer says what it applied in
a `Preference-Applied` header. Other preferences (`return=minimal`, `dynamic=true`, ...) are
ignored, as RFC 7240 asks; a `code` that is not a number, or an undocumented status or example,
gets 400 with a message naming what is available.
"""

from __future__ import annotations

from .asgi import ASGIApp, Receive, Scope, Send
from .auth import TokenCheck
from .documented import DocumentedAnswers, UnavailableAnswerError
from .errors import json_answer

__all__ = ["PreferMiddleware", "parse_prefer"]


def parse_prefer(values: list[bytes]) -> dict[str, str]:
    """The `name=value` preferences of Prefer header values (lower-case names, unquoted values;
    the first of a repeated name wins, parameters after `;` are dropped)."""
    found: dict[str, str] = {}
    for value in values:
        for item in value.decode("latin-1").split(","):
            preference = item.split(";", 1)[0]
            name, _, token = preference.partition("=")
            name = name.strip().lower()
            if name:
                found.setdefault(name, token.strip().strip('"'))
    return found


class PreferMiddleware:
    """Answers authenticated requests on `prefix` that carry `Prefer: code=` or `example=` with
    the documented answer they ask for; passes everything else on."""

    def __init__(
        self, app: ASGIApp, *, answers: DocumentedAnswers, check: TokenCheck, prefix: str = "/"
    ) -> None:
        self.app = app
        self.answers = answers
        self.check = check
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer as preferred, or pass on."""
        if scope["type"] != "http" or not str(scope["path"]).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        prefer: list[bytes] = []
        authorization: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"prefer":
                prefer.append(value)
            elif name == b"authorization" and authorization is None:
                authorization = value
        preferences = parse_prefer(prefer) if prefer else {}
        code, example = preferences.get("code"), preferences.get("example")
        if (code is None and example is None) or not self.check(authorization):
            await self.app(scope, receive, send)
            return
        try:
            if code is not None and not (code.isascii() and code.isdigit()):
                raise UnavailableAnswerError(f"code={code} is not a status code")
            if code is None:
                raise UnavailableAnswerError(
                    f"example={example} needs a code=; {self.answers.available()}"
                )
            answer = self.answers.answer(int(code), example)
        except UnavailableAnswerError as error:
            await json_answer(400, {"message": f"Prefer cannot be honoured: {error}."}).send(send)
            return
        applied = ", ".join(
            f"{name}={value}" for name, value in (("code", code), ("example", example)) if value
        )
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": (*answer.headers, (b"preference-applied", applied.encode("latin-1"))),
            }
        )
        await send({"type": "http.response.body", "body": answer.body})
