"""bench/run_all.py writes bench/RESULTS.md from what the scripts print, with machine and commit."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from types import ModuleType

import pytest

from immoteur_contract.mutants import FAULTY_SERVERS

from .examples import ROOT


def _run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "bench" / "run_all.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run_all = _run_all()

_OUTPUT = """\
## Time to kill each faulty server (seed 0)

| faulty server | verdict | requests |
|---|---|---:|
| `created_as_200` | killed | 7 |
2/2 killed; median 6 requests
target: under +20%
"""


def _section(status: int = 0) -> object:
    return run_all.Section(
        "mutant_kill", ("bench/mutant_kill.py", "--only", "x"), _OUTPUT, status, 3.2,
        (1.0, 0.5, 0.25), (1.5, 0.5, 0.25),
    )  # fmt: skip


def test_results_carry_date_cores_load_and_commit() -> None:
    started = datetime.datetime(2026, 12, 3, 19, 0, tzinfo=datetime.UTC)
    text = run_all.render([_section()], quick=False, started=started)
    assert "- date: 2026-12-03 19:00 UTC" in text
    assert "cores" in text
    assert "load average (1, 5, 15 min) at the start: 1.00, 0.50, 0.25" in text
    assert "- commit: " in text
    assert "quick configuration" not in text


def test_results_keep_tables_and_put_text_in_blocks() -> None:
    text = run_all.render([_section()], quick=True, started=datetime.datetime.now(datetime.UTC))
    assert "### Time to kill each faulty server (seed 0)" in text
    assert "\n\n| faulty server | verdict | requests |\n" in text
    assert "| `created_as_200` | killed | 7 |\n\n```text\n2/2 killed; median 6 requests\n" in text
    assert "quick configuration" in text


def test_results_say_when_a_script_failed() -> None:
    text = run_all.render(
        [_section(status=3)], quick=False, started=datetime.datetime.now(datetime.UTC)
    )
    assert "**failed with exit 3**" in text


def test_kill_block_is_the_first_table_of_the_kill_section_with_date_and_commit() -> None:
    started = datetime.datetime(2026, 12, 3, 19, 0, tzinfo=datetime.UTC)
    block = run_all.kill_block(run_all.render([_section()], quick=False, started=started))
    assert block is not None
    assert "2026-12-03 19:00 UTC, commit " in block
    assert block.endswith(
        "| faulty server | verdict | requests |\n|---|---|---:|\n| `created_as_200` | killed | 7 |"
    )


@pytest.mark.parametrize(
    ("quick", "status"), [pytest.param(True, 0, id="quick"), pytest.param(False, 1, id="failed")]
)
def test_kill_block_is_none_for_a_quick_or_failed_measure(quick: bool, status: int) -> None:
    text = run_all.render(
        [_section(status=status)], quick=quick, started=datetime.datetime.now(datetime.UTC)
    )
    assert run_all.kill_block(text) is None


def test_readme_kill_table_is_the_one_make_bench_wrote_for_todays_catalog() -> None:
    """The README's kill table is copied from bench/RESULTS.md by `make bench`, never typed, and
    covers every faulty server of today's catalog (else: run `make bench` again)."""
    results = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    block = run_all.kill_block(results)
    assert block is not None, "bench/RESULTS.md holds no full mutant_kill measure: make bench"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert run_all.replace_block(readme, block) == readme, "README's kill table is not RESULTS.md's"
    (everything,) = [line for line in block.splitlines() if line.startswith("| **all** |")]
    assert int(everything.split("|")[2]) == len(FAULTY_SERVERS), "the catalog changed: make bench"
