"""Run every benchmark script in turn (`make bench`) and write what they print to bench/RESULTS.md.

    python bench/run_all.py [NAME ...] [--quick] [--baseline-src DIR] [--output PATH]

NAME: server_throughput, client_overhead, client_limits, proxy_latency, hostile_memory, mutant_kill,
observations_overhead, store_memory, server_limits (default: all, in that order). Each script
measures side by side with its own baseline in one run and prints Markdown (tables, medians and
ratios); this runs them one after the other, so that they never share the machine with each other,
and writes their output as it is, each under its own heading, after a header with the date, the
machine's cores, its load average before and after each script, Python's version and the commit
measured. No figure in the file is typed by hand: a comparison with an older version of the kit
appears only when a script measured it, from the checkout given by `--baseline-src` (passed to
store_memory.py). `--quick` runs each script in its smallest configuration, to check the mechanism,
and says so in the file. Exits non-zero if any script failed (its output and exit status are still
written).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SCRIPTS = (
    "server_throughput",
    "client_overhead",
    "client_limits",
    "proxy_latency",
    "hostile_memory",
    "mutant_kill",
    "observations_overhead",
    "store_memory",
    "server_limits",
)
README = ROOT / "README.md"
KILL_BLOCK = (
    "<!-- kill-table:start (written by make bench from bench/RESULTS.md; tests/docs checks it) -->",
    "<!-- kill-table:end -->",
)
"""The README's block that holds mutant_kill's summary table, between these two lines."""
QUICK_ARGS: dict[str, tuple[str, ...]] = {
    "server_throughput": ("--duration", "1", "--warmup", "0", "--rounds", "1"),
    "client_overhead": ("--batches", "4", "--batch-size", "2", "--warmup", "4"),
    "client_limits": ("--tries", "1", "--skip-unbounded"),
    "proxy_latency": ("--seconds", "1", "--rounds", "1"),
    "hostile_memory": ("--repeat", "1", "--max-requests", "30"),
    "mutant_kill": ("--only", "created_as_200", "non_json_crashes", "--skip-transport"),
    "observations_overhead": ("--runs", "1"),
    "store_memory": ("--small", "500", "--large", "5", "--padding", "16"),
    "server_limits": ("--rounds", "1"),
}
"""The smallest configuration of each script: enough to show the mechanism works, not a measure."""


@dataclass(frozen=True)
class Section:
    """One script's run: its command line, what it printed, how it ended."""

    name: str
    argv: tuple[str, ...]
    output: str
    status: int
    seconds: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def _commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD") or "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit} (with uncommitted changes)" if dirty else commit


def _load() -> tuple[float, float, float]:
    return os.getloadavg()


def _markdown(output: str) -> str:
    """A script's output as Markdown: its tables and headings kept (headings one level down),
    every other run of lines in a text block, so that line breaks survive."""
    parts: list[str] = []
    text: list[str] = []

    def flush_text() -> None:
        while text and not text[-1].strip():
            text.pop()
        if any(line.strip() for line in text):
            parts.append("```text\n" + "\n".join(text).strip("\n") + "\n```\n")
        text.clear()

    for line in output.splitlines():
        if line.startswith("|"):
            flush_text()
            parts.append(line + "\n")
        elif line.startswith("#"):
            flush_text()
            parts.append(f"\n#{line}\n\n")
        elif not line.strip() and not text:
            parts.append("\n")
        else:
            text.append(line)
    flush_text()
    lines = "".join(parts).strip("\n").splitlines()
    spaced: list[str] = []
    for line in lines:  # a table starts and ends with a blank line
        if spaced and spaced[-1] and line and spaced[-1].startswith("|") != line.startswith("|"):
            spaced.append("")
        if line or (spaced and spaced[-1]):
            spaced.append(line)
    return "\n".join(spaced) + "\n"


def run_script(name: str, extra: Sequence[str]) -> Section:
    """Run one script, its stdout captured (stderr, its progress, goes to the terminal)."""
    argv = (sys.executable, str(BENCH / f"{name}.py"), *extra)
    print(f"\n=== {name} ===", flush=True)
    before = _load()
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    seconds = time.monotonic() - started
    print(done.stdout, end="", flush=True)
    print(f"=== {name}: exit {done.returncode}, {seconds:.0f} s", flush=True)
    return Section(name, argv[1:], done.stdout, done.returncode, seconds, before, _load())


