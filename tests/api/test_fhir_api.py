"""End to end against the real node: reads, searches, includes, paging, errors, statistics."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient
from studies_fixture import Loaded

from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from eclaire_search.searchparams import SEARCH_PARAMS

FHIR_JSON = "application/fhir+json; charset=utf-8"


def get(api: TestClient, url: str, **kw: Any) -> dict[str, Any]:
    response = api.get(url, **kw)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == FHIR_JSON
    return response.json()  # type: ignore[no-any-return]


def ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def assert_outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"] and body["issue"][0]["diagnostics"]
    return body  # type: ignore[no-any-return]


def test_metadata_lists_the_table(api: TestClient) -> None:
    statement = get(api, "/R4/metadata")
    assert statement["fhirVersion"] == "4.0.1"
    study = statement["rest"][0]["resource"][0]
    names = {p["name"] for p in study["searchParam"]}
    assert names == {n for p in SEARCH_PARAMS for n in (p.name, *p.aliases)}
    assert set(study["searchInclude"]) >= {"*", "ResearchStudy:site", "ResearchStudy:enrollment"}


def test_search_all_published_and_nothing_else(api: TestClient, loaded: Loaded) -> None:
    bundle = get(api, "/R4/ResearchStudy", params={"_count": "1000"})
    assert bundle["type"] == "searchset"
    assert bundle["total"] == len(loaded.expected)
    assert sorted(ids(bundle)) == sorted(e.id for e in loaded.expected)
    assert "2022-A99999-99" not in ids(bundle)


def test_no_match_is_200_with_total_0(api: TestClient) -> None:
    bundle = get(api, "/R4/ResearchStudy", params={"_id": "does-not-exist"})
    assert bundle["total"] == 0
    assert "entry" not in bundle


def test_status_with_every_system_form(api: TestClient, loaded: Loaded) -> None:
    active = sorted(e.id for e in loaded.expected if e.status == "active")
    for value in (
        "active",
        "|active",
        "http://hl7.org/fhir/research-study-status|active",
        "http://hl7.org/fhir/ValueSet/research-study-status|active",
    ):
        bundle = get(api, "/R4/ResearchStudy", params={"status": value, "_count": "100"})
        assert sorted(ids(bundle)) == active, value
    not_active = get(api, "/R4/ResearchStudy", params={"status:not": "active", "_count": "0"})
    assert not_active["total"] == len(loaded.expected) - len(active)
    either = get(api, "/R4/ResearchStudy", params={"status": "active,approved", "_count": "0"})
    assert either["total"] == sum(e.status in ("active", "approved") for e in loaded.expected)


def test_ig_identifier_query_with_includes(api: TestClient) -> None:
    bundle = get(
        api,
        "/R4/ResearchStudy?identifier=2021-A01861-40&_include=ResearchStudy:site,"
        "ResearchStudy:sponsor,ResearchStudy:enrollment",
    )
    assert ids(bundle) == ["2021-A01861-40"]
    included = Counter(
        e["resource"]["resourceType"] for e in bundle["entry"] if e["search"]["mode"] == "include"
    )
    assert included == {"Location": 2, "Group": 1, "Organization": 1}
    keys = [(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]]
    assert len(keys) == len(set(keys))
    study = bundle["entry"][0]["resource"]
    site_refs = {s["reference"] for s in study["site"]}
    assert site_refs == {
        f"Location/{e['resource']['id']}"
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Location"
    }


def test_include_star_adds_the_assigner(api: TestClient) -> None:
    bundle = get(api, "/R4/ResearchStudy", params={"_id": "2021-A01861-40", "_include": "*"})
    organizations = {
        e["resource"]["id"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Organization"
    }
    assert organizations == {"ansm", "2021-A01861-40-primary-sponsor"}


def test_ig_status_and_last_updated_queries(api: TestClient, loaded: Loaded) -> None:
    includes = (
        "&_include=ResearchStudy:site&_include=ResearchStudy:sponsor"
        "&_include=ResearchStudy:enrollment"
    )
    active = get(
        api,
        "/R4/ResearchStudy?status=http://hl7.org/fhir/ValueSet/research-study-status"
        "|active" + includes,
    )
    assert active["total"] == sum(e.status == "active" for e in loaded.expected)
    everything = get(api, "/R4/ResearchStudy", params={"_count": "1000"})
    stamps = {
        e["resource"]["id"]: e["resource"]["meta"]["lastUpdated"] for e in everything["entry"]
    }
    recent = get(api, "/R4/ResearchStudy?_lastUpdated=ge2022-11-06T15:00&_count=1000" + includes)
    # document dates are midnight UTC: 2022-11-06T15:00 Paris keeps days from 2022-11-07 on
    assert sorted(ids(recent)) == sorted(i for i, s in stamps.items() if s >= "2022-11-07")
    assert 0 < recent["total"] < len(stamps)


def test_french_text_search(api: TestClient) -> None:
    for words in ("evaluation", "Évaluation", "hôpital", "l'hopital", "HOPITAUX"):
        bundle = get(api, "/R4/ResearchStudy", params={"_text": words, "_count": "0"})
        assert bundle["total"] > 0, words
    coeur = get(api, "/R4/ResearchStudy", params={"_text": "coeur -sommeil", "_count": "100"})
    assert coeur["total"] > 0
    sommeil = get(api, "/R4/ResearchStudy", params={"_text": "sommeil", "_count": "100"})
    assert not set(ids(coeur)) & set(ids(sommeil))
    phrase = get(api, "/R4/ResearchStudy", params={"_text": '"capteur cardiaque"', "_count": "0"})
    assert phrase["total"] == 8
    content = get(api, "/R4/ResearchStudy", params={"_content": "insomnie", "_count": "0"})
    assert content["total"] > 0


def test_paging_visits_every_study_once_both_ways(api: TestClient, loaded: Loaded) -> None:
    url: str | None = "/R4/ResearchStudy?_count=7&_sort=title"
    seen: list[str] = []
    pages = []
    while url:
        bundle = get(api, url)
        pages.append(ids(bundle))
        seen += ids(bundle)
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        url = links.get("next")
        url = f"{urlsplit(url).path}?{urlsplit(url).query}" if url else None
    assert sorted(seen) == sorted(e.id for e in loaded.expected)
    assert len(seen) == len(set(seen))
    previous = {link["relation"]: link["url"] for link in bundle["link"]}["previous"]
    back = get(api, f"{urlsplit(previous).path}?{urlsplit(previous).query}")
    assert ids(back) == pages[-2]


def test_reads_with_etag_and_conditional_requests(api: TestClient) -> None:
    response = api.get("/R4/ResearchStudy/2021-A01861-40")
    assert response.status_code == 200
    assert response.json()["id"] == "2021-A01861-40"
    etag = response.headers["etag"]
    assert etag == 'W/"1"'
    assert response.headers["last-modified"]
    again = api.get("/R4/ResearchStudy/2021-A01861-40", headers={"If-None-Match": etag})
    assert again.status_code == 304
    since = api.get(
        "/R4/ResearchStudy/2021-A01861-40",
        headers={"If-Modified-Since": response.headers["last-modified"]},
    )
    assert since.status_code == 304
    for path in (
        "/R4/Group/2021-A01861-40-enrollment-group",
        "/R4/Location/2021-A01861-40-0-site",
        "/R4/Organization/2021-A01861-40-primary-sponsor",
        "/R4/Organization/ansm",
    ):
        resource = get(api, path)
        assert resource["id"] == path.rsplit("/", 1)[1]


def test_errors_are_operation_outcomes(api: TestClient) -> None:
    assert_outcome(api.get("/R4/ResearchStudy/nope"), 404)
    assert_outcome(api.get("/R4/Location/2021-A01861-40-9-site"), 404)
    assert_outcome(api.get("/R4/Patient/1"), 404)
    assert_outcome(api.get("/R4/Group"), 400)
    assert_outcome(api.delete("/R4/ResearchStudy/2021-A01861-40"), 405)
    assert_outcome(api.post("/R4/ResearchStudy", json={}), 405)
    assert_outcome(api.get("/R4/ResearchStudy?_format=xml"), 406)
    body = assert_outcome(api.get("/R4/ResearchStudy?_lastUpdated=30/06/2022"), 400)
    assert body["issue"][0]["expression"] == ["_lastUpdated"]
    assert_outcome(api.get("/R4/ResearchStudy?_cursor=forged.0000"), 400)
    assert_outcome(api.get("/nowhere"), 404)
    strict = api.get("/R4/ResearchStudy?colour=blue", headers={"Prefer": "handling=strict"})
    assert_outcome(strict, 400)
    lenient = get(api, "/R4/ResearchStudy?colour=blue&_count=1")
    assert lenient["entry"][-1]["search"]["mode"] == "outcome"
    assert "colour" not in lenient["link"][0]["url"]


def test_post_search_equals_get(api: TestClient) -> None:
    posted = api.post("/R4/ResearchStudy/_search", data={"status": "active", "_count": "100"})
    assert posted.status_code == 200
    fetched = get(api, "/R4/ResearchStudy", params={"status": "active", "_count": "100"})
    assert ids(posted.json()) == ids(fetched)


def test_summary_and_elements_are_subsetted(api: TestClient) -> None:
    summary = get(api, "/R4/ResearchStudy", params={"_id": "2021-A01861-40", "_summary": "true"})
    resource = summary["entry"][0]["resource"]
    assert "text" not in resource and "extension" not in resource
    assert resource["meta"]["tag"][-1]["code"] == "SUBSETTED"
    elements = get(api, "/R4/ResearchStudy", params={"_id": "2021-A01861-40", "_elements": "title"})
    assert set(elements["entry"][0]["resource"]) == {
        "resourceType",
        "id",
        "meta",
        "status",
        "title",
    }
    count = get(api, "/R4/ResearchStudy", params={"_summary": "count"})
    assert "entry" not in count and count["total"] > 0


def test_statistics_equal_search_totals(api: TestClient) -> None:
    stats = api.get("/api/statistics").json()

    def total(**params: str) -> int:
        return int(get(api, "/R4/ResearchStudy", params={**params, "_count": "0"})["total"])

    assert stats["Total_etudes"] == total()
    assert stats["Total_Etudes_en_cours"] == total(status="active")
    assert stats["Total_Etudes_à_démarrer"] == total(status="approved")
    by_category = (
        stats["Investigations_cliniques_(DM)"]
        + stats["Etudes_performance_(DMDIV)"]
        + stats["Essais_cliniques_médicament_(CTIS)"]
        + stats["RecherchesImpliquantPersonnesHumaines_(JARDE)"]
    )
    assert by_category == stats["Total_etudes"]
    running = sum(stats[f"Etudes_en_cours_{k}"] for k in ("DM", "DMDIV", "CTIS", "JARDE"))
    assert running == stats["Total_Etudes_en_cours"]


def test_ready_and_health(api: TestClient) -> None:
    assert api.get("/health").json() == {"status": "ok"}
    assert api.get("/ready").json()["status"] == "ready"


def test_unreachable_opensearch_is_503(loaded: Loaded) -> None:
    dead = Settings(opensearch_url="http://127.0.0.1:9", index_alias=loaded.settings.index_alias)
    with TestClient(create_app(dead)) as client:
        response = client.get("/R4/ResearchStudy")
        body = assert_outcome(response, 503)
        assert body["issue"][0]["code"] == "transient"
        assert_outcome(client.get("/R4/ResearchStudy/2021-A01861-40"), 503)
        assert client.get("/ready").status_code == 503


def test_custom_parameters_have_search_parameter_definitions(api: TestClient) -> None:
    statement = get(api, "/R4/metadata")
    params = {p["name"]: p for p in statement["rest"][0]["resource"][0]["searchParam"]}
    definition = params["site-city"]["definition"]
    assert definition == "http://testserver/R4/SearchParameter/ResearchStudy-site-city"
    resource = get(api, urlsplit(definition).path)
    assert resource["resourceType"] == "SearchParameter"
    assert resource["code"] == "site-city" and resource["type"] == "string"
    assert resource["expression"].endswith("ofType(Location).address.city")  # FHIRPath
    assert resource["modifier"] == ["contains", "exact"]
    assert params["status"]["definition"].startswith("http://hl7.org/fhir/SearchParameter/")
    assert_outcome(api.get("/R4/SearchParameter/ResearchStudy-status"), 404)


def test_total_modes_and_status_sort(api: TestClient, loaded: Loaded) -> None:
    assert "total" not in get(api, "/R4/ResearchStudy", params={"_total": "none"})
    estimate = get(api, "/R4/ResearchStudy", params={"_total": "estimate"})
    assert estimate["total"] == len(loaded.expected)
    ordered = get(api, "/R4/ResearchStudy", params={"_sort": "-status,_id", "_count": "100"})
    statuses = [e["resource"]["status"] for e in ordered["entry"] if e["search"]["mode"] == "match"]
    assert statuses == sorted(statuses, reverse=True)
    text = get(api, "/R4/ResearchStudy", params={"_text": "sommeil", "_sort": "-_score"})
    scores = [e["search"]["score"] for e in text["entry"]]
    assert scores == sorted(scores, reverse=True)


def test_inputs_found_by_the_reliability_harness(api: TestClient) -> None:
    assert_outcome(api.get("/R4/Organization/-primary-sponsor"), 404)
    assert_outcome(api.get("/R4/Location/-0-site"), 404)
    assert_outcome(api.get("/R4/ResearchStudy", params={"site-city:contains": "x" * 101}), 400)
    for value in ("(" * 100, "*" * 100, "x" * 100, "?*\\" * 33):
        for name in ("site-city:contains", "title:contains", "sponsor-name:contains"):
            response = api.get("/R4/ResearchStudy", params={name: value, "_count": "0"})
            assert response.status_code in (200, 400), (name, value, response.text)
