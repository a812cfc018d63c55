"""A loaded alias of known studies on the real test node, and a client on the app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from studies_fixture import Loaded, write_exports

from eclaire_search.app import create_app
from eclaire_search.settings import Settings
from ingest.loader import create_sync_client
from ingest.pipeline import run_ingest


@pytest.fixture(scope="session")
def loaded(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    directory = tmp_path_factory.mktemp("exports")
    expected = write_exports(directory)
    alias = f"test-studies-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        opensearch_url=opensearch_url,
        index_alias=alias,
        data_dir=tmp_path_factory.mktemp("var"),
        opensearch_timeout=10,
    )
    exports = sorted(directory.glob("export_eclaire_*.json"))
    result = run_ingest(exports, settings, "full")
    yield Loaded(settings, expected, result, exports)
    client = create_sync_client(settings)
    client.indices.delete(index=f"{alias}-*")
    client.close()


@pytest.fixture(scope="session")
def api(loaded: Loaded) -> Iterator[TestClient]:
    with TestClient(create_app(loaded.settings), base_url="http://testserver") as client:
        yield client
