"""Facets, streamed export and data freshness agree with the search totals."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from starlette.testclient import TestClient
from studies_fixture import Loaded


def total(api: TestClient, **params: str) -> int:
    return int(api.get("/R4/ResearchStudy", params={**params, "_count": "0"}).json()["total"])


def test_facet_counts_equal_search_totals(api: TestClient) -> None:
    fields = "status,phase,category,recruitment-status,site-city,gender,condition,location"
    response = api.get("/api/facets", params={"fields": fields, "category": "JARDE"})
    assert response.status_code == 200
    facets = response.json()
    assert set(facets) == set(fields.split(","))
    assert facets["category"][0] == {"value": "JARDE", "count": 24}
    for name, buckets in facets.items():
        counts = [b["count"] for b in buckets]
        assert counts == sorted(counts, reverse=True), name
        for bucket in buckets:
            params = {"category": "JARDE", name: bucket["value"]}
            if name == "category":  # both filters AND: JARDE and the bucket's code
                params["category"] = f"{bucket['value']}"
                params["category:not"] = "REG536,REG745,REG746"
            assert bucket["count"] == total(api, **params), (name, bucket)
    assert {b["value"] for b in facets["site-city"]} == {"Paris", "Lyon", "Saint-Étienne"}


@pytest.mark.parametrize(
    "params",
    [
        {"fields": "colour"},
        {},
        {"fields": "status", "size": "0"},
        {"fields": "status", "status": "bogus"},
    ],
)
def test_bad_facet_requests_are_400(api: TestClient, params: dict[str, str]) -> None:
    response = api.get("/api/facets", params=params)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_ndjson_export_has_one_line_per_match(api: TestClient, loaded: Loaded) -> None:
    response = api.get("/api/export.ndjson", params={"status": "active"})
    assert response.status_code == 200
    lines = [orjson.loads(line) for line in response.content.splitlines()]
    assert len(lines) == total(api, status="active")
    assert {r["resourceType"] for r in lines} == {"ResearchStudy"}
    assert len({r["id"] for r in lines}) == len(lines)
    linked = api.get("/api/export.ndjson", params={"_id": "2021-A01861-40", "_include": "*"})
    resources = [orjson.loads(line) for line in linked.content.splitlines()]
    kinds = [r["resourceType"] for r in resources]
    # `*` follows every reference, as in a searchset (RES-10): the sponsor and the assigner
    assert kinds == [
        "ResearchStudy",
        "Group",
        "Location",
        "Location",
        "Organization",
        "Organization",
    ]
    assert resources[-1]["id"] == "ansm"
    every = api.get("/api/export.ndjson", params={"status": "active", "_include": "*"})
    written = [orjson.loads(line) for line in every.content.splitlines()]
    assigners = [r["id"] for r in written if r["id"] in ("ansm", "ctis", "eudract")]
    assert assigners and len(assigners) == len(set(assigners))  # each assigner written once


def test_csv_export_is_rfc4180_with_documented_columns(api: TestClient, loaded: Loaded) -> None:
    response = api.get("/api/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "title", "status"]
    assert len(body) == total(api)
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    study = by_id["2021-A01861-40"]
    expected = {e.id: e.status for e in loaded.expected}
    assert {i: row["status"] for i, row in by_id.items()} == expected
    assert set(study["site_cities"].split("|")) == {"Lyon", "Saint-Étienne"}
    assert "\r\n" in text


def test_version_and_last_modified(api: TestClient, loaded: Loaded) -> None:
    version = api.get("/api/version").json()
    assert version["studies"] == total(api)
    assert version["dataTimestamp"] >= loaded.result.started[:10]
    assert version["apiVersion"]
    assert api.get("/R4/ResearchStudy?_count=1").headers["last-modified"].endswith("GMT")
    assert api.get("/api/export.xml").status_code == 404
