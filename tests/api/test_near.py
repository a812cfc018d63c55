"""``near`` end to end on the real node: which studies match, their order and the distances,
all checked against the gazetteer's own coordinates for the fixture's sites (study i has sites
SITES[i % 3] and SITES[(i + 1) % 3]: Paris 75010, Lyon 69002, Saint-Étienne 42270)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient
from studies_fixture import SITES, Loaded

from eclaire_core.gazetteer import distance_km, gazetteer
from eclaire_search.geo import DISTANCE_EXTENSION

LYON = (45.76, 4.83)


def site_distances(lat: float, lon: float) -> list[float]:
    """Distance from (lat, lon) to each fixture site, from the gazetteer, in SITES order."""
    distances = []
    for site in SITES:
        place = gazetteer().locate(site["code_postal"], site["ville"])
        assert place is not None, site
        distances.append(distance_km(lat, lon, place.lat, place.lon))
    return distances


def nearest(i: int, lat: float, lon: float) -> float:
    d = site_distances(lat, lon)
    return min(d[i % 3], d[(i + 1) % 3])


def search(api: TestClient, **params: str) -> dict[str, Any]:
    response = api.get("/R4/ResearchStudy", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def entry_distance(entry: dict[str, Any]) -> float:
    (extension,) = entry["search"]["extension"]
    assert extension["url"] == DISTANCE_EXTENSION
    value = extension["valueDistance"]
    assert (value["unit"], value["code"], value["system"]) == (
        "km",
        "km",
        "http://unitsofmeasure.org",
    )
    return float(value["value"])


def test_the_fixture_sites_are_where_the_gazetteer_says() -> None:
    paris, lyon, saint_etienne = site_distances(*LYON)
    assert lyon < 2  # Lyon 2e, next to 45.76|4.83
    assert 40 < saint_etienne < 60  # Saint-Étienne, some 50 km away
    assert 380 < paris < 420


@pytest.mark.parametrize("radius", [1, 30, 55, 500])
def test_near_matches_exactly_the_studies_with_a_site_within_the_radius(
    api: TestClient, loaded: Loaded, radius: int
) -> None:
    expected = {study.id for i, study in enumerate(loaded.expected) if nearest(i, *LYON) <= radius}
    bundle = search(api, near=f"{LYON[0]}|{LYON[1]}|{radius}|km", _count="100")
    found = {e["resource"]["id"] for e in bundle.get("entry", [])}
    assert bundle["total"] == len(expected)
    assert found == expected


def test_lyon_30_km_nearest_first_with_the_gazetteer_distances(
    api: TestClient, loaded: Loaded
) -> None:
    index = {study.id: i for i, study in enumerate(loaded.expected)}
    bundle = search(api, near="45.76|4.83|55|km", _sort="near", _count="100")
    entries = bundle["entry"]
    distances = [entry_distance(e) for e in entries]
    assert distances == sorted(distances)
    assert distances[0] < distances[-1]  # both Lyon and Saint-Étienne studies are there
    for entry, shown in zip(entries, distances, strict=True):
        expected = nearest(index[entry["resource"]["id"]], *LYON)
        assert shown == pytest.approx(expected, abs=0.06)
    # the default order of a near search is by distance too; metres and km agree
    again = search(api, near="45.76|4.83|55000|m", _count="100")
    assert [entry_distance(e) for e in again["entry"]] == distances


def test_farthest_first_and_paging_in_distance_order(api: TestClient) -> None:
    far = search(api, near="45.76|4.83|500|km", _sort="-near", _count="100")
    far_distances = [entry_distance(e) for e in far["entry"]]
    assert far_distances == sorted(far_distances, reverse=True)
    seen: list[float] = []
    ids: list[str] = []
    bundle = search(api, near="45.76|4.83|500|km", _sort="near", _count="7")
    while True:
        seen += [entry_distance(e) for e in bundle["entry"]]
        ids += [e["resource"]["id"] for e in bundle["entry"]]
        following = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        if not following:
            break
        response = api.get(following[0])
        assert response.status_code == 200, response.text
        bundle = response.json()
    assert seen == sorted(seen)
    assert len(ids) == len(set(ids)) == far["total"]


def test_other_sorts_still_carry_the_distance(api: TestClient) -> None:
    bundle = search(api, near="45.76|4.83|30", _sort="_id", _count="100")
    ids = [e["resource"]["id"] for e in bundle["entry"]]
    assert ids == sorted(ids)
    assert all(entry_distance(e) <= 30 for e in bundle["entry"])


@pytest.mark.parametrize(
    "params",
    [
        {"near": "lyon"},
        {"near": "91|4.83|30|km"},
        {"near": "45.76|181"},
        {"near": "45.76|4.83|-3|km"},
        {"near": "45.76|4.83|30|parsec"},
        {"near": "45.76|4.83|30|km,48.85|2.35|10|km"},
        {"_sort": "near"},  # sorting by distance needs a position
    ],
)
def test_bad_near_is_a_400_operation_outcome(api: TestClient, params: dict[str, str]) -> None:
    response = api.get("/R4/ResearchStudy", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert "near" in body["issue"][0]["diagnostics"]


def test_near_is_in_the_capability_statement(api: TestClient) -> None:
    resource = api.get("/R4/metadata").json()
    params = {p["name"]: p for p in resource["rest"][0]["resource"][0]["searchParam"]}
    assert params["near"]["type"] == "special"
    definition = api.get("/R4/SearchParameter/ResearchStudy-near")
    assert definition.status_code == 200
    assert definition.json()["type"] == "special"
