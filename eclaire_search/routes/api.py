"""Non-FHIR routes under /api: statistics."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from eclaire_search.errors import BackendUnavailable
from eclaire_search.state import AppState
from eclaire_search.statistics import statistics_body, statistics_from


async def statistics(request: Request) -> Response:
    """Cached per concrete index (rulings A7): a swap changes the key, so figures never lag."""
    app: AppState = request.app.state.eclaire
    index = await app.backend.current_index()
    if index is None:
        raise BackendUnavailable("The study index is not loaded yet")
    cached = app.cache.get("statistics")
    if cached and cached[0] == index:
        return JSONResponse(cached[1])
    figures = statistics_from(await app.backend.search(statistics_body()))
    app.cache["statistics"] = (index, figures)
    return JSONResponse(figures)


routes = [Route("/statistics", statistics, methods=["GET"])]
