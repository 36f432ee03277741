"""Which of the package's extras are installed, read from its own metadata.

`pip install immoteur-contract` is the client (the facade, `report`, `spec-diff`); the reference
server and the contract suite come with the `[server]` and `[suite]` extras. A command that needs
one says so in one line instead of failing on an import deep inside.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Iterator

__all__ = ["DISTRIBUTION", "missing_from_extra"]

DISTRIBUTION = "immoteur-contract"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SELF = re.compile(r"immoteur[-_.]contract\[([^\]]+)\]", re.IGNORECASE)


def missing_from_extra(extra: str) -> list[str]:
    """The distributions that `extra` requires and that are not installed (none when the
    package itself is not installed, as when it runs from a source tree)."""
    return [name for name in dict.fromkeys(_requirements(extra)) if not _installed(name)]


def _requirements(extra: str) -> Iterator[str]:
    try:
        requirements = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        if re.search(rf"""extra\s*==\s*['"]{re.escape(extra)}['"]""", marker) is None:
            continue
        nested = _SELF.match(spec.strip())
        if nested:  # `immoteur-contract[server]` inside [suite]
            for name in nested.group(1).split(","):
                yield from _requirements(name.strip())
        elif match := _NAME.match(spec.strip()):
            yield match.group()


def _installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True
