"""The baseline: divergences a deployment's owners have accepted, in a YAML file they commit.

Taken from schemathesis's `st run --baseline` (an entry per failure identity, an optional
`expires` date, `--baseline-update` / `--baseline-prune`), from the MCP conformance suite's
expected failures (a stale entry is reported) and from PHPStan's baseline (generated,
committed, shrinking). Identities are ours (identity.py): the same divergence has the same id
whatever the seed.

A run judged against a baseline:
- a failure whose id has an entry is *known* (not a reason to fail);
- a failure without an entry, or whose entry is past its `expires` date, is *new* (exit 1);
- an entry whose case ran and did not fail is *fixed*, please remove it (exit 0, or 1 with
  --strict-baseline). An entry found by a random generator (`generated: true`) that did not
  show up is only *not reproduced*: another seed may find it, so it is neither fixed nor pruned.

The file is read before any request is sent; anything wrong in it is a `BaselineError` (the
command turns it into one line and exit 2).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .identity import case_of, describe
from .report import Failure, Outcome

__all__ = [
    "FORMAT_VERSION",
    "PLACEHOLDER_REASON",
    "Baseline",
    "BaselineError",
    "Entry",
    "Judgement",
    "judge",
    "updated",
]

FORMAT_VERSION = 1
PLACEHOLDER_REASON = "TODO: say why this divergence is accepted"
"""The reason `--baseline-update` gives a new entry, for a person to replace."""

_HEADER = """\
# immoteur-contract baseline: divergences from the contract that this deployment accepts.
# Written by `immoteur-contract run --baseline FILE --baseline-update`; meant to be committed.
# Give every entry a `reason`; add `expires: YYYY-MM-DD` to have it count as new again after.
"""
_REQUIRED = ("id", "rule", "summary", "reason", "first_seen")
_OPTIONAL = ("expires", "case", "layer", "generated")


class _Dumper(yaml.SafeDumper):
    """Writes every value in place: no `&id001` anchors for dates shared by entries."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class BaselineError(Exception):
    """The baseline file cannot be used: unreadable, not YAML, unknown keys, a bad date."""


