"""The realistic query mix, each query with its façade request and its raw OpenSearch twin.

The raw twin is built by the façade's own pure functions — ``params.parse_search`` then
``query.search_body`` (with the extra hit the façade asks for to know whether a next page
exists), ``facets.facets_body``, ``statistics.statistics_body``, and for a read the same
``GET _doc`` restricted to ``resource`` — so the baseline is exactly what the façade sends,
minus the façade.

Values (ids, cities, dates, words) are drawn from the loaded index, seeded, so every query
matches something.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote, urlencode

from bench.common import os_call
from eclaire_search import query
from eclaire_search.facets import facets_body
from eclaire_search.search_request import parse_search
from eclaire_search.statistics import statistics_body

TEXT_WORDS = (
    "cancer",
    "cancer du sein",
    "insuffisance cardiaque",
    "diabète",
    "l'asthme",
    "enfants",
    "douleur",
    "sclérose",
    "vaccin",
    "mélanome",
    "hépatite",
    "dépression",
    "étude randomisée",
    "polyarthrite",
    "AVC",
)
FACET_FIELDS = "status,phase,category,recruitment-status,site-city"
WEIGHTS = {
    "read_by_id": 24,
    "status": 10,
    "last_updated_since": 8,
    "text_fr": 14,
    "trial_finder": 14,
    "include_all": 8,
    "deep_paging": 12,
    "statistics": 5,
    "facets": 5,
}


def search_pair(alias: str, items: list[tuple[str, str]]) -> dict[str, Any]:
    request = parse_search(items)
    body = query.search_body(request)
    if body["size"]:
        body["size"] += 1  # as search.search_studies does
    return {
        "facade": {"method": "GET", "url": f"/R4/ResearchStudy?{urlencode(items)}"},
        "raw": {"method": "POST", "url": f"/{alias}/_search", "body": body},
        "params": items,
    }


def _total(url: str, alias: str, items: list[tuple[str, str]]) -> int:
    body = query.search_body(parse_search([*items, ("_count", "0")]))
    return int(os_call(f"{url}/{alias}/_search", body)["hits"]["total"]["value"])


def all_ids(url: str, alias: str) -> list[str]:
    """Every study id behind ``alias``, sorted: the reads are drawn from it with the plan's seed,
    so the same data set gives the same 300 studies in every run. (``random_score`` cannot:
    OpenSearch salts it with the index name, and each load's index has a new one.)"""
    ids: list[str] = []
    composite: dict[str, Any] = {"size": 10_000, "sources": [{"id": {"terms": {"field": "id"}}}]}
    while True:
        agg = os_call(
            f"{url}/{alias}/_search", {"size": 0, "aggs": {"ids": {"composite": composite}}}
        )["aggregations"]["ids"]
        ids.extend(bucket["key"]["id"] for bucket in agg["buckets"])
        if not agg["buckets"] or "after_key" not in agg:
            return sorted(ids)
        composite["after"] = agg["after_key"]


def build(url: str, alias: str, seed: int = 7) -> dict[str, Any]:
    """The plan ``bench.loadgen`` plays, from the index behind ``alias`` at ``url``."""
    rng = random.Random(seed)
    ids = rng.sample(all_ids(url, alias), 300)
    aggs = os_call(
        f"{url}/{alias}/_search",
        {
            "size": 0,
            "aggs": {
                "city": {"terms": {"field": "site_city.raw", "size": 40}},
                "since": {"percentiles": {"field": "last_updated", "percents": [80, 90, 95, 98]}},
            },
        },
    )["aggregations"]
    cities = [b["key"] for b in aggs["city"]["buckets"]]
    since = [v[:10] for k, v in aggs["since"]["values"].items() if k.endswith("_as_string")]
    words = [w for w in TEXT_WORDS if _total(url, alias, [("_text", w)]) > 0]
    queries: list[dict[str, Any]] = []

    reads = []
    for study_id in ids[:200]:
        reads.append(
            {
                "facade": {"method": "GET", "url": f"/R4/ResearchStudy/{quote(study_id)}"},
                "raw": {
                    "method": "GET",
                    "url": f"/{alias}/_doc/{quote(study_id)}?_source_includes=resource",
                },
            }
        )
    queries.append({"name": "read_by_id", "variants": reads})

    statuses = ["active", "approved", "completed", "active,approved", "closed-to-accrual"]
    queries.append(
        {
            "name": "status",
            "variants": [search_pair(alias, [("status", s)]) for s in statuses],
        }
    )
    queries.append(
        {
            "name": "last_updated_since",
            "variants": [
                search_pair(alias, [("_lastUpdated", f"ge{d}"), ("_count", "50")]) for d in since
            ],
        }
    )
    queries.append(
        {
            "name": "text_fr",
            "variants": [search_pair(alias, [("_text", w)]) for w in words],
        }
    )
    finder = []
    for _ in range(40):
        items = [("site-city", rng.choice(cities)), ("age", str(rng.choice((8, 30, 45, 70))))]
        items.append(("recruitment-status", rng.choice(("recruiting", "upcoming"))))
        if rng.random() < 0.5:
            items.append(("phase", rng.choice(("phase-2", "phase-3", "phase-1"))))
        if rng.random() < 0.3:
            items.append(("gender", rng.choice(("male", "female"))))
        if rng.random() < 0.3:
            items.append(("condition:text", rng.choice(words)))
        finder.append(search_pair(alias, items))
    queries.append({"name": "trial_finder", "variants": finder})
    queries.append(
        {
            "name": "include_all",
            "variants": [
                search_pair(alias, [("status", "active"), ("_include", "*")]),
                search_pair(alias, [("_text", rng.choice(words)), ("_include", "*")]),
                search_pair(
                    alias,
                    [("recruitment-status", "recruiting"), ("_include", "*"), ("_count", "10")],
                ),
            ],
        }
    )
    paging_items = [("status", "active"), ("_count", "50")]
    paging = search_pair(alias, paging_items)
    queries.append(
        {
            "name": "deep_paging",
            "kind": "paging",
            "max_pages": 60,
            "facade": {"url": paging["facade"]["url"]},
            "raw": {"body": paging["raw"]["body"], "size": 50},
            "params": paging_items,
        }
    )
    queries.append(
        {
            "name": "statistics",
            "variants": [
                {
                    "facade": {"method": "GET", "url": "/api/statistics"},
                    "raw": {
                        "method": "POST",
                        "url": f"/{alias}/_search",
                        "body": statistics_body(),
                    },
                }
            ],
        }
    )
    facet_filters = [[("recruitment-status", "recruiting")], [("status", "active")], []]
    queries.append(
        {
            "name": "facets",
            "variants": [
                {
                    "facade": {
                        "method": "GET",
                        "url": f"/api/facets?{urlencode([('fields', FACET_FIELDS), *f])}",
                    },
                    "raw": {
                        "method": "POST",
                        "url": f"/{alias}/_search",
                        "body": facets_body(parse_search(f), FACET_FIELDS.split(","), 50),
                    },
                }
                for f in facet_filters
            ],
        }
    )
    for item in queries:
        item["weight"] = WEIGHTS[item["name"]]
    return {"alias": alias, "queries": queries, "weights": WEIGHTS}
