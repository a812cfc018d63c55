"""What every route reads off a request: the app's state, the base of emitted links, the
output options and the typed search of a query string or form. The FHIR routes, the `/api`
routes and the portal's pages all use these, so none of them imports another's handlers."""

from __future__ import annotations

import re

from starlette.requests import Request

from eclaire_search.budget import check_budget
from eclaire_search.errors import UnsupportedMediaType
from eclaire_search.origin import fhir_base
from eclaire_search.search_request import SearchRequest, check_accept, check_format, parse_search
from eclaire_search.state import AppState

FORM = "application/x-www-form-urlencoded"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def state(request: Request) -> AppState:
    return request.app.state.eclaire  # type: ignore[no-any-return]


def base_url(request: Request) -> str:
    """The FHIR base of emitted links (``origin.fhir_base``: configured or trusted Host)."""
    return fhir_base(request)


def pretty(request: Request) -> bool:
    return request.query_params.get("_pretty") == "true"


def check_formats(request: Request) -> None:
    """``_format`` and ``Accept``: only JSON is served (406 for XML)."""
    check_format(request.query_params.get("_format"))
    check_accept(request.headers.get("accept"))


async def read_search(request: Request, own: tuple[str, ...] = ()) -> SearchRequest:
    """The typed search of a GET query string or POST form; ``own`` names route options."""
    app = state(request)
    items = list(request.query_params.multi_items())
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != FORM and await request.body():
            raise UnsupportedMediaType(
                f"POST _search takes {FORM} parameters, not {media or 'an untyped body'}"
            )
        form = await request.form()
        items += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    strict = "handling=strict" in request.headers.get("prefer", "").replace(" ", "")
    items = [(k, v) for k, v in items if k not in own]
    parsed = parse_search(
        items,
        default_count=app.settings.default_count,
        max_count=app.settings.max_count,
        tz=app.tz,
        strict=strict,
    )
    check_budget(items, parsed, app.settings)  # GET and POST alike, before the engine
    return parsed
