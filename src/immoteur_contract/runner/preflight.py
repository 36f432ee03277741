"""The preflight: a few requests before any test that tell a wrong target from a divergent one.

The contract answers every POST to the endpoint: 401 without a token, 422 or 400 with one. So a
POST answered 404, 405 or with a redirect (to a login page, another prefix, https) means there is
no endpoint at that URL, and the run would only report every rule as failing. The preflight
sends one request, and when that one looks like a missing endpoint, two more of another sort; when
all three do, the run stops (exit 2) with one line naming the URL it tried. A token the target
rejects stops the run at the first request (the guarded transport raises TokenRejectedError).
"""

from __future__ import annotations

import httpx

from ..rules import CONTRACT
from ..urls import BASE_URL_HELP
from .client import ContractClient
from .transport import StopRunError

__all__ = ["PREFLIGHT_REQUESTS", "EndpointMissingError", "looks_missing", "preflight"]

PREFLIGHT_REQUESTS = 3
"""The most requests the preflight sends."""


class EndpointMissingError(StopRunError):
    """Every preflight request was answered as if there were no endpoint at the URL."""


def looks_missing(response: httpx.Response) -> bool:
    """True for an answer to a POST that no endpoint of the contract gives: 404, 405, or a
    redirect (3xx)."""
    return response.status_code in (404, 405) or response.is_redirect


def _answer(response: httpx.Response) -> str:
    location = response.headers.get("location")
    return f"{response.status_code}" + (f" (to {location})" if location else "")


def preflight(client: ContractClient) -> None:
    """Probe the endpoint: `{}` with the token; when its answer looks like a missing endpoint,
    `{}` without a token and a body that is not JSON. EndpointMissingError when all three do."""
    first = client.post({})
    if not looks_missing(first):
        return
    answers = [
        first,
        client.post({}, authorization=None),
        client.send("POST", content=b"not json"),
    ]
    if not all(looks_missing(answer) for answer in answers):
        return
    statuses = ", ".join(sorted({_answer(answer) for answer in answers}))
    tip = ""
    if client.endpoint.endswith(CONTRACT.issues_path * 2):
        tip = f" (drop the trailing {CONTRACT.issues_path} from --base-url)"
    raise EndpointMissingError(
        f"no endpoint at POST {client.endpoint}: {len(answers)} requests answered {statuses}"
        f"{tip}; --base-url is {BASE_URL_HELP}"
    )
