"""POST /public/v1/issues on Starlette + openapi-core, written from the documentation page and
openapi.yaml alone, as an openapi-core user would: openapi.yaml loaded as is, openapi-core's
Starlette middleware validating every request against it (JSON Schema 2020-12 through
jsonschema), an errors handler turning its errors into the Laravel-style bodies, and the bearer
token checked by a middleware in front (D10: 401 before the body is looked at).
`create_app(token, fixes)` builds the first version (no fixes) or the corrected one (`FIXES`);
each fix is one lesson of the contract suite (see README.md).
"""

import datetime
import json
import os
import socket
import sys
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from jsonschema.exceptions import ValidationError as SchemaError
from openapi_core import Config, OpenAPI
from openapi_core.contrib.starlette.handlers import StarletteOpenAPIErrorsHandler
from openapi_core.contrib.starlette.middlewares import StarletteOpenAPIMiddleware
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequestBody,
    SecurityValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
BASE_PATH = "/public/v1"

FIXES = frozenset({"message-without-body", "strict-json", "unknown-fields-dropped"})
"""Every fix of the corrected version:

- message-without-body: the errors handler used `str(error)` as the message, and openapi-core's
  MediaTypeDeserializeError.__str__ decodes the raw body as UTF-8: a body that is not UTF-8
  raised inside the handler, a 500 (D10: 400 or 422, never 5xx). The message no longer
  repeats the body.
- strict-json: openapi-core parses application/json with `json.loads(bytes)`, which takes NaN
  and Infinity, detects UTF-16 and UTF-32, and raises RecursionError (a 500) on deep nesting.
  The body is now parsed by a strict deserializer: UTF-8, RFC 8259 literals, too deep = 400.
- unknown-fields-dropped: openapi-core validates and then unmarshals the whole body, unknown
  fields included, recursively: 500 levels of nesting in an unknown field were a RecursionError
  (500), 5000 a dropped connection, and an unknown array of 300,000 items took a minute. D8
  says unknown fields are ignored, so the deserializer drops them before openapi-core sees them.
"""


def _unauthenticated() -> JSONResponse:
    return JSONResponse({"message": "Unauthenticated."}, status_code=401)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(value: bytes, **parameters: str) -> Any:
    """RFC 8259 JSON text: UTF-8, no NaN or Infinity; ValueError otherwise (openapi-core then
    reports a MediaTypeDeserializeError)."""
    try:
        return json.loads(value.decode("utf-8"), parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("the body nests too deeply") from None


def known_fields_only(known: frozenset[str]) -> Any:
    """A strict_json deserializer that also drops the members of an object body whose names are
    not in `known` (D8: unknown fields are ignored)."""

    def deserialize(value: bytes, **parameters: str) -> Any:
        body = strict_json(value, **parameters)
        if isinstance(body, dict):
            return {name: item for name, item in body.items() if name in known}
        return body

    return deserialize


def error_key(error: SchemaError) -> str:
    """The dotted request field a jsonschema error is about. jsonschema reports `required`,
    `not` and `anyOf` failures at the object that holds the field: name the field instead."""
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        path += missing[:1]
    elif error.validator == "not" and isinstance(error.validator_value, dict):
        path += list(error.validator_value.get("required", []))[:1]
    elif error.validator in ("anyOf", "oneOf") and error.context:
        best = min(error.context, key=lambda sub: len(sub.absolute_path))
        return error_key(best)
    return ".".join(path)


def field_errors(errors: Iterable[SchemaError]) -> dict[str, list[str]]:
    """jsonschema errors by request field."""
    keyed: dict[str, list[str]] = {}
    for error in errors:
        keyed.setdefault(error_key(error), []).append(error.message)
    return keyed


class LaravelErrors(StarletteOpenAPIErrorsHandler):
    """openapi-core's errors as the contract's bodies: 401, 405 with Allow, 422 keyed by field,
    400 for a body that does not parse."""

    def __init__(self, fixes: frozenset[str]) -> None:
        self.fixes = fixes

    def __call__(self, errors: Iterable[Exception]) -> JSONResponse:
        for error in errors:
            cause = error.__cause__ or error
            if isinstance(error, SecurityValidationError):
                return _unauthenticated()
            if isinstance(cause, (OperationNotFound, PathNotFound)):
                status = 405 if isinstance(cause, OperationNotFound) else 404
                headers = {"Allow": "POST"} if status == 405 else None
                return JSONResponse({"message": str(cause)}, status_code=status, headers=headers)
            if isinstance(cause, InvalidSchemaValue):
                keyed = field_errors(cause.schema_errors)  # type: ignore[arg-type]
                message = next(iter(keyed.values()))[0]
                return JSONResponse({"message": message, "errors": keyed}, status_code=422)
            if isinstance(error, MissingRequestBody):
                return JSONResponse({"message": "The body is required."}, status_code=400)
            if isinstance(cause, MediaTypeDeserializeError):
                message = (
                    "The body is not JSON."
                    if "message-without-body" in self.fixes
                    else str(cause)
                )
                return JSONResponse({"message": message}, status_code=400)
        return JSONResponse({"message": str(error)}, status_code=400)


class TokenFirst:
    """ASGI middleware: a request without the accepted bearer token gets 401 before anything
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


async def create_issue(request: Request) -> JSONResponse:
    """The report passed openapi-core's validation: store it (here: answer as if stored)."""
    return JSONResponse(
        {
            "createdAt": datetime.datetime.now(datetime.UTC).isoformat(),
            "reportId": str(uuid.uuid4()),
        },
        status_code=201,
    )


def create_app(token: str, fixes: frozenset[str] = FIXES) -> Starlette:
    """The app accepting `token`, with the given fixes."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    known = frozenset(spec["components"]["schemas"]["IssueReportRequest"]["properties"])
    deserializers: dict[str, Any] = {}
    if "strict-json" in fixes:
        deserializers["application/json"] = strict_json
    if "unknown-fields-dropped" in fixes:
        deserializers["application/json"] = known_fields_only(known)
    spec["servers"] = [{"url": BASE_PATH}]  # this deployment's URL, whatever the host
    openapi = OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=deserializers))

    class Validation(StarletteOpenAPIMiddleware):
        errors_handler = LaravelErrors(fixes)

    return Starlette(
        routes=[Route(f"{BASE_PATH}/issues", create_issue, methods=["POST"])],
        middleware=[
            Middleware(TokenFirst, token=token),
            Middleware(Validation, openapi=openapi, response_cls=None),
        ],
    )


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
