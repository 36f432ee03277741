"""Characters around D5's notion of blank: ECMA-262's `\\s` set and its look-alikes."""

from __future__ import annotations

import functools
import unicodedata

from hypothesis import strategies as st

from ...rules import is_blank

__all__ = [
    "blank_characters",
    "blank_classes",
    "char_name",
    "commonly_missed_first",
    "non_blank_characters",
    "whitespace_look_alikes",
]


@functools.cache
def blank_characters() -> tuple[str, ...]:
    """Every character in ECMA-262's `\\s` set, found by scanning all code points with the
    contract's non-blank pattern (D5); a comment made only of these is blank."""
    return tuple(
        chr(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and is_blank(chr(code))
    )


_CATEGORY_CLASSES = {"Zs": "unicode-space-separators", "Zl": "unicode-line-terminators"}
_CATEGORY_CLASSES["Zp"] = _CATEGORY_CLASSES["Zl"]


def char_name(char: str) -> str:
    """`U+FEFF-zero-width-no-break-space`: the code point and its Unicode name, for case ids."""
    name = unicodedata.name(char, "")
    suffix = "-" + name.lower().replace(" ", "-") if name else ""
    return f"U+{ord(char):04X}{suffix}"


@functools.cache
def blank_classes() -> dict[str, str]:
    """ECMA-262's `\\s` set (D5) split into the classes implementations tend to get wrong as a
    whole, each with all its characters: `ascii` (TAB, LF, VT, FF, CR, SPACE), the non-ASCII
    `unicode-space-separators` (category Zs: U+00A0, U+3000, ...), the non-ASCII
    `unicode-line-terminators` (Zl, Zp: U+2028, U+2029), and one class per remaining character
    (U+FEFF). A blank check that misses any character of a class calls its string non-blank."""
    classes: dict[str, str] = {}
    for char in blank_characters():
        if ord(char) < 0x80:
            name = "ascii"
        else:
            name = _CATEGORY_CLASSES.get(unicodedata.category(char), char_name(char))
        classes[name] = classes.get(name, "") + char
    return classes


# Characters that some regex engine or string library calls whitespace, or that render as
# nothing, but that ECMA-262's `\s` does not contain: a comment of one of them is NOT blank.
_HISTORICAL_SPACES = ("\u180e", "\u200b", "\u2060")


# Blank sets that implementations use instead of ECMA-262's: ASCII's, PHP trim()'s, Python's.
_NAIVE_BLANKS = (" \t\n\r", " \t\n\r\0\x0b")


def commonly_missed_first(char: str) -> tuple[int, int]:
    """Sort key: ECMA-262 blanks that more naive blank checks miss come first (U+FEFF, which
    Python's `isspace` misses too, then U+00A0 and the like, then U+000C...), so that a wrong
    blank check shows in the first cases of its rule."""
    missed = sum(char not in blank for blank in _NAIVE_BLANKS) + (not char.isspace())
    return (-missed, ord(char))


@functools.cache
def whitespace_look_alikes() -> tuple[str, ...]:
    """Characters that look like whitespace but are outside ECMA-262's `\\s` (D5): Python's
    `str.isspace` extras (U+001C-U+001F, U+0085) plus U+180E, U+200B and U+2060. A comment made
    of one of them is non-blank, so an `other` report with it is valid."""
    python_spaces = (chr(c) for c in range(0x10000) if chr(c).isspace())
    found = {c for c in python_spaces if not is_blank(c)} | set(_HISTORICAL_SPACES)
    return tuple(sorted(c for c in found if not is_blank(c)))


@functools.cache
def non_blank_characters() -> st.SearchStrategy[str]:
    return st.characters(codec="utf-8").filter(lambda c: not is_blank(c))
