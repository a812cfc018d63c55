"""``eclaire map FILES --out DIR``: NDJSON per resource type, dead letters, summary, exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ingest_mapping_samples import ctis, dm, jarde
from typer.testing import CliRunner

from eclaire_cli.main import app
from eclaire_core.settings import get_settings


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ECLAIRE_VALIDATION", "all")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_map_command_outputs(tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text(json.dumps([ctis(), dm(publication_eclaire="non"), jarde(), 5]))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["map", str(source), "--out", str(out)])
    # 1 dead letter of 4 records is above the default 5 % rate: exit 1, outputs written
    assert result.exit_code == 1, result.output
    studies = _lines(out / "ResearchStudy.ndjson")
    assert [s["id"] for s in studies] == ["2024-590001-12-00", "2022-A90002-34"]
    assert len(_lines(out / "Group.ndjson")) == 2
    assert [loc["id"] for loc in _lines(out / "Location.ndjson")] == ["2024-590001-12-00-0-site"]
    orgs = [o["id"] for o in _lines(out / "Organization.ndjson")]
    assert orgs == ["ansm", "ctis", "eudract", "2024-590001-12-00-primary-sponsor"]
    assert _lines(out / "unpublished.ndjson") == [
        {"id": "2023-A90001-12", "reason": "publication_eclaire is 'non', not 'autorisé'"}
    ]
    (letter,) = _lines(out / "dead-letters.ndjson")
    assert (letter["index"], letter["kind"], letter["raw"]) == (3, "unparseable", 5)
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["read"], summary["mapped"], summary["dead_lettered"]) == (4, 2, 1)
    assert summary["validated"] == 2
    assert [w["id"] for w in _lines(out / "warnings.ndjson")] == ["2024-590001-12-00"]


def test_map_command_exit_zero_within_rate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECLAIRE_MAX_DEAD_LETTER_RATE", "0.5")
    get_settings.cache_clear()
    source = tmp_path / "export.json"
    source.write_text(json.dumps([ctis(), dm(), jarde(), "x"]))
    result = CliRunner().invoke(app, ["map", str(source), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output


def test_map_help_documents_exit_status() -> None:
    result = CliRunner().invoke(app, ["map", "--help"])
    assert result.exit_code == 0
    assert "Exit status" in result.output
