"""Contains all the data models used in inputs/outputs"""

from .clustering_action import ClusteringAction
from .issue_facet import IssueFacet
from .issue_kind import IssueKind
from .issue_report_created import IssueReportCreated
from .issue_report_request import IssueReportRequest
from .message import Message
from .validation_error import ValidationError
from .validation_error_errors import ValidationErrorErrors

__all__ = (
    "ClusteringAction",
    "IssueFacet",
    "IssueKind",
    "IssueReportCreated",
    "IssueReportRequest",
    "Message",
    "ValidationError",
    "ValidationErrorErrors",
)
