"""Tests of the token wrapper: it never turns into text, and refuses malformed tokens quietly."""

from __future__ import annotations

import pickle

import pytest

from immoteur_contract.client import InvalidTokenError, Secret

from .support import TOKEN


def test_secret_reveal_returns_the_value() -> None:
    assert Secret(TOKEN).reveal() == TOKEN


@pytest.mark.parametrize(
    "show",
    [
        pytest.param(repr, id="repr"),
        pytest.param(str, id="str"),
        pytest.param(lambda s: f"{s}", id="f-string"),
        pytest.param(lambda s: f"{s!r}", id="f-string-repr"),
        pytest.param(lambda s: f"{s:>40}", id="format-spec"),
        pytest.param(lambda s: "%s %r" % (s, s), id="percent"),  # noqa: UP031
        pytest.param(lambda s: repr([s, {"token": s}]), id="in-containers"),
    ],
)
def test_secret_shows_as_stars(show: object) -> None:
    assert callable(show)
    text = show(Secret(TOKEN))
    assert TOKEN not in text
    assert "***" in text


def test_secret_refuses_pickling() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Secret(TOKEN))


def test_secret_redact_replaces_every_occurrence() -> None:
    assert Secret(TOKEN).redact(f"a {TOKEN} b {TOKEN}") == "a *** b ***"


def test_secret_equality_compares_values() -> None:
    assert Secret(TOKEN) == Secret(TOKEN)
    assert Secret(TOKEN) != Secret(TOKEN + "x")
    assert len({Secret(TOKEN), Secret(TOKEN)}) == 1


@pytest.mark.parametrize(
    ("value", "error"),
    [
        pytest.param("", ValueError, id="empty"),
        pytest.param(f"{TOKEN}\n", ValueError, id="trailing-newline"),
        pytest.param(f" {TOKEN}", ValueError, id="leading-space"),
        pytest.param(f"{TOKEN}\x00", ValueError, id="control-character"),
        pytest.param(f"{TOKEN}é", InvalidTokenError, id="non-ascii"),
        pytest.param(f"{TOKEN}\u200b", InvalidTokenError, id="zero-width-space"),
        pytest.param(f"{TOKEN}\x7f", InvalidTokenError, id="delete"),
        pytest.param(b"tok-DISTINCTIVE-123", TypeError, id="bytes"),
    ],
)
def test_secret_rejects_malformed_tokens_without_echoing_them(
    value: object, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        Secret(value)  # type: ignore[arg-type]
    assert TOKEN not in str(raised.value)
