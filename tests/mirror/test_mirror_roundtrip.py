"""Done when: harvesting our running API into NDJSON and loading it into a second alias gives
identical reads for every study — through the two commands an operator runs.

Nothing is set aside, not even ``meta``: the mirror takes each study's date from its
``eclaire-review-date`` extension, so a first load gives the same ``versionId`` (1) and
``lastUpdated`` as the original's first load, and the same ETag.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mirror_server import Served, alias_settings, point_cli_at
from starlette.testclient import TestClient
from studies_fixture import drop_alias
from typer.testing import CliRunner

from eclaire_cli.main import app
from eclaire_core import ig_constants as ig
from eclaire_core.settings import Settings, get_settings
from eclaire_search.app import create_app
from ingest.deadletter import read_dead_letters


@pytest.fixture
def mirror(
    served: Served, opensearch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    settings = alias_settings(opensearch_url, tmp_path / "var", "test-mirror-b")
    point_cli_at(settings, monkeypatch)
    yield settings
    get_settings.cache_clear()
    drop_alias(settings)


def references(study: dict[str, Any]) -> list[str]:
    """Every Group, Location and Organization a study points to, as ``Type/id``."""
    refs = [r["reference"] for r in study.get("enrollment", []) + study.get("site", [])]
    refs += [i["assigner"]["reference"] for i in study["identifier"] if "assigner" in i]
    for ext in study["extension"]:
        if ext["url"] == ig.EXT_ASSOCIATED_PARTY_R5:
            refs += [
                p["valueReference"]["reference"] for p in ext["extension"] if p["url"] == "party"
            ]
    return refs


def read(client: TestClient, path: str) -> tuple[int, str | None, Any]:
    response = client.get(f"/R4/{path}")
    return response.status_code, response.headers.get("etag"), response.json()


def test_harvest_then_load_gives_identical_reads(
    served: Served, mirror: Settings, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "mirror.ndjson"
    harvested = runner.invoke(
        app, ["harvest", served.base, "--out", str(out), "--delay", "0.01", "--count", "9"]
    )
    assert harvested.exit_code == 0, harvested.output
    loaded = runner.invoke(app, ["ingest", "--fhir", str(out)])
    assert loaded.exit_code == 0, loaded.output
    assert "dead-lettered 0" in loaded.output
    (dead_letters,) = (mirror.data_dir / "runs").glob("*/dead-letters.ndjson")
    assert read_dead_letters(dead_letters) == []

    with (
        TestClient(create_app(served.settings)) as original,
        TestClient(create_app(mirror)) as copy,
    ):
        checked = 0
        for expected in served.expected:
            path = f"ResearchStudy/{expected.id}"
            status, etag, study = read(original, path)
            assert status == 200 and etag == 'W/"1"'
            assert read(copy, path) == (status, etag, study)
            refs = references(study)
            assert any(r.startswith("Location/") for r in refs)
            assert any(r.startswith("Group/") for r in refs)
            for ref in refs:
                got = read(original, ref)
                assert got[0] == 200, ref
                assert read(copy, ref) == got, ref
                checked += 1
        assert checked > 4 * len(served.expected)
        query = "ResearchStudy?_include=*&_count=1000"
        assert read(copy, query)[2]["entry"] == read(original, query)[2]["entry"]
        assert copy.get("/api/statistics").json() == original.get("/api/statistics").json()

    again = runner.invoke(app, ["ingest", "--fhir", "--incremental", str(out)])
    assert again.exit_code == 0, again.output
    assert f"unchanged {len(served.expected)})" in again.output  # same content hash (RES-12)


def test_bad_resources_end_in_the_runs_dead_letters(
    served: Served, mirror: Settings, tmp_path: Path
) -> None:
    """Above ECLAIRE_MAX_DEAD_LETTER_RATE (5 %) the command exits 1; the good studies load."""
    runner = CliRunner()
    out = tmp_path / "mirror.ndjson"
    harvested = runner.invoke(app, ["harvest", served.base, "--out", str(out), "--delay", "0"])
    assert harvested.exit_code == 0, harvested.output
    with open(out, "ab") as handle:
        handle.write(b'{"resourceType": "ResearchStudy", "id": "2020-A00001-01"}\n')
        handle.write(b'{"resourceType": "Location", "id": "2020-A00002-01-0-site"}\n')
        handle.write(b"not json\n")
    loaded = runner.invoke(app, ["ingest", "--fhir", str(out)])
    assert loaded.exit_code == 1, loaded.output
    (path,) = (mirror.data_dir / "runs").glob("*/dead-letters.ndjson")
    letters = {(d["id"], d["kind"]): d["reason"] for d in read_dead_letters(path)}
    assert letters == {
        ("2020-A00001-01", "no-status"): "ResearchStudy.status is missing",
        ("2020-A00002-01", "orphan"): (
            "no ResearchStudy/2020-A00002-01 was read for Location/2020-A00002-01-0-site"
        ),
        (None, "unparseable"): letters.get((None, "unparseable"), "?"),
    }
    assert letters[(None, "unparseable")].startswith("line ")
    with TestClient(create_app(mirror)) as copy:
        total = copy.get("/R4/ResearchStudy?_summary=count").json()["total"]
    assert total == len(served.expected)
