"""Reference contract kit for Immoteur's public issue-report endpoint, POST /public/v1/issues.

The public surface is the client facade (`IssueReports`, the report builders and the error
tree), re-exported here from `immoteur_contract.client`. It is imported lazily, so that the
reference server, the rules and the runner (`immoteur_contract.server`, `.rules`, `.runner`)
do not load the generated client and httpx when they are used on their own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AsyncIssueReports,
        AuthenticationError,
        BadRequestError,
        CACertError,
        ClusteringReport,
        ConfigurationError,
        CreatedReport,
        DataReport,
        EndpointNotFoundError,
        ImmoteurError,
        InvalidBaseURLError,
        InvalidTokenError,
        IssueReports,
        MalformedResponseError,
        MissingTokenError,
        OtherReport,
        PermissionDeniedError,
        RateLimitedError,
        Report,
        ReportRuleError,
        ResponseTooLargeError,
        Secret,
        ServerError,
        StaleClientError,
        UnexpectedStatusError,
        ValidationFailedError,
        check_generated_client,
        stale_client_problem,
    )

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncIssueReports",
    "AuthenticationError",
    "BadRequestError",
    "CACertError",
    "ClusteringReport",
    "ConfigurationError",
    "CreatedReport",
    "DataReport",
    "EndpointNotFoundError",
    "ImmoteurError",
    "InvalidBaseURLError",
    "InvalidTokenError",
    "IssueReports",
    "MalformedResponseError",
    "MissingTokenError",
    "OtherReport",
    "PermissionDeniedError",
    "RateLimitedError",
    "Report",
    "ReportRuleError",
    "ResponseTooLargeError",
    "Secret",
    "ServerError",
    "StaleClientError",
    "UnexpectedStatusError",
    "ValidationFailedError",
    "check_generated_client",
    "stale_client_problem",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".client", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
