from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_message import ErrorMessage
from ...models.issue_report_created import IssueReportCreated
from ...models.issue_report_request import IssueReportRequest
from ...models.validation_error_body import ValidationErrorBody
from ...types import Response


def _get_kwargs(
    *,
    body: IssueReportRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/issues",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorMessage | IssueReportCreated | ValidationErrorBody:
    if response.status_code == 201:
        response_201 = IssueReportCreated.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = cast(Any, None)
        return response_400

    if response.status_code == 401:
        response_401 = ErrorMessage.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = cast(Any, None)
        return response_403

    if response.status_code == 422:
        response_422 = ValidationErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    response_default = cast(Any, None)
    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorMessage | IssueReportCreated | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IssueReportRequest,
) -> Response[Any | ErrorMessage | IssueReportCreated | ValidationErrorBody]:
    """Create an issue report

     Files a report about properties or classifieds. issueKind controls the
    conditional rules (see IssueReportRequest). Any other method on this path
    is answered 405 with `Allow: POST` (D10).

    Args:
        body (IssueReportRequest): Public issue-report request. issueKind controls the conditional
            rules:
            data requires at least one issueFacets value and cannot set clusteringAction;
            clustering requires clusteringAction and at least two explicit targets across
            propertyIds and classifiedIds; other requires a non-blank comment and cannot
            set issueFacets or clusteringAction. Provide at least one target overall
            through propertyIds or classifiedIds (always met, D1). Unknown extra fields
            are allowed (D8).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorMessage | IssueReportCreated | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: IssueReportRequest,
) -> Any | ErrorMessage | IssueReportCreated | ValidationErrorBody | None:
    """Create an issue report

     Files a report about properties or classifieds. issueKind controls the
    conditional rules (see IssueReportRequest). Any other method on this path
    is answered 405 with `Allow: POST` (D10).

    Args:
        body (IssueReportRequest): Public issue-report request. issueKind controls the conditional
            rules:
            data requires at least one issueFacets value and cannot set clusteringAction;
            clustering requires clusteringAction and at least two explicit targets across
            propertyIds and classifiedIds; other requires a non-blank comment and cannot
            set issueFacets or clusteringAction. Provide at least one target overall
            through propertyIds or classifiedIds (always met, D1). Unknown extra fields
            are allowed (D8).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorMessage | IssueReportCreated | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IssueReportRequest,
) -> Response[Any | ErrorMessage | IssueReportCreated | ValidationErrorBody]:
    """Create an issue report

     Files a report about properties or classifieds. issueKind controls the
    conditional rules (see IssueReportRequest). Any other method on this path
    is answered 405 with `Allow: POST` (D10).

    Args:
        body (IssueReportRequest): Public issue-report request. issueKind controls the conditional
            rules:
            data requires at least one issueFacets value and cannot set clusteringAction;
            clustering requires clusteringAction and at least two explicit targets across
            propertyIds and classifiedIds; other requires a non-blank comment and cannot
            set issueFacets or clusteringAction. Provide at least one target overall
            through propertyIds or classifiedIds (always met, D1). Unknown extra fields
            are allowed (D8).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorMessage | IssueReportCreated | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: IssueReportRequest,
) -> Any | ErrorMessage | IssueReportCreated | ValidationErrorBody | None:
    """Create an issue report

     Files a report about properties or classifieds. issueKind controls the
    conditional rules (see IssueReportRequest). Any other method on this path
    is answered 405 with `Allow: POST` (D10).

    Args:
        body (IssueReportRequest): Public issue-report request. issueKind controls the conditional
            rules:
            data requires at least one issueFacets value and cannot set clusteringAction;
            clustering requires clusteringAction and at least two explicit targets across
            propertyIds and classifiedIds; other requires a non-blank comment and cannot
            set issueFacets or clusteringAction. Provide at least one target overall
            through propertyIds or classifiedIds (always met, D1). Unknown extra fields
            are allowed (D8).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorMessage | IssueReportCreated | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
