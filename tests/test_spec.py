"""openapi.yaml is valid OpenAPI 3.1 and states what the rest of the kit reads from it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema
import yaml
from openapi_spec_validator import validate

from immoteur_contract.rules import RULES
from immoteur_contract.spec import PACKAGED_SPEC_PATH, SPEC_PATH, load_contract
from immoteur_contract.verdicts import agreeing_verdicts

CONTRACT = load_contract()
ROOT = Path(__file__).resolve().parents[1]
PAGE_FILE = "000_ef094080062de9f1.txt"
# The saved documentation page lives in `shared/seeds/` beside the repository (or beside a folder
# of worktrees that holds it).
SEED_PAGE = next(
    (
        d / "shared" / "seeds" / PAGE_FILE
        for d in ROOT.parents
        if (d / "shared" / "seeds" / PAGE_FILE).exists()
    ),
    None,
)

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
    assert PACKAGED_SPEC_PATH.resolve() == (ROOT / "openapi.yaml").resolve()


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


# What the API's documentation page says, pinned by hand: the page describes the real API, so
# openapi.yaml must keep saying the same. A deliberate spec change (the API changed, and its page)
# updates the value here, with the reason in the commit message.
PAGE: dict[str, tuple[str, object]] = {
    "issue_kinds": ("issueKind options", ("clustering", "data", "other")),
    "clustering_actions": ("clusteringAction options", ("merge", "split")),
    "issue_facets": (
        "issueFacets options",
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
    ),
    "required_fields": ("required fields", ("propertyIds", "issueKind")),
    "property_ids_min_items": ("propertyIds minimum array length", 1),
    "issue_facets_min_items": ("issueFacets minimum array length", 1),
    "clustering_min_targets": ("clustering minimum targets", 2),
    "comment_max_length": ("comment maximum string length", 4000),
    "endpoint_path": ("endpoint", "/public/v1/issues"),
}


def _page_says(attribute: str, label: str, page: object, spec: object) -> str:
    """`openapi.yaml says comment maximum string length 2000; the documentation page says 4000`,
    with the values added and removed for enums, and what to do."""
    said = f"openapi.yaml says {label} {spec!r}; the documentation page says {page!r}"
    if isinstance(page, tuple) and isinstance(spec, tuple):
        added = [v for v in spec if v not in page]
        removed = [v for v in page if v not in spec]
        said += f" (added {added}, removed {removed})" if added or removed else " (order differs)"
    return (
        f"{said}. If the spec changed on purpose, update PAGE[{attribute!r}] in tests/test_spec.py"
        " and give the reason (the new page, the API change) in the commit message."
    )


@pytest.mark.parametrize("attribute", PAGE, ids=[a.replace("_", "-") for a in PAGE])
def test_spec_states_what_the_documentation_page_says(attribute: str) -> None:
    label, page = PAGE[attribute]
    spec = getattr(CONTRACT, attribute)
    assert spec == page, _page_says(attribute, label, page, spec)


@pytest.mark.skipif(
    SEED_PAGE is None,
    reason=(
        "documentation page check skipped: the saved copy of the API's documentation page"
        f" ({PAGE_FILE}, looked for in a `shared/seeds` folder beside the repository or above it)"
        " is not on this machine, so the values pinned in PAGE cannot be checked against it;"
        " the spec is still compared with PAGE"
    ),
)
def test_spec_pinned_page_values_are_on_the_documentation_page() -> None:
    assert SEED_PAGE is not None
    page = SEED_PAGE.read_text(encoding="utf-8")
    for attribute in ("issue_kinds", "clustering_actions", "issue_facets"):
        label, values = PAGE[attribute]
        assert isinstance(values, tuple)
        assert ",\n".join(values) in page, f"PAGE's {label} are not on the page in this order"
    assert f"Maximum string length: {PAGE['comment_max_length'][1]}" in page
    assert page.count(f"Minimum array length: {PAGE['property_ids_min_items'][1]}") == 2
    assert PAGE["issue_facets_min_items"][1] == PAGE["property_ids_min_items"][1]


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


def _through_a_ref(name: str) -> jsonschema.protocols.Validator:
    """The component's validator as a `{"$ref": ...}` into the document, resolved by jsonschema
    on every validation: what `CONTRACT.validator` must agree with."""
    resource = referencing.jsonschema.DRAFT202012.create_resource(dict(CONTRACT.document))
    registry: referencing.Registry[Any] = referencing.Registry().with_resource("urn:spec", resource)
    cls = jsonschema.Draft202012Validator
    ref = {"$ref": f"urn:spec#/components/schemas/{name}"}
    return cls(ref, registry=registry, format_checker=cls.FORMAT_CHECKER)


def _errors(validator: jsonschema.protocols.Validator, value: Any) -> list[tuple[Any, ...]]:
    return [
        (e.message, list(e.path), list(e.schema_path), e.validator)
        for e in validator.iter_errors(value)
    ]


_VALUES: list[Any] = [row.body for row in agreeing_verdicts()] + [
    None,
    [],
    "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "not-a-uuid",
    {"createdAt": "2026-01-02T03:04:05Z", "reportId": "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
    {"createdAt": "2026-13-02T03:04:05", "reportId": "3c90c3cc-0d44-4b50-8888-8dd25736052"},
    {"message": "Unauthenticated."},
    {"message": 1},
    {"message": "m", "errors": {"propertyIds.0": ["bad"], "comment": []}},
    {"errors": {"comment": "bad", "issueKind": [1]}},
]


@pytest.mark.parametrize("name", sorted(CONTRACT.document["components"]["schemas"]))
def test_spec_validator_reports_what_a_ref_to_the_component_reports(name: str) -> None:
    by_ref = _through_a_ref(name)
    assert [_errors(CONTRACT.validator(name), v) for v in _VALUES] == [
        _errors(by_ref, v) for v in _VALUES
    ]
