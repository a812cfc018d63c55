"""A full load leaves its index in one segment before the swap (API-10).

A load flushes one segment per indexing buffer (15 at 200k studies on a 1 GiB heap), and every
search pays each segment's setup; the loader force-merges before the alias moves. Here an index
is made of several segments on purpose (a refresh between batches) and merged by the loader's
own step; and a real full load is checked to serve from one segment, with every study there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from opensearchpy import OpenSearch
from studies_fixture import alias_settings, drop_alias, jarde_records

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_core.templates import index_body
from ingest.deadletter import MemoryDeadLetters
from ingest.loader import Loader
from ingest.pipeline import run_ingest


@pytest.fixture
def settings(opensearch_url: str, tmp_path: Path) -> Iterator[Settings]:
    settings = alias_settings(opensearch_url, "merge", tmp_path / "var", validation="sample")
    yield settings
    drop_alias(settings)


@pytest.fixture
def client(settings: Settings) -> Iterator[OpenSearch]:
    client = sync_client(settings)
    yield client
    client.close()


def write(path: Path, records: list[dict[str, object]]) -> list[Path]:
    path.mkdir(parents=True, exist_ok=True)
    target = path / "export_eclaire_jarde.json"
    target.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return [target]


def segments(client: OpenSearch, index: str) -> int:
    shards = client.indices.segments(index=index)["indices"][index]["shards"]
    return sum(len(copy["segments"]) for copies in shards.values() for copy in copies)


def test_merge_leaves_one_segment(settings: Settings, client: OpenSearch) -> None:
    index = f"{settings.index_alias}-several"
    client.indices.create(index=index, body=index_body())
    for batch in range(3):
        for i in range(5):
            client.index(index=index, id=f"s{batch}-{i}", body={"id": f"s{batch}-{i}"})
        client.indices.refresh(index=index)
    assert segments(client, index) == 3
    Loader(client, settings, MemoryDeadLetters()).merge(index)
    client.indices.refresh(index=index)
    assert segments(client, index) == 1
    assert client.count(index=index)["count"] == 15


def test_full_load_serves_from_one_segment(
    settings: Settings, client: OpenSearch, tmp_path: Path
) -> None:
    result = run_ingest(write(tmp_path / "in", jarde_records(range(40))), settings, "full")
    assert result.load.swapped
    assert segments(client, result.load.index) == 1
    assert client.count(index=settings.index_alias)["count"] == 40
