"""A safe client for POST /public/v1/issues, wrapping the generated `immoteur_client`.

`IssueReports` (sync) and `AsyncIssueReports` (async) file reports built with `DataReport`,
`ClusteringReport` or `OtherReport`; they check the documented rules before sending, time out by
default, retry only what cannot file a report twice, raise one `ImmoteurError` subclass per
failure, and never show the token. `command` is the
`immoteur-contract report` subcommand. `check_generated_client` (or `stale_client_problem`, its
one line) tells whether the generated client was generated from the spec the kit reads.
"""

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CACertError,
    ConfigurationError,
    EndpointNotFoundError,
    ImmoteurError,
    InvalidBaseURLError,
    InvalidTokenError,
    MalformedResponseError,
    MissingTokenError,
    PermissionDeniedError,
    RateLimitedError,
    ReportRuleError,
    ResponseTooLargeError,
    ServerError,
    StaleClientError,
    UnexpectedStatusError,
    ValidationFailedError,
)
from ._facade import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TIMEOUT,
    TOKEN_ENV_VAR,
    AsyncIssueReports,
    CreatedReport,
    IssueReports,
)
from ._reports import ClusteringReport, DataReport, OtherReport, Report
from ._staleness import check_generated_client, stale_client_problem
from ._token import Secret

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV_VAR",
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
