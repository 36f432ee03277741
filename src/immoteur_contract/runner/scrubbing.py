"""The token kept out of every output, without rewriting the run's own identifiers.

The token is replaced by `$IMMOTEUR_TOKEN` where it stands: in a header (the curl lines), in a
body sent or received, in a message or an error that quotes an answer, in the failure text of
the JUnit file. It is never replaced inside an identifier of the run (a case id such as
`test_bad_authorization_is_unauthenticated[no-token-valid-body]`, a rule id, a failure id, a
layer key): with the token `en-valid`, that case id stays as it is, and only the occurrences
outside it are replaced. The identifiers a run shields are passed as `keep`.

Two passes, by where the text comes from:

- `foreign`: text and values that came from outside the kit (bodies, answers, messages,
  tracebacks) are scrubbed whatever the token's length;
- `own`: the kit's own outputs as a whole (the table, the Markdown summary, the JSON report's
  values, the record's lines) are passed over once more as a safety net, but only for a token of
  `DISTINCT_LENGTH` characters or more. A shorter token cannot be told apart from ordinary
  text: replacing it everywhere would rewrite words of the table and keys of the report, so it
  is scrubbed only where it stands, and the run says so once (`short_token_warning`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..rules import RULES
from .target import TOKEN_ENV

__all__ = [
    "DISTINCT_LENGTH",
    "PLACEHOLDER",
    "Scrubber",
    "identifiers_of_test",
    "scrub_junit",
    "short_token_warning",
]

PLACEHOLDER = f"${TOKEN_ENV}"
"""What stands where the token was."""

DISTINCT_LENGTH = 8
"""A token this long or longer is told apart from ordinary text: the whole outputs are passed
over too. A shorter one is scrubbed only where it stands."""


def short_token_warning(token: str) -> str | None:
    """The one-line warning for a token too short to be told apart from ordinary text."""
    if not token or len(token) >= DISTINCT_LENGTH:
        return None
    return (
        f"warning: {TOKEN_ENV} has {len(token)} characters (fewer than {DISTINCT_LENGTH}):"
        f" it cannot be told apart from ordinary text, so it is replaced by {PLACEHOLDER} only"
        " in headers, bodies and the messages that quote them"
    )


@dataclass(frozen=True)
class Scrubber:
    """Replaces `token` by `$IMMOTEUR_TOKEN`, never inside one of the identifiers `keep` (rule
    ids are always kept)."""

    token: str = field(repr=False)
    keep: frozenset[str] = frozenset()
    _shields: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        token = self.token
        kept = (*RULES.ids, *self.keep) if token else ()
        shields = sorted({name for name in kept if token and token in name and name != token})
        object.__setattr__(self, "_shields", tuple(shields))

    def keeping(self, names: Iterable[str]) -> Scrubber:
        """This scrubber, also keeping `names` unchanged."""
        return Scrubber(self.token, self.keep | frozenset(names))

    @property
    def distinct(self) -> bool:
        """Long enough to be told apart from ordinary text (the `own` pass applies)."""
        return len(self.token) >= DISTINCT_LENGTH

    def text(self, text: str) -> str:
        """`text` with the token replaced, except inside a kept identifier."""
        token = self.token
        if not token or token not in text:
            return text
        if not self._shields:
            return text.replace(token, PLACEHOLDER)
        spans = [
            (start, start + len(shield))
            for shield in self._shields
            for start in _starts(text, shield)
        ]
        out: list[str] = []
        position = 0
        start = text.find(token)
        while start != -1:
            end = start + len(token)
            if any(low <= start and end <= high for low, high in spans):
                start = text.find(token, start + 1)
                continue
            out += [text[position:start], PLACEHOLDER]
            position = end
            start = text.find(token, end)
        out.append(text[position:])
        return "".join(out)

    def foreign(self, value: Any) -> Any:
        """A value from outside the kit (a body, an answer, a message), scrubbed whatever the
        token's length: strings, and a JSON value's strings and keys."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.foreign(item) for item in value]
        if isinstance(value, dict):
            return {self.foreign(key): self.foreign(item) for key, item in value.items()}
        return value

    def own_text(self, text: str) -> str:
        """`own` for a text output (the table, the summary, a baseline)."""
        return self.text(text) if self.token and self.distinct else text

    def own(self, value: Any) -> Any:
        """One of the kit's own outputs (a text, or a JSON value whose keys are left alone),
        passed over as a safety net: only for a token long enough to be told apart."""
        if not self.token or not self.distinct:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.own(item) for item in value]
        if isinstance(value, dict):
            return {key: self.own(item) for key, item in value.items()}
        return value


def _starts(text: str, shield: str) -> list[int]:
    """Every index where `shield` starts in `text`, overlapping ones included."""
    found = []
    start = text.find(shield)
    while start != -1:
        found.append(start)
        start = text.find(shield, start + 1)
    return found


def identifiers_of_test(nodeid: str) -> set[str]:
    """The identifiers a test's node id holds: itself, its case family (function and
    parametrize id), its file, its function, its parametrize id and the id's parts."""
    path, _, case = nodeid.rpartition("::")
    function, _, rest = case.partition("[")
    param = rest.removesuffix("]")
    names = {nodeid, case, function, param, *param.split(":")}
    if path:
        names.add(path)
    return {name for name in names if name}


def scrub_junit(path: Path, scrubber: Scrubber) -> None:
    """Scrub a JUnit XML file in place: the text of its elements (failure text, captured
    output) and their `message` attributes, never a tag, a test's name or its class name."""
    if not scrubber.token or not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    if scrubber.token not in text:
        return
    tree = ElementTree.ElementTree(ElementTree.fromstring(text))
    for element in tree.iter():
        if element.text:
            element.text = scrubber.text(element.text)
        if element.tail:
            element.tail = scrubber.text(element.tail)
        for name, value in element.attrib.items():
            if name not in ("name", "classname", "file", "line"):
                element.attrib[name] = scrubber.text(value)
    tree.write(path, encoding="utf-8", xml_declaration=True)
