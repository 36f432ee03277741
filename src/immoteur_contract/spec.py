"""The contract as read from openapi.yaml: the one home of every enum, limit, pattern and rule id.

Nothing else in the kit writes a facet name, a length limit or a rule statement by hand: the
reference server, the strategies and the client facade all take them from `load_contract()`, so
a change to the spec flows through the kit without edits elsewhere.

`IMMOTEUR_SPEC`, when set, is the path of the OpenAPI document the whole kit reads instead of the
packaged openapi.yaml (server, strategies, rules, verdict table, suite). It exists to try a spec
change on a copy before making it: tests/spec_change runs the kit on edited copies that way.
When the spec states something the code cannot follow by itself (a rule with no check), loading
raises `SpecMismatchError` with one line naming what a person must write.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import jsonschema
import referencing
import referencing.jsonschema
import yaml

__all__ = [
    "PACKAGED_SPEC_PATH",
    "SPEC_ENV_VAR",
    "SPEC_PATH",
    "Contract",
    "RuleStatement",
    "SpecMismatchError",
    "load_contract",
    "rule_statements",
]

PACKAGED_SPEC_PATH = Path(__file__).with_name("openapi.yaml")
SPEC_ENV_VAR = "IMMOTEUR_SPEC"
SPEC_PATH = Path(os.environ.get(SPEC_ENV_VAR) or PACKAGED_SPEC_PATH)
"""The spec the kit reads: `$IMMOTEUR_SPEC` when set, else the packaged openapi.yaml."""


class SpecMismatchError(Exception):
    """openapi.yaml states something the kit's code does not follow; the message says what to
    write (for example a check in rules.py for a new x-rules id)."""


_SPEC_URI = "urn:immoteur:openapi"


@dataclass(frozen=True)
class RuleStatement:
    """A rule as the spec's `x-rules` list states it: a stable id, the field it keys, one line."""

    id: str
    field: str
    statement: str


