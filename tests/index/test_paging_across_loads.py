"""Paging keeps no engine state: a walk reads the concrete index its first page read, across a
full reload's alias swap, and answers 410 once that index is pruned; no PIT is ever opened."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient
from studies_fixture import alias_settings, drop_alias, jarde_records

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from ingest.pipeline import run_ingest


def write(path: Path, numbers: range) -> list[Path]:
    path.mkdir(parents=True, exist_ok=True)
    target = path / "export_eclaire_jarde.json"
    target.write_text(json.dumps(jarde_records(numbers), ensure_ascii=False), encoding="utf-8")
    return [target]


def relative(url: str) -> str:
    return f"{urlsplit(url).path}?{urlsplit(url).query}"


def ids(bundle: dict[str, Any]) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"]


def link(bundle: dict[str, Any], relation: str) -> str:
    return relative({li["relation"]: li["url"] for li in bundle["link"]}[relation])


def pits_ever_opened(settings: Settings) -> int:
    """Point-in-time contexts ever opened on this test's own indices (others' do not count)."""
    client = sync_client(settings)
    try:
        stats = client.indices.stats(index=f"{settings.index_alias}-*", metric="search")
    finally:
        client.close()
    return int(stats["_all"]["total"]["search"]["point_in_time_total"])


@pytest.fixture
def settings(opensearch_url: str, tmp_path: Path) -> Iterator[Settings]:
    settings = alias_settings(
        opensearch_url, "swap", tmp_path / "var", validation="none", keep_indices=1
    )
    yield settings
    drop_alias(settings)


def test_a_walk_keeps_its_index_across_a_swap_then_410_once_pruned(
    settings: Settings, tmp_path: Path
) -> None:
    run_ingest(write(tmp_path / "a", range(0, 30)), settings, "full")
    old = [f"2020-A{i:05d}-01" for i in range(0, 30)]
    new = [f"2020-A{i:05d}-01" for i in range(100, 130)]
    with TestClient(create_app(settings)) as api:
        first = api.get("/R4/ResearchStudy?_count=10&_sort=_id").json()
        assert ids(first) == old[:10]
        run_ingest(write(tmp_path / "b", range(100, 130)), settings, "full")  # swap
        second = api.get(link(first, "next"))
        assert second.status_code == 200, second.text
        assert ids(second.json()) == old[10:20]  # the walk's own index, not the new one
        third = api.get(link(second.json(), "next")).json()
        assert ids(third) == old[20:30]
        back = api.get(link(third, "previous")).json()
        assert ids(back) == old[10:20]  # previous links stay on the walk's index too
        assert link(second.json(), "previous") == link(second.json(), "first")
        fresh = api.get("/R4/ResearchStudy?_count=10&_sort=_id").json()
        assert ids(fresh) == new[:10]  # a new search reads the new load
        assert pits_ever_opened(settings) == 0  # paging holds nothing in the engine
        run_ingest(write(tmp_path / "c", range(200, 230)), settings, "full")  # prunes "a"
        gone = api.get(link(back, "next"))
        assert gone.status_code == 410, gone.text
        outcome = gone.json()
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == "expired"
        assert "start the search again" in outcome["issue"][0]["diagnostics"]
        assert settings.index_alias not in gone.text  # no index name in what the client reads


def test_a_cursor_of_another_alias_is_refused(settings: Settings, tmp_path: Path) -> None:
    """Two services sharing a cursor secret: a cursor naming the other alias's index is a 400."""
    run_ingest(write(tmp_path / "a", range(0, 15)), settings, "full")
    ours = settings.model_copy(update={"cursor_secret": "shared"})
    other = ours.model_copy(update={"index_alias": f"{settings.index_alias}-other"})
    with TestClient(create_app(ours)) as api, TestClient(create_app(other)) as theirs:
        nxt = link(api.get("/R4/ResearchStudy?_count=10").json(), "next")
        assert api.get(nxt).status_code == 200
        refused = theirs.get(nxt)
        assert refused.status_code == 400 and "_cursor" in refused.text
