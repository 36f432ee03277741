"""argparse's error messages without the values a user typed: a value may be a secret.

A natural mistake (`immoteur-contract run --token SECRET`, `--base-url
https://user:password@host`) would otherwise put the secret in the one line every command
prints on a usage error, so into CI logs: argparse quotes the words it did not recognise
(`unrecognized arguments: --token SECRET`), the value of a wrong choice (`invalid choice:
'SECRET'`), of a wrong type (`invalid float value: 'SECRET'`) and of a flag that takes none
(`ignored explicit argument 'SECRET'`). `safe_message` keeps what helps (the flag's name, the
choices, the expected type) and drops every value. Words that look like a flag's name
(`--token`, `-t`) are kept, with `=VALUE` cut off; every other word is counted, never shown.
"""

from __future__ import annotations

import re

__all__ = ["TOKEN_FLAGS", "TOKEN_HINTS", "option_names", "safe_message"]

TOKEN_FLAGS = frozenset({"--token", "--bearer", "-t", "--api-key", "--key", "--secret"})
"""Flags a user may try for the token: `run` and `report` read it from IMMOTEUR_TOKEN only."""

TOKEN_HINTS = {
    "run": "the token is read from the IMMOTEUR_TOKEN environment variable only",
    "report": "the token is read from the IMMOTEUR_TOKEN environment variable only",
    "mock": "the accepted token is --token or the IMMOTEUR_MOCK_TOKEN environment variable",
}
"""Command -> where it reads its token, said when a user tries an unknown token flag."""

# a flag's name as people write them; a random token (mixed case, digits) rarely fits
_FLAG = re.compile(r"--[a-z][a-z0-9]*(-[a-z0-9]+){0,5}|-[A-Za-z]")
_TYPES = {"int": "must be an integer", "float": "must be a number"}


def option_names(words: list[str]) -> tuple[list[str], int]:
    """The words of `words` that look like a flag's name (without `=VALUE`), and how many
    other words there were (values, positional arguments: never shown)."""
    names: list[str] = []
    others = 0
    for word in words:
        name = word.split("=", 1)[0]
        if _FLAG.fullmatch(name):
            names.append(name)
        else:
            others += 1
    return names, others


def _unrecognized(words: list[str], token_hint: str | None) -> str:
    names, others = option_names(words)
    parts = []
    if names:
        parts.append(f"unrecognized option{'s' if len(names) > 1 else ''} {', '.join(names)}")
    if others:
        what = "argument" if others == 1 else "arguments"
        parts.append(f"{others} unexpected {what} (not shown: a value may be a secret)")
    message = "; ".join(parts)
    if token_hint and TOKEN_FLAGS.intersection(names):
        message += f"; {token_hint}"
    return message


def safe_message(
    message: str, extras: list[str] | None = None, token_hint: str | None = None
) -> str:
    """`message`, an argparse error, with every value the user typed left out. `extras`: the
    unrecognised words, when the caller has them as a list (else they are split from the
    message); `token_hint`: where the command reads its token, said when an unknown flag looks
    like one (`--token`, `-t`)."""
    if message.startswith("unrecognized arguments:"):
        words = extras if extras is not None else message.split(":", 1)[1].split()
        return _unrecognized(words, token_hint)
    message = re.sub(r"invalid choice: .*\(choose from", "invalid choice (choose from", message)
    message = re.sub(
        r"invalid (\w+) value: .*$",
        lambda match: _TYPES.get(match.group(1), f"invalid {match.group(1)} value"),
        message,
        flags=re.DOTALL,
    )
    message = re.sub(r"ignored explicit argument .*$", "takes no value", message, flags=re.DOTALL)
    message = re.sub(
        r"ambiguous option: (-[^=\s]*)=.*? could match",
        r"ambiguous option: \1 could match",
        message,
    )
    return re.sub(r"unknown parser .*? \(choices", "unknown command (choices", message)
