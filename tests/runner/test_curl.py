"""Curl lines reproduce the request and never hold the token."""

from __future__ import annotations

import shlex

from immoteur_contract.runner.curl import curl_line, scrub

TOKEN = "tok-CURL-SECRET-42"


def test_curl_line_puts_the_variable_in_place_of_the_token() -> None:
    line = curl_line(
        "POST",
        "http://127.0.0.1:8080/public/v1/issues",
        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "X-Other": "1"},
        b'{"comment": "it\'s $HOME"}',
        TOKEN,
    )
    assert TOKEN not in line
    assert '"Authorization: Bearer $IMMOTEUR_TOKEN"' in line
    assert "X-Other" not in line
    words = shlex.split(line)
    assert words[words.index("--data-binary") + 1] == '{"comment": "it\'s $HOME"}'


def test_curl_line_keeps_a_fake_token_as_is() -> None:
    line = curl_line("GET", "http://h/x", {"authorization": "Bearer wrong"}, b"", TOKEN)
    assert "'authorization: Bearer wrong'" in line
    assert "--data-binary" not in line


def test_scrub_replaces_every_occurrence() -> None:
    assert scrub(f"a {TOKEN} b {TOKEN}", TOKEN) == "a $IMMOTEUR_TOKEN b $IMMOTEUR_TOKEN"
    assert scrub("nothing", "") == "nothing"
