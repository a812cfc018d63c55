"""Public traffic: offset paging, the self link, the cost budget, caps on heavy work, exports
that never cut a body after a 200 and always give their slot back (issue 12, search side)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from starlette.testclient import TestClient
from starlette.types import Message
from studies_fixture import Loaded

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_search.app import create_app

CONTAINS_10X100 = "&".join(
    "title:contains=" + ",".join(f"mot{p}{i:03d}" for i in range(100)) for p in range(10)
)


def ids(bundle: dict[str, Any]) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"]


def links(bundle: dict[str, Any]) -> dict[str, str]:
    return {link["relation"]: link["url"] for link in bundle["link"]}


def relative(url: str) -> str:
    return f"{urlsplit(url).path}?{urlsplit(url).query}"


def outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]  # type: ignore[no-any-return]


@pytest.fixture
def app_with(loaded: Loaded) -> Iterator[Any]:
    """A client on an app with some settings changed (caps, deadlines)."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        client = TestClient(create_app(loaded.settings.model_copy(update=changes)))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


# --- offset paging and the self link -------------------------------------------------------------


def test_getpagesoffset_returns_21_to_30_of_the_same_search(api: TestClient) -> None:
    plain = api.get("/R4/ResearchStudy", params={"_count": "40"}).json()
    offset = api.get("/R4/ResearchStudy", params={"_getpagesoffset": "20", "_count": "10"})
    assert offset.status_code == 200, offset.text
    page = offset.json()
    assert ids(page) == ids(plain)[20:30]
    assert dict(parse_qsl(urlsplit(links(page)["self"]).query)) == {
        "_getpagesoffset": "20",
        "_count": "10",
    }
    following = api.get(relative(links(page)["next"])).json()  # the links keep working
    assert ids(following) == ids(plain)[30:40]
    before = api.get(relative(links(page)["previous"])).json()
    assert ids(before) == ids(plain)[10:20]
    sorted_page = api.get(
        "/R4/ResearchStudy", params={"_getpagesoffset": "5", "_count": "5", "_sort": "_id"}
    ).json()
    everything = api.get("/R4/ResearchStudy", params={"_count": "40", "_sort": "_id"}).json()
    assert ids(sorted_page) == ids(everything)[5:10]


def test_getpagesoffset_beyond_the_window_names_the_next_links(api: TestClient) -> None:
    issue = outcome(api.get("/R4/ResearchStudy?_getpagesoffset=9995&_count=10"), 400)
    assert "next" in issue["diagnostics"] and issue["expression"] == ["_getpagesoffset"]
    assert api.get("/R4/ResearchStudy?_getpagesoffset=9990&_count=10").status_code == 200


def test_self_link_shows_the_parameters_actually_used(api: TestClient) -> None:
    bundle = api.get("/R4/ResearchStudy?_count=5000&colour=blue&status=active").json()
    query = dict(parse_qsl(urlsplit(links(bundle)["self"]).query))
    assert query == {"_count": "1000", "status": "active"}


def test_a_decimal_age_is_the_completed_years(api: TestClient) -> None:
    def total(age: str) -> int:
        return int(api.get("/R4/ResearchStudy", params={"age": age, "_count": "0"}).json()["total"])

    assert total("30.5") == total("30") > 0
    assert total("64.99") == total("64")


# --- the cost budget -----------------------------------------------------------------------------


def test_ten_times_a_hundred_contains_values_is_400_for_get_and_post(api: TestClient) -> None:
    got = outcome(api.get(f"/R4/ResearchStudy?{CONTAINS_10X100}"), 400)
    form = {"content-type": "application/x-www-form-urlencoded"}
    posted = api.post("/R4/ResearchStudy/_search", content=CONTAINS_10X100, headers=form)
    assert outcome(posted, 400)["diagnostics"] == got["diagnostics"]
    assert "at most" in got["diagnostics"]


