"""POST /public/v1/issues on FastAPI + pydantic v2, written from the documentation page and
openapi.yaml alone, as a FastAPI user would: a pydantic model for the body, a bearer-token
dependency, the conditional rules in the endpoint, exception handlers for the Laravel-style
bodies. `create_app(token, fixes)` builds the first version (no fixes) or the corrected one
(`FIXES`); each fix is one lesson of the contract suite (see README.md).
"""

import datetime
import json
import os
import re
import socket
import sys
import threading
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException

BASE_PATH = "/public/v1"

FIXES = frozenset({"hyphenated-uuid", "token-before-body", "strict-json"})
"""Every fix of the corrected version:

- hyphenated-uuid: pydantic's UUID type also takes `{...}`, `urn:uuid:...` and 32 bare hex
  digits (D7 says only the hyphenated 8-4-4-4-12 form); ids are now strings with the spec's
  pattern and length.
- token-before-body: FastAPI reads and decodes the JSON body before it solves dependencies, so a
  body that is not JSON got 422 even without a token (D10: 401 before the body is looked at).
  The token is now checked by an ASGI middleware, before routing.
- strict-json: Starlette's `request.json()` is `json.loads(bytes)`, which takes NaN and Infinity
  and detects UTF-16 and UTF-32 (RFC 8259: neither is JSON text exchanged between systems).
  The body is now decoded as UTF-8 and parsed without the non-standard constants.
"""

# D5: ECMA-262's \s set, spelled out (Python's \s differs on a few code points).
_NOT_BLANK = re.compile(
    "[^\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_UUID_PATTERN = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
HyphenatedUuid = Annotated[
    str, StringConstraints(min_length=36, max_length=36, pattern=_UUID_PATTERN)
]
IssueFacet = Literal[
    "attributes", "contact", "description", "link", "location",
    "media", "other", "price", "publisher", "status",
]  # fmt: skip


def report_model(uuid_type: Any) -> type[BaseModel]:
    """The request body's model, with `uuid_type` for the ids. Optional fields that may not be
    null default to None without allowing it: pydantic does not validate defaults (D4, D9)."""

    class IssueReportRequest(BaseModel):
        propertyIds: list[uuid_type] = Field(min_length=1)  # type: ignore[valid-type]
        issueKind: Literal["clustering", "data", "other"]
        classifiedIds: list[uuid_type] = None  # type: ignore[valid-type,assignment]
        clusteringAction: Literal["merge", "split"] | None = None
        comment: str = Field(default=None, max_length=4000)  # type: ignore[assignment]
        issueFacets: list[IssueFacet] = Field(default=None, min_length=1)  # type: ignore[assignment]

    return IssueReportRequest


def rule_errors(report: BaseModel) -> dict[str, list[str]]:
    """The conditional rules of IssueReportRequest, keyed by the field at fault."""
    data: dict[str, Any] = report.model_dump()
    present = report.model_fields_set
    errors: dict[str, list[str]] = {}
    kind = data["issueKind"]
    if kind == "data":
        if "issueFacets" not in present:
            errors["issueFacets"] = ["The issue facets field is required when issue kind is data."]
        if data["clusteringAction"] is not None:
            errors["clusteringAction"] = ["The clustering action field is prohibited for data."]
    elif kind == "clustering":
        if data["clusteringAction"] is None:
            errors["clusteringAction"] = ["The clustering action field is required."]
        if len(data["propertyIds"]) + len(data["classifiedIds"] or []) < 2:
            errors["propertyIds"] = ["A clustering report needs at least two targets."]
    else:
        if data["comment"] is None or not _NOT_BLANK.search(data["comment"]):
            errors["comment"] = ["The comment field is required when issue kind is other."]
        if "issueFacets" in present:
            errors["issueFacets"] = ["The issue facets field is prohibited for other."]
        if data["clusteringAction"] is not None:
            errors["clusteringAction"] = ["The clustering action field is prohibited for other."]
    return errors


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(body: bytes) -> Any:
    """RFC 8259 JSON text: UTF-8 only, no NaN or Infinity; JSONDecodeError otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise json.JSONDecodeError("the body is not UTF-8", "", error.start) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(error), text, 0) from None


class StrictJSONRequest(Request):
    """A request whose `json()` is strict_json."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """FastAPI's documented way to change how a route reads its request."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Any]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Any:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict


def _unauthenticated() -> JSONResponse:
    return JSONResponse({"message": "Unauthenticated."}, status_code=401)


class TokenFirst:
    """ASGI middleware: POST /issues without the accepted bearer token gets 401 before anything
    reads the body."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = [v for k, v in scope["headers"] if k == b"authorization"]
            if headers != [self.expected]:
                await _unauthenticated()(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc[1:] if part != "body") if loc[:1] == ("body",) else ""


def create_app(token: str, fixes: frozenset[str] = FIXES) -> FastAPI:
    """The app accepting `token`, with the given fixes."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    bearer = HTTPBearer(auto_error=False)
    uuid_type = HyphenatedUuid if "hyphenated-uuid" in fixes else uuid.UUID
    Report = report_model(uuid_type)  # noqa: N806 - a class

    def authenticated(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if credentials is None or credentials.credentials != token:
            raise HTTPException(status_code=401, detail="Unauthenticated.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"message": str(error.detail)}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        errors: dict[str, list[str]] = {}
        for item in error.errors():
            errors.setdefault(_key(tuple(item["loc"])), []).append(item["msg"])
        message = next(iter(errors.values()))[0] if errors else "The given data was invalid."
        return JSONResponse({"message": message, "errors": errors}, status_code=422)

    router = APIRouter(route_class=StrictJSONRoute if "strict-json" in fixes else APIRoute)

    @router.post(f"{BASE_PATH}/issues", status_code=201, dependencies=[Depends(authenticated)])
    def create_issue(report: Report) -> dict[str, str]:  # type: ignore[valid-type]
        errors = rule_errors(report)
        if errors:
            message = next(iter(errors.values()))[0]
            raise RuleViolation(message, errors)
        return {
            "createdAt": datetime.datetime.now(datetime.UTC).isoformat(),
            "reportId": str(uuid.uuid4()),
        }

    app.include_router(router)

    @app.exception_handler(RuleViolation)
    async def rule_violation(request: Request, error: RuleViolation) -> JSONResponse:
        return JSONResponse({"message": error.message, "errors": error.errors}, status_code=422)

    if "token-before-body" in fixes:
        app.add_middleware(TokenFirst, token=token)
    return app


class RuleViolation(Exception):
    """A conditional rule broken: 422 with the fields at fault."""

    def __init__(self, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


def _exit_when_stdin_closes() -> None:
    sys.stdin.buffer.read()
    os._exit(0)


def serve(fixes: frozenset[str]) -> None:
    """Serve on 127.0.0.1, an ephemeral port, accepting the token in IMMOTEUR_TOKEN; print
    "listening PORT" once the socket listens. With EXIT_WHEN_STDIN_CLOSES=1, exit when standard
    input closes (the process that started the server is gone, even if it was killed)."""
    token = os.environ.get("IMMOTEUR_TOKEN")
    if not token:
        sys.exit("IMMOTEUR_TOKEN is not set")
    if os.environ.get("EXIT_WHEN_STDIN_CLOSES") == "1":
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(f"listening {listener.getsockname()[1]}", flush=True)
    config = uvicorn.Config(create_app(token, fixes), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])
