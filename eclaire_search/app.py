"""Starlette app factory: routes, lifespan (the OpenSearch client), one error handler.

Pages, /docs and /openapi.json come from ``pages.routes``; ``SecurityHeaders`` adds nosniff,
Referrer-Policy and, on HTML, a Content-Security-Policy to every answer. Middleware, outermost
first: request id, log line and metrics (``observe``); compression; Cache-Control and Vary;
trusted Host and client address (``origin``); CORS; security headers; size and rate limits.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette_compress import CompressMiddleware, add_compress_type

from eclaire_core.settings import Settings, get_settings
from eclaire_search import requestctx
from eclaire_search.cachecontrol import CacheHeaders
from eclaire_search.clientaddr import Networks
from eclaire_search.errors import (
    BackendUnavailable,
    FHIRError,
    InternalError,
    Issue,
    operation_outcome,
)
from eclaire_search.limits import RequestLimits
from eclaire_search.metrics import metrics_route
from eclaire_search.observe import Observe
from eclaire_search.origin import TrustedOrigin
from eclaire_search.pages import routes as pages
from eclaire_search.pages.security import SecurityHeaders
from eclaire_search.responses import FHIRResponse, error_response
from eclaire_search.routes import api, fhir
from eclaire_search.state import AppState

logger = logging.getLogger("eclaire_search")
HTTP_ISSUE_CODES = {404: "not-found", 405: "not-supported", 413: "too-costly", 414: "too-costly"}
# A 100-study page (799 KB): zstd 3 → 62 KB in 0.8 ms CPU, zstd 6 → 51 KB in 3.1 ms, br 5 → 49 KB
# in 5.5 ms, gzip 6 → 78 KB in 6.8 ms. zstd, which browsers prefer, stays at its fast "dfast"
# levels: from 5 on it changes strategy and costs 3-4 times the CPU for 18 % fewer bytes (the
# compression was a third of the API's CPU under the mix at 6: API-9).
ZSTD_LEVEL, BROTLI_QUALITY, GZIP_LEVEL = 3, 5, 6
for _type in ("application/fhir+json", "application/fhir+ndjson", "text/csv"):
    add_compress_type(_type)


async def fhir_error(request: Request, exc: Exception) -> Response:
    """The one place where failures become OperationOutcome answers."""
    rid = requestctx.request_id()
    if isinstance(exc, FHIRError):
        if exc.status_code >= 500:  # the client sees a generic text; the detail is logged
            logger.error(
                "%s on %s %s: %s",
                type(exc).__name__,
                request.method,
                request.url.path,
                exc.detail or exc.diagnostics,
            )
        return error_response(exc)
    if isinstance(exc, HTTPException):
        code = HTTP_ISSUE_CODES.get(
            exc.status_code, "invalid" if exc.status_code < 500 else "exception"
        )
        outcome = operation_outcome([Issue("error", code, str(exc.detail))], rid)
        headers = {**(exc.headers or {}), "Cache-Control": "no-store", "X-Request-Id": rid or ""}
        return FHIRResponse(outcome, status_code=exc.status_code, headers=headers)
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(
        InternalError(f"Internal error; it has been logged under request id {rid}")
    )


async def health(request: Request) -> Response:
    """Liveness: the process answers. Says nothing about OpenSearch (that is /ready)."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    app_state: AppState = request.app.state.eclaire
    index = await app_state.backend.current_index()
    if index is None:
        raise BackendUnavailable("The study index is not loaded yet")
    return JSONResponse({"status": "ready"})  # the concrete index name stays internal


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.eclaire = AppState.create(settings)
        # Everything alive now (modules, IG tables, models) lives as long as the process: keep
        # the cyclic GC from walking it again on every large JSON answer (bench/results/
        # candidates: p50 ratio 1.30 → 1.18, throughput ratio 0.74 → 0.86).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        try:
            yield
        finally:
            await app.state.eclaire.backend.close()

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    middleware = [
        Middleware(Observe, settings=settings),
        Middleware(
            CompressMiddleware,
            minimum_size=settings.compression_min_bytes,
            zstd_level=ZSTD_LEVEL,
            brotli_quality=BROTLI_QUALITY,
            gzip_level=GZIP_LEVEL,
        ),
        Middleware(CacheHeaders),
        Middleware(TrustedOrigin, settings=settings),
        Middleware(SecurityHeaders),
        Middleware(RequestLimits, settings=settings),
    ]
    if origins:  # read-only API: simple GETs and the form POST of _search
        middleware.insert(
            4,
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
                expose_headers=["ETag", "Last-Modified", "Location"],
            ),
        )
    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics_route, methods=["GET"], include_in_schema=False),
            Mount("/R4", routes=fhir.routes),
            Mount("/api", routes=api.routes),
            *pages.routes(),
        ],
        exception_handlers={
            Exception: fhir_error,
            FHIRError: fhir_error,
            HTTPException: fhir_error,
        },
        lifespan=lifespan,
        middleware=middleware,
    )
    app.state.metrics_allow = Networks(settings.metrics_allow)
    return app
