"""The HTML pages: the French search page, a study page, the API docs page.

They call the same functions as the API (``search_studies``, the facets body), never the
API over HTTP. A person's mistake, an unknown study or an unreachable index is a French page
with the right status, not an OperationOutcome or a traceback.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from eclaire_core import stored
from eclaire_search.errors import BackendUnavailable, CursorExpired, InvalidSearch
from eclaire_search.facets import facets_body, facets_from
from eclaire_search.openapi import openapi_json
from eclaire_search.pages.detail import study_of
from eclaire_search.pages.form import (
    BY_FIELD,
    FIELDS,
    FILTER_FIELDS,
    MAIN_FIELDS,
    SearchForm,
    read_form,
)
from eclaire_search.pages.formatting import FILTERS
from eclaire_search.pages.results import (
    FACET_FIELDS,
    FACET_SIZE,
    condition_labels,
    facet_groups,
    paging,
    summaries,
)
from eclaire_search.pages.security import DOCS_CSP
from eclaire_search.routes.common import FHIR_ID, base_url, state
from eclaire_search.search import search_studies
from eclaire_search.search_request import SearchRequest, parse_search

PACKAGE = Path(__file__).resolve().parent.parent
STUDY_FIELDS = ["resource", "group", "locations", "organizations"]
UNAVAILABLE = "Le service de recherche est momentanément indisponible. Réessayez dans un instant."
EXPIRED = "Cette page de résultats a expiré. Reprenez la recherche depuis la première page."


def static_url(request: Request, path: str) -> str:
    return f"{request.scope.get('root_path', '')}/static/{path}"


def environment() -> jinja2.Environment:
    """Autoescape everywhere: every value a template prints is escaped unless marked safe."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


templates = Jinja2Templates(env=environment())


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {"static": lambda path: static_url(request, path), **context}
    return templates.TemplateResponse(request, name, context, status_code=status)


async def run_search(
    request: Request, form: SearchForm
) -> tuple[SearchRequest, dict[str, Any], dict[str, Any], int]:
    """The Bundle and the facet counts of one form, fetched side by side."""
    app = state(request)
    search = parse_search(
        form.fhir_items(),
        default_count=app.settings.default_count,
        max_count=app.settings.max_count,
        tz=app.tz,
    )
    page = app.cursors.decode(search.cursor, search.used).page if search.cursor else form.page - 1
    names = list(FACET_FIELDS)
    bundle, counts = await asyncio.gather(
        search_studies(
            search,
            backend=app.backend,
            codec=app.cursors,
            base_url=base_url(request),
            assigners=app.assigners,
        ),
        app.backend.search(facets_body(search, names, FACET_SIZE)),
    )
    return search, stored.resolved(bundle), facets_from(counts, names), page


async def search_page(request: Request) -> Response:
    form = read_form(request.query_params)
    context: dict[str, Any] = {
        "form": form,
        "fields": FIELDS,
        "main_fields": [BY_FIELD[name] for name in MAIN_FIELDS],
        "filter_fields": FILTER_FIELDS,
        "message": None,
        "results": None,
        "filters_open": any(form.values.get(f.name, f.default) != f.default for f in FILTER_FIELDS)
        or bool(form.errors),
    }
    if form.errors:
        return render(request, "search.html", context, status=400)
    try:
        _, bundle, counts, page = await run_search(request, form)
    except CursorExpired:
        return render(request, "search.html", {**context, "message": EXPIRED}, status=410)
    except InvalidSearch as exc:
        message = f"Cette recherche n'est pas possible : {exc.diagnostics}"
        if exc.parameter == "_cursor":
            message = EXPIRED
        return render(request, "search.html", {**context, "message": message}, status=400)
    except BackendUnavailable:
        return render(request, "search.html", {**context, "message": UNAVAILABLE}, status=503)
    results = summaries(bundle, form.place)
    context.update(
        results=results,
        paging=paging(form, bundle, page, len(results)),
        facets=facet_groups(form, counts, condition_labels(state(request).settings.meddra_table)),
        context_query=form.url(page=form.cursor).removeprefix("/"),
        all_recruitment_url=form.url(recrutement="tous", page=None, p=None),
        recruiting_url=form.url(recrutement="recruiting", page=None, p=None),
    )
    return render(request, "search.html", context)


async def study_page(request: Request) -> Response:
    study_id = request.path_params["id"]
    back = read_form(request.query_params)
    context: dict[str, Any] = {"back_url": back.url(page=back.cursor), "study_id": study_id}
    source = None
    try:
        if FHIR_ID.match(study_id):
            source = await state(request).backend.get_source(study_id, STUDY_FIELDS)
    except BackendUnavailable:
        return render(request, "unavailable.html", {**context, "message": UNAVAILABLE}, 503)
    if not source or "resource" not in source:
        return render(request, "not_found.html", context, status=404)
    fhir = f"{base_url(request)}/ResearchStudy"
    context.update(
        study=study_of(stored.decoded(source)),
        fhir_url=f"{fhir}/{study_id}",
        fhir_bundle_url=f"{fhir}?_id={study_id}&_include=*",
    )
    return render(request, "study.html", context)


async def docs_page(request: Request) -> Response:
    response = render(request, "docs.html", {"spec_url": "/openapi.json"})
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def routes() -> list[BaseRoute]:
    """Pages, the docs and their files; only /openapi.json itself is an API route."""
    return [
        Route("/", search_page, methods=["GET"], include_in_schema=False),
        Route("/etude/{id}", study_page, methods=["GET"], include_in_schema=False),
        Route("/docs", docs_page, methods=["GET"], include_in_schema=False),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=PACKAGE / "static"), name="static"),
    ]
