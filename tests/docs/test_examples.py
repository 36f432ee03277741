"""Every console and python example of README.md and docs/ runs and prints what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from .examples import ROOT, DocsServer, documents, example_sybil, run_document

_PAGES = [pytest.param(path, id=str(path.relative_to(ROOT))) for path in documents()]


@pytest.mark.parametrize("path", _PAGES)
def test_page_examples_print_what_they_show(
    path: Path, docs_server_address: str, tmp_path: Path
) -> None:
    run_document(path, DocsServer(docs_server_address, tmp_path))


def test_examples_are_found_in_readme_and_docs() -> None:
    sybil = example_sybil()
    counts = {path.name: len(list(sybil.parse(path))) for path in documents()}
    assert counts["README.md"] >= 2, counts
    assert sum(counts.values()) >= 15, counts


_STALE_CONSOLE = """\
# A page

```console
$ immoteur-contract spec-diff openapi.yaml openapi.yaml
spec-diff openapi.yaml -> openapi.yaml
3 changes: 1 breaking for callers, ...
```
"""

_FRESH_CONSOLE = """\
```console
$ immoteur-contract spec-diff openapi.yaml openapi.yaml
spec-diff openapi.yaml -> openapi.yaml
No change at this kit's level ...
```
"""

_STALE_EXIT = """\
```console
$ immoteur-contract compare missing.json missing.json
...
```
"""

_STALE_PYTHON = """\
```python
from immoteur_contract import DataReport

DataReport(property_ids=["3c90c3cc-0d44-4b50-8888-8dd25736052a"], facets=["no-such-facet"])
```
"""


def _page(tmp_path: Path, text: str) -> Path:
    (tmp_path / "openapi.yaml").symlink_to(ROOT / "openapi.yaml")
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_STALE_CONSOLE, id="console-output-changed"),
        pytest.param(_STALE_EXIT, id="console-exit-status-not-shown"),
    ],
)
def test_stale_console_example_fails(text: str, tmp_path: Path) -> None:
    page = _page(tmp_path, text)
    with pytest.raises(AssertionError, match=r"page\.md, line \d+: `\$ immoteur-contract"):
        run_document(page, DocsServer("127.0.0.1:1", tmp_path))


def test_stale_python_example_fails_naming_its_page(tmp_path: Path) -> None:
    page = _page(tmp_path, _STALE_PYTHON)
    with pytest.raises(ValueError, match="issue-facets-enum") as raised:
        run_document(page, DocsServer("127.0.0.1:1", tmp_path))
    assert any(str(entry.path) == str(page) for entry in raised.traceback)


def test_fresh_example_passes(tmp_path: Path) -> None:
    page = _page(tmp_path, _FRESH_CONSOLE)
    assert run_document(page, DocsServer("127.0.0.1:1", tmp_path)) == 1
