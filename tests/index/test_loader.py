"""Loads against the real node: alias swap, reloads, incremental updates, live searches."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch
from starlette.testclient import TestClient
from studies_fixture import alias_settings, drop_alias, jarde_records

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from ingest.loader import alias_indices
from ingest.lock import LockHeld, lease
from ingest.pipeline import run_ingest


def write(path: Path, records: list[dict[str, Any]]) -> list[Path]:
    path.mkdir(parents=True, exist_ok=True)
    target = path / "export_eclaire_jarde.json"
    target.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return [target]


@pytest.fixture
def settings(opensearch_url: str, tmp_path: Path) -> Iterator[Settings]:
    settings = alias_settings(
        opensearch_url, "load", tmp_path / "var", validation="sample", keep_indices=1
    )
    yield settings
    drop_alias(settings)


@pytest.fixture
def client(settings: Settings) -> Iterator[OpenSearch]:
    client = sync_client(settings)
    yield client
    client.close()


def all_documents(client: OpenSearch, alias: str) -> dict[str, dict[str, Any]]:
    response = client.search(index=alias, body={"size": 10_000, "query": {"match_all": {}}})
    return {hit["_id"]: hit["_source"] for hit in response["hits"]["hits"]}


def test_full_load_twice_gives_identical_documents(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    exports = write(tmp_path / "in", jarde_records(range(60)))
    first = run_ingest(exports, settings, "full")
    assert (first.load.new, first.load.indexed, first.load.swapped) == (60, 60, True)
    before = all_documents(client, settings.index_alias)
    second = run_ingest(exports, settings, "full")
    assert (second.load.unchanged, second.load.new, second.load.updated) == (60, 0, 0)
    assert alias_indices(client, settings.index_alias) == [second.load.index]
    assert second.load.index != first.load.index
    assert all_documents(client, settings.index_alias) == before
    # keep_indices=1: the first index is kept as the one fallback, a third load drops it
    third = run_ingest(exports, settings, "full")
    assert third.load.removed_indices == [first.load.index]


def test_incremental_update_catches_every_change(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    base = jarde_records(range(300))
    run_ingest(write(tmp_path / "v1", base), settings, "full")
    today = datetime.now(UTC).date().isoformat()
    changed = [dict(r) for r in base]
    for i in range(0, 50):  # content and a newer history date
        changed[i]["historique"] += f", {today}:Suspendue"
        changed[i]["etat"] = "SUSPENDUE"
    for i in range(50, 100):  # content only: a new site, no new date (the reference misses these)
        changed[i]["sites_investigateurs"] = [
            *changed[i]["sites_investigateurs"],
            {"organisme": "CHU de Brest", "ville": "Brest", "code_postal": "29200"},
        ]
    new = [dict(r, historique=f"{today}:À démarrer") for r in jarde_records(range(1000, 1050))]
    current = changed[:270] + new  # the last 30 vanish from the export
    result = run_ingest(write(tmp_path / "v2", current), settings, "incremental")
    load = result.load
    assert (load.updated, load.new, load.deleted, load.unchanged) == (100, 50, 30, 170)
    documents = all_documents(client, settings.index_alias)
    assert len(documents) == 320
    assert {
        d["version_id"]
        for i, d in documents.items()
        if i in {r["numero_national"] for r in changed[:100]}
    } == {2}
    with TestClient(create_app(settings)) as api:
        since = api.get(
            "/R4/ResearchStudy", params={"_lastUpdated": f"ge{today}", "_count": "1000"}
        )
        found = {e["resource"]["id"] for e in since.json()["entry"]}
    expected = {r["numero_national"] for r in changed[:100] + new}
    assert found == expected
    # a second identical incremental run changes nothing
    again = run_ingest(write(tmp_path / "v2", current), settings, "incremental")
    assert (again.load.updated, again.load.new, again.load.deleted) == (0, 0, 0)


def test_unpublished_study_is_removed_incrementally(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    records = jarde_records(range(10))
    run_ingest(write(tmp_path / "a", records), settings, "full")
    records[3] = dict(records[3], publication_eclaire="non autorisé")
    result = run_ingest(write(tmp_path / "b", records), settings, "incremental")
    assert result.load.deleted == 1
    assert records[3]["numero_national"] not in all_documents(client, settings.index_alias)


def test_searches_keep_answering_during_a_full_reindex(settings: Settings, tmp_path: Path) -> None:
    exports = write(tmp_path / "in", jarde_records(range(3000)))
    run_ingest(exports, settings, "full")
    statuses: list[int] = []
    totals: set[int] = set()
    done = threading.Event()

    def reindex() -> None:
        try:
            run_ingest(exports, settings, "full")
        finally:
            done.set()

    with TestClient(create_app(settings)) as api:
        worker = threading.Thread(target=reindex)
        worker.start()
        while not done.is_set():
            response = api.get("/R4/ResearchStudy", params={"_count": "5"})
            statuses.append(response.status_code)
            totals.add(response.json().get("total", -1))
            statuses.append(api.get("/R4/ResearchStudy/2020-A00001-01").status_code)
        worker.join()
    assert len(statuses) > 20
    assert set(statuses) == {200}
    assert totals == {3000}


def test_lease_admits_one_holder(client: OpenSearch) -> None:
    name = f"test-{uuid.uuid4().hex[:6]}"
    with lease(client, name), pytest.raises(LockHeld), lease(client, name):
        pass
    # an expired lease is taken over
    with lease(client, name, seconds=-1), lease(client, name):
        pass


def test_incremental_rebuilds_an_index_from_another_template(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    exports = write(tmp_path / "in", jarde_records(range(5)))
    first = run_ingest(exports, settings, "full")
    client.indices.put_mapping(index=first.load.index, body={"_meta": {"template": "older"}})
    second = run_ingest(exports, settings, "incremental")
    assert second.load.swapped and second.load.index != first.load.index
    assert (second.load.unchanged, second.load.indexed) == (5, 5)


def test_reindex_rebuilds_from_stored_documents(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from eclaire_cli.main import app

    first = run_ingest(write(tmp_path / "in", jarde_records(range(12))), settings, "full")
    before = all_documents(client, settings.index_alias)
    env = {
        "ECLAIRE_OPENSEARCH_URL": settings.opensearch_url,
        "ECLAIRE_INDEX_ALIAS": settings.index_alias,
        "ECLAIRE_DATA_DIR": str(settings.data_dir),
    }
    from eclaire_core.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["reindex"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert alias_indices(client, settings.index_alias) != [first.load.index]
    assert all_documents(client, settings.index_alias) == before


def test_incremental_validates_only_what_changed(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    every = settings.model_copy(update={"validation": "all"})
    base = jarde_records(range(20))
    first = run_ingest(write(tmp_path / "a", base), every, "full")
    assert first.mapping.validated == 20
    changed = [dict(r) for r in base]
    for i in range(3):
        changed[i]["etat"] = "SUSPENDUE"
    current = changed + jarde_records(range(100, 102))
    second = run_ingest(write(tmp_path / "b", current), every, "incremental")
    assert (second.load.updated, second.load.new, second.load.unchanged) == (3, 2, 17)
    assert second.mapping.validated == 5  # the 17 unchanged studies skip validation
    assert len(all_documents(client, settings.index_alias)) == 22


def test_a_full_load_refuses_a_study_prepared_without_its_document(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    """A worker sends no document for an unchanged study of an incremental load; should one
    reach a full load (which builds a new index), the study would be missing from it: the load
    fails and the alias stays where it was."""
    from ingest.deadletter import MemoryDeadLetters
    from ingest.errors import LoadFailed
    from ingest.loader import Loader, indexed_state
    from ingest.mapping import MappedStudy, MeddraTable, to_fhir
    from ingest.prepared import prepare

    records = jarde_records(range(3))
    first = run_ingest(write(tmp_path / "in", records), settings, "full")
    previous = indexed_state(client, settings.index_alias)
    mapped = [to_fhir(r, meddra=MeddraTable.load()) for r in records]
    studies = [s for s in mapped if isinstance(s, MappedStudy)]
    assert len(studies) == 3
    run_time = "2026-12-02T04:00:00.000Z"
    ready = [prepare(s, previous[s.id], run_time, full=False) for s in studies]
    assert [(r.kind, r.document) for r in ready] == [("unchanged", b"")] * 3
    with pytest.raises(LoadFailed, match="prepared for an incremental load"):
        Loader(client, settings, MemoryDeadLetters()).full_load(ready, previous=previous)
    assert alias_indices(client, settings.index_alias) == [first.load.index]
