"""Literal cases: query string → OpenSearch body. The translation is pure, so no node needed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eclaire_search.query import search_body
from eclaire_search.search_request import parse_search

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)


def body(query: list[tuple[str, str]]) -> dict[str, Any]:
    return search_body(parse_search(query, tz=PARIS, now=NOW))


def only_clause(query: list[tuple[str, str]]) -> dict[str, Any]:
    clause: dict[str, Any] = body(query)["query"]
    return clause


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ([], {"match_all": {}}),
        ([("_id", "a,b")], {"bool": {"filter": [{"terms": {"id": ["a", "b"]}}]}}),
        ([("id", "a")], {"bool": {"filter": [{"terms": {"id": ["a"]}}]}}),
        ([("_id:not", "a")], {"bool": {"must_not": [{"terms": {"id": ["a"]}}]}}),
        (
            [("identifier", "2021-A01861-40")],
            {"bool": {"filter": [{"terms": {"identifier": ["2021-A01861-40"]}}]}},
        ),
        (
            [("identifier", "https://clinicaltrials.gov|NCT1")],
            {  # both schemes: the document writes https://, HL7 http://
                "bool": {
                    "filter": [
                        {
                            "terms": {
                                "identifier": [
                                    "https://clinicaltrials.gov|NCT1",
                                    "http://clinicaltrials.gov|NCT1",
                                ]
                            }
                        }
                    ]
                }
            },
        ),
        (
            [("identifier", "|2021-A01861-40")],
            {"bool": {"filter": [{"terms": {"identifier": ["|2021-A01861-40"]}}]}},
        ),
        (
            [("status", "active,approved")],
            {"bool": {"filter": [{"terms": {"status": ["active", "approved"]}}]}},
        ),
        ([("status", "|active")], {"bool": {"filter": [{"terms": {"status": ["active"]}}]}}),
        (
            [("status", "http://hl7.org/fhir/ValueSet/research-study-status|active")],
            {"bool": {"filter": [{"terms": {"status": ["active"]}}]}},
        ),
        (
            [("status", "http://hl7.org/fhir/R4/ValueSet/research-study-status|active")],
            {"bool": {"filter": [{"terms": {"status": ["active"]}}]}},
        ),
        (
            [("status", "http://hl7.org/fhir/research-study-status|completed")],
            {"bool": {"filter": [{"terms": {"status": ["completed"]}}]}},
        ),
        # a code of another system can match nothing
        ([("status", "http://example.org|active")], {"bool": {"filter": [{"match_none": {}}]}}),
        (
            [("status:not", "withdrawn")],
            {"bool": {"must_not": [{"terms": {"status": ["withdrawn"]}}]}},
        ),
        # repeated parameters AND
        (
            [("status", "active"), ("_id", "x")],
            {"bool": {"filter": [{"terms": {"status": ["active"]}}, {"terms": {"id": ["x"]}}]}},
        ),
    ],
)
def test_token_parameters(query: list[tuple[str, str]], expected: dict[str, Any]) -> None:
    assert only_clause(query) == expected


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        # implicit ranges of each precision, in Europe/Paris when no offset is given (API-1)
        ("2024", {"gte": "2024-01-01T00:00:00+01:00", "lt": "2025-01-01T00:00:00+01:00"}),
        ("eq2024-02", {"gte": "2024-02-01T00:00:00+01:00", "lt": "2024-03-01T00:00:00+01:00"}),
        ("2024-12", {"gte": "2024-12-01T00:00:00+01:00", "lt": "2025-01-01T00:00:00+01:00"}),
        ("2024-07-14", {"gte": "2024-07-14T00:00:00+02:00", "lt": "2024-07-15T00:00:00+02:00"}),
        ("ge2022-11-06T15:00", {"gte": "2022-11-06T15:00:00+01:00"}),
        ("gt2022-11-06T15:00:30Z", {"gte": "2022-11-06T15:00:31+00:00"}),
        ("lt2022-11-06T15:00:30+05:00", {"lt": "2022-11-06T15:00:30+05:00"}),
        ("le2022-11-06", {"lt": "2022-11-07T00:00:00+01:00"}),
        ("sa2022-11-06", {"gte": "2022-11-07T00:00:00+01:00"}),
        ("eb2022-11-06", {"lt": "2022-11-06T00:00:00+01:00"}),
    ],
)
def test_last_updated_prefixes(value: str, bounds: dict[str, str]) -> None:
    assert only_clause([("_lastUpdated", value)]) == {
        "bool": {"filter": [{"range": {"last_updated": bounds}}]}
    }


def test_last_updated_ne_and_ap() -> None:
    ne = only_clause([("_lastUpdated", "ne2024-01-01")])
    assert ne == {
        "bool": {
            "filter": [
                {
                    "bool": {
                        "must_not": [
                            {
                                "range": {
                                    "last_updated": {
                                        "gte": "2024-01-01T00:00:00+01:00",
                                        "lt": "2024-01-02T00:00:00+01:00",
                                    }
                                }
                            }
                        ]
                    }
                }
            ]
        }
    }
    ap = only_clause([("_lastUpdated", "ap2026-11-13")])["bool"]["filter"][0]["range"][
        "last_updated"
    ]
    # 10.5 days before now: 10 % slack is 25 h 12 min either side of the day
    assert ap == {"gte": "2026-11-11T22:48:00+01:00", "lt": "2026-11-15T01:12:00+01:00"}


def test_last_updated_repeated_is_a_range() -> None:
    clause = only_clause([("_lastUpdated", "ge2024-01-01"), ("_lastUpdated", "lt2025-01-01")])
    assert clause == {
        "bool": {
            "filter": [
                {"range": {"last_updated": {"gte": "2024-01-01T00:00:00+01:00"}}},
                {"range": {"last_updated": {"lt": "2025-01-01T00:00:00+01:00"}}},
            ]
        }
    }


def test_sort_paging_and_source() -> None:
    assert body([]) == {
        "query": {"match_all": {}},
        "size": 20,
        "track_total_hits": True,
        "sort": [
            {"last_updated": {"order": "desc", "missing": "_last"}},
            {"id": {"order": "asc", "missing": "_last"}},
        ],
        "_source": ["resource"],
    }
    sorted_body = body(
        [("_sort", "-title,_lastUpdated"), ("_count", "5"), ("_total", "none"), ("_include", "*")]
    )
    assert sorted_body["sort"] == [
        {"title.sort": {"order": "desc", "missing": "_last"}},
        {"last_updated": {"order": "asc", "missing": "_last"}},
        {"id": {"order": "asc", "missing": "_last"}},
    ]
    assert sorted_body["size"] == 5
    assert sorted_body["track_total_hits"] is False
    assert sorted_body["_source"] == ["resource", "group", "locations", "organizations"]
    assert body([("_text", "x")])["sort"][0] == {"_score": {"order": "desc"}}
    assert body([("_sort", "_id")])["sort"] == [{"id": {"order": "asc", "missing": "_last"}}]


def test_count_zero_and_summary_count_ask_for_totals_only() -> None:
    for query in ([("_count", "0")], [("_summary", "count")]):
        assert body(query) == {
            "query": {"match_all": {}},
            "size": 0,
            "track_total_hits": True,
            "_source": False,
        }


def test_reverse_walk_mirrors_the_sort() -> None:
    request = parse_search([("_sort", "_lastUpdated")], tz=PARIS, now=NOW)
    reversed_body = search_body(request, search_after=[1, "x"], reverse=True)
    assert reversed_body["sort"] == [
        {"last_updated": {"order": "desc", "missing": "_first"}},
        {"id": {"order": "desc", "missing": "_first"}},
    ]
    assert reversed_body["search_after"] == [1, "x"]


def filter_of(query: list[tuple[str, str]]) -> Any:
    return only_clause(query)["bool"]["filter"][0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ([("title", "Évaluation")], {"prefix": {"title.sort": {"value": "Évaluation"}}}),
        ([("title:exact", "x")], {"term": {"title.exact": "x"}}),  # case and accents count
        (
            [("title:contains", "a*b?")],
            {"wildcard": {"title.sort": {"value": "*a\\*b\\?*", "case_insensitive": True}}},
        ),
        ([("site-city", "Saint-Étienne")], {"prefix": {"site_city": {"value": "Saint-Étienne"}}}),
        (
            [("site-postal-code", "971,20")],
            {
                "bool": {
                    "should": [
                        {"prefix": {"site_postal_code": {"value": "971"}}},
                        {"prefix": {"site_postal_code": {"value": "20"}}},
                    ],
                    "minimum_should_match": 1,
                }
            },
        ),
        (
            [("sponsor-name:contains", "chu")],
            {"wildcard": {"sponsor_name": {"value": "*chu*", "case_insensitive": True}}},
        ),
        ([("age", "30")], {"term": {"age_range": 30.0}}),
        ([("age", "eq65")], {"term": {"age_range": 65.0}}),
        ([("gender", "female")], {"terms": {"gender": ["female"]}}),
        ([("category", "REG536,cat2-jarde")], {"terms": {"category": ["REG536", "cat2-jarde"]}}),
        (
            [("phase", "http://terminology.hl7.org/CodeSystem/research-study-phase|phase-3")],
            {"terms": {"phase": ["phase-3"]}},
        ),
        ([("recruitment-status", "recruiting")], {"terms": {"recruitment_status": ["recruiting"]}}),
        ([("location", "FR")], {"terms": {"country": ["FR"]}}),
        (
            [("condition", "https://www.meddra.org|10090001")],
            {"terms": {"condition_code": ["https://www.meddra.org|10090001"]}},
        ),
        (
            [("recruitment-date", "2024")],
            {
                "range": {
                    "recruitment_period": {
                        "gte": "2024-01-01T00:00:00+01:00",
                        "lt": "2025-01-01T00:00:00+01:00",
                        "relation": "within",
                    }
                }
            },
        ),
        (
            [("recruitment-date", "ge2024-03-01")],
            {
                "range": {
                    "recruitment_period": {
                        "gte": "2024-03-01T00:00:00+01:00",
                        "relation": "intersects",
                    }
                }
            },
        ),
        (
            [("recruitment-date", "sa2024-03-01")],
            {
                "range": {
                    "recruitment_period": {"gte": "2024-03-02T00:00:00+01:00", "relation": "within"}
                }
            },
        ),
        (
            [("recruitment-date", "lt2024-03-01")],
            {
                "range": {
                    "recruitment_period": {
                        "lt": "2024-03-01T00:00:00+01:00",
                        "relation": "intersects",
                    }
                }
            },
        ),
        (
            [("recruitment-date", "ne2024")],
            {
                "bool": {
                    "must_not": [
                        {
                            "range": {
                                "recruitment_period": {
                                    "gte": "2024-01-01T00:00:00+01:00",
                                    "lt": "2025-01-01T00:00:00+01:00",
                                    "relation": "within",
                                }
                            }
                        }
                    ]
                }
            },
        ),
    ],
)
def test_trial_finder_filters(query: list[tuple[str, str]], expected: dict[str, Any]) -> None:
    assert filter_of(query) == expected
