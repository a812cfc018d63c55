"""The HTTP side of hostile traffic: trusted links and hosts, proxies, caching headers, rate
limits that hold, request ids, metrics, compression (issue 12 items 4-5, 15 item 5, 16 item 1).

Settings are explicit here (``allowed_hosts=None`` is the served default: loopback on
``port``), not the suite-wide relaxed environment of ``tests/conftest.py``.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterator
from typing import Any

import brotli
import pytest
import zstandard
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient
from studies_fixture import Loaded

from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from eclaire_search.clientaddr import Networks, budget_key, resolve_client
from eclaire_search.limits import TokenBucket

PORT = 8082
HOME = f"http://127.0.0.1:{PORT}"
EVIL = {"Host": "evil.example"}


def served(loaded: Loaded, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "allowed_hosts": None,
        "port": PORT,
        "rate_limit": 0,
        "rate_limit_exports": 0,
        **overrides,
    }
    settings: Settings = loaded.settings.model_copy(update=values)
    return settings


@pytest.fixture(scope="module")
def home(loaded: Loaded) -> Iterator[TestClient]:
    """The served defaults, reached as `make run` is: http://127.0.0.1:PORT, from loopback."""
    app = create_app(served(loaded))
    with TestClient(app, base_url=HOME, client=("127.0.0.1", 40000)) as client:
        yield client


def link_urls(loaded: Loaded) -> list[str]:
    study = loaded.expected[0].id
    return [
        "/R4/metadata",
        "/R4/ResearchStudy?_count=2&_include=*",
        f"/R4/ResearchStudy/{study}",
        "/R4/SearchParameter/ResearchStudy-site-city",
        "/openapi.json",
        "/",
        f"/etude/{study}",
        "/R4/ResearchStudy/",  # Starlette's trailing-slash redirect
    ]


def test_untrusted_host_never_reaches_a_link(home: TestClient, loaded: Loaded) -> None:
    for url in link_urls(loaded):
        good = home.get(url, follow_redirects=False)
        assert good.status_code in (200, 307), (url, good.text[:200])
        if url not in ("/", f"/R4/ResearchStudy/{loaded.expected[0].id}"):  # relative links
            assert "127.0.0.1:8082" in good.text + good.headers.get("location", ""), url
        bad = home.get(url, headers=EVIL, follow_redirects=False)
        assert bad.status_code == 400, url
        assert bad.json()["resourceType"] == "OperationOutcome"
        assert "evil.example" not in bad.text
        assert bad.headers["cache-control"] == "no-store"
    # a proxy header from a client that is not a configured proxy changes nothing
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    bundle = home.get("/R4/ResearchStudy?_count=1", headers=forged).json()
    assert all(link["url"].startswith(f"{HOME}/R4/") for link in bundle["link"])
    assert home.get("/health", headers=EVIL).status_code == 200  # liveness emits no link


def test_configured_base_wins_over_any_host(loaded: Loaded) -> None:
    settings = served(loaded, base_url="https://essais-cliniques.example.org/R4")
    with TestClient(create_app(settings), base_url="http://evil.example") as client:
        for url in link_urls(loaded):
            response = client.get(url, follow_redirects=False)
            assert response.status_code in (200, 307), url
            emitted = response.text + response.headers.get("location", "")
            assert "evil.example" not in emitted, url
        redirect = client.get("/R4/ResearchStudy/", follow_redirects=False)
        assert redirect.headers["location"].startswith("https://essais-cliniques.example.org/R4/")
        bundle = client.get("/R4/ResearchStudy?_count=1").json()
        assert bundle["entry"][0]["fullUrl"].startswith("https://essais-cliniques.example.org/R4/")


def test_forwarded_headers_only_from_trusted_proxies(loaded: Loaded) -> None:
    settings = served(
        loaded, trusted_proxies="10.0.0.0/8", allowed_hosts="essais-cliniques.example.org"
    )
    app = create_app(settings)
    forwarded = {
        "X-Forwarded-Host": "essais-cliniques.example.org",
        "X-Forwarded-Proto": "https",
        "Host": "10.1.2.3:8080",
    }
    with TestClient(app, client=("10.1.2.3", 5000)) as proxy:
        bundle = proxy.get("/R4/ResearchStudy?_count=1", headers=forwarded).json()
        assert bundle["link"][0]["url"].startswith("https://essais-cliniques.example.org/R4/")
        evil = {**forwarded, "X-Forwarded-Host": "evil.example"}
        assert proxy.get("/R4/metadata", headers=evil).status_code == 400
    with TestClient(app, client=("192.0.2.7", 5000)) as direct:
        assert direct.get("/R4/metadata", headers=forwarded).status_code == 400