def render(sections: Sequence[Section], *, quick: bool, started: datetime.datetime) -> str:
    """bench/RESULTS.md: the header of the machine and commit, then each script's output."""
    load = ", ".join(f"{value:.2f}" for value in sections[0].load_before) if sections else "-"
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run_all.py`); every figure comes from the script named"
        " above it. Do not edit by hand: run `make bench` again.",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}",
        f"- load average (1, 5, 15 min) at the start: {load}",
        f"- Python {platform.python_version()}",
        f"- commit: {_commit()}",
    ]
    if quick:
        lines.append(
            "- **quick configuration** (`--quick`): each script at its smallest size, to check"
            " the mechanism; these figures are not measurements"
        )
    for section in sections:
        relative = " ".join(Path(arg).name if arg.endswith(".py") else arg for arg in section.argv)
        before = ", ".join(f"{value:.2f}" for value in section.load_before)
        after = ", ".join(f"{value:.2f}" for value in section.load_after)
        status = "" if section.status == 0 else f", **failed with exit {section.status}**"
        lines += [
            "",
            f"## {section.name}",
            "",
            f"`python bench/{relative}`: {section.seconds:.0f} s{status}; load average"
            f" {before} before, {after} after.",
            "",
            _markdown(section.output).rstrip("\n") if section.output.strip() else "(no output)",
        ]
    return "\n".join(lines) + "\n"


def kill_block(results: str) -> str | None:
    """The README's kill table, from bench/RESULTS.md's text: the first table of the
    mutant_kill section, under a line naming the date and commit it was measured at; None when
    the file holds no full mutant_kill measure (not run, failed, or the quick configuration)."""
    if "**quick configuration**" in results or "\n## mutant_kill\n" not in results:
        return None
    header = dict(
        line[2:].split(": ", 1)
        for line in results.splitlines()
        if line.startswith("- ") and ": " in line
    )
    section = results.split("\n## mutant_kill\n", 1)[1].split("\n## ", 1)[0]
    if "**failed with exit" in section.strip().split("\n\n", 1)[0]:
        return None
    table: list[str] = []
    for line in section.splitlines():
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    if not table:
        return None
    commit = header.get("commit", "unknown")[:12]
    date = header.get("date", "unknown")
    return "\n".join(
        [
            f"Requests until each faulty server of the self-test is caught, by kind of fault"
            f" (`bench/mutant_kill.py` in `make bench`, {date}, commit {commit}):",
            "",
            *table,
        ]
    )


def replace_block(text: str, block: str) -> str:
    """`text` (the README) with what stands between KILL_BLOCK's two lines replaced by `block`."""
    start, end = KILL_BLOCK
    if start not in text or end not in text:
        raise SystemExit(f"run_all.py: error: README.md lacks the lines {start} and {end}")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{block}\n{end}{after}"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(SCRIPTS)}")
    parser.add_argument("--quick", action="store_true", help="smallest configurations only")
    parser.add_argument("--baseline-src", metavar="DIR", help="an older checkout's src/")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(SCRIPTS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(SCRIPTS)}")
    started = datetime.datetime.now(datetime.UTC)
    sections = []
    for name in args.names or SCRIPTS:
        extra: list[str] = list(QUICK_ARGS[name]) if args.quick else []
        if name == "store_memory" and args.baseline_src:
            extra += ["--baseline-src", args.baseline_src]
        sections.append(run_script(name, extra))
    results = render(sections, quick=args.quick, started=started)
    args.output.write_text(results, encoding="utf-8")
    block = kill_block(results)
    if block is not None and not args.names and args.output == BENCH / "RESULTS.md":
        README.write_text(
            replace_block(README.read_text(encoding="utf-8"), block), encoding="utf-8"
        )
        print(f"written: the kill table of {README.name}")
    failed = [section.name for section in sections if section.status != 0]
    print(f"\nwritten: {args.output}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