@dataclass(frozen=True)
class Entry:
    """One accepted divergence: its stable id, the rule, what was seen (one line), why it is
    accepted, when it was first seen, and optionally when the acceptance ends."""

    id: str
    rule: str
    summary: str
    reason: str
    first_seen: datetime.date
    expires: datetime.date | None = None
    case: str | None = None
    layer: str | None = None
    generated: bool = False

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today

    @classmethod
    def of_failure(cls, failure: Failure, today: datetime.date) -> Entry:
        """A new entry for `failure`, with the placeholder reason."""
        return cls(
            id=failure.id,
            rule=failure.rule,
            summary=describe(failure.case, failure.expectation, failure.status),
            reason=PLACEHOLDER_REASON,
            first_seen=today,
            case=failure.case or None,
            layer=failure.layer or None,
            generated=failure.generated,
        )

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "summary": self.summary,
            "reason": self.reason,
            "first_seen": self.first_seen,
        }
        if self.expires is not None:
            data["expires"] = self.expires
        for key in ("layer", "case"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.generated:
            data["generated"] = True
        return data


def _date(value: object, where: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise BaselineError(f"{where} must be a date (YYYY-MM-DD), got {value!r}")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise BaselineError(f"{where} must be a date (YYYY-MM-DD), got {value!r}") from None


def _entry(raw: object, number: int) -> Entry:
    where = f"entry {number}"
    if not isinstance(raw, Mapping):
        raise BaselineError(f"{where} is not a mapping")
    unknown = sorted(set(map(str, raw)) - {*_REQUIRED, *_OPTIONAL})
    if unknown:
        allowed = ", ".join((*_REQUIRED, *_OPTIONAL))
        raise BaselineError(f"{where} has unknown keys {', '.join(unknown)} (allowed: {allowed})")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise BaselineError(f"{where} lacks {', '.join(missing)}")
    for key in ("id", "rule", "summary", "reason", "case", "layer"):
        if key in raw and not isinstance(raw[key], str):
            raise BaselineError(f"{where}: {key} must be a string, got {raw[key]!r}")
    if not isinstance(raw.get("generated", False), bool):
        raise BaselineError(f"{where}: generated must be true or false")
    where = f"entry {number} ({raw['id']})"
    expires = raw.get("expires")
    return Entry(
        id=raw["id"],
        rule=raw["rule"],
        summary=raw["summary"],
        reason=raw["reason"],
        first_seen=_date(raw["first_seen"], f"{where}: first_seen"),
        expires=None if expires is None else _date(expires, f"{where}: expires"),
        case=raw.get("case"),
        layer=raw.get("layer"),
        generated=bool(raw.get("generated", False)),
    )


@dataclass(frozen=True)
class Baseline:
    """The entries of a baseline file, by id."""

    entries: tuple[Entry, ...] = ()

    @classmethod
    def load(cls, path: Path, *, missing_ok: bool = False) -> Baseline:
        """Read and check `path`. A missing file is an empty baseline only with `missing_ok`
        (the first `--baseline-update`)."""
        if missing_ok and not path.exists():
            return cls()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BaselineError(
                f"{path} does not exist (create it with --baseline-update)"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise BaselineError(f"{path} cannot be read: {error}") from None
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            at = f" at line {mark.line + 1}" if mark is not None else ""
            raise BaselineError(f"{path} is not valid YAML{at}") from None
        except ValueError as error:  # a date-like value that is no date (2026-13-01)
            raise BaselineError(f"{path} holds a date that does not exist: {error}") from None
        try:
            return cls._from(raw)
        except BaselineError as error:
            raise BaselineError(f"{path}: {error}") from None

    @classmethod
    def _from(cls, raw: object) -> Baseline:
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise BaselineError("expected a mapping with `version` and `entries`")
        unknown = sorted(set(map(str, raw)) - {"version", "entries"})
        if unknown:
            raise BaselineError(f"unknown top-level keys {', '.join(unknown)}")
        if raw.get("version") != FORMAT_VERSION:
            raise BaselineError(f"version must be {FORMAT_VERSION}, got {raw.get('version')!r}")
        entries = raw.get("entries") or []
        if not isinstance(entries, list):
            raise BaselineError("`entries` must be a list")
        loaded = tuple(_entry(item, n) for n, item in enumerate(entries, 1))
        ids = [entry.id for entry in loaded]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise BaselineError(f"ids listed twice: {', '.join(twice)}")
        return cls(loaded)

    def get(self, failure_id: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == failure_id), None)

    def dumps(self) -> str:
        document = {
            "version": FORMAT_VERSION,
            "entries": [entry.as_yaml() for entry in sorted(self.entries, key=lambda e: e.id)],
        }
        body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
        return _HEADER + body

    def merged(self, failures: Iterable[Failure], today: datetime.date) -> Baseline:
        """This baseline with an entry for every failure that has none (existing entries, and
        the reasons people wrote in them, are kept as they are)."""
        entries = list(self.entries)
        known = {entry.id for entry in entries}
        for failure in failures:
            if failure.id and failure.id not in known:
                entries.append(Entry.of_failure(failure, today))
                known.add(failure.id)
        return Baseline(tuple(entries))

    def without(self, ids: Iterable[str]) -> Baseline:
        dropped = set(ids)
        return Baseline(tuple(entry for entry in self.entries if entry.id not in dropped))


@dataclass(frozen=True)
class Judgement:
    """A run's failures against a baseline. `new` holds failures without an entry and those
    whose entry expired (`expired` names the latter); `fixed` the entries whose case ran
    without failing; `unconfirmed` the generated entries that did not show up."""

    new: list[Failure] = field(default_factory=list)
    expired: list[Entry] = field(default_factory=list)
    known: list[tuple[Failure, Entry]] = field(default_factory=list)
    fixed: list[Entry] = field(default_factory=list)
    unconfirmed: list[Entry] = field(default_factory=list)
    unreasoned: list[Entry] = field(default_factory=list)

    def exit_status(self, *, strict: bool) -> int:
        return 1 if self.new or (strict and self.fixed) else 0


def _ran(outcomes: Sequence[Outcome]) -> tuple[set[str], set[str]]:
    """The case families and the rule keys of the tests that ran (passed or failed)."""
    ran = [o for o in outcomes if o.outcome in ("passed", "failed")]
    return {case_of(o.test) for o in ran}, {o.rule for o in ran}


def judge(
    baseline: Baseline,
    failures: Sequence[Failure],
    outcomes: Sequence[Outcome],
    today: datetime.date,
) -> Judgement:
    """Sort the run's failures into new and known, and the entries it did not reproduce into
    fixed and unconfirmed."""
    judgement = Judgement()
    seen: set[str] = set()
    for failure in failures:
        seen.add(failure.id)
        entry = baseline.get(failure.id)
        if entry is None:
            judgement.new.append(failure)
        elif entry.expired(today):
            judgement.new.append(failure)
            judgement.expired.append(entry)
        else:
            judgement.known.append((failure, entry))
    cases, rules = _ran(outcomes)
    for entry in baseline.entries:
        if entry.reason.strip() in ("", PLACEHOLDER_REASON):
            judgement.unreasoned.append(entry)
        if entry.id in seen:
            continue
        exercised = entry.case in cases if entry.case else entry.rule in rules
        if not exercised:
            continue
        (judgement.unconfirmed if entry.generated else judgement.fixed).append(entry)
    return judgement


def updated(
    baseline: Baseline,
    judgement: Judgement,
    failures: Sequence[Failure],
    today: datetime.date,
    *,
    add: bool,
    prune: bool,
) -> Baseline:
    """The baseline that `--baseline-update` (add) and `--baseline-prune` (prune) write."""
    result = baseline.merged(failures, today) if add else baseline
    if prune:
        result = result.without(entry.id for entry in judgement.fixed)
    return result
