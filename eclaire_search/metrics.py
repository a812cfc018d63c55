"""Prometheus metrics (``prometheus-client``) and the access-controlled ``/metrics`` route.

One process: the default registry. ``eclaire serve --workers N`` (N > 1) sets
``PROMETHEUS_MULTIPROC_DIR`` before the workers import this module, so every worker writes its
values to files there and ``/metrics`` (whichever worker answers) sums all of them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from eclaire_search.clientaddr import Networks, client_address
from eclaire_search.errors import Forbidden

NOT_ERRORS = {"NotFoundError"}  # a missing document is an answer, not an engine failure

REQUESTS = Counter(
    "eclaire_requests_total", "HTTP requests answered.", ["route", "method", "status"]
)
LATENCY = Histogram(
    "eclaire_request_duration_seconds",
    "Time from request to the end of the response body.",
    ["route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0),
)
ENGINE_SECONDS = Histogram(
    "eclaire_engine_duration_seconds",
    "Time of each OpenSearch call made by the API.",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0),
)
ENGINE_ERRORS = Counter(
    "eclaire_engine_errors_total", "OpenSearch calls that failed, by the error raised.", ["kind"]
)
OPEN_EXPORTS = Gauge(
    "eclaire_open_exports", "Exports being streamed now.", multiprocess_mode="livesum"
)
CACHE = Counter(
    "eclaire_cache_total",
    "Lookups of the API's caches and of client revalidations.",
    ["cache", "result"],
)
RATE_LIMITED = Counter("eclaire_rate_limited_total", "Requests refused with 429.", ["budget"])


def engine_call(seconds: float, error_kind: str | None) -> None:
    ENGINE_SECONDS.observe(seconds)
    if error_kind and error_kind not in NOT_ERRORS:
        ENGINE_ERRORS.labels(error_kind).inc()


def cache_lookup(cache: str, hit: bool) -> None:
    CACHE.labels(cache, "hit" if hit else "miss").inc()


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()


async def metrics_route(request: Request) -> Response:
    """Prometheus text, to the addresses of ECLAIRE_METRICS_ALLOW only (default loopback)."""
    allowed: Networks = request.app.state.metrics_allow
    if client_address(request.scope) not in allowed:
        raise Forbidden("/metrics is not served to this address (ECLAIRE_METRICS_ALLOW)")
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
