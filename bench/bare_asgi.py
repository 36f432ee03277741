"""The throughput ceiling: an ASGI app that answers every request 201 with a constant body,
served on the mock command's exact stack (uvicorn_config) or on plain uvicorn + httptools.

    python bench/bare_asgi.py PORT [--plain]
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from immoteur_contract.server.command import uvicorn_config
from immoteur_contract.server.limits import ConnectionLimits

BODY = (
    b'{"createdAt":"2026-01-01T00:00:00.000000Z","reportId":"00000000-0000-4000-8000-000000000000"}'
)
HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]


async def constant_201(scope: Any, receive: Any, send: Any) -> None:
    """Read the body (as any endpoint must), then answer 201 with a constant body."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 201, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    """Serve the constant app on 127.0.0.1:PORT until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--plain", action="store_true", help="plain uvicorn + httptools")
    args = parser.parse_args()
    if args.plain:
        config = uvicorn.Config(
            constant_201,
            http="httptools",
            loop="uvloop",
            lifespan="off",
            access_log=False,
            log_level="warning",
            server_header=False,
            port=args.port,
        )
    else:
        config = uvicorn_config(constant_201, ConnectionLimits())
        config.port = args.port
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
