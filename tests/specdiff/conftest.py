"""The spec as a document, to change one thing at a time."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from immoteur_contract.spec import SPEC_PATH

SPEC_DOCUMENT: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def document() -> dict[str, Any]:
    """A fresh deep copy of openapi.yaml, loaded."""
    return copy.deepcopy(SPEC_DOCUMENT)


def write(path: Path, document: Any) -> Path:
    """Write `document` as YAML to `path` and return the path."""
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    return path
