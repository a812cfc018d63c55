"""FHIR routes under /R4: metadata, ResearchStudy search, reads of the four resource types."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from eclaire_core import stored
from eclaire_core.document import PART_OF_TYPE, RESOURCE
from eclaire_core.resources import owner
from eclaire_core.stored import Stored
from eclaire_search.capability import capability_statement, custom_search_parameter
from eclaire_search.clientaddr import client_address
from eclaire_search.errors import (
    MethodNotAllowed,
    NotSupported,
    ResourceNotFound,
)
from eclaire_search.responses import FHIRResponse
from eclaire_search.routes.common import (
    FHIR_ID,
    base_url,
    check_formats,
    pretty,
    read_search,
    state,
)
from eclaire_search.search import search_studies
from eclaire_search.search_request import check_accept
from eclaire_search.state import AppState

READ_ONLY_TYPES = ("Group", "Location", "Organization", "SearchParameter")
STARTED = datetime.now(UTC).isoformat(timespec="seconds")


async def metadata(request: Request) -> Response:
    check_formats(request)
    return FHIRResponse(capability_statement(base_url(request), STARTED), pretty=pretty(request))


async def search(request: Request) -> Response:
    app = state(request)
    check_accept(request.headers.get("accept"))
    search_request = await read_search(request)
    with app.heavy.page(search_request, client_address(request.scope)):  # 429 over the caps
        bundle = await search_studies(
            search_request,
            backend=app.backend,
            codec=app.cursors,
            base_url=base_url(request),
            assigners=app.assigners,
        )
    headers = {}
    if timestamp := await app.data_timestamp():
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        headers["Last-Modified"] = format_datetime(moment.astimezone(UTC), usegmt=True)
    return FHIRResponse(bundle, pretty=search_request.pretty, headers=headers)


async def locate(app: AppState, kind: str, resource_id: str, base: str) -> Stored | None:
    """Find one resource: every one of them lives inside its study's document, which its id
    names (``eclaire_core.resources.owner``), as stored JSON sent as it is
    (``eclaire_core/stored.py``); the assigners and SearchParameters are fixed."""
    if kind == "SearchParameter":
        return custom_search_parameter(resource_id, base)
    if kind == "Organization" and resource_id in app.assigners:
        return app.assigners[resource_id]
    study_id = owner(kind, resource_id)
    part = RESOURCE if kind == "ResearchStudy" else PART_OF_TYPE.get(kind)
    if study_id is None or part is None:
        return None
    source = await app.backend.get_source(study_id, [part])
    found = (source or {}).get(part)
    if isinstance(found, list):
        matches = [r for r in found if stored.key(r)[1] == resource_id]
        return matches[0] if matches else None
    return found or None  # an empty Group is never served


def not_modified(request: Request, etag: str | None, last_modified: datetime | None) -> bool:
    if etag and (match := request.headers.get("if-none-match")):
        return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
    if last_modified and (since := request.headers.get("if-modified-since")):
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


async def find(request: Request) -> Stored:
    """The resource the path names, or a 404."""
    kind = request.path_params["type"]
    resource_id = request.path_params["id"]
    check_formats(request)
    if kind not in ("ResearchStudy", *READ_ONLY_TYPES):
        raise ResourceNotFound(f"Resource type {kind!r} is not served here")
    resource = None
    if FHIR_ID.match(resource_id):
        resource = await locate(state(request), kind, resource_id, base_url(request))
    if resource is None:
        raise ResourceNotFound(f"{kind}/{resource_id} is not known")
    return resource


async def read(request: Request) -> Response:
    return answer(request, await find(request))


async def vread(request: Request) -> Response:
    """Only the current version is kept: it is served, any other is a 404 that says so."""
    resource = await find(request)
    wanted = request.path_params["vid"]
    current = stored.meta(resource).get("versionId")
    if wanted != current:
        kind, resource_id = request.path_params["type"], request.path_params["id"]
        held = f"the current one, {current}" if current else "none (it is not versioned)"
        raise ResourceNotFound(
            f"{kind}/{resource_id} version {wanted!r} is not kept: the only version held is {held}"
        )
    return answer(request, resource)


def answer(request: Request, resource: Stored) -> Response:
    """One resource with its ETag and Last-Modified, or a 304 when the client has it."""
    meta = stored.meta(resource)
    headers: dict[str, str] = {}
    etag = f'W/"{meta["versionId"]}"' if meta.get("versionId") else None
    last_modified = None
    if etag:
        headers["ETag"] = etag
    if meta.get("lastUpdated"):
        last_modified = datetime.fromisoformat(meta["lastUpdated"].replace("Z", "+00:00"))
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return FHIRResponse(stored.fragment(resource), headers=headers, pretty=pretty(request))


async def type_level(request: Request) -> Response:
    """A search on a read-only or unknown type (API-5)."""
    kind = request.path_params["type"]
    if kind in READ_ONLY_TYPES:
        raise NotSupported(
            f"{kind} is read only here: GET /R4/{kind}/{{id}}; search ResearchStudy "
            f"with _include to get them in bulk"
        )
    raise ResourceNotFound(f"Resource type {kind!r} is not served here")


async def write_refused(request: Request) -> Response:
    raise MethodNotAllowed(f"{request.method} is not allowed: this API is read only")


WRITES = ["POST", "PUT", "PATCH", "DELETE"]
routes = [
    Route("/metadata", metadata, methods=["GET"]),
    Route("/ResearchStudy", search, methods=["GET"]),
    Route("/ResearchStudy/_search", search, methods=["GET", "POST"]),  # GET: HAPI's GET_WITH_SEARCH
    Route("/ResearchStudy", write_refused, methods=WRITES),
    Route("/{type}", type_level, methods=["GET"]),
    Route("/{type}", write_refused, methods=WRITES),
    Route("/{type}/{id}", read, methods=["GET"]),
    Route("/{type}/{id}", write_refused, methods=WRITES),
    Route("/{type}/{id}/_history/{vid}", vread, methods=["GET"]),
]
