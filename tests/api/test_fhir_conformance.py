"""FHIR search conformance that real clients rely on (issue 13, item 6), against the real node.

Three-part ``_include``, ``GET [type]/_search`` (HAPI's GET_WITH_SEARCH), vread of the
current version, 415 for non-form POST bodies, 406 for XML ``Accept``, an honest
``_total=estimate``, unknown ``_elements`` warned, ``title:exact`` exact, both schemes of an
identifier system; and the resources the validator asked for (narratives, names, fullUrl).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient
from studies_fixture import Loaded

from eclaire_search.capability import machine_name
from eclaire_search.searchparams import BY_NAME

FHIR_JSON = "application/fhir+json; charset=utf-8"


def get(api: TestClient, url: str, **kw: Any) -> dict[str, Any]:
    response = api.get(url, **kw)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == FHIR_JSON
    return response.json()  # type: ignore[no-any-return]


def entries(bundle: dict[str, Any], mode: str) -> list[dict[str, Any]]:
    return [e for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["diagnostics"]
    assert "<div" in body["text"]["div"]  # narrative (dom-6)
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("three_part", "kind"),
    [
        ("ResearchStudy:site:Location", "Location"),
        ("ResearchStudy:enrollment:Group", "Group"),
        ("ResearchStudy:sponsor:Organization", "Organization"),
    ],
)
def test_three_part_include_equals_two_part(api: TestClient, three_part: str, kind: str) -> None:
    two_part = three_part.rsplit(":", 1)[0]
    params = {"_count": "5", "_sort": "_id"}
    long = get(api, "/R4/ResearchStudy", params={**params, "_include": three_part})
    short = get(api, "/R4/ResearchStudy", params={**params, "_include": two_part})
    included = [e["resource"]["resourceType"] for e in entries(long, "include")]
    assert included and set(included) == {kind}
    assert [e["fullUrl"] for e in long["entry"]] == [e["fullUrl"] for e in short["entry"]]
    self_link = next(li["url"] for li in long["link"] if li["relation"] == "self")
    assert "_include=ResearchStudy%3A" in self_link and kind in self_link


def test_three_part_include_with_a_wrong_target_is_refused(api: TestClient) -> None:
    response = api.get("/R4/ResearchStudy", params={"_include": "ResearchStudy:site:Group"})
    body = outcome(response, 400)
    assert "ResearchStudy:site:Location" in body["issue"][0]["diagnostics"]


def test_get_with_search_equals_get(api: TestClient) -> None:
    params = {"status": "active", "_count": "3", "_sort": "_id"}
    plain = get(api, "/R4/ResearchStudy", params=params)
    via_search = get(api, "/R4/ResearchStudy/_search", params=params)
    assert plain["total"] == via_search["total"] > 0
    assert [e["fullUrl"] for e in plain["entry"]] == [e["fullUrl"] for e in via_search["entry"]]


def test_vread_serves_the_current_version_only(api: TestClient) -> None:
    study = get(api, "/R4/ResearchStudy/2021-A01861-40")
    version = study["meta"]["versionId"]
    response = api.get(f"/R4/ResearchStudy/2021-A01861-40/_history/{version}")
    assert response.status_code == 200
    assert response.json() == study
    assert response.headers["etag"] == f'W/"{version}"'
    other = outcome(api.get(f"/R4/ResearchStudy/2021-A01861-40/_history/{int(version) + 1}"), 404)
    assert f"current one, {version}" in other["issue"][0]["diagnostics"]
    outcome(api.get("/R4/ResearchStudy/does-not-exist/_history/1"), 404)
    unversioned = outcome(api.get("/R4/Group/2021-A01861-40-enrollment-group/_history/1"), 404)
    assert "not versioned" in unversioned["issue"][0]["diagnostics"]


def test_vread_is_claimed_in_the_capability_statement(api: TestClient) -> None:
    statement = get(api, "/R4/metadata")
    study = statement["rest"][0]["resource"][0]
    assert {"read", "vread", "search-type"} <= {i["code"] for i in study["interaction"]}
    assert "ResearchStudy:site:Location" in study["searchInclude"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/fhir+json", b'{"status": "active"}'),
        ("application/json", b'{"status": "active"}'),
        ("text/plain", b"status=active"),
        (None, b"status=active"),
    ],
)
def test_post_search_with_a_non_form_body_is_415(
    api: TestClient, content_type: str | None, body: bytes
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = api.post("/R4/ResearchStudy/_search", content=body, headers=headers)
    answer = outcome(response, 415)
    assert answer["issue"][0]["code"] == "not-supported"


def test_post_search_with_a_form_or_no_body_still_works(api: TestClient) -> None:
    form = api.post("/R4/ResearchStudy/_search", data={"status": "active", "_count": "1"})
    assert form.status_code == 200 and form.json()["total"] > 0
    empty = api.post("/R4/ResearchStudy/_search", params={"status": "completed"})
    assert empty.status_code == 200 and empty.json()["total"] > 0


@pytest.mark.parametrize(
    "accept", ["application/fhir+xml", "application/xml", "text/xml;q=0.9, application/xml"]
)
@pytest.mark.parametrize(
    "path", ["/R4/metadata", "/R4/ResearchStudy", "/R4/ResearchStudy/2021-A01861-40"]
)
def test_xml_accept_is_406(api: TestClient, accept: str, path: str) -> None:
    answer = outcome(api.get(path, headers={"accept": accept}), 406)
    assert answer["issue"][0]["code"] == "not-supported"


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+json",
        "application/fhir+xml;q=1.0, application/fhir+json;q=1.0, application/xml+fhir;q=0.9",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "text/html",
    ],
)
def test_accept_with_json_or_a_wildcard_is_served(api: TestClient, accept: str) -> None:
    assert get(api, "/R4/metadata", headers={"accept": accept})["fhirVersion"] == "4.0.1"


def test_xml_refused_in_accept_but_json_wildcard_kept(api: TestClient) -> None:
    outcome(api.get("/R4/metadata", headers={"accept": "application/json;q=0, text/xml"}), 406)


def test_total_estimate_is_the_real_figure(api: TestClient, loaded: Loaded) -> None:
    estimate = get(api, "/R4/ResearchStudy", params={"_total": "estimate", "_count": "1"})
    assert estimate["total"] == len(loaded.expected)
    active = sum(1 for e in loaded.expected if e.status == "active")
    counted = get(api, "/R4/ResearchStudy", params={"_total": "estimate", "status": "active"})
    assert counted["total"] == active
    assert "total" not in get(api, "/R4/ResearchStudy", params={"_total": "none"})


def test_unknown_elements_are_warned_in_the_outcome_entry(api: TestClient) -> None:
    bundle = get(api, "/R4/ResearchStudy", params={"_elements": "title,foo,Title", "_count": "2"})
    (entry,) = entries(bundle, "outcome")
    issue = entry["resource"]["issue"][0]
    assert issue["severity"] == "warning" and issue["expression"] == ["_elements"]
    assert "foo" in issue["diagnostics"] and "Title" in issue["diagnostics"]
    assert "'title'" not in issue["diagnostics"]
    for match in entries(bundle, "match"):
        assert "title" in match["resource"] and "foo" not in match["resource"]
    known = get(api, "/R4/ResearchStudy", params={"_elements": "title,status", "_count": "1"})
    assert entries(known, "outcome") == []


def test_outcome_entry_has_a_urn_uuid_full_url(api: TestClient) -> None:
    bundle = get(api, "/R4/ResearchStudy", params={"unknown-param": "1", "_count": "1"})
    (entry,) = entries(bundle, "outcome")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry["fullUrl"])
    again = get(api, "/R4/ResearchStudy", params={"unknown-param": "1", "_count": "1"})
    assert entries(again, "outcome")[0]["fullUrl"] != entry["fullUrl"]


def test_title_exact_counts_case_and_accents(api: TestClient, loaded: Loaded) -> None:
    title = "Évaluation du sommeil à l'hôpital"
    exact = get(api, "/R4/ResearchStudy", params={"title:exact": title, "_count": "100"})
    assert exact["total"] > 0
    for entry in entries(exact, "match"):
        assert entry["resource"]["title"] == title
    for variant in ("evaluation du sommeil a l'hopital", title.upper(), title[:-1]):
        assert get(api, "/R4/ResearchStudy", params={"title:exact": variant})["total"] == 0
    folded = get(api, "/R4/ResearchStudy", params={"title": "evaluation du sommeil a l'hopital"})
    assert folded["total"] == exact["total"]  # the default search still folds both


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_identifier_system_in_either_scheme(api: TestClient, scheme: str) -> None:
    study = get(api, "/R4/ResearchStudy/2021-A01861-40")
    nct = next(i for i in study["identifier"] if "clinicaltrials" in i.get("system", ""))
    assert nct["system"] == "https://clinicaltrials.gov"  # as the technical document shows
    value = f"{scheme}://clinicaltrials.gov|{nct['value']}"
    bundle = get(api, "/R4/ResearchStudy", params={"identifier": value})
    assert [e["resource"]["id"] for e in entries(bundle, "match")] == ["2021-A01861-40"]
    other = get(api, "/R4/ResearchStudy", params={"identifier": f"{scheme}://other.org|x"})
    assert other["total"] == 0


def test_capability_statement_types_agree_with_search_parameters(api: TestClient) -> None:
    statement = get(api, "/R4/metadata")
    assert "<div" in statement["text"]["div"]
    params = {p["name"]: p for p in statement["rest"][0]["resource"][0]["searchParam"]}
    assert params["_text"]["type"] == params["_content"]["type"] == "string"  # as R4 defines
    for name, param in params.items():
        if not param["definition"].startswith("http://testserver/"):
            continue
        served = get(api, param["definition"].removeprefix("http://testserver"))
        assert served["type"] == param["type"]
        assert served["code"] == name and re.fullmatch(r"[A-Z][A-Za-z0-9_]*", served["name"])
        assert "<div" in served["text"]["div"]
        assert "(via" not in served["expression"] and served["expression"].startswith(
            "ResearchStudy."
        )


def test_machine_names_and_fhirpath_expressions() -> None:
    assert machine_name("site-city") == "SiteCity"
    assert machine_name("recruitment-status") == "RecruitmentStatus"
    assert "resolve().ofType(Location).address.city" in BY_NAME["site-city"].expression
    sponsor = BY_NAME["sponsor-name"].expression
    assert "extension-ResearchStudy.associatedParty" in sponsor
