"""A loaded alias of known studies on the real test node, and a client on the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from studies_fixture import Loaded, alias_settings, loaded_exports, write_exports

from eclaire_search.app import create_app


@pytest.fixture(scope="session")
def loaded(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    directory = tmp_path_factory.mktemp("exports")
    expected = write_exports(directory)
    settings = alias_settings(opensearch_url, "studies", tmp_path_factory.mktemp("var"))
    with loaded_exports(directory, expected, settings) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def api(loaded: Loaded) -> Iterator[TestClient]:
    with TestClient(create_app(loaded.settings), base_url="http://testserver") as client:
        yield client
