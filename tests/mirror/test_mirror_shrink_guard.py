"""Done when: a full load of a file with only bad records leaves the alias and the live index
untouched — and no load shrinks the service by accident (issue 13, Deliver 2).

Through the CLI and the real OpenSearch node: exit 3, the alias stays on its index, the refused
index is deleted, the run record says why; ``--allow-shrink`` for deliberate cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from mirror_server import alias_settings, point_cli_at
from starlette.testclient import TestClient
from studies_fixture import drop_alias
from typer.testing import CliRunner

from eclaire_cli.main import app
from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings, get_settings
from eclaire_search.app import create_app
from ingest.loader import alias_indices

DATA = Path(__file__).parents[1] / "data" / "production"
TWENTY = DATA / "api2023" / "Bundle-search-status-active-2023-10-17.json"
ONE = DATA / "api2023" / "Bundle-search-identifier-2023-10-17.json"


@pytest.fixture
def live(
    opensearch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """An alias serving the 20 studies of a 2023 production answer."""
    settings = alias_settings(opensearch_url, tmp_path / "var", "test-mirror-guard")
    point_cli_at(settings, monkeypatch)
    loaded = CliRunner().invoke(app, ["ingest", "--fhir", str(TWENTY)])
    assert loaded.exit_code == 0, loaded.output
    yield settings
    get_settings.cache_clear()
    drop_alias(settings)


def state(settings: Settings) -> tuple[list[str], list[str], int]:
    """(indices behind the alias, every index of the alias's prefix, studies served)."""
    client = sync_client(settings)
    try:
        behind = alias_indices(client, settings.index_alias)
        every = sorted(client.indices.get(index=f"{settings.index_alias}-*"))
        count = int(client.count(index=settings.index_alias)["count"])
    finally:
        client.close()
    return behind, every, count


def said(result: Any) -> str:
    """The command's output as one line (rich wraps it at the terminal width)."""
    return " ".join(str(result.output).split())


def last_run(settings: Settings) -> dict[str, Any]:
    lines = (settings.data_dir / "runs.ndjson").read_bytes().splitlines()
    return orjson.loads(lines[-1])  # type: ignore[no-any-return]


def test_a_load_of_only_bad_records_leaves_the_alias_and_live_index(
    live: Settings, tmp_path: Path
) -> None:
    before = state(live)
    assert before[2] == 20 and before[0] == before[1]
    bad = tmp_path / "bad.ndjson"
    bad.write_bytes(
        b'{"resourceType": "ResearchStudy", "id": "2020-A00001-01"}\n'  # no status
        b'{"resourceType": "ResearchStudy", "id": "2020-A00002-01", "status": "active"}\n'
        b"not json\n"
    )
    result = CliRunner().invoke(app, ["ingest", "--fhir", str(bad)])
    assert result.exit_code == 3, result.output
    assert "load refused: the new index holds no study (the live one holds 20)" in said(result)
    assert state(live) == before  # same index behind the alias, the refused one deleted
    record = last_run(live)
    assert record["ok"] is False and record["exit_status"] == 3
    assert record["error"].startswith("load refused: the new index holds no study")
    with TestClient(create_app(live)) as client:
        assert client.get("/R4/ResearchStudy?_summary=count").json()["total"] == 20
        assert client.get("/api/version").json()["studies"] == 20


def test_a_shrinking_full_load_is_refused_unless_allowed(live: Settings) -> None:
    before = state(live)
    refused = CliRunner().invoke(app, ["ingest", "--fhir", str(ONE)])
    assert refused.exit_code == 3, refused.output
    assert "holds 1 studies, fewer than 90% of the live index's 20" in said(refused)
    assert state(live) == before
    assert last_run(live)["ok"] is False

    allowed = CliRunner().invoke(app, ["ingest", "--fhir", "--allow-shrink", str(ONE)])
    assert allowed.exit_code == 0, allowed.output
    behind, _, count = state(live)
    assert count == 1 and behind != before[0]
    assert last_run(live)["ok"] is True and last_run(live)["studies"] == 1


def test_incremental_deletions_above_the_share_are_refused(live: Settings) -> None:
    refused = CliRunner().invoke(app, ["ingest", "--fhir", "--incremental", str(ONE)])
    assert refused.exit_code == 3, refused.output
    assert "20 of the 20 live studies vanished" in said(refused)
    assert state(live)[2] == 21  # the new study is upserted; none of the 20 deleted
    allowed = CliRunner().invoke(
        app, ["ingest", "--fhir", "--incremental", "--allow-shrink", str(ONE)]
    )
    assert allowed.exit_code == 0, allowed.output
    assert state(live)[2] == 1


def test_a_study_loaded_without_its_group_has_no_group_to_read(live: Settings) -> None:
    """The 2023 answers carry no Group: the enrollment reference dangles, the read is a 404."""
    with TestClient(create_app(live)) as client:
        study = client.get("/R4/ResearchStudy/2022-500014-26-00")
        group = client.get("/R4/Group/2022-500014-26-00-enrollment-group")
        unknown = client.get("/R4/Group/2099-A99999-99-enrollment-group")
    assert study.status_code == 200
    assert group.status_code == 404 and unknown.status_code == 404
    assert group.json()["resourceType"] == "OperationOutcome"
    assert group.json()["issue"][0]["code"] == unknown.json()["issue"][0]["code"] == "not-found"
