"""The node the tests run on: how it is chosen, and that it analyses French as we need."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from node_route import choose_route, docker_answers

from eclaire_search import localnode
from ingest.loader import index_body


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
        call(f"{opensearch_url}/{index}", {"settings": index_body()["settings"]}, "PUT")

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
