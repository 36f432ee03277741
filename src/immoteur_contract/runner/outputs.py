"""The files a run writes (`--report`, `--record`, `--junit`), each written whole or not at all.

Every file is written to a temporary file beside it and moved into place (`os.replace`), so a run
interrupted while writing (Ctrl-C, a kill) leaves the previous file or the new one, never half of
one. The token is scrubbed from each (scrubbing.Scrubber: never inside an identifier), and the
JUnit file gets the run's verdict as testsuite properties (`verdict`, `verdict_text`,
`transport_faults`, `unjudged`), so a CI system reading only JUnit sees the same verdict as the
terminal.
"""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from .ledger import Ledger, decode_body
from .report import RunReport
from .scrubbing import Scrubber, scrub_elements

__all__ = ["finish_junit", "write_atomic", "write_record"]


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_record(path: Path, ledger: Ledger, scrubber: Scrubber) -> None:
    """One JSON line per request sent, transport faults included (`fault`): its body scrubbed
    as a foreign value, the line as a whole as the kit's own output (its test and rule ids are
    kept)."""
    lines = []
    for e in ledger.exchanges:
        line = {
            "index": e.index,
            "layer": e.context.layer,
            "rule": e.context.rule,
            "test": e.context.test,
            "method": e.method,
            "url": e.url,
            "status": e.status,
            "fault": e.fault,
            "body": scrubber.foreign(decode_body(e.body)),
            "verdict": e.verdict,
            "showed_failure": e.failed,
        }
        lines.append(json.dumps(scrubber.own(line), ensure_ascii=True))
    write_atomic(path, "".join(line + "\n" for line in lines))


def finish_junit(path: Path, report: RunReport) -> None:
    """Scrub the token from the JUnit file pytest wrote and add the run's verdict to each
    testsuite's properties."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:  # not XML after all: scrubbed as plain text
        write_atomic(path, report.scrubber.own_text(text))
        return
    scrub_elements(root, report.scrubber)
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    faults = report.transport_faults()
    values = {
        "verdict": report.final.key,
        "verdict_text": report.final.text,
        "transport_faults": str(faults["requests"]),
        "unjudged": ", ".join(faults["unjudged"]),
    }
    for suite in suites:
        properties = suite.find("properties")
        if properties is None:
            properties = ET.Element("properties")
            suite.insert(0, properties)
        for old in [p for p in properties if p.get("name") in values]:
            properties.remove(old)
        for name, value in values.items():
            ET.SubElement(properties, "property", name=name, value=value)
    body = ET.tostring(root, encoding="unicode")
    write_atomic(path, '<?xml version="1.0" encoding="utf-8"?>' + body)
