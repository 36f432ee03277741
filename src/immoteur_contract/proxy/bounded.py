"""Bounded reading of bodies that pass through: everything is forwarded, a capped part is kept.

The proxy judges what it keeps, never more than `limit` bytes of one body, and never more than
a shared `CaptureBudget` across every body in flight or waiting to be judged: whatever the body
sizes or the number of connections, the memory the captures hold stays under the budget. A body
that did not fit is marked `truncated` and judged only in part (the report counts it).

Decoding a kept answer (Content-Encoding gzip, deflate, br, zstd) is bounded too: the raw bytes
are fed to the decoder in small pieces and decoding stops at `limit` decoded bytes, so a
compression bomb cannot blow up the judge.

This module holds nothing specific to the proxy; the runner's bounded transport can share it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import httpx

__all__ = [
    "DEFAULT_BODY_LIMIT",
    "DEFAULT_BUDGET",
    "BoundedBody",
    "CaptureBudget",
    "DecodingFailedError",
    "decoded_content",
]

DEFAULT_BODY_LIMIT = 1024 * 1024
"""Bytes of one body kept for judging (the rest is forwarded, not kept)."""
DEFAULT_BUDGET = 64 * 1024 * 1024
"""Bytes kept across every body in flight or queued for judging."""
_PIECE = 8 * 1024


class CaptureBudget:
    """A byte budget shared by every capture: `take(n)` grants at most what is left."""

    def __init__(self, total: int = DEFAULT_BUDGET) -> None:
        self.total = total
        self._left = total
        self._lock = threading.Lock()

    def take(self, wanted: int) -> int:
        """Reserve up to `wanted` bytes; return how many were granted (0 when spent)."""
        with self._lock:
            granted = min(wanted, self._left)
            self._left -= granted
            return granted

    def give_back(self, count: int) -> None:
        with self._lock:
            self._left = min(self.total, self._left + count)

    @property
    def left(self) -> int:
        return self._left


class BoundedBody:
    """The first bytes of a body (at most `limit`, and what the budget grants), with the size
    of the whole body as it passed and whether some of it was not kept."""

    def __init__(self, budget: CaptureBudget, limit: int = DEFAULT_BODY_LIMIT) -> None:
        self._budget = budget
        self._limit = limit
        self._parts: list[bytes] = []
        self._kept = 0
        self._reserved = 0
        self.size = 0
        self.truncated = False

    @classmethod
    def restored(cls, kept: bytes, size: int, truncated: bool) -> BoundedBody:
        """A capture rebuilt from what another process kept (judging.py), under a budget of
        its own: the sending side bounded it already."""
        body = cls(CaptureBudget(len(kept)), max(len(kept), 1))
        body.add(kept)
        body.size, body.truncated = size, truncated
        return body

    def add(self, chunk: bytes) -> None:
        """Account for `chunk` (already forwarded or about to be) and keep what fits."""
        self.size += len(chunk)
        if self.truncated or not chunk:
            return
        room = self._limit - self._kept
        wanted = min(room, len(chunk))
        granted = self._budget.take(wanted) if wanted else 0
        self._reserved += granted
        if granted:
            self._parts.append(chunk[:granted])
            self._kept += granted
        if granted < len(chunk):
            self.truncated = True

    def content(self) -> bytes:
        """The kept bytes (joined once)."""
        if len(self._parts) > 1:
            self._parts = [b"".join(self._parts)]
        return self._parts[0] if self._parts else b""

    def release(self) -> None:
        """Drop the kept bytes and give their share of the budget back."""
        self._parts = []
        self._budget.give_back(self._reserved)
        self._reserved = 0


class DecodingFailedError(Exception):
    """The kept bytes do not decode under the answer's Content-Encoding."""


class _Pieces(httpx.SyncByteStream):
    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self._raw), _PIECE):
            yield self._raw[start : start + _PIECE]


def decoded_content(
    raw: bytes, headers: Sequence[tuple[str, str]], limit: int = DEFAULT_BODY_LIMIT
) -> tuple[bytes, bool]:
    """`raw` decoded as the Content-Encoding of `headers` (name, value pairs) says (httpx's
    decoders), stopping at `limit` decoded bytes; returns (content, cut), cut when `limit` was
    reached. `DecodingFailedError` when it does not decode. Without a Content-Encoding there is
    nothing to decode: the bytes are the content, and no decoder is set up for them."""
    if not any(name.lower() == "content-encoding" for name, _ in headers):
        cut = len(raw) >= limit and bool(raw)
        return (raw[:limit] if cut else raw), cut
    response = httpx.Response(200, headers=headers, stream=_Pieces(raw))
    kept: list[bytes] = []
    size = 0
    try:
        for piece in response.iter_bytes():
            kept.append(piece)
            size += len(piece)
            if size >= limit:
                return b"".join(kept)[:limit], True
    except httpx.DecodingError as error:
        raise DecodingFailedError(str(error)) from None
    return b"".join(kept), False
