"""The nightly job tried before the night: `schedule --check`, `schedule --run-now`, and the
input directory whose newest files each run takes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from studies_fixture import alias_settings, drop_alias, jarde_records
from typer.testing import CliRunner, Result

from eclaire_cli.main import app
from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings, get_settings
from ingest.errors import InputError
from ingest.inputs import newest_inputs
from ingest.loader import alias_indices
from ingest.lock import LOCK_INDEX, lease
from ingest.scheduler import JOB_LOCK


@pytest.fixture
def settings(
    opensearch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Settings of an alias of our own, also given to the CLI through the environment."""
    settings = alias_settings(opensearch_url, "schedule", tmp_path / "var", validation="none")
    for name, value in {
        "OPENSEARCH_URL": opensearch_url,
        "INDEX_ALIAS": settings.index_alias,
        "DATA_DIR": str(settings.data_dir),
        "VALIDATION": "none",
        "INPUT_DIR": str(tmp_path / "inbox"),
    }.items():
        monkeypatch.setenv(f"ECLAIRE_{name}", value)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()
    drop_alias(settings)


def export(path: Path, numbers: range) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(jarde_records(numbers), ensure_ascii=False), encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_run_now_performs_one_recorded_run(settings: Settings, tmp_path: Path) -> None:
    source = export(tmp_path / "export_eclaire_jarde.json", range(4))
    result = run("schedule", "--run-now", str(source))
    assert result.exit_code == 0, result.stderr
    assert "ok     OpenSearch" in result.stderr and "ok     lease index" in result.stderr
    runs = [json.loads(line) for line in (settings.data_dir / "runs.ndjson").read_text().split()]
    assert len(runs) == 1 and runs[0]["ok"] is True and runs[0]["studies"] == 4
    client = sync_client(settings)
    try:
        (index,) = alias_indices(client, settings.index_alias)
        assert client.count(index=index)["count"] == 4
        assert not client.exists(index=LOCK_INDEX, id=JOB_LOCK)  # the lease was given back
    finally:
        client.close()


def test_run_now_while_another_scheduler_runs_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    source = export(tmp_path / "export_eclaire_jarde.json", range(2))
    client = sync_client(settings)
    try:
        with lease(client, JOB_LOCK):
            result = run("schedule", "--run-now", str(source))
    finally:
        client.close()
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"eclaire schedule: not run: {JOB_LOCK}")
    record = json.loads((settings.data_dir / "runs.ndjson").read_text().splitlines()[-1])
    assert (record["ok"], record["exit_status"]) == (False, 3)


def test_check_catches_a_missing_file(settings: Settings, tmp_path: Path) -> None:
    present = export(tmp_path / "export_eclaire_jarde.json", range(1))
    missing = tmp_path / "export_eclaire_ctis.json"
    result = run("schedule", "--check", str(present), str(missing))
    assert result.exit_code == 5, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("ok     lease index: .eclaire-locks writable") for line in lines)
    assert f"FAILED input: {missing}: no such file" in lines
    assert lines[-1] == f"eclaire schedule: {missing}: no such file"
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_input_directory(settings: Settings, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for name in ("ctis", "dm-dmdiv", "jarde"):
        export(inbox / f"export_eclaire_{name}.json", range(1))
    result = run("schedule", "--check")
    assert result.exit_code == 0, result.stderr
    assert sum(line.startswith("ok     input: ") for line in result.stderr.splitlines()) == 3


def test_the_newest_file_of_each_pattern_is_taken(settings: Settings, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    old = export(inbox / "export_eclaire_jarde-2026-11-30.json", range(1))
    new = export(inbox / "export_eclaire_jarde-2026-12-01.json", range(2))
    export(inbox / "export_eclaire_jarde-2026-12-01.json.part", range(3))  # still arriving
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_086_400, 1_700_086_400))
    local = settings.model_copy(update={"input_dir": inbox})
    with pytest.raises(InputError, match="no file matches 'export_eclaire_ctis"):
        newest_inputs(local)
    only_jarde = local.model_copy(update={"input_patterns": "export_eclaire_jarde*.json"})
    assert newest_inputs(only_jarde) == [new]
    os.utime(old, (1_700_172_800, 1_700_172_800))  # a re-delivered file is newer again
    assert newest_inputs(only_jarde) == [old]
