"""The OpenAPI 3.1 document of every API route, and the /openapi.json route that serves it.

Paths are written here once; their parameters, schemas and error responses are generated
(``parameters``, ``schemas``), so a new row in the parameter table shows up on every search
route without touching this file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version as package_version
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from eclaire_search.facets import FACETS
from eclaire_search.openapi.parameters import (
    form_body_schema,
    parameter_components,
    refs,
    search_refs,
)
from eclaire_search.openapi.schemas import (
    csv_description,
    errors,
    fhir_content,
    ref,
    response_components,
    schema_components,
)
from eclaire_search.origin import app_root

Json = dict[str, Any]
READ_TYPES = {
    "ResearchStudy": "A study, by its id (EU CT number or ID-RCB).",
    "Group": "A study's participants: `{study}-enrollment-group`.",
    "Location": "A study site: `{study}-{n}-site`.",
    "Organization": "A sponsor (`{study}-primary-sponsor`) or an identifier assigner.",
    "SearchParameter": "A custom search parameter of this server (`ResearchStudy-{name}`).",
}
SEARCH_ERRORS = (
    "BadRequest",
    "NotAcceptable",
    "Gone",
    "TooManyRequests",
    "Unavailable",
    "ServerError",
)
PREFER = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": "`handling=strict` refuses unknown parameters (400) instead of warning.",
    "schema": {"type": "string", "examples": ["handling=strict"]},
}


def json_ok(description: str, schema: str, media: str = "application/json") -> Json:
    return {"200": {"description": description, "content": {media: {"schema": ref(schema)}}}}


def search_operation(operation_id: str, summary: str) -> Json:
    return {
        "tags": ["FHIR"],
        "operationId": operation_id,
        "summary": summary,
        "parameters": [*search_refs(), PREFER],
        "responses": {
            "200": {
                "description": "A searchset Bundle; `next`/`previous` links carry `_cursor`.",
                "headers": {"Last-Modified": {"schema": {"type": "string"}}},
                "content": fhir_content("Bundle"),
            },
            **errors(*SEARCH_ERRORS),
        },
    }


def read_operation(kind: str, description: str) -> Json:
    conditional = [
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in ("If-None-Match", "If-Modified-Since")
    ]
    return {
        "get": {
            "tags": ["FHIR"],
            "operationId": f"read{kind}",
            "summary": f"Read a {kind}",
            "description": description,
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                *refs(["_format", "_pretty"]),
                *conditional,
            ],
            "responses": {
                "200": {
                    "description": f"The {kind}",
                    "headers": {
                        "ETag": {"schema": {"type": "string"}},
                        "Last-Modified": {"schema": {"type": "string"}},
                    },
                    "content": fhir_content(kind),
                },
                "304": {"description": "Not modified since the validator sent"},
                **errors("NotFound", "NotAcceptable", "BadRequest", "Unavailable"),
            },
        }
    }


def api_paths() -> dict[str, Json]:
    export_parameters = search_refs(results=("_include",))
    return {
        "/api/statistics": {
            "get": {
                "tags": ["API"],
                "operationId": "getStatistics",
                "summary": "The eleven figures of the technical document",
                "responses": {
                    **json_ok("Study counts by regulation and status", "Statistics"),
                    **errors("Unavailable"),
                },
            }
        },
        "/api/facets": {
            "get": {
                "tags": ["API"],
                "operationId": "getFacets",
                "summary": "Value counts of filterable parameters, under any search",
                "parameters": [*refs(["facet.fields", "facet.size"]), *search_refs(results=())],
                "responses": {
                    **json_ok("Counts per facet value", "Facets"),
                    **errors("BadRequest", "Unavailable"),
                },
            }
        },
        "/api/export.ndjson": {
            "get": {
                "tags": ["API"],
                "operationId": "exportNdjson",
                "summary": "Every matching study, streamed (Flux 1)",
                "parameters": export_parameters,
                "responses": {
                    "200": {
                        "description": "One resource per line; `_include` adds linked ones.",
                        "content": {"application/fhir+ndjson": {"schema": {"type": "string"}}},
                    },
                    **errors("BadRequest", "TooManyRequests", "Unavailable"),
                },
            }
        },
        "/api/export.csv": {
            "get": {
                "tags": ["API"],
                "operationId": "exportCsv",
                "summary": "Every matching study as CSV, streamed",
                "description": csv_description(),
                "parameters": search_refs(results=()),
                "responses": {
                    "200": {
                        "description": "CSV with a header row",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **errors("BadRequest", "TooManyRequests", "Unavailable"),
                },
            }
        },
        "/api/version": {
            "get": {
                "tags": ["API"],
                "operationId": "getVersion",
                "summary": "Software version and time of the data",
                "responses": {**json_ok("Versions", "Version"), **errors("Unavailable")},
            }
        },
    }


def service_paths() -> dict[str, Json]:
    return {
        "/health": {
            "get": {
                "tags": ["Service"],
                "operationId": "health",
                "summary": "Liveness: the process answers",
                "responses": json_ok("Alive", "Health"),
            }
        },
        "/ready": {
            "get": {
                "tags": ["Service"],
                "operationId": "ready",
                "summary": "Readiness: the study index is loaded",
                "responses": {**json_ok("Ready", "Ready"), **errors("Unavailable")},
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["Service"],
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
    }


def fhir_paths() -> dict[str, Json]:
    search = search_operation("searchResearchStudy", "Search studies")
    post = search_operation("searchResearchStudyPost", "Search studies (form body)")
    post["requestBody"] = {
        "required": False,
        "content": {"application/x-www-form-urlencoded": {"schema": form_body_schema()}},
    }
    paths: dict[str, Json] = {
        "/R4/metadata": {
            "get": {
                "tags": ["FHIR"],
                "operationId": "capabilities",
                "summary": "CapabilityStatement (FHIR 4.0.1)",
                "parameters": refs(["_format", "_pretty"]),
                "responses": {
                    "200": {
                        "description": "Capabilities",
                        "content": fhir_content("CapabilityStatement"),
                    },
                    **errors("BadRequest", "NotAcceptable"),
                },
            }
        },
        "/R4/ResearchStudy": {"get": search},
        "/R4/ResearchStudy/_search": {
            "get": search_operation(
                "searchResearchStudyGetSearch", "Search studies (GET on _search, as HAPI sends it)"
            ),
            "post": post,
        },
    }
    post["responses"].update(errors("UnsupportedMediaType"))
    for kind, description in READ_TYPES.items():
        paths[f"/R4/{kind}/{{id}}"] = read_operation(kind, description)
    vread = read_operation("ResearchStudy", "The current version; any other version is a 404.")
    vread["get"]["operationId"] = "vreadResearchStudy"
    vread["get"]["summary"] = "Read the current version of a ResearchStudy"
    vread["get"]["parameters"].insert(
        1, {"name": "vid", "in": "path", "required": True, "schema": {"type": "string"}}
    )
    paths["/R4/ResearchStudy/{id}/_history/{vid}"] = vread
    return paths


def build_document(server_url: str) -> Json:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eclaire-search",
            "version": package_version("eclaire-search"),
            "summary": "FHIR R4 search over the clinical studies authorised in France (ECLAIRE)",
            "description": (
                "Read-only FHIR R4 API (`/R4`) over ECLAIRE ResearchStudy, Group, Location and "
                "Organization resources, plus statistics, facets and streamed exports (`/api`). "
                "Every error is a FHIR OperationOutcome. Search parameters: see "
                "`/R4/metadata` and the parameters below; facet names: "
                + ", ".join(sorted(FACETS))
                + "."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": "FHIR", "description": "FHIR R4 reads and search"},
            {"name": "API", "description": "Statistics, facets, exports, version"},
            {"name": "Service", "description": "Health and this document"},
        ],
        "paths": {**fhir_paths(), **api_paths(), **service_paths()},
        "components": {
            "schemas": schema_components(),
            "parameters": parameter_components(),
            "responses": response_components(),
        },
    }


@lru_cache(maxsize=8)
def _cached(server_url: str) -> Json:
    return build_document(server_url)


def openapi_document(server_url: str) -> Json:
    """The document for one public server URL (cached: the table does not change at run time)."""
    return _cached(server_url)


def server_url(request: Request) -> str:
    """The app root: the configured FHIR base without its ``/R4``, else the request's base."""
    return app_root(request) or "/"


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document(server_url(request)))
