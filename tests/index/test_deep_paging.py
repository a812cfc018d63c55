"""The generated production-shaped set (19,053 studies): paging past OpenSearch's 10,000-hit
window by next links returns every study exactly once; statistics equal search totals."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient
from studies_fixture import drop_alias

from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from ingest.generator import generate
from ingest.pipeline import run_ingest

STUDIES = 19_053  # the technical document's Total_etudes, which the generator reproduces


@pytest.fixture(scope="module")
def big(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    directory = tmp_path_factory.mktemp("big")
    generate(directory, seed=42)
    settings = Settings(
        opensearch_url=opensearch_url,
        index_alias=f"test-big-{uuid.uuid4().hex[:8]}",
        data_dir=directory / "var",
        opensearch_timeout=30,
        validation="none",
    )
    result = run_ingest(sorted(directory.glob("export_eclaire_*.json")), settings, "full")
    assert result.load.indexed == STUDIES
    yield settings
    drop_alias(settings)


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
    assert pages == 20
    assert len(seen) == STUDIES == len(set(seen))


def test_statistics_equal_search_totals_on_the_full_set(big: Settings) -> None:
    with TestClient(create_app(big)) as api:
        stats = api.get("/api/statistics").json()

        def total(**params: str) -> int:
            response = api.get("/R4/ResearchStudy", params={**params, "_count": "0"})
            return int(response.json()["total"])

        categories = {"DM": "REG745", "DMDIV": "REG746", "CTIS": "REG536", "JARDE": "JARDE"}
        assert stats["Total_etudes"] == total() == STUDIES
        assert stats["Investigations_cliniques_(DM)"] == total(category="REG745")
        assert stats["Etudes_performance_(DMDIV)"] == total(category="REG746")
        assert stats["Essais_cliniques_médicament_(CTIS)"] == total(category="REG536")
        assert stats["RecherchesImpliquantPersonnesHumaines_(JARDE)"] == total(category="JARDE")
        assert stats["Total_Etudes_à_démarrer"] == total(status="approved")
        for key, code in categories.items():
            assert stats[f"Etudes_en_cours_{key}"] == total(category=code, status="active")
        assert stats["Total_Etudes_en_cours"] == total(status="active")
