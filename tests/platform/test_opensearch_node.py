"""The node the tests run on: how it is chosen, and that it analyses French as we need."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from node_route import choose_route, docker_answers

from devtools import localnode
from eclaire_core.templates import index_body


def test_route_choice() -> None:
    assert choose_route({"ECLAIRE_OPENSEARCH_URL": "http://x:9200"}, docker=True) == "env"
    assert choose_route({"ECLAIRE_OPENSEARCH_URL": ""}, docker=True) == "testcontainers"
    assert choose_route({}, docker=False) == "launcher"


def test_docker_probe_is_false_without_an_engine(tmp_path: Path) -> None:
    assert docker_answers(tmp_path / "no.sock") is False


def test_test_node_is_not_the_run_node() -> None:
    run, test = localnode.NODES["run"], localnode.NODES["test"]
    assert run.http_port != test.http_port and run.transport_port != test.transport_port
    assert run.home != test.home


def call(url: str, body: dict[str, Any] | None = None, method: str = "GET") -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_node_is_opensearch_2_19(opensearch_url: str) -> None:
    info = call(opensearch_url)
    assert info["version"]["distribution"] == "opensearch"
    assert info["version"]["number"].startswith("2.19.")


def test_project_analyzer_folds_french(opensearch_url: str) -> None:
    index = "test-analysis-check"
    try:
        # the whole body, as a load creates it
        call(f"{opensearch_url}/{index}", index_body(), "PUT")

        def tokens(analyzer: str, text: str) -> list[str]:
            kind = "normalizer" if analyzer == "place" else "analyzer"
            result = call(
                f"{opensearch_url}/{index}/_analyze", {kind: analyzer, "text": text}, "POST"
            )
            return [t["token"] for t in result["tokens"]]

        assert tokens("french_text", "l'Hôpital") == ["hopital"]
        assert tokens("french_text", "Les hôpitaux d'Île-de-France") == ["hopital", "ile", "franc"]
        assert (
            tokens("place", "Saint-Étienne")
            == tokens("place", "saint etienne")
            == ["saint etienne"]
        )
    finally:
        call(f"{opensearch_url}/{index}", method="DELETE")


def test_analysis_modules_are_installed(opensearch_url: str) -> None:
    nodes = call(f"{opensearch_url}/_nodes/plugins")["nodes"]
    modules = {m["name"] for node in nodes.values() for m in node.get("modules", [])}
    if modules:  # a full distribution (testcontainers) lists many; the launcher adds ours
        assert {"analysis-common", "lang-painless"} <= modules
    else:
        pytest.fail("node lists no modules")


def _stand_in(node: localnode.Node) -> subprocess.Popen[bytes]:
    """A process carrying the node's arguments, as the start script and the JVM do (returned
    once it has exec'd: until then its command line is still ours)."""
    marker = f"-Epath.data={node.home / 'data'}"
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", marker])
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    for _ in range(600):
        if marker.encode() in cmdline.read_bytes().split(b"\0"):
            return process
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the stand-in process never showed its arguments")


def test_start_up_is_judged_by_the_launched_processes(tmp_path: Path) -> None:
    """No pid file yet (a slow boot): the node counts as alive while its processes run."""
    node = localnode.Node(f"pytest-{uuid.uuid4().hex[:8]}", 1, 2)
    assert not localnode.alive(node)
    stand_in = _stand_in(node)
    try:
        assert localnode.node_processes(node) == [stand_in.pid]
        assert localnode.alive(node) and not (node.home / "opensearch.pid").exists()
        closed = f"http://127.0.0.1:{_closed_port()}"
        with pytest.raises(TimeoutError):  # kept waiting: never "exited during start-up"
            localnode.wait_healthy(closed, timeout=3, node=node)
    finally:
        stand_in.kill()
        stand_in.wait()
    with pytest.raises(SystemExit, match="exited during start-up"):
        localnode.wait_healthy(f"http://127.0.0.1:{_closed_port()}", node=node)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_launched_nodes_keep_snapshots_under_their_home() -> None:
    node = localnode.NODES["ops"]
    assert node.snapshots.parent == node.home
    assert {n.http_port for n in localnode.NODES.values()} >= {9200, 9250, 9470}
