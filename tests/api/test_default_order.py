"""The default order served is last updated desc, then id asc, on a real loaded index.

Every sort ends with the ``id`` tiebreak, so the order is total whatever the documents' order
on disk; the index carries no index sort (API-10 says why).
"""

from __future__ import annotations

from datetime import datetime

from starlette.testclient import TestClient
from studies_fixture import Loaded

from eclaire_core.opensearch import sync_client


def test_loaded_index_is_not_sorted_on_disk(loaded: Loaded) -> None:
    """A load must not pay an index sort (API-10): it compresses every stored document again
    at each flush and merge, on one engine thread (measured: +73 s on a 175 s 200k load)."""
    client = sync_client(loaded.settings)
    try:
        settings = client.indices.get_settings(index=loaded.settings.index_alias)
    finally:
        client.close()
    (index,) = settings.values()
    assert "sort" not in index["settings"]["index"]


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
