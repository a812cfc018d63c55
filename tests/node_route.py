"""How the tests pick their OpenSearch node (kept apart from conftest so tests import it)."""

from __future__ import annotations

import socket
from pathlib import Path

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
