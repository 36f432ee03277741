"""openapi.yaml is valid OpenAPI 3.1 and states what the rest of the kit reads from it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from immoteur_contract.rules import RULES
from immoteur_contract.spec import SPEC_PATH, load_contract

CONTRACT = load_contract()
ROOT = Path(__file__).resolve().parents[1]
SEED_PAGE = ROOT.parent / "shared" / "seeds" / "000_ef094080062de9f1.txt"

# ECMA-262 WhiteSpace and LineTerminator (the set `\s` matches), from the standard's tables and
# Unicode's Zs category. The differential test below re-derives it from a JavaScript engine.
ECMA_WHITESPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _document() -> Any:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def test_spec_is_valid_openapi_3_1() -> None:
    document = _document()
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_spec_packaged_copy_is_the_root_file() -> None:
    assert SPEC_PATH.resolve() == (ROOT / "openapi.yaml").resolve()


def test_spec_follows_the_api_conventions() -> None:
    document = _document()
    assert document["servers"] == [{"url": "https://api.immoteur.com/public/v1"}]
    assert document["components"]["securitySchemes"]["BearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "Personal Access Token",
        "description": document["components"]["securitySchemes"]["BearerAuth"]["description"],
    }
    operation = document["paths"]["/issues"]["post"]
    assert re.fullmatch(r"[a-z]+[A-Z][a-zA-Z]*", operation["operationId"])
    assert operation["tags"] == ["Issue"]
    assert set(operation["responses"]) == {"201", "400", "401", "403", "422", "429", "default"}


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        pytest.param("issue_kinds", ("clustering", "data", "other"), id="issue-kinds"),
        pytest.param("clustering_actions", ("merge", "split"), id="clustering-actions"),
        pytest.param(
            "issue_facets",
            (
                "attributes",
                "contact",
                "description",
                "link",
                "location",
                "media",
                "other",
                "price",
                "publisher",
                "status",
            ),
            id="issue-facets",
        ),
        pytest.param("required_fields", ("propertyIds", "issueKind"), id="required"),
        pytest.param("property_ids_min_items", 1, id="property-ids-min"),
        pytest.param("issue_facets_min_items", 1, id="issue-facets-min"),
        pytest.param("clustering_min_targets", 2, id="clustering-targets"),
        pytest.param("comment_max_length", 4000, id="comment-max"),
        pytest.param("endpoint_path", "/public/v1/issues", id="endpoint"),
    ],
)
def test_spec_states_what_the_documentation_page_says(attribute: str, expected: object) -> None:
    assert getattr(CONTRACT, attribute) == expected


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the documentation page is not beside the repo")
def test_spec_enums_appear_in_the_page_in_documented_order() -> None:
    page = SEED_PAGE.read_text(encoding="utf-8")
    for values in (CONTRACT.issue_kinds, CONTRACT.clustering_actions, CONTRACT.issue_facets):
        assert ",\n".join(values) in page


def test_spec_rule_ids_are_unique_and_each_has_one_check() -> None:
    ids = [rule.id for rule in CONTRACT.rules]
    assert len(ids) == len(set(ids))
    assert RULES.ids == tuple(ids)
    for rule in CONTRACT.rules:
        assert rule.field in ("", *CONTRACT.request_fields), rule.id
        assert rule.statement.strip()


def test_spec_conditionals_each_name_a_rule_and_guard_on_issue_kind() -> None:
    request = CONTRACT.schema(CONTRACT.request_schema_name)
    ids = {rule.id for rule in CONTRACT.rules}
    for entry in request["allOf"]:
        assert entry["if"]["required"] == ["issueKind"]
        named = entry["$comment"].split()[1]
        assert named in ids


def test_spec_states_every_decision() -> None:
    decisions = _document()["info"]["x-decisions"]
    assert [d["id"] for d in decisions] == [f"D{n}" for n in range(1, 11)]
    description = _document()["info"]["description"]
    for decision in decisions:
        assert f"- {decision['id']} " in description


@pytest.mark.parametrize("kind", CONTRACT.issue_kinds)
def test_spec_has_one_valid_example_per_kind(kind: str) -> None:
    examples = _document()["paths"]["/issues"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]
    value = examples[kind]["value"]
    assert value["issueKind"] == kind
    assert CONTRACT.validator(CONTRACT.request_schema_name).is_valid(value)
    assert RULES.is_valid(value)


def test_spec_non_blank_class_is_the_complement_of_ecma_whitespace() -> None:
    blank = {chr(c) for c in range(0x110000) if not CONTRACT.non_blank_pattern.search(chr(c))}
    assert blank == ECMA_WHITESPACE


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_spec_ecma_whitespace_matches_a_javascript_engine() -> None:
    script = (
        "const s=[];for(let c=0;c<0x110000;c++){if(c>=0xd800&&c<0xe000)continue;"
        "if(/^\\s$/u.test(String.fromCodePoint(c)))s.push(c)}console.log(JSON.stringify(s))"
    )
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert {chr(c) for c in json.loads(done.stdout)} == ECMA_WHITESPACE


def test_spec_uuid_rule_rejects_a_final_newline_in_python() -> None:
    # Python's `$` matches before a final newline; the fixed length in the spec closes that gap.
    text = "3c90c3cc-0d44-4b50-8888-8dd25736052a\n"
    assert CONTRACT.uuid_pattern.search(text) is not None
    assert not CONTRACT.validator("Uuid").is_valid(text)
    assert sys.maxunicode == 0x10FFFF
