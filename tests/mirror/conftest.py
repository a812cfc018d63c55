"""Fixtures of the mirror tests: the source mapping's studies, and our API on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mirror_server import LiveServer, Served, alias_settings
from studies_fixture import Expected, drop_alias, write_exports

from eclaire_core.settings import Settings
from ingest.deadletter import MemoryDeadLetters
from ingest.export_source import map_exports
from ingest.mapping import MappedStudy
from ingest.pipeline import run_ingest


@pytest.fixture(scope="session")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Expected]]:
    directory = tmp_path_factory.mktemp("mirror-exports")
    expected = write_exports(directory)
    return sorted(directory.glob("export_eclaire_*.json")), expected


@pytest.fixture(scope="session")
def offline_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for mapping only (no OpenSearch is contacted)."""
    return Settings(data_dir=tmp_path_factory.mktemp("mirror-var"), validation="all")


@pytest.fixture(scope="session")
def source_studies(
    exports: tuple[list[Path], list[Expected]], offline_settings: Settings
) -> list[MappedStudy]:
    """Every published study of the fixture exports, as the source mapping builds it."""
    dead = MemoryDeadLetters()
    outcomes = map_exports(exports[0], offline_settings, dead_letters=dead)
    studies = [o for o in outcomes if isinstance(o, MappedStudy)]
    assert not dead.letters and len(studies) == len(exports[1])
    return studies


@pytest.fixture(scope="session")
def served(
    opensearch_url: str,
    exports: tuple[list[Path], list[Expected]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Served]:
    """The fixture exports loaded into an alias and served by our API on loopback."""
    settings = alias_settings(opensearch_url, tmp_path_factory.mktemp("served"), "test-mirror-a")
    result = run_ingest(exports[0], settings, "full")
    assert result.load.swapped and result.mapping.mapped == len(exports[1])
    try:
        with LiveServer(settings) as server:
            yield Served(settings, exports[1], server.base)
    finally:
        drop_alias(settings)
