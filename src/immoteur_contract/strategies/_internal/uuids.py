"""UUID strings the spec accepts (D7), deterministic ones, and values that only look like one."""

from __future__ import annotations

import functools
import uuid as uuid_module

from hypothesis import strategies as st

from ...rules import is_uuid

__all__ = [
    "NIL",
    "UUID_CASES",
    "accepted_uuid_forms",
    "fixed_uuid",
    "fixed_uuids",
    "non_uuid_values",
    "uuid_look_alikes",
    "uuids",
]


UUID_CASES = ("any", "lower", "upper", "mixed")
"""Accepted values of `uuids(case=...)`."""


NIL = str(uuid_module.UUID(int=0))


def uuids(case: str = "any") -> st.SearchStrategy[str]:
    """UUID strings the spec's Uuid schema accepts (D7): hyphenated 8-4-4-4-12 hex, any version
    and variant, the nil UUID included.

    `case` is one of `UUID_CASES`: "lower", "upper", "mixed" (as drawn from the pattern) or
    "any" (each of those). Every value satisfies `rules.is_uuid`. Shrinks towards the nil UUID.
    """
    if case not in UUID_CASES:
        raise ValueError(f"uuids(case=...) must be one of {UUID_CASES}, got case={case!r}")
    return _uuids(case)


@functools.cache
def _uuids(case: str) -> st.SearchStrategy[str]:
    drawn = st.builds(_cased_uuid, st.integers(0, (1 << 128) - 1), st.integers(0, (1 << 32) - 1))
    if case == "lower":
        return drawn.map(str.lower)
    if case == "upper":
        return drawn.map(str.upper)
    if case == "mixed":
        return drawn
    return st.one_of(drawn.map(str.lower), drawn.map(str.upper), drawn)


def _cased_uuid(number: int, upper_mask: int) -> str:
    """The UUID `number` in hyphenated hex, hex digit i uppercased when bit i of the mask is set
    (so mask 0 and number 0 give the lower-case nil UUID)."""
    text = str(uuid_module.UUID(int=number))
    digits = iter(range(32))
    return "".join(c.upper() if c != "-" and (upper_mask >> next(digits)) & 1 else c for c in text)


def fixed_uuid(number: int, version: int | None = 4) -> str:
    """A deterministic UUID: `number` in the low bits, version nibble set, RFC 4122 variant."""
    value = number & ((1 << 128) - 1)
    if version is not None:
        value &= ~(0xF << 76)
        value |= version << 76
        value &= ~(0x3 << 62)
        value |= 0x2 << 62
    return str(uuid_module.UUID(int=value))


def fixed_uuids(count: int, start: int) -> list[str]:
    """`count` distinct deterministic UUIDs from `start` on, cycling through versions 1, 4, 7
    and no version bits, in lower case: many targets for one body."""
    versions = (1, 4, 7, None)
    return [fixed_uuid(start + i, versions[i % len(versions)]) for i in range(count)]


def accepted_uuid_forms(valid: str) -> dict[str, str]:
    """Every form of UUID D7 accepts that a stricter check may refuse, by name: `valid` in
    upper case and in mixed case, the nil UUID, versions 1 and 7, and no version bits at all."""
    if not is_uuid(valid):
        raise ValueError(f"accepted_uuid_forms(valid=...) needs a UUID, got valid={valid!r}")
    mixed = "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(valid))
    return {
        "uppercase": valid.upper(),
        "nil": NIL,
        "v1": fixed_uuid(0xABCDEF, 1),
        "v7": fixed_uuid(0x0190F3A1B2C3, 7),
        "no-version-bits": fixed_uuid(0xFFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF, None),
        "mixed-case": mixed,
    }


def uuid_look_alikes(valid: str = "3c90c3cc-0d44-4b50-8888-8dd25736052a") -> list[tuple[str, str]]:
    """`(name, value)` pairs of strings that resemble the UUID `valid` but break D7: braces,
    `urn:uuid:`, surrounding whitespace, a trailing newline, no hyphens, underscores, a
    non-ASCII digit, a non-hex letter, one character short or long. None satisfies `is_uuid`."""
    if not is_uuid(valid):
        raise ValueError(f"uuid_look_alikes(valid=...) needs a UUID, got valid={valid!r}")
    # Ordered by how often a UUID check lets them in: a parser (braces), a `$` that matches
    # before a final newline, trimming, then the rest.
    cases = [
        ("braces", "{" + valid + "}"),
        ("trailing-newline", valid + "\n"),
        ("leading-space", " " + valid),
        ("urn", "urn:uuid:" + valid),
        ("trailing-space", valid + " "),
        ("leading-tab", "\t" + valid),
        ("bom-prefix", "\ufeff" + valid),
        ("no-hyphens", valid.replace("-", "")),
        ("underscores", valid.replace("-", "_")),
        ("arabic-indic-digit", "\u0663" + valid[1:]),
        ("fullwidth-digit", "\uff10" + valid[1:]),
        ("non-hex-letter", "g" + valid[1:]),
        ("one-short", valid[:-1]),
        ("one-long", valid + "0"),
        ("hyphen-moved", valid[:7] + "-" + valid[7] + valid[9:]),
        ("empty", ""),
    ]
    return [(name, value) for name, value in cases if not is_uuid(value)]


@functools.cache
def non_uuid_values() -> st.SearchStrategy[object]:
    """Items that break a UUID-array rule: look-alike strings, other strings, other JSON types."""
    look_alikes = st.builds(
        lambda u, i: (alikes := uuid_look_alikes(u))[i % len(alikes)][1],
        uuids(),
        st.integers(min_value=0, max_value=31),
    )
    return st.one_of(
        look_alikes,
        st.text(max_size=40).filter(lambda s: not is_uuid(s)),
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(uuids(), max_size=1),
        st.dictionaries(st.text(max_size=5), uuids(), max_size=1),
    )
