"""Base URLs are used as given: the one rule of `run`, `report` and the client facade."""

from __future__ import annotations

import pytest

from immoteur_contract.client import IssueReports
from immoteur_contract.runner.target import UsageError, target_base_url
from immoteur_contract.urls import PRODUCTION_BASE_URL, api_base_url


@pytest.mark.parametrize(
    ("given", "base"),
    [
        pytest.param(PRODUCTION_BASE_URL, PRODUCTION_BASE_URL, id="production"),
        pytest.param(PRODUCTION_BASE_URL + "/", PRODUCTION_BASE_URL, id="production-slash"),
        pytest.param("http://127.0.0.1:4010", "http://127.0.0.1:4010", id="root-mounted"),
        pytest.param("http://127.0.0.1:4010/", "http://127.0.0.1:4010", id="root-slash"),
        pytest.param("http://h:1/api/issues", "http://h:1/api/issues", id="kept-as-given"),
        pytest.param("http://[::1]:8080/v1//", "http://[::1]:8080/v1", id="ipv6-slashes"),
    ],
)
def test_api_base_url_is_the_url_as_given(given: str, base: str) -> None:
    assert api_base_url(given) == base
    assert target_base_url(given) == base
    with IssueReports(token="t", base_url=given) as reports:
        assert reports.base_url == base


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("ftp://example.com/v1", id="scheme"),
        pytest.param("127.0.0.1:4010", id="no-scheme"),
        pytest.param("http://", id="no-host"),
        pytest.param("http://h/v1?x=1", id="query"),
        pytest.param("http://h/v1#top", id="fragment"),
    ],
)
def test_api_base_url_refuses_what_is_no_base(given: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        api_base_url(given)
    with pytest.raises(UsageError, match=r"^--base-url: "):
        target_base_url(given)
    with pytest.raises(ValueError, match="base URL"):
        IssueReports(token="t", base_url=given)
