"""Non-FHIR routes under /api: statistics, facets, streamed export, version."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from eclaire_search import metrics
from eclaire_search.capability import VERSION
from eclaire_search.clientaddr import client_address
from eclaire_search.errors import BackendUnavailable, ResourceNotFound
from eclaire_search.export import (
    ExportResponse,
    csv_stream,
    export_body,
    hits_of,
    ndjson_stream,
    page_size,
)
from eclaire_search.facets import facet_names, facet_size, facets_body, facets_from
from eclaire_search.routes.common import read_search, state
from eclaire_search.statistics import statistics_body, statistics_from


async def statistics(request: Request) -> Response:
    """Cached per concrete index (API-7): a swap changes the key, so figures never lag."""
    app = state(request)
    index = await app.backend.current_index()
    if index is None:
        raise BackendUnavailable("The study index is not loaded yet")
    cached = app.cache.get("statistics")
    metrics.cache_lookup("statistics", bool(cached and cached[0] == index))
    if cached and cached[0] == index:
        return JSONResponse(cached[1])
    figures = statistics_from(await app.backend.search(statistics_body()))
    app.cache["statistics"] = (index, figures)
    return JSONResponse(figures)


async def facets(request: Request) -> Response:
    names = facet_names(request.query_params.get("fields"))
    size = facet_size(request.query_params.get("size"))
    search = await read_search(request, own=("fields", "size"))
    response = await state(request).backend.search(facets_body(search, names, size))
    return JSONResponse(facets_from(response, names))


async def export(request: Request) -> Response:
    """Every match, streamed by search_after on one concrete index; `_include` adds linked
    resources (NDJSON). The engine answers the first page before any byte is sent."""
    if request.path_params["format"] not in ("csv", "ndjson"):
        raise ResourceNotFound("Export formats: /api/export.ndjson and /api/export.csv")
    as_csv = request.path_params["format"] == "csv"
    media_type = "text/csv; charset=utf-8" if as_csv else "application/fhir+ndjson"
    headers = (
        {"Content-Disposition": 'attachment; filename="eclaire-studies.csv"'} if as_csv else {}
    )
    search = await read_search(request)  # a 400 for a bad search, HEAD included
    if request.method == "HEAD":  # what a GET would answer, without starting an export
        return Response(media_type=media_type, headers=headers)
    app = state(request)
    release = app.heavy.exports.acquire(client_address(request.scope))  # 429 over the caps
    try:
        pages = app.backend.scan(
            export_body(search, csv_rows=as_csv), page_size(search, csv_rows=as_csv)
        )
        first = await anext(pages, None)
    except BaseException:
        release()
        raise
    hits = hits_of(first, pages)
    stream = csv_stream(hits) if as_csv else ndjson_stream(hits, search, app.assigners)
    return ExportResponse(
        stream,
        release=release,
        write_timeout=app.settings.export_write_timeout,
        media_type=media_type,
        headers=headers,
    )


async def api_version(request: Request) -> Response:
    app = state(request)
    index, timestamp = await app.backend.data_timestamp()
    studies = await app.backend.count({"query": {"match_all": {}}}) if index else 0
    return JSONResponse({"apiVersion": VERSION, "dataTimestamp": timestamp, "studies": studies})


routes = [
    Route("/statistics", statistics, methods=["GET"]),
    Route("/facets", facets, methods=["GET"]),
    Route("/export.{format:str}", export, methods=["GET"]),
    Route("/version", api_version, methods=["GET"]),
]
