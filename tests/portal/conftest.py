"""The portal's own loaded alias (the 40 known studies plus one hostile record), a TestClient,
and the app served by uvicorn on 127.0.0.1 for the browser test.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from portal_samples import HOSTILE_ID, HOSTILE_TITLE
from starlette.testclient import TestClient
from studies_fixture import Loaded, alias_settings, loaded_exports, riph_record, write_exports

from eclaire_search.app import create_app

HOSTILE_SUMMARY = (
    "<p>Résumé <strong>important</strong></p><script>alert(1)</script>"
    '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">lien</a>'
    '<p style="color:red" onclick="alert(4)">Suite</p>'
)


def add_hostile_study(directory: Path) -> None:
    path = directory / "export_eclaire_jarde.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    record = riph_record(41, "EN_COURS", "JARDE", HOSTILE_ID, HOSTILE_TITLE)
    record["resume"] = HOSTILE_SUMMARY
    records.append(record)
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="session")
def portal_loaded(
    opensearch_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    directory = tmp_path_factory.mktemp("portal-exports")
    expected = write_exports(directory)
    add_hostile_study(directory)
    settings = alias_settings(opensearch_url, "portal", tmp_path_factory.mktemp("portal-var"))
    with loaded_exports(directory, expected, settings) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def portal(portal_loaded: Loaded) -> Iterator[TestClient]:
    with TestClient(create_app(portal_loaded.settings), base_url="http://testserver") as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_url(portal_loaded: Loaded) -> Iterator[str]:
    """The app under uvicorn in a background thread, on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(
        create_app(portal_loaded.settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
