"""Our API served on loopback for the harvest tests, and the aliases they load."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from studies_fixture import Expected

from eclaire_core.settings import Settings, get_settings
from eclaire_search.app import create_app


class LiveServer:
    """uvicorn in a thread on 127.0.0.1 and a port the kernel chose."""

    def __init__(self, settings: Settings) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/R4"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API did not start on loopback")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.socket.close()


@dataclass(frozen=True)
class Served:
    settings: Settings
    expected: list[Expected]
    base: str


def alias_settings(opensearch_url: str, data_dir: Path, prefix: str) -> Settings:
    return Settings(
        opensearch_url=opensearch_url,
        index_alias=f"{prefix}-{uuid.uuid4().hex[:8]}",
        data_dir=data_dir,
        opensearch_timeout=10,
        validation="all",
        keep_indices=1,
    )


def point_cli_at(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``eclaire …`` (CliRunner, settings read from the environment) use ``settings``."""
    monkeypatch.setenv("ECLAIRE_OPENSEARCH_URL", settings.opensearch_url)
    monkeypatch.setenv("ECLAIRE_INDEX_ALIAS", settings.index_alias)
    monkeypatch.setenv("ECLAIRE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ECLAIRE_VALIDATION", settings.validation)
    get_settings.cache_clear()
