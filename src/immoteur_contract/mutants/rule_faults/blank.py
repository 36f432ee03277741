"""Faulty servers with another notion of a blank comment for an other report (D5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...rules import RULES, Check, RuleSet, is_blank
from ..bodies import example
from .making import (
    Body,
    accept,
    kind_of,
    reject,
    rule_fault,
)


def _other_comment(blank: Callable[[str], bool]) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if kind_of(body) != "other":
            return
        comment = body.get("comment")
        if "comment" not in body or (isinstance(comment, str) and blank(comment)):
            yield "comment", "The comment field is required when issueKind is other."

    return check


@rule_fault(
    "blank_check_ascii_only",
    'only " \\t\\n\\r" count as blank, so an other comment of just U+00A0 is accepted',
    reject(example("other", comment="\u00a0")),
)
def _blank_ascii() -> RuleSet:
    return RULES.replacing(
        "other-requires-comment", _other_comment(lambda s: not s.strip(" \t\n\r"))
    )


@rule_fault(
    "blank_check_python_isspace",
    "blank means Python str.isspace, so an other comment of just U+001C is rejected",
    accept(example("other", comment="\u001c")),
)
def _blank_isspace() -> RuleSet:
    return RULES.replacing("other-requires-comment", _other_comment(lambda s: not s.strip()))


@rule_fault(
    "blank_check_php_trim",
    'blank means PHP trim() (" \\t\\n\\r\\0\\x0B"), so an other comment of just U+0000 is rejected',
    accept(example("other", comment="\u0000")),
)
def _blank_php_trim() -> RuleSet:
    return RULES.replacing(
        "other-requires-comment", _other_comment(lambda s: not s.strip(" \t\n\r\0\x0b"))
    )


@rule_fault(
    "other_blank_comment_accepted",
    "an other report's comment is only required to be present, so a blank comment is accepted",
    reject(example("other", comment="   ")),
)
def _other_blank() -> RuleSet:
    return RULES.replacing("other-requires-comment", _other_comment(lambda s: False))


def _made_of(blank: Callable[[str], bool]) -> Callable[[str], bool]:
    """A blank check: every character of the string is `blank` (the empty string included)."""
    return lambda text: all(blank(char) for char in text)


@rule_fault(
    "blank_check_unicode_white_space",
    "blank means Unicode White_Space (Go's unicode.IsSpace, Rust, .NET), which lacks U+FEFF, so an "
    "other comment of just U+FEFF is accepted",
    reject(example("other", comment="\ufeff")),
)
def _blank_white_space() -> RuleSet:
    def white_space(char: str) -> bool:
        return (is_blank(char) and char != "\ufeff") or char == "\x85"

    return RULES.replacing("other-requires-comment", _other_comment(_made_of(white_space)))


@rule_fault(
    "blank_check_java_is_whitespace",
    "blank means Java's Character.isWhitespace, which lacks the no-break spaces, so an other "
    "comment of just U+00A0 is accepted",
    reject(example("other", comment="\u00a0")),
)
def _blank_java() -> RuleSet:
    def java(char: str) -> bool:
        return (
            is_blank(char) and char not in "\u00a0\u2007\u202f\ufeff"
        ) or char in "\x1c\x1d\x1e\x1f"

    return RULES.replacing("other-requires-comment", _other_comment(_made_of(java)))


@rule_fault(
    "blank_check_without_line_separators",
    "the blank class is written out by hand without U+2028 and U+2029, so an other comment of "
    "just U+2028 is accepted",
    reject(example("other", comment="\u2028")),
)
def _blank_without_separators() -> RuleSet:
    def blank(char: str) -> bool:
        return is_blank(char) and char not in "\u2028\u2029"

    return RULES.replacing("other-requires-comment", _other_comment(_made_of(blank)))
