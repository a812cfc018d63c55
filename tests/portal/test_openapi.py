"""/openapi.json: a valid OpenAPI 3.1 document, generated from the parameter table, that
schemathesis loads, whose examples the API accepts, and whose answers the API keeps to.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from eclaire_search.app import create_app
from eclaire_search.openapi import build_document
from eclaire_search.openapi.parameters import EXAMPLES, examples_for, search_names
from eclaire_search.openapi.vendor import check as check_vendored
from eclaire_search.routes import fhir
from eclaire_search.routes.fhir import READ_ONLY_TYPES
from eclaire_search.search_request import parse_search
from eclaire_search.searchparams import BY_NAME, RESULT_PARAMS, SEARCH_PARAMS

DOC = build_document("http://testserver")


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
    ]


def test_served_document_validates_as_openapi_31(portal: TestClient) -> None:
    response = portal.get("/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(served).validate()
    assert served["servers"] == [{"url": "http://testserver"}]


def test_schemathesis_loads_every_operation() -> None:
    schema = schemathesis.openapi.from_dict(DOC)
    loaded = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(loaded) == len(operations(DOC))
    assert {op.method.upper() + " " + op.path for op in loaded} >= {
        "GET /R4/ResearchStudy",
        "POST /R4/ResearchStudy/_search",
        "GET /R4/Location/{id}",
        "GET /api/facets",
        "GET /ready",
    }


def test_every_route_of_the_app_is_described() -> None:
    """Each API route has a path in the document; pages (not in schema), the generic
    ``/{type}`` answers and the write refusals (405 for any type) are left out on purpose."""
    skipped = (fhir.write_refused, fhir.type_level)
    found: set[str] = set()
    for route in create_app().routes:
        children = route.routes if isinstance(route, Mount) else [route]
        prefix = route.path if isinstance(route, Mount) else ""
        for child in children:
            if isinstance(child, Route) and child.include_in_schema:
                if child.endpoint in skipped:
                    continue
                path = prefix + child.path
                if path == "/R4/{type}/{id}":
                    paths = [f"/R4/{kind}/{{id}}" for kind in ("ResearchStudy", *READ_ONLY_TYPES)]
                elif path == "/R4/{type}/{id}/_history/{vid}":  # only ResearchStudy is versioned
                    paths = ["/R4/ResearchStudy/{id}/_history/{vid}"]
                elif path == "/api/export.{format:str}":
                    paths = ["/api/export.ndjson", "/api/export.csv"]
                else:
                    paths = [path]
                found |= {f"{m} {p}" for m in child.methods or () if m != "HEAD" for p in paths}
    described = {f"{m.upper()} {p}" for p, m, _ in operations(DOC)}
    assert found == described


def test_every_table_parameter_and_modifier_is_a_parameter() -> None:
    names = {p["name"] for p in DOC["components"]["parameters"].values()}
    for param in SEARCH_PARAMS:
        assert param.name in names
        assert param.description in DOC["components"]["parameters"][param.name]["description"]
        for modifier in param.modifiers:
            assert f"{param.name}:{modifier}" in names
    assert set(RESULT_PARAMS) <= names
    search = DOC["paths"]["/R4/ResearchStudy"]["get"]["parameters"]
    assert len(search) == len(search_names()) + len(RESULT_PARAMS) + 1  # + Prefer


def test_brief_examples_are_offered() -> None:
    values = {
        (p["name"], str(e["value"]))
        for p in DOC["components"]["parameters"].values()
        for e in (p.get("examples") or {}).values()
    }
    assert ("status", "active") in values
    assert ("site-city", "Saint-Étienne") in values
    assert ("_lastUpdated", "['ge2022-11-06T15:00']") in values


@pytest.mark.parametrize("name", [name for name, _, _ in search_names()])
def test_each_parameter_has_examples_the_parser_accepts(name: str) -> None:
    examples = examples_for(name)
    assert examples, f"{name} has no example: add one to openapi.parameters.EXAMPLES"
    for value, _ in examples:
        request = parse_search([(name, value)], tz=ZoneInfo("Europe/Paris"), strict=True)
        assert len(request.criteria) == 1
    assert set(EXAMPLES) <= set(BY_NAME)


def test_examples_give_answers_from_the_api(portal: TestClient) -> None:
    for name, _, _ in search_names():
        for value, _ in examples_for(name):
            response = portal.get("/R4/ResearchStudy", params={name: value, "_count": "1"})
            assert response.status_code == 200, (name, value, response.text)
    active = portal.get("/R4/ResearchStudy", params={"status": "active"}).json()
    city = portal.get("/R4/ResearchStudy", params={"site-city": "Saint-Étienne"}).json()
    assert active["total"] > 0 and city["total"] > 0


def test_error_responses_are_operation_outcomes() -> None:
    for name, response in DOC["components"]["responses"].items():
        content = response["content"]["application/fhir+json"]
        assert content["schema"] == {"$ref": "#/components/schemas/OperationOutcome"}, name
        example = content["examples"]["e1"]["value"]
        assert example["resourceType"] == "OperationOutcome"
    unavailable = DOC["components"]["responses"]["Unavailable"]
    assert "Retry-After" in unavailable["headers"]


def test_vendored_swagger_ui_is_the_pinned_release(portal: TestClient) -> None:
    assert check_vendored() == []
    page = portal.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "<script>" not in page.text  # only script files: the CSP allows no inline script
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    bundle = portal.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 1_000_000


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SAMPLED = [
    "searchResearchStudy",
    "searchResearchStudyPost",
    "readResearchStudy",
    "readLocation",
    "getFacets",
    "getStatistics",
    "getVersion",
    "capabilities",
]


@pytest.mark.parametrize("operation_id", SAMPLED)
def test_answers_keep_to_the_document(operation_id: str, live_url: str) -> None:
    """Generated requests against the running app: no 500, and every answer as documented."""
    schema = schemathesis.openapi.from_dict(build_document(live_url))
    operation = schema.find_operation_by_id(operation_id)
    session = requests.Session()

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(base_url=live_url, session=session, timeout=10)
        case.validate_response(response, checks=CHECKS)

    run()
