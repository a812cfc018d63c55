"""Generated exports with tagged bad records, loaded for real: nothing good is lost, every bad
record is in the dead letters for the reason its tag gives, and the statistics add up."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from studies_fixture import drop_alias

from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from ingest.deadletter import read_dead_letters
from ingest.generator import generate
from ingest.pipeline import IngestResult, run_ingest


@pytest.fixture(scope="module")
def malformed_run(
    opensearch_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Settings, IngestResult]]:
    out = tmp_path_factory.mktemp("generated")
    generate(out, seed=7, scale=500, malformed=68)  # 68 = every (kind, file) pair twice
    settings = Settings(
        opensearch_url=opensearch_url,
        index_alias=f"test-malformed-{uuid.uuid4().hex[:8]}",
        data_dir=out / "var",
        opensearch_timeout=10,
        validation="all",
    )
    result = run_ingest(sorted(out.glob("export_eclaire_*.json")), settings, "full")
    yield out, settings, result
    drop_alias(settings)


def tags(out: Path) -> list[dict[str, Any]]:
    lines = (out / "malformed_tags.ndjson").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_every_bad_record_is_dead_lettered_where_its_tag_says(
    malformed_run: tuple[Path, Settings, IngestResult],
) -> None:
    out, _, result = malformed_run
    letters = read_dead_letters(result.dead_letter_file)
    found = {(Path(d["file"]).name, d["index"]) for d in letters}
    expected = {(t["file"], t["index"]) for t in tags(out) if t["expected"] == "dead-letter"}
    assert found == expected
    assert all(d["reason"] for d in letters)
    assert result.load.failed == 0


def test_every_good_record_is_indexed(malformed_run: tuple[Path, Settings, IngestResult]) -> None:
    out, settings, result = malformed_run
    summary = json.loads((out / "generation_summary.json").read_text())
    expected = summary["expected_statistics"]
    assert result.load.indexed == expected["Total_etudes"]
    warned = {t["id"] for t in tags(out) if t["expected"] == "warning"}
    with TestClient(create_app(settings)) as api:
        assert api.get("/api/statistics").json() == expected
        for study_id in sorted(warned):
            assert api.get(f"/R4/ResearchStudy/{study_id}").status_code == 200, study_id
