"""`eclaire rollback` serves the previous index; `eclaire snapshot` then `eclaire restore`
brings back a deleted index (on a node with ``path.repo``, which the launcher sets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from studies_fixture import alias_settings, drop_alias, jarde_records
from typer.testing import CliRunner, Result

from eclaire_cli.main import app
from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings, get_settings
from eclaire_search.app import create_app
from ingest.backup import versioned_indices
from ingest.loader import alias_indices
from ingest.pipeline import run_ingest


@pytest.fixture
def settings(
    opensearch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    settings = alias_settings(opensearch_url, "backup", tmp_path / "var", validation="none")
    settings = settings.model_copy(
        update={
            "snapshot_repository": settings.index_alias,
            "snapshot_location": settings.index_alias,
        }
    )
    for name, value in {
        "OPENSEARCH_URL": opensearch_url,
        "INDEX_ALIAS": settings.index_alias,
        "DATA_DIR": str(settings.data_dir),
        "SNAPSHOT_REPOSITORY": settings.snapshot_repository,
        "SNAPSHOT_LOCATION": settings.snapshot_location,
    }.items():
        monkeypatch.setenv(f"ECLAIRE_{name}", value)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()
    drop_alias(settings)


def load(settings: Settings, directory: Path, numbers: range) -> str:
    """A full load of the JARDE studies ``numbers``; the new index's name."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "export_eclaire_jarde.json"
    path.write_text(json.dumps(jarde_records(numbers), ensure_ascii=False), encoding="utf-8")
    return run_ingest([path], settings, "full").load.index


def served_ids(settings: Settings) -> list[str]:
    with TestClient(create_app(settings)) as client:
        bundle = client.get("/R4/ResearchStudy", params={"_count": 100, "_sort": "_id"}).json()
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def node_has_path_repo(settings: Settings) -> bool:
    client = sync_client(settings)
    try:
        nodes: dict[str, Any] = client.nodes.info(metric="settings")["nodes"]
    finally:
        client.close()
    return all(node["settings"].get("path", {}).get("repo") for node in nodes.values())


def test_rollback_serves_the_previous_index(settings: Settings, tmp_path: Path) -> None:
    first = load(settings, tmp_path / "a", range(3))
    first_ids = served_ids(settings)
    second = load(settings, tmp_path / "b", range(10, 15))
    assert len(served_ids(settings)) == 5 and second > first
    result = run("rollback")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"alias {settings.index_alias}: {second} → {first}"
    assert served_ids(settings) == first_ids and len(first_ids) == 3
    again = run("rollback")  # nothing older than the first load is kept
    assert again.exit_code == 3
    assert again.stderr.strip().startswith(f"eclaire rollback: no index older than {first}")
    forward = run("rollback", "--to", second)
    assert forward.exit_code == 0, forward.stderr
    assert len(served_ids(settings)) == 5


def test_snapshot_then_restore_brings_back_a_deleted_index(
    settings: Settings, tmp_path: Path
) -> None:
    if not node_has_path_repo(settings):
        pytest.skip("this node was started without path.repo (the launcher now sets it)")
    index = load(settings, tmp_path / "a", range(4))
    ids = served_ids(settings)
    client = sync_client(settings)
    try:
        taken = run("snapshot", "before-delete")
        assert taken.exit_code == 0, taken.stderr
        assert taken.stdout.startswith(f"snapshot before-delete: 1 indices ({index}), live {index}")
        client.indices.delete(index=index)
        assert versioned_indices(client, settings.index_alias) == []
        assert served_ids(settings) == []
        restored = run("restore")
        assert restored.exit_code == 0, restored.stderr
        assert f"restored {index}" in restored.stdout
        assert alias_indices(client, settings.index_alias) == [index]
        assert served_ids(settings) == ids and len(ids) == 4
        unknown = run("restore", "no-such-snapshot")
        assert unknown.exit_code == 3
        assert "no snapshot 'no-such-snapshot'" in unknown.stderr
    finally:
        client.snapshot.delete(repository=settings.snapshot_repository, snapshot="before-delete")
        client.snapshot.delete_repository(repository=settings.snapshot_repository)
        client.close()


def test_snapshot_without_an_index_is_refused(settings: Settings) -> None:
    result = run("snapshot")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"eclaire snapshot: nothing to snapshot: no index {settings.index_alias}-* on the cluster"
    )
