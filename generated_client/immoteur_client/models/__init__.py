"""Contains all the data models used in inputs/outputs"""

from .clustering_action import ClusteringAction
from .error_message import ErrorMessage
from .field_errors import FieldErrors
from .issue_facet import IssueFacet
from .issue_kind import IssueKind
from .issue_report_created import IssueReportCreated
from .issue_report_request import IssueReportRequest
from .validation_error_body import ValidationErrorBody

__all__ = (
    "ClusteringAction",
    "ErrorMessage",
    "FieldErrors",
    "IssueFacet",
    "IssueKind",
    "IssueReportCreated",
    "IssueReportRequest",
    "ValidationErrorBody",
)
