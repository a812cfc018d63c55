"""The nightly job: 04:00 Europe/Paris by default, one runner at a time, each run recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from studies_fixture import alias_settings, drop_alias, jarde_records

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from ingest.lock import lease
from ingest.scheduler import JOB_LOCK, build_scheduler, nightly

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def settings(opensearch_url: str, tmp_path: Path) -> Iterator[Settings]:
    settings = alias_settings(opensearch_url, "nightly", tmp_path / "var")
    yield settings
    drop_alias(settings)


def test_default_schedule_is_four_in_the_morning_paris_time() -> None:
    scheduler = build_scheduler([Path("x.json")], Settings())
    trigger = scheduler.get_jobs()[0].trigger
    winter = trigger.get_next_fire_time(None, datetime(2026, 12, 1, 12, 0, tzinfo=PARIS))
    summer = trigger.get_next_fire_time(None, datetime(2026, 7, 1, 12, 0, tzinfo=PARIS))
    assert (winter.hour, winter.minute, winter.day) == (4, 0, 2)
    assert (summer.hour, summer.utcoffset().total_seconds()) == (4, 7200)  # CEST


def test_nightly_runs_once_and_is_recorded(settings: Settings, tmp_path: Path) -> None:
    export = tmp_path / "export_eclaire_jarde.json"
    export.write_text(json.dumps(jarde_records(range(5)), ensure_ascii=False))
    result = nightly([export], settings)
    assert result is not None and result.load.indexed == 5
    runs = (settings.data_dir / "runs.ndjson").read_text().splitlines()
    assert json.loads(runs[-1])["ok"] is True
    client = sync_client(settings)
    try:
        with lease(client, JOB_LOCK):  # another scheduler is mid-run
            assert nightly([export], settings) is None
    finally:
        client.close()
