"""Session fixtures: a real OpenSearch node, never a mock.

Route, in order: ``ECLAIRE_OPENSEARCH_URL`` if set; else a testcontainers OpenSearch when a
Docker engine answers; else the project's launcher on its own ports and data directory (the
``test`` node, never the one ``make run`` serves from).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

DOCKER_SOCKET = Path("/var/run/docker.sock")


def docker_answers(socket_path: Path = DOCKER_SOCKET, timeout: float = 0.5) -> bool:
    """True when a Docker engine answers on its socket (the client alone is not enough)."""
    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(socket_path))
            sock.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
            return b"OK" in sock.recv(1024)
    except OSError:
        return False


def choose_route(env: dict[str, str], docker: bool) -> str:
    if env.get("ECLAIRE_OPENSEARCH_URL"):
        return "env"
    return "testcontainers" if docker else "launcher"


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    route = choose_route(dict(os.environ), docker_answers())
    if route == "env":
        yield os.environ["ECLAIRE_OPENSEARCH_URL"]
    elif route == "testcontainers":
        from testcontainers.opensearch import OpenSearchContainer

        with OpenSearchContainer("opensearchproject/opensearch:2.19.3") as container:
            config = container.get_config()
            yield f"http://{config['host']}:{config['port']}"
    else:
        from eclaire_search import localnode

        yield localnode.start(localnode.NODES["test"])
