"""Requests under way per client address (ECLAIRE_CLIENT_CONCURRENCY), against the real
engine: a held export counts, a second request of the same address is a 429 OperationOutcome,
another address is served, and the count is released on every exit path."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message
from studies_fixture import Loaded

from eclaire_search.app import create_app
from eclaire_search.errors import TooManyRequests
from eclaire_search.inflight import ClientConcurrency
from eclaire_search.limits import RequestLimits, TokenBucket

EXPORT = "/api/export.ndjson"
HELD, OTHER = "192.0.2.21", "192.0.2.22"


def scope(path: str, client: str) -> dict[str, Any]:
    raw, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw,
        "raw_path": raw.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": (client, 40000),
        "server": ("testserver", 80),
    }


async def call(
    app: ASGIApp,
    path: str,
    client: str,
    *,
    at_body: asyncio.Event | None = None,
    hold: asyncio.Event | None = None,
    gone: asyncio.Event | None = None,
    fail_at_body: bool = False,
) -> list[Message]:
    """One request straight through the ASGI app. ``at_body`` is set when the first body
    chunk is sent; the send then waits for ``hold`` (a slow reader), or raises (a reset
    socket) with ``fail_at_body``; ``gone`` makes receive report a disconnect."""
    sent: list[Message] = []
    first = True

    async def receive() -> Message:
        if gone is not None:
            await gone.wait()
            return {"type": "http.disconnect"}
        await asyncio.Event().wait()  # a GET has no body; wait like a live connection
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        nonlocal first
        sent.append(message)
        if message["type"] == "http.response.body" and first:
            first = False
            if at_body is not None:
                at_body.set()
            if fail_at_body:
                raise OSError("connection reset by peer")
            if hold is not None:
                await hold.wait()

    await app(scope(path, client), receive, send)
    return sent


def status(messages: list[Message]) -> int:
    return int(next(m["status"] for m in messages if m["type"] == "http.response.start"))


def body(messages: list[Message]) -> dict[str, Any]:
    data = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return dict(json.loads(data))


def limits_of(app: Any) -> RequestLimits:
    layer = app.middleware_stack
    while not isinstance(layer, RequestLimits):
        layer = layer.app
    return layer


@pytest.fixture
def capped(loaded: Loaded) -> Any:
    settings = loaded.settings.model_copy(update={"client_concurrency": 1})
    with TestClient(create_app(settings)) as client:
        yield client


def test_held_request_caps_its_address_only(capped: TestClient) -> None:
    app = capped.app

    async def scenario() -> tuple[list[Message], list[Message], list[Message], dict[str, int]]:
        at_body, hold = asyncio.Event(), asyncio.Event()
        export = asyncio.create_task(call(app, EXPORT, HELD, at_body=at_body, hold=hold))
        await at_body.wait()  # the export's body has started: it is under way
        running = dict(limits_of(app).concurrency.running)
        refused = await call(app, "/R4/ResearchStudy?_count=1", HELD)
        other = await call(app, "/R4/ResearchStudy?_count=1", OTHER)
        hold.set()
        return await export, refused, other, running

    export, refused, other, running = capped.portal.call(scenario)  # type: ignore[union-attr]
    assert running == {HELD: 1}
    assert status(refused) == 429
    outcome = body(refused)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "throttled"
    start = next(m for m in refused if m["type"] == "http.response.start")
    assert int(dict(start["headers"])[b"retry-after"]) >= 1
    assert status(other) == 200
    assert status(export) == 200
    assert limits_of(app).concurrency.running == {}  # whole body sent: released
    assert capped.get("/R4/ResearchStudy?_count=1").status_code == 200


def test_released_when_the_client_goes_or_the_request_fails(capped: TestClient) -> None:
    app = capped.app
    concurrency = limits_of(app).concurrency

    async def scenario() -> list[int]:
        # the reader stops reading and disconnects mid-body
        at_body, gone = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(
            call(app, EXPORT, HELD, at_body=at_body, hold=asyncio.Event(), gone=gone)
        )
        await at_body.wait()
        held = len(concurrency.running)
        gone.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=60)
        after_disconnect = len(concurrency.running)
        # the socket is reset while the body is being written
        with contextlib.suppress(Exception):
            await call(app, EXPORT, HELD, fail_at_body=True)
        after_reset = len(concurrency.running)
        # the request itself is refused (400 from the route)
        invalid = status(await call(app, "/R4/ResearchStudy?_count=abc", HELD))
        after_error = len(concurrency.running)
        served = status(await call(app, "/R4/ResearchStudy?_count=1", HELD))
        return [held, after_disconnect, after_reset, invalid, after_error, served]

    result = capped.portal.call(scenario)  # type: ignore[union-attr]
    assert result == [1, 0, 0, 400, 0, 200]


def test_probes_and_static_files_are_not_counted(capped: TestClient) -> None:
    app = capped.app

    async def scenario() -> list[int]:
        at_body, hold = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(call(app, EXPORT, HELD, at_body=at_body, hold=hold))
        await at_body.wait()
        answers = [
            status(await call(app, path, HELD))
            for path in ("/health", "/static/portal.css", "/R4/metadata")
        ]
        hold.set()
        await task
        return answers

    assert capped.portal.call(scenario) == [200, 200, 429]  # type: ignore[union-attr]


def test_concurrency_table_holds_only_what_is_under_way() -> None:
    table = ClientConcurrency(cap=2)
    releases = [table.acquire("a"), table.acquire("a")]
    with pytest.raises(TooManyRequests):
        table.acquire("a")
    other = table.acquire("b")
    releases[0]()
    releases[0]()  # a second call (another exit path) releases nothing more
    assert table.running == {"a": 1, "b": 1}
    releases.append(table.acquire("a"))
    for release in [*releases, other]:
        release()
    assert table.running == {}  # memory: no entry outlives its requests
    unlimited = ClientConcurrency(cap=0)
    assert all(unlimited.acquire("a") for _ in range(1000))


def test_burst_smaller_than_the_minute() -> None:
    bucket = TokenBucket(rate=600, burst=100)  # 10 a second, 100 at once
    allowed = sum(bucket.take("a", 0.0) == 0 for _ in range(600))
    assert allowed == 100
    assert bucket.take("a", 0.0) > 0
    assert bucket.take("a", 0.1) == 0  # a tenth of a second refills one token
    assert TokenBucket(rate=3, burst=100).burst == 3  # never above the minute's rate
