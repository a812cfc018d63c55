"""``near`` as literal OpenSearch bodies: the clause, the distance sort and its default."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eclaire_search.errors import InvalidSearch
from eclaire_search.geo import parse_near
from eclaire_search.query import search_body
from eclaire_search.search_request import parse_search

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)
LYON_SORT = {
    "_geo_distance": {
        "site_geo": {"lat": 45.76, "lon": 4.83},
        "order": "asc",
        "unit": "km",
        "mode": "min",
        "distance_type": "arc",
        "ignore_unmapped": True,
    }
}


def body(query: list[tuple[str, str]]) -> dict[str, Any]:
    return search_body(parse_search(query, tz=PARIS, now=NOW))


def test_near_is_a_geo_distance_filter_sorted_by_distance() -> None:
    assert body([("near", "45.76|4.83|30|km")]) == {
        "query": {
            "bool": {
                "filter": [
                    {
                        "geo_distance": {
                            "distance": "30.0km",
                            "distance_type": "arc",
                            "site_geo": {"lat": 45.76, "lon": 4.83},
                        }
                    }
                ]
            }
        },
        "size": 20,
        "track_total_hits": True,
        "sort": [LYON_SORT, {"id": {"order": "asc", "missing": "_last"}}],
        "_source": ["resource", "site_geo"],
    }


def test_explicit_sorts_and_text_keep_their_order() -> None:
    by_title = body([("near", "45.76|4.83"), ("_sort", "title")])
    assert by_title["sort"][0] == {"title.sort": {"order": "asc", "missing": "_last"}}
    with_text = body([("near", "45.76|4.83"), ("_text", "sommeil")])
    assert with_text["sort"][0] == {"_score": {"order": "desc"}}
    farthest = body([("near", "45.76|4.83"), ("_sort", "-near")])
    assert farthest["sort"][0]["_geo_distance"]["order"] == "desc"


@pytest.mark.parametrize(
    ("raw", "expected_km"),
    [
        ("45.76|4.83|30|km", 30.0),
        ("45.76|4.83|30", 30.0),
        ("45.76|4.83", 50.0),  # the server's choice when FHIR leaves it open
        ("45.76|4.83||km", 50.0),
        ("45.76|4.83|2500|m", 2.5),
        ("45.76|4.83|10|[mi_i]", 16.09344),
    ],
)
def test_near_values(raw: str, expected_km: float) -> None:
    near = parse_near(raw)
    assert (near.lat, near.lon) == (45.76, 4.83)
    assert near.distance_km == pytest.approx(expected_km)


@pytest.mark.parametrize(
    "raw", ["45.76", "a|b", "45.76|4.83|x", "nan|4.83", "45.76|4.83|30|furlong", "1|2|3|km|5"]
)
def test_bad_near_values(raw: str) -> None:
    with pytest.raises(InvalidSearch):
        parse_near(raw)
