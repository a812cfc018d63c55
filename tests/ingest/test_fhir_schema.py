"""The compiled schema (ingest/mapping/fhir_schema.py, RES-16) rejects what the fhir.resources
models reject: the models stay the oracle, the schema only makes the check cheaper."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.group import Group
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.researchstudy import ResearchStudy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_mapping_samples import ctis, dm, full, jarde, study
from pydantic import ValidationError

from ingest.mapping import ASSIGNER_ORGANIZATIONS, RecordRejected
from ingest.mapping.validation import validate_resource

MODELS: dict[str, Any] = {
    "ResearchStudy": ResearchStudy,
    "Group": Group,
    "Location": Location,
    "Organization": Organization,
}
SITE = {"organisme": "CHU Fictif", "ville": "Lyon", "code_postal": "69000", "nom": "Nom"}
RESOURCES = [
    resource
    for record in (
        full(ctis(sites_investigateurs=[SITE] * 2)),
        full(dm(sites_investigateurs=[SITE])),
        full(jarde(participants_sexe="Femme")),
    )
    for resource in study(record).resources()
] + list(ASSIGNER_ORGANIZATIONS.values())
Path = tuple[str | int, ...]


def models_accept(resource: dict[str, Any]) -> bool:
    try:
        MODELS[resource["resourceType"]].model_validate(resource)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


def schema_accepts(resource: dict[str, Any]) -> bool:
    try:
        validate_resource(resource)
    except RecordRejected:
        return False
    return True


def reason(resource: dict[str, Any]) -> str:
    with pytest.raises(RecordRejected) as info:
        validate_resource(resource)
    assert info.value.kind == "invalid"
    return info.value.reason


def paths(value: Any, path: Path = ()) -> Iterator[Path]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*path, index))


def parent_of(resource: dict[str, Any], path: Path) -> Any:
    node: Any = resource
    for key in path[:-1]:
        node = node[key]
    return node


@pytest.mark.parametrize("index", range(len(RESOURCES)))
def test_mapped_resources_pass_both(index: int) -> None:
    resource = RESOURCES[index]
    assert models_accept(resource)
    assert schema_accepts(resource)


def test_reasons_name_the_element_and_the_fault() -> None:
    group = copy.deepcopy(next(r for r in RESOURCES if r["resourceType"] == "Group"))
    characteristic = group["characteristic"][0]
    missing = copy.deepcopy(group)
    del missing["characteristic"][0]["exclude"]
    assert reason(missing).endswith('characteristic.0: "exclude" is a required property')
    value = next(k for k in characteristic if k.startswith("value"))
    second = copy.deepcopy(group)
    second["characteristic"][0]["valueBoolean" if value != "valueBoolean" else "valueRange"] = (
        True if value != "valueBoolean" else {"low": {"value": 1}}
    )
    assert "only one value[x] is allowed" in reason(second)
    none = copy.deepcopy(group)
    del none["characteristic"][0][value]
    assert '"value[x]" is a required property' in reason(none)

    rs = copy.deepcopy(RESOURCES[0])
    rs["status"] = 12
    assert 'status: 12 is not of type "string"' in reason(rs)
    rs["status"] = "active"
    rs["period"] = {"start": "2024-02-30"}
    assert "period.start" in reason(rs)
    rs["period"] = {"start": "2024-02-29"}
    assert schema_accepts(rs)
    rs["unknownElement"] = "x"
    assert "'unknownElement' was unexpected" in reason(rs)
    del rs["unknownElement"]
    rs["text"] = {
        "status": "generated",
        "div": "<div xmlns='http://www.w3.org/1999/xhtml'><p>x</div>",
    }
    assert "well-formed" in reason(rs)
    rs["text"]["div"] = "<div xmlns='http://www.w3.org/1999/xhtml'>a&nbsp;b</div>"
    assert "undefined entity" in reason(rs)
    rs["text"]["div"] = "<div><p>no namespace</p></div>"
    assert "not an XHTML <div>" in reason(rs)
    rs["text"]["div"] = "<p xmlns='http://www.w3.org/1999/xhtml'>x</p>"
    assert "not an XHTML <div>" in reason(rs)
    rs["text"]["div"] = "<div xmlns='http://www.w3.org/1999/xhtml'><p>fine</p></div>"
    assert schema_accepts(rs)
    assert "unexpected resource type" in reason({"resourceType": "Patient", "id": "p"})


def test_a_required_primitive_may_be_an_extension_instead() -> None:
    """FHIR lets ``_exclude`` with an extension stand for a missing ``exclude``: both agree."""
    group = copy.deepcopy(next(r for r in RESOURCES if r["resourceType"] == "Group"))
    del group["characteristic"][0]["exclude"]
    absent = {"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason"}
    group["characteristic"][0]["_exclude"] = {"extension": [{**absent, "valueCode": "unknown"}]}
    assert models_accept(group) and schema_accepts(group)
    group["characteristic"][0]["_exclude"] = {"id": "no-extension"}
    assert not models_accept(group)
    assert not schema_accepts(group)


JUNK: st.SearchStrategy[Any] = st.sampled_from(
    [None, 0, -3, 2.5, True, "", " ", "a  b", " lead", "2024-13", "2024-02-30",
     "2024-01-01T10:00:00", "2024-01-01T10:00:00Z", [], {}, [None], ["x"], [{}], {"x": 1},
     {"extension": []}, "http://x y", "urn:uuid:zz"]
)  # fmt: skip
KEYS: st.SearchStrategy[str] = st.sampled_from(
    ["unknown", "valueString", "valueBoolean", "valueRange", "_status", "extension", "url",
     "id", "text", "exclude", "code"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_what_the_models_reject_the_schema_rejects(data: st.DataObject) -> None:
    resource = copy.deepcopy(data.draw(st.sampled_from(RESOURCES)))
    choices = [p for p in paths(resource) if p and p != ("resourceType",)]
    for _ in range(data.draw(st.integers(1, 2))):
        path = data.draw(st.sampled_from(choices))
        parent: Any = parent_of(resource, path)
        key: Any = path[-1]
        operation = data.draw(st.sampled_from(["delete", "replace", "add", "repeat"]))
        if operation == "delete":
            del parent[key]
        elif operation == "replace":
            parent[key] = copy.deepcopy(data.draw(JUNK))
        elif operation == "add" and isinstance(parent[key], dict):
            parent[key][data.draw(KEYS)] = copy.deepcopy(data.draw(st.one_of(JUNK, st.just("v"))))
        elif operation == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        choices = [p for p in paths(resource) if p and p != ("resourceType",)]
        if not choices:
            break
    if not models_accept(resource):
        assert not schema_accepts(resource), resource
