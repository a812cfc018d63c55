"""Non-FHIR routes under /api: statistics, facets, streamed export, version."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from eclaire_search import metrics
from eclaire_search.capability import VERSION
from eclaire_search.errors import BackendUnavailable, ResourceNotFound
from eclaire_search.export import csv_stream, export_body, ndjson_stream
from eclaire_search.facets import facet_names, facet_size, facets_body, facets_from
from eclaire_search.routes.fhir import read_search, state
from eclaire_search.statistics import statistics_body, statistics_from


async def statistics(request: Request) -> Response:
    """Cached per concrete index (rulings A7): a swap changes the key, so figures never lag."""
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
    """Every match, streamed under one point-in-time; `_include` adds linked resources (NDJSON)."""
    if request.path_params["format"] not in ("csv", "ndjson"):
        raise ResourceNotFound("Export formats: /api/export.ndjson and /api/export.csv")
    as_csv = request.path_params["format"] == "csv"
    search = await read_search(request)
    backend = state(request).backend
    if await backend.current_index() is None:  # a 503 before the stream starts, not inside it
        raise BackendUnavailable("The study index is not loaded yet")
    hits = backend.scan(export_body(search, csv_rows=as_csv))
    if as_csv:
        return StreamingResponse(
            csv_stream(hits),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="eclaire-studies.csv"'},
        )
    return StreamingResponse(ndjson_stream(hits, search), media_type="application/fhir+ndjson")


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
