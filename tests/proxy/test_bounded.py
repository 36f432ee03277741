"""Decoding a kept answer: as its Content-Encoding says, never past the limit, and without a
Content-Encoding the bytes as they are, cut exactly where httpx's identity decoder would cut."""

from __future__ import annotations

import gzip

import pytest

from immoteur_contract.proxy.bounded import DecodingFailedError, decoded_content

LIMIT = 100
PLAIN = [("content-type", "application/json")]
IDENTITY = [("content-type", "application/json"), ("content-encoding", "identity")]


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(0, id="empty"),
        pytest.param(1, id="one-byte"),
        pytest.param(LIMIT - 1, id="under-the-limit"),
        pytest.param(LIMIT, id="at-the-limit"),
        pytest.param(LIMIT + 1, id="over-the-limit"),
        pytest.param(20_000, id="over-a-decoder-piece"),
    ],
)
def test_decoded_content_without_encoding_is_what_the_identity_decoder_gives(size: int) -> None:
    raw = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    assert decoded_content(raw, PLAIN, LIMIT) == decoded_content(raw, IDENTITY, LIMIT)


def test_decoded_content_decodes_gzip_whatever_the_header_case() -> None:
    body = b'{"message": "Unauthenticated."}'
    for name in ("content-encoding", "Content-Encoding"):
        assert decoded_content(gzip.compress(body), [(name, "gzip")], LIMIT) == (body, False)


def test_decoded_content_stops_a_compression_bomb_at_the_limit() -> None:
    bomb = gzip.compress(bytes(10_000_000))
    assert decoded_content(bomb, [("content-encoding", "gzip")], LIMIT) == (bytes(LIMIT), True)


def test_decoded_content_refuses_bytes_that_do_not_decode() -> None:
    with pytest.raises(DecodingFailedError):
        decoded_content(b"not gzip at all", [("content-encoding", "gzip")], LIMIT)
