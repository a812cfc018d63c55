"""ingest/bulk.py against the real node: chunking, per-item failures, 404 deletes, and the 429
retries — those through a small proxy of the tests' own that answers like a node whose write
queue is full (the whole request, or single items), forwarding everything else to the node."""

from __future__ import annotations

import threading
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from opensearchpy import OpenSearch

from ingest.bulk import BulkSender, delete_action, index_action

REJECTED = {"type": "es_rejected_execution_exception", "reason": "write queue is full"}


@pytest.fixture
def index(opensearch_url: str) -> Iterator[str]:
    name = f"test-bulk-{uuid.uuid4().hex[:8]}"
    client = OpenSearch(opensearch_url)
    client.indices.create(
        index=name,
        body={
            "settings": {"number_of_replicas": 0},
            "mappings": {"dynamic": "strict", "properties": {"title": {"type": "keyword"}}},
        },
    )
    yield name
    client.indices.delete(index=name)
    client.close()


def documents(client: OpenSearch, index: str) -> dict[str, Any]:
    client.indices.refresh(index=index)
    hits = client.search(index=index, body={"size": 100})["hits"]["hits"]
    return {h["_id"]: h["_source"] for h in hits}


def doc(title: str) -> bytes:
    return orjson.dumps({"title": title})


def test_chunks_are_sent_whole_and_counted(opensearch_url: str, index: str) -> None:
    client = OpenSearch(opensearch_url)
    sender = BulkSender(client, chunk_size=3)
    actions = [index_action(index, f"s{i}", doc(f"Étude n°{i}")) for i in range(8)]
    assert [len(c) for c in sender.chunks(actions)] == [3, 3, 2]
    result = sender.send(actions)
    assert (result.indexed, result.failures) == (8, [])
    assert documents(client, index) == {f"s{i}": {"title": f"Étude n°{i}"} for i in range(8)}


def test_chunk_bytes_bound_a_request() -> None:
    sender = BulkSender(OpenSearch("http://127.0.0.1:1"), chunk_size=100, max_chunk_bytes=120)
    actions = [index_action("x", f"s{i}", doc("a" * 30)) for i in range(5)]
    sizes = [sum(len(a.lines) for a in c) for c in sender.chunks(actions)]
    assert len(sizes) > 1 and all(size <= 120 for size in sizes)


def test_a_rejected_document_is_reported_the_others_indexed(
    opensearch_url: str, index: str
) -> None:
    client = OpenSearch(opensearch_url)
    actions = [
        index_action(index, "good-1", doc("un")),
        index_action(index, "bad", orjson.dumps({"unmapped": 1})),  # dynamic: strict
        index_action(index, "good-2", doc("deux")),
        delete_action(index, "never-indexed"),  # 404: what a delete wanted
    ]
    result = BulkSender(client, chunk_size=2).send(actions)
    assert result.indexed == 2
    (failure,) = result.failures
    assert (failure.op, failure.id, failure.status) == ("index", "bad", 400)
    assert "strict_dynamic_mapping_exception" in failure.reason
    assert set(documents(client, index)) == {"good-1", "good-2"}


def test_an_unreachable_node_fails_every_item_without_raising() -> None:
    sender = BulkSender(OpenSearch("http://127.0.0.1:1", max_retries=0), chunk_size=2)
    result = sender.send([index_action("x", f"s{i}", doc("t")) for i in range(3)])
    assert result.indexed == 0
    assert [f.id for f in result.failures] == ["s0", "s1", "s2"]
    assert all("ConnectionError" in f.reason for f in result.failures)


class Rejecting(ThreadingHTTPServer):
    """Forwards to the node; answers the first ``whole`` bulk requests with a 429 and marks
    the first item of the next ``items`` bulk answers as rejected (429)."""

    def __init__(self, upstream: str, whole: int = 0, items: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream, self.whole, self.items = upstream, whole, items
        self.bulk_requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Rejecting

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self, body: bytes | None) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.server.upstream + self.path,
            data=body,
            method=self.command,
            headers={"Content-Type": self.headers.get("Content-Type", "application/json")},
        )
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read()

    def do_GET(self) -> None:
        self._answer(*self._forward(None))

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if "_bulk" not in self.path:
            self._answer(*self._forward(body))
            return
        server = self.server
        server.bulk_requests += 1
        if server.whole > 0:
            server.whole -= 1
            self._answer(429, orjson.dumps({"error": REJECTED, "status": 429}))
            return
        status, answer = self._forward(body)
        if server.items > 0:
            server.items -= 1
            parsed = orjson.loads(answer)
            item = next(iter(parsed["items"][0].values()))
            item.update(status=429, error=REJECTED)
            answer = orjson.dumps(parsed)
        self._answer(status, answer)


@pytest.fixture
def proxy(opensearch_url: str) -> Iterator[Rejecting]:
    server = Rejecting(opensearch_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_whole_request_429s_are_sent_again(
    proxy: Rejecting, opensearch_url: str, index: str
) -> None:
    proxy.whole = 2
    sender = BulkSender(OpenSearch(proxy.url), initial_backoff=0.01)
    result = sender.send([index_action(index, f"s{i}", doc("t")) for i in range(4)])
    assert (result.indexed, result.failures, proxy.bulk_requests) == (4, [], 3)
    assert len(documents(OpenSearch(opensearch_url), index)) == 4


def test_rejected_items_alone_are_sent_again(proxy: Rejecting, index: str) -> None:
    proxy.items = 2
    sender = BulkSender(OpenSearch(proxy.url), initial_backoff=0.01)
    result = sender.send([index_action(index, f"s{i}", doc("t")) for i in range(4)])
    assert (result.indexed, result.failures, proxy.bulk_requests) == (4, [], 3)


def test_429s_past_the_retries_are_failures(proxy: Rejecting, index: str) -> None:
    proxy.items = 10
    sender = BulkSender(OpenSearch(proxy.url), max_retries=2, initial_backoff=0.01)
    result = sender.send([index_action(index, f"s{i}", doc("t")) for i in range(3)])
    assert result.indexed == 2
    (failure,) = result.failures
    assert (failure.id, failure.status, proxy.bulk_requests) == ("s0", 429, 3)
    assert "es_rejected_execution_exception" in failure.reason