@pytest.mark.parametrize(
    ("params", "limit"),
    [
        ([("title:contains", ",".join(f"abc{i}" for i in range(11)))], "at most 10"),
        ([("title:contains", "ab")], "shorter than 3"),
        ([("status", ",".join(["active"] * 60))] * 2, "at most 100 per parameter"),
        ([("_text", " ".join(f"w{i:02d}" for i in range(100)))] * 8, "query clauses"),
        ([(f"identifier{i}", "x") for i in range(101)], "at most 100"),  # POST: form body
    ],
)
def test_each_budget_limit_is_a_400_that_names_it(
    api: TestClient, params: list[tuple[str, str]], limit: str
) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    posted = api.post("/R4/ResearchStudy/_search", content=urlencode(params), headers=form)
    assert limit in outcome(posted, 400)["diagnostics"]
    if len(params) <= 100:  # over 100 in a query string is the URL guard's (same 400)
        assert (
            limit in outcome(api.get(f"/R4/ResearchStudy?{urlencode(params)}"), 400)["diagnostics"]
        )


def test_within_the_budget_contains_still_works(api: TestClient) -> None:
    values = ",".join(["sommeil", *(f"zzz{i}" for i in range(9))])
    bundle = api.get("/R4/ResearchStudy", params={"title:contains": values, "_count": "0"})
    assert bundle.status_code == 200 and bundle.json()["total"] > 0


# --- caps on heavy work, exports -----------------------------------------------------------------


def index_queries(settings: Settings) -> int:
    client = sync_client(settings)
    try:
        stats = client.indices.stats(index=settings.index_alias, metric="search")
    finally:
        client.close()
    return int(stats["_all"]["total"]["search"]["query_total"])


def test_head_of_an_export_starts_nothing(api: TestClient, loaded: Loaded) -> None:
    before = index_queries(loaded.settings)
    head = api.head("/api/export.csv", params={"status": "active"})
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/csv")
    assert index_queries(loaded.settings) == before
    assert api.head("/api/export.csv", params={"status": "bogus"}).status_code == 400


def test_exports_over_the_caps_are_429_before_any_body(app_with: Any) -> None:
    for changes in ({"export_max_concurrent": 0}, {"export_max_per_client": 0}):
        response = app_with(**changes).get("/api/export.ndjson")
        issue = outcome(response, 429)
        assert issue["code"] == "throttled" and int(response.headers["retry-after"]) > 0


def test_big_pages_over_the_cap_are_429_small_ones_pass(app_with: Any) -> None:
    api = app_with(big_page_max_concurrent=0)
    assert api.get("/R4/ResearchStudy?_count=300").status_code == 429
    assert api.get("/R4/ResearchStudy?_count=60&_include=*").status_code == 429
    assert api.get("/R4/ResearchStudy?_count=200").status_code == 200
    assert api.get("/R4/ResearchStudy?_count=50&_include=*").status_code == 200
    assert api.get("/R4/ResearchStudy?_count=5000&_summary=count").status_code == 200


def test_exports_give_their_slot_back_when_they_end(api: TestClient, loaded: Loaded) -> None:
    for _ in range(3):  # one export at a time per client: each must free its slot
        response = api.get("/api/export.csv")
        assert response.status_code == 200
        assert len(response.text.splitlines()) == len(loaded.expected) + 1


def export_scope(client: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/export.ndjson",
        "raw_path": b"/api/export.ndjson",
        "root_path": "",
        "query_string": b"_include=*",
        "headers": [(b"host", b"testserver")],
        "client": (client, 40000),
        "server": ("testserver", 80),
    }


def test_a_client_that_stops_reading_or_leaves_frees_its_export(app_with: Any) -> None:
    api = app_with(export_write_timeout=0.2)
    app = api.app
    slots = app.state.eclaire.heavy.exports

    async def export_to(client: str, behaviour: str) -> list[Message]:
        sent: list[Message] = []

        async def receive() -> Message:
            await asyncio.sleep(3600)  # the client says nothing
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)
            if message["type"] == "http.response.body":
                if behaviour == "stalls":
                    await asyncio.sleep(3600)  # never drains: the write deadline drops it
                if behaviour == "leaves" and len(sent) > 2:
                    raise OSError("connection reset by peer")

        await app(export_scope(client), receive, send)
        return sent

    for behaviour in ("stalls", "leaves"):
        sent = api.portal.call(export_to, f"10.0.0.{len(behaviour)}", behaviour)
        assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
        assert not any(m.get("more_body") is False for m in sent)  # it did not finish
        assert slots.running == 0 and slots.by_client == {}, behaviour
