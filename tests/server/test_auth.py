"""The Bearer token parser and check, unit by unit."""

from __future__ import annotations

import pytest

from immoteur_contract.server.auth import TokenCheck, bearer_credentials

CREDENTIALS = [
    pytest.param(None, None, id="no-header"),
    pytest.param(b"", None, id="empty"),
    pytest.param(b"Bearer", None, id="scheme-only"),
    pytest.param(b"Bearer    ", None, id="scheme-and-spaces"),
    pytest.param(b"Basic abc", None, id="basic"),
    pytest.param(b"Bearerabc", None, id="no-space"),
    pytest.param(b"Bearer a b", None, id="two-words"),
    pytest.param(b"Bearer abc", b"abc", id="plain"),
    pytest.param(b"bearer abc", b"abc", id="lower-case-scheme"),
    pytest.param(b"bEaReR abc", b"abc", id="mixed-case-scheme"),
    pytest.param(b"Bearer   abc  ", b"abc", id="extra-spaces"),
]


@pytest.mark.parametrize(("header", "expected"), CREDENTIALS)
def test_bearer_credentials_parses_the_header(header: bytes | None, expected: bytes | None) -> None:
    assert bearer_credentials(header) == expected


def test_token_check_accepts_only_the_token() -> None:
    check = TokenCheck("s3cret")
    assert check(b"Bearer s3cret")
    assert not check(b"Bearer s3cre")
    assert not check(b"Bearer S3CRET")
    assert not check(None)


def test_token_check_accept_any_still_needs_a_bearer_header() -> None:
    check = TokenCheck("s3cret", accept_any=True)
    assert check(b"Bearer anything")
    assert not check(b"Basic anything")
    assert not check(b"Bearer")
    assert not check(None)


def test_token_check_never_shows_the_token() -> None:
    assert "s3cret" not in repr(TokenCheck("s3cret"))
