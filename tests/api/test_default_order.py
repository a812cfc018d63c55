"""The study index is sorted on disk by the default search order (API-10), and answers keep it.

The index sort only pays when it is exactly the query's default sort (fields, orders, missing);
a drift between the template and ``query.py`` would silently bring back the cost that grows with
the matches, so the two are compared here. The live half checks that a loaded index carries
the sort and that the default order served is still last updated desc, id asc.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.testclient import TestClient
from studies_fixture import Loaded

from eclaire_core.opensearch import sync_client
from eclaire_core.templates import index_body
from eclaire_search.query import search_body
from eclaire_search.search_request import parse_search


def template_sort() -> list[dict[str, Any]]:
    index = index_body()["settings"]["index"]
    return [
        {field: {"order": order, "missing": missing}}
        for field, order, missing in zip(
            index["sort.field"], index["sort.order"], index["sort.missing"], strict=True
        )
    ]


def test_template_sort_is_the_default_search_sort() -> None:
    assert search_body(parse_search([]))["sort"] == template_sort()
    assert search_body(parse_search([("status", "active")]))["sort"] == template_sort()


def test_text_and_explicit_sorts_are_not_the_index_sort() -> None:
    """What the index sort does not cover (score first, another key) keeps its own sort."""
    assert search_body(parse_search([("_text", "cancer")]))["sort"] != template_sort()
    assert search_body(parse_search([("_sort", "_id")]))["sort"] != template_sort()


def test_loaded_index_is_sorted(loaded: Loaded) -> None:
    client = sync_client(loaded.settings)
    try:
        settings = client.indices.get_settings(index=loaded.settings.index_alias)
    finally:
        client.close()
    (index,) = settings.values()
    sort = index["settings"]["index"]["sort"]
    assert sort["field"] == ["last_updated", "id"]
    assert sort["order"] == ["desc", "asc"]
    assert sort["missing"] == ["_last", "_last"]


def test_default_order_is_last_updated_desc_then_id(api: TestClient, loaded: Loaded) -> None:
    response = api.get("/R4/ResearchStudy?_count=1000")
    assert response.status_code == 200
    served = [
        (datetime.fromisoformat(e["resource"]["meta"]["lastUpdated"]), e["resource"]["id"])
        for e in response.json()["entry"]
        if e["search"]["mode"] == "match"
    ]
    assert sorted(i for _, i in served) == sorted(e.id for e in loaded.expected)
    newest_first = sorted(served, key=lambda pair: pair[1])
    newest_first.sort(key=lambda pair: pair[0], reverse=True)
    assert served == newest_first