def test_client_address_is_the_rightmost_untrusted_hop() -> None:
    proxies = Networks("10.0.0.0/8, ::1")
    assert resolve_client("192.0.2.1", ["198.51.100.9"], proxies) == "192.0.2.1"
    assert resolve_client("10.0.0.2", ["6.6.6.6", "198.51.100.9"], proxies) == "198.51.100.9"
    assert resolve_client("10.0.0.2", ["198.51.100.9", "10.0.0.5"], proxies) == "198.51.100.9"
    assert resolve_client("10.0.0.2", ["not-an-ip"], proxies) == "10.0.0.2"
    assert resolve_client("10.0.0.2", [], proxies) == "10.0.0.2"
    assert budget_key("2001:db8:1:2:3:4:5:6") == budget_key("2001:db8:1:2:ffff::1")
    assert budget_key("2001:db8:1:2::1") != budget_key("2001:db8:1:3::1")


def test_rotating_forwarded_for_gets_no_fresh_allowance(loaded: Loaded) -> None:
    with TestClient(
        create_app(served(loaded, rate_limit=5)), base_url=HOME, client=("192.0.2.10", 1)
    ) as client:
        codes = [
            client.get("/R4/metadata", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(8)
        ]
        assert codes[:5] == [200] * 5
        assert codes[5:] == [429] * 3
    # behind a trusted proxy each real client has its own budget, whatever it prepends
    settings = served(loaded, rate_limit=5, trusted_proxies="192.0.2.10")
    with TestClient(create_app(settings), base_url=HOME, client=("192.0.2.10", 1)) as proxy:
        spoofed = [
            proxy.get(
                "/R4/metadata", headers={"X-Forwarded-For": f"6.6.6.{i}, 203.0.113.1"}
            ).status_code
            for i in range(7)
        ]
        assert spoofed[:5] == [200] * 5
        assert spoofed[5:] == [429] * 2
        other = proxy.get("/R4/metadata", headers={"X-Forwarded-For": "203.0.113.2"})
        assert other.status_code == 200


def test_exports_have_a_smaller_budget(loaded: Loaded) -> None:
    settings = served(loaded, rate_limit=100, rate_limit_exports=2)
    with TestClient(create_app(settings), base_url=HOME) as client:
        codes = [client.get("/api/export.csv?_id=none").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/R4/metadata").status_code == 200


def test_rate_limit_table_is_bounded() -> None:
    bucket = TokenBucket(rate=10, clients=100)
    for i in range(5000):
        assert bucket.take(f"client-{i}", 0.0) == 0
    assert len(bucket.buckets) == 100


def test_every_response_has_cache_control(home: TestClient, loaded: Loaded) -> None:
    study = loaded.expected[0].id
    expected = {
        "/R4/ResearchStudy?status=active": "public, max-age=60",
        f"/R4/ResearchStudy/{study}": "public, max-age=300",
        "/R4/metadata": "public, max-age=3600",
        "/api/statistics": "public, max-age=300",
        "/api/facets?fields=status": "public, max-age=60",
        "/api/export.ndjson?_id=none": "no-store",
        "/": "public, max-age=60",
        f"/etude/{study}": "public, max-age=300",
        "/static/portal.css": "public, max-age=86400",
        "/openapi.json": "public, max-age=3600",
        "/health": "no-store",
        "/ready": "no-store",
        "/metrics": "no-store",
        "/R4/ResearchStudy/nope-nope": "no-store",  # 404
        "/R4/ResearchStudy?status=x|y|z": "no-store",  # 400
        "/etude/nope-nope": "no-store",  # 404 page
    }
    for url, cache in expected.items():
        response = home.get(url)
        assert response.headers.get("cache-control") == cache, (url, response.status_code)
    posted = home.post("/R4/ResearchStudy/_search", data={"status": "active"})
    assert posted.status_code == 200
    assert posted.headers["cache-control"] == "no-store"
    assert home.delete("/R4/ResearchStudy/x").headers["cache-control"] == "no-store"
    search = home.get("/R4/ResearchStudy?status=active")
    assert {"accept", "prefer", "accept-encoding"} <= {
        v.strip().lower() for v in search.headers["vary"].split(",")
    }


def test_ready_does_not_name_the_index(home: TestClient, loaded: Loaded) -> None:
    ready = home.get("/ready")
    assert ready.status_code == 200
    assert loaded.settings.index_alias not in ready.text
    assert ready.json() == {"status": "ready"}


def test_request_ids_on_answers_and_outcomes(home: TestClient, loaded: Loaded) -> None:
    ok = home.get("/R4/metadata")
    error = home.get("/R4/ResearchStudy/nope-nope")
    assert len({ok.headers["x-request-id"], error.headers["x-request-id"]}) == 2
    assert error.json()["id"] == error.headers["x-request-id"]
    chosen = home.get("/R4/ResearchStudy/nope-nope", headers={"X-Request-Id": "chosen-by-me-1"})
    assert chosen.headers["x-request-id"] != "chosen-by-me-1"  # not from a trusted proxy
    settings = served(loaded, trusted_proxies="127.0.0.1")
    with TestClient(create_app(settings), base_url=HOME, client=("127.0.0.1", 1)) as proxied:
        kept = proxied.get("/R4/ResearchStudy/nope-nope", headers={"X-Request-Id": "proxy-id-42"})
        assert kept.headers["x-request-id"] == "proxy-id-42"
        assert kept.json()["id"] == "proxy-id-42"
        insane = proxied.get("/R4/metadata", headers={"X-Request-Id": "<script>"})
        assert insane.headers["x-request-id"] != "<script>"


def test_unexpected_failure_is_generic_and_logged(
    loaded: Loaded, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(request: Request) -> Response:
        raise RuntimeError("secret engine detail")

    app = create_app(served(loaded))
    app.router.routes.insert(0, Route("/boom", boom))
    with (
        TestClient(app, base_url=HOME, raise_server_exceptions=False) as client,
        caplog.at_level(logging.INFO, logger="eclaire_search"),
    ):
        response = client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert "secret engine detail" not in response.text
    assert body["id"] in body["issue"][0]["diagnostics"]
    assert response.headers["cache-control"] == "no-store"
    logged = [r for r in caplog.records if r.name == "eclaire_search" and r.exc_info]
    assert logged and logged[0].exc_info and "secret engine detail" in str(logged[0].exc_info[1])
    access = [r for r in caplog.records if r.name == "eclaire_search.access"]
    assert access[-1].__dict__["status"] == 500


def test_access_record_has_route_engine_time_and_results(
    home: TestClient, loaded: Loaded, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="eclaire_search.access"):
        response = home.get("/R4/ResearchStudy?status=active&_total=accurate")
    record = [r for r in caplog.records if r.name == "eclaire_search.access"][-1].__dict__
    assert record["route"] == "/R4/ResearchStudy"
    assert record["status"] == 200
    assert record["opensearch_ms"] > 0 and record["opensearch_calls"] >= 1
    assert record["results"] == response.json()["total"]
    with caplog.at_level(logging.INFO, logger="eclaire_search.access"):
        home.get(f"/R4/Location/{loaded.expected[0].id}-0-site")
    record = [r for r in caplog.records if r.name == "eclaire_search.access"][-1].__dict__
    assert record["route"] == "/R4/{type}/{id}"


def test_metrics_for_allowed_addresses_only(home: TestClient, loaded: Loaded) -> None:
    home.get("/R4/ResearchStudy?status=active")
    text = home.get("/metrics").text
    assert 'eclaire_requests_total{method="GET",route="/R4/ResearchStudy",status="200"}' in text
    assert "eclaire_request_duration_seconds_bucket" in text
    assert "eclaire_engine_duration_seconds_count" in text
    assert "eclaire_open_exports" in text
    with TestClient(create_app(served(loaded)), base_url=HOME, client=("192.0.2.1", 1)) as far:
        refused = far.get("/metrics")
        assert refused.status_code == 403
        assert refused.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    ("encoding", "decode"),
    [
        ("gzip", gzip.decompress),
        ("br", brotli.decompress),
        ("zstd", lambda b: zstandard.ZstdDecompressor().decompressobj().decompress(b)),
    ],
)
def test_compression_by_accept_encoding(
    home: TestClient, encoding: str, decode: Any, loaded: Loaded
) -> None:
    url = "/R4/ResearchStudy?_count=50&_include=*"
    plain = home.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    raw = home.stream("GET", url, headers={"Accept-Encoding": encoding})
    with raw as response:
        assert response.headers["content-encoding"] == encoding
        assert "accept-encoding" in response.headers["vary"].lower()
        body = b"".join(response.iter_raw())
    assert len(body) < len(plain.content) / 3
    decoded = decode(body)
    assert decoded.count(b'"fullUrl"') == plain.content.count(b'"fullUrl"')
    read = home.get(
        f"/R4/ResearchStudy/{loaded.expected[0].id}", headers={"Accept-Encoding": encoding}
    )
    assert read.headers["content-encoding"] == encoding
    assert read.headers["etag"].startswith('W/"')  # the ETag stays weak


def test_streamed_export_is_compressed(home: TestClient, loaded: Loaded) -> None:
    plain = home.get("/api/export.ndjson?_include=*", headers={"Accept-Encoding": "identity"})
    with home.stream(
        "GET", "/api/export.ndjson?_include=*", headers={"Accept-Encoding": "gzip"}
    ) as r:
        assert r.headers["content-encoding"] == "gzip"
        body = b"".join(r.iter_raw())
    assert gzip.decompress(body) == plain.content
    assert len(body) < len(plain.content)