@dataclass(frozen=True)
class Contract:
    """The facts of the contract that code needs, each read from the spec document."""

    document: Mapping[str, Any] = field(compare=False, hash=False, repr=False)
    base_path: str
    issues_path: str
    request_schema_name: str
    issue_kinds: tuple[str, ...]
    clustering_actions: tuple[str, ...]
    issue_facets: tuple[str, ...]
    required_fields: tuple[str, ...]
    property_ids_min_items: int
    issue_facets_min_items: int
    clustering_min_targets: int
    comment_max_length: int
    uuid_pattern: re.Pattern[str]
    uuid_length: int
    non_blank_pattern: re.Pattern[str]
    rules: tuple[RuleStatement, ...]
    _validators: dict[str, jsonschema.protocols.Validator] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """The validator of each component schema asked for, built on first use: the expectations
    ask for one on every response checked."""

    @property
    def request_fields(self) -> tuple[str, ...]:
        """The documented request properties, in spec order."""
        return tuple(self.schema(self.request_schema_name)["properties"])

    @property
    def endpoint_path(self) -> str:
        """Path of the endpoint on a server, `/public/v1/issues`."""
        return self.base_path + self.issues_path

    def schema(self, name: str) -> Mapping[str, Any]:
        """A component schema by name."""
        return cast(Mapping[str, Any], self.document["components"]["schemas"][name])

    def validator(self, name: str) -> jsonschema.protocols.Validator:
        """A Draft 2020-12 validator, formats checked, for the component schema `name` (built on
        the first call for `name`, the same one after)."""
        found = self._validators.get(name)
        if found is None:
            found = self._validators[name] = _validator(self.document, name)
        return found

    def rule(self, rule_id: str) -> RuleStatement:
        """The rule with id `rule_id`; KeyError names unknown ids."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id!r} in the spec's x-rules")


def _validator(document: Mapping[str, Any], name: str) -> jsonschema.protocols.Validator:
    """A validator whose root is the component `name` itself, resolved once in the document:
    what jsonschema does on meeting `{"$ref": "#/components/schemas/<name>"}` (evolve onto the
    target with the target's resolver), done here instead of on every validation. The errors
    are the same: a `$ref` adds nothing to an error's paths or message."""
    resource = referencing.jsonschema.DRAFT202012.create_resource(dict(document))
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(_SPEC_URI, resource)
    component = registry.resolver(_SPEC_URI).lookup(f"#/components/schemas/{name}")
    cls = jsonschema.Draft202012Validator
    bare = cls(component.contents, registry=registry, format_checker=cls.FORMAT_CHECKER)
    return bare.evolve(_resolver=component.resolver)


def load_contract(path: Path | str = SPEC_PATH) -> Contract:
    """Read the contract from an OpenAPI document (`SPEC_PATH` by default)."""
    return _load(str(path))


@functools.cache
def _load(path: str) -> Contract:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    schemas = document["components"]["schemas"]
    (issues_path, item), *_ = document["paths"].items()
    body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    request_name = _ref_name(body["$ref"])
    request = schemas[request_name]
    props = request["properties"]
    uuid = schemas[_ref_name(props["propertyIds"]["items"]["$ref"])]
    if uuid["minLength"] != uuid["maxLength"]:
        raise ValueError("the Uuid schema must fix one length")
    return Contract(
        document=document,
        base_path=urlsplit(document["servers"][0]["url"]).path.rstrip("/"),
        issues_path=issues_path,
        request_schema_name=request_name,
        issue_kinds=tuple(schemas[_ref_name(props["issueKind"]["$ref"])]["enum"]),
        clustering_actions=tuple(_clustering_actions(schemas, props["clusteringAction"])),
        issue_facets=tuple(schemas[_ref_name(props["issueFacets"]["items"]["$ref"])]["enum"]),
        required_fields=tuple(request["required"]),
        property_ids_min_items=int(props["propertyIds"]["minItems"]),
        issue_facets_min_items=int(props["issueFacets"]["minItems"]),
        clustering_min_targets=_clustering_min_targets(request),
        comment_max_length=int(props["comment"]["maxLength"]),
        uuid_pattern=re.compile(uuid["pattern"]),
        uuid_length=int(uuid["maxLength"]),
        non_blank_pattern=re.compile(_non_blank_pattern(request)),
        rules=rule_statements(request),
    )


def rule_statements(schema: Mapping[str, Any]) -> tuple[RuleStatement, ...]:
    """A schema's `x-rules`, in spec order: the one reading of them, shared by `load_contract`
    and by `spec-diff` (which reads them from documents that `load_contract` may not accept)."""
    return tuple(
        RuleStatement(id=r["id"], field=r["field"], statement=r["statement"])
        for r in schema.get("x-rules", [])
    )


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _clustering_actions(schemas: Mapping[str, Any], prop: Mapping[str, Any]) -> list[str]:
    refs = [branch["$ref"] for branch in prop["anyOf"] if "$ref" in branch]
    return list(schemas[_ref_name(refs[0])]["enum"])


def _conditional(request: Mapping[str, Any], kind: str, key: str) -> Any:
    """The `then` of the first if/then whose `if` selects `kind` and whose `then` has `key`."""
    for entry in cast(Sequence[Mapping[str, Any]], request["allOf"]):
        if entry["if"]["properties"]["issueKind"]["const"] == kind and key in entry["then"]:
            return entry["then"]
    raise ValueError(f"no conditional for {kind} with {key}")


def _clustering_min_targets(request: Mapping[str, Any]) -> int:
    # anyOf: propertyIds has N, or classifiedIds has one more beside propertyIds' minimum.
    branches = _conditional(request, "clustering", "anyOf")["anyOf"]
    return int(branches[0]["properties"]["propertyIds"]["minItems"])


def _non_blank_pattern(request: Mapping[str, Any]) -> str:
    then = _conditional(request, "other", "properties")
    return str(then["properties"]["comment"]["pattern"])
