"""Servers for the regression-check tests, each a factory `(token) -> ASGI app` for `--app`.

- `one_divergence`: the reference server without data-requires-issue-facets.
- `two_divergences`: the same, and without other-requires-comment too (two faults composed).
- `other_unauthenticated_message`: a correct server whose 401 says something else than the
  reference's, which the contract leaves open (a changed observation, no failure).
- `echoing_token_in_messages`: a correct server that puts the caller's token in its 422 messages.
"""

from __future__ import annotations

import json

from immoteur_contract.rules import RULES
from immoteur_contract.server import ServerSettings, create_app
from immoteur_contract.server.asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "FIRST",
    "OTHER_401_MESSAGE",
    "SECOND",
    "echoing_token_in_messages",
    "one_divergence",
    "other_unauthenticated_message",
    "two_divergences",
]

FIRST = "data-requires-issue-facets"
SECOND = "other-requires-comment"
OTHER_401_MESSAGE = "Invalid or missing API token."


def one_divergence(token: str) -> ASGIApp:
    """Accepts a data report without issueFacets."""
    return create_app(ServerSettings(token=token), rules=RULES.without(FIRST))


def two_divergences(token: str) -> ASGIApp:
    """Accepts a data report without issueFacets and an other report without a comment."""
    return create_app(ServerSettings(token=token), rules=RULES.without(FIRST).without(SECOND))


def other_unauthenticated_message(token: str) -> ASGIApp:
    """The reference server, its 401 body `{"message": OTHER_401_MESSAGE}`."""
    app = create_app(ServerSettings(token=token))
    body = json.dumps({"message": OTHER_401_MESSAGE}).encode()

    async def rewritten(scope: Scope, receive: Receive, send: Send) -> None:
        unauthenticated = False

        async def send_rewritten(message: Message) -> None:
            nonlocal unauthenticated
            if message["type"] == "http.response.start" and message["status"] == 401:
                unauthenticated = True
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and unauthenticated:
                if message.get("more_body"):
                    return  # the replacement goes out with the last chunk
                message = {**message, "body": body}
            await send(message)

        await app(scope, receive, send_rewritten)

    return rewritten


def echoing_token_in_messages(token: str) -> ASGIApp:
    """A correct server that quotes the request's Authorization header in each 422 message
    (shapes unchanged): the token reaches the observations, which must never write it."""
    app = create_app(ServerSettings(token=token))

    async def echoing(scope: Scope, receive: Receive, send: Send) -> None:
        authorization = dict(scope.get("headers") or []).get(b"authorization", b"").decode()
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_echoing(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] == 422:
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            payload = json.loads(b"".join(chunks))
            payload["errors"] = {
                key: [f"{text} (request by {authorization})" for text in texts]
                for key, texts in payload["errors"].items()
            }
            body = json.dumps(payload).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, send_echoing)

    return echoing
