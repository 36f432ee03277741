"""A safe client for POST /public/v1/issues, wrapping the generated `immoteur_client`.

`IssueReports` (sync) and `AsyncIssueReports` (async) file reports built with `DataReport`,
`ClusteringReport` or `OtherReport`; they check the documented rules before sending, time out by
default, retry only what cannot file a report twice, raise one `ImmoteurError` subclass per
failure, and never show the token. `command` is the `immoteur-contract report` subcommand.
"""

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ImmoteurError,
    MalformedResponseError,
    MissingTokenError,
    PermissionDeniedError,
    RateLimitedError,
    ReportRuleError,
    ServerError,
    UnexpectedStatusError,
    ValidationFailedError,
)
from ._facade import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    TOKEN_ENV_VAR,
    AsyncIssueReports,
    CreatedReport,
    IssueReports,
)
from ._reports import ClusteringReport, DataReport, OtherReport, Report
from ._token import Secret

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV_VAR",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncIssueReports",
    "AuthenticationError",
    "BadRequestError",
    "ClusteringReport",
    "CreatedReport",
    "DataReport",
    "ImmoteurError",
    "IssueReports",
    "MalformedResponseError",
    "MissingTokenError",
    "OtherReport",
    "PermissionDeniedError",
    "RateLimitedError",
    "Report",
    "ReportRuleError",
    "Secret",
    "ServerError",
    "UnexpectedStatusError",
    "ValidationFailedError",
]
