"""One JSON log line and the metrics of every request, under a request id.

The outermost middleware: it gives the request its id (a trusted proxy's ``X-Request-Id`` if
sane, else a fresh one), echoes it as ``X-Request-Id``, and when the response is over logs
``eclaire_search.access`` with the method, route template, status, latency, OpenSearch time
and result count, and feeds the Prometheus counters. An exception that escapes the app is
logged as a 500 here; ``app.fhir_error`` answers it.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eclaire_core.settings import Settings
from eclaire_search import metrics, requestctx
from eclaire_search.clientaddr import SCOPE_KEY, Networks, peer_address

access_log = logging.getLogger("eclaire_search.access")


def route_template(scope: Scope, root: str) -> str:
    """``/R4/{type}/{id}``, not the concrete path: bounded label values for the metrics."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    prefix = str(scope.get("root_path", ""))[len(root) :]
    if isinstance(route, Mount):
        return prefix or route.path
    return prefix + str(getattr(route, "path", ""))


class Observe:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.proxies = Networks(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        if peer_address(scope) in self.proxies:
            incoming = next(
                (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None
            )
        context = requestctx.begin(requestctx.new_request_id(incoming))
        root = str(scope.get("root_path", ""))
        status = 500
        started = exporting = False

        async def send_observed(message: Message) -> None:
            nonlocal status, started, exporting
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                MutableHeaders(scope=message)["X-Request-Id"] = context.request_id
                if status == 304:
                    metrics.cache_lookup("revalidation", True)
                if status == 200 and scope["path"].startswith("/api/export"):
                    exporting = True
                    metrics.OPEN_EXPORTS.inc()
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        except BaseException:
            if not started:  # an answer already under way keeps its status (client gone)
                status = 500
            raise
        finally:
            if exporting:
                metrics.OPEN_EXPORTS.dec()
            self.record(scope, root, status, context)

    def record(
        self, scope: Scope, root: str, status: int, context: requestctx.RequestContext
    ) -> None:
        latency = time.perf_counter() - context.started
        route = route_template(scope, root)
        metrics.REQUESTS.labels(route, scope["method"], str(status)).inc()
        metrics.LATENCY.labels(route, str(status)).observe(latency)
        if status == 429:
            metrics.RATE_LIMITED.labels(
                "exports" if scope["path"].startswith("/api/export") else "requests"
            ).inc()
        access_log.info(
            "request",
            extra={
                "method": scope["method"],
                "route": route,
                "path": scope["path"],
                "status": status,
                "latency_ms": round(latency * 1000, 2),
                "opensearch_ms": round(context.engine_seconds * 1000, 2),
                "opensearch_calls": context.engine_calls,
                "results": context.results,
                "client": scope.get(SCOPE_KEY) or peer_address(scope),
            },
        )
