"""Base URLs: the one rule every command (`run`, `report`) and the client facade follow.

A base URL is used as given, as schemathesis and pytest-base-url use theirs: the endpoint is
the base URL followed by the spec's path (`/issues`), and nothing is ever inserted. The
production API is the spec's server URL (`https://api.immoteur.com/public/v1`); a server that
mounts the API at its root (Stoplight Prism, most test containers, gateways that strip a prefix)
is given by its root, e.g. `http://127.0.0.1:4010`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .rules import CONTRACT

__all__ = [
    "BASE_URL_HELP",
    "PRODUCTION_BASE_URL",
    "ROOT_MOUNTED_EXAMPLE",
    "api_base_url",
    "redacted_url",
]

PRODUCTION_BASE_URL: str = CONTRACT.document["servers"][0]["url"]
"""The production API base, the spec's server URL."""
ROOT_MOUNTED_EXAMPLE = "http://127.0.0.1:4010"
"""The base URL of a server that serves the API at its root (Prism's default port)."""
BASE_URL_HELP = (
    f"used as given, the endpoint is URL{CONTRACT.issues_path}: e.g. {PRODUCTION_BASE_URL}, "
    f"or {ROOT_MOUNTED_EXAMPLE} for a server with the API at its root"
)
"""What every `--base-url` help text says."""


def api_base_url(url: str) -> str:
    """`url` as the API base: an http(s) URL with a host and no query or fragment, its trailing
    slashes removed and nothing else changed. ValueError (naming the URL) otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"the base URL must be an http(s) URL with a host, got {redacted_url(url)}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"the base URL must not have a query or fragment, got {redacted_url(url)}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def redacted_url(url: str) -> str:
    """`url` as a message may show it: credentials (`user:password@`) replaced by `***@`, and
    nothing at all when the text is not URL-shaped (a token given to --base-url by mistake)."""
    if "://" not in url:
        return "a text that is not a URL (not shown)"
    scheme, _, rest = url.partition("://")
    rest, query, _ = rest.partition("?")
    rest, fragment, _ = rest.partition("#")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    hidden = "?..." if query else "#..." if fragment else ""
    return f"{scheme}://{authority}{slash}{path}{hidden}"
