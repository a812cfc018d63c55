"""Paging past OpenSearch's 10,000-hit window: every study exactly once, by next links."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient
from studies_fixture import jarde_records

from eclaire_search.app import create_app
from eclaire_search.settings import Settings
from ingest.loader import create_sync_client
from ingest.pipeline import run_ingest

STUDIES = 10_500


@pytest.fixture(scope="module")
def big(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    directory = tmp_path_factory.mktemp("big")
    export = directory / "export_eclaire_jarde.json"
    export.write_text(json.dumps(jarde_records(range(STUDIES)), ensure_ascii=False))
    settings = Settings(
        opensearch_url=opensearch_url,
        index_alias=f"test-big-{uuid.uuid4().hex[:8]}",
        data_dir=directory / "var",
        opensearch_timeout=30,
        validation="none",
    )
    result = run_ingest([export], settings, "full")
    assert result.load.indexed == STUDIES
    yield settings
    client = create_sync_client(settings)
    client.indices.delete(index=f"{settings.index_alias}-*")
    client.close()


def test_paging_past_ten_thousand_returns_every_study_once(big: Settings) -> None:
    seen: list[str] = []
    pages = 0
    with TestClient(create_app(big)) as api:
        url: str | None = "/R4/ResearchStudy?_count=1000"
        while url:
            response = api.get(url)
            assert response.status_code == 200, response.text
            bundle = response.json()
            assert bundle["total"] == STUDIES
            seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
            pages += 1
            nxt = {link["relation"]: link["url"] for link in bundle["link"]}.get("next")
            url = f"{urlsplit(nxt).path}?{urlsplit(nxt).query}" if nxt else None
    assert pages == 11
    assert len(seen) == STUDIES == len(set(seen))
