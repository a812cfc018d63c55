"""Response schemas and error responses of the OpenAPI document.

FHIR resources are described by the few elements a client relies on (the full definitions are
the IG's); the error responses come from the exception classes themselves, so their status
codes and examples are the ones the API really sends.
"""

from __future__ import annotations

from typing import Any

from eclaire_core.resources import RESEARCH_STUDY_STATUSES
from eclaire_search.errors import (
    BackendError,
    BackendUnavailable,
    CursorExpired,
    FHIRError,
    InvalidSearch,
    NotAcceptable,
    ResourceNotFound,
    TooManyRequests,
    UnsupportedMediaType,
)
from eclaire_search.export import CSV_COLUMNS
from eclaire_search.facets import FACETS
from eclaire_search.responses import FHIR_JSON
from eclaire_search.statistics import KEYS

Json = dict[str, Any]
FHIR_MEDIA = FHIR_JSON.split(";")[0]
RESOURCE_TYPES = (
    "ResearchStudy",
    "Group",
    "Location",
    "Organization",
    "SearchParameter",
    "CapabilityStatement",
)


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def resource_schema(resource_type: str, extra: Json | None = None) -> Json:
    properties: Json = {
        "resourceType": {"const": resource_type},
        "id": {"type": "string"},
        "meta": {"type": "object"},
        **(extra or {}),
    }
    return {
        "type": "object",
        "required": ["resourceType"],
        "properties": properties,
        "additionalProperties": True,
    }


def operation_outcome_schema() -> Json:
    issue = {
        "type": "object",
        "required": ["severity", "code"],
        "properties": {
            "severity": {"enum": ["fatal", "error", "warning", "information"]},
            "code": {"type": "string", "description": "FHIR IssueType: invalid, not-found…"},
            "diagnostics": {"type": "string"},
            "expression": {"type": "array", "items": {"type": "string"}},
        },
    }
    return {
        "type": "object",
        "required": ["resourceType", "issue"],
        "properties": {
            "resourceType": {"const": "OperationOutcome"},
            "issue": {"type": "array", "items": issue, "minItems": 1},
        },
    }


def bundle_schema() -> Json:
    link = {
        "type": "object",
        "required": ["relation", "url"],
        "properties": {
            "relation": {"enum": ["self", "first", "previous", "next"]},
            "url": {"type": "string"},
        },
    }
    entry = {
        "type": "object",
        "properties": {
            "fullUrl": {"type": "string"},
            "resource": {"type": "object", "required": ["resourceType"]},
            "search": {
                "type": "object",
                "properties": {
                    "mode": {"enum": ["match", "include", "outcome"]},
                    "score": {"type": "number"},
                },
            },
        },
    }
    return resource_schema(
        "Bundle",
        {
            "type": {"const": "searchset"},
            "total": {"type": "integer", "minimum": 0},
            "link": {"type": "array", "items": link},
            "entry": {"type": "array", "items": entry},
        },
    )


def schema_components() -> dict[str, Json]:
    schemas: dict[str, Json] = {kind: resource_schema(kind) for kind in RESOURCE_TYPES}
    schemas["ResearchStudy"] = resource_schema(
        "ResearchStudy",
        {"status": {"enum": list(RESEARCH_STUDY_STATUSES)}, "title": {"type": "string"}},
    )
    schemas["Bundle"] = bundle_schema()
    schemas["OperationOutcome"] = operation_outcome_schema()
    schemas["Statistics"] = {
        "type": "object",
        "description": "The technical document's figures, under its exact key spelling.",
        "required": list(KEYS),
        "properties": {key: {"type": "integer", "minimum": 0} for key in KEYS},
    }
    value_count = {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
    }
    schemas["Facets"] = {
        "type": "object",
        "description": "One list per requested facet, most frequent first.",
        "properties": {name: {"type": "array", "items": value_count} for name in sorted(FACETS)},
    }
    schemas["Version"] = {
        "type": "object",
        "required": ["apiVersion", "dataTimestamp", "studies"],
        "properties": {
            "apiVersion": {"type": "string"},
            "dataTimestamp": {"type": ["string", "null"], "description": "Last successful load"},
            "studies": {"type": "integer", "minimum": 0},
        },
    }
    schemas["Health"] = {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"const": "ok"}},
    }
    schemas["Ready"] = {
        "type": "object",
        "required": ["status", "index"],
        "properties": {"status": {"const": "ready"}, "index": {"type": "string"}},
    }
    return schemas


# One example of each error the API answers, raised the way the handlers raise them.
ERRORS: dict[str, FHIRError] = {
    "BadRequest": InvalidSearch(
        "status: unknown code 'actif'; expected one of active, …", parameter="status"
    ),
    "NotFound": ResourceNotFound("ResearchStudy/2099-A00000-00 is not known"),
    "NotAcceptable": NotAcceptable("XML is not supported; use _format=json"),
    "Gone": CursorExpired(
        "The results this link pages through were replaced by a newer data load and are gone; "
        "start the search again from its first page"
    ),
    "UnsupportedMediaType": UnsupportedMediaType(
        "POST _search takes application/x-www-form-urlencoded parameters, not application/json"
    ),
    "TooManyRequests": TooManyRequests(
        "At most 1 exports at a time per client; wait for yours to finish", retry_after=10
    ),
    "Unavailable": BackendUnavailable(
        "The search engine did not answer; try again in a few seconds"
    ),
    "ServerError": BackendError("The search engine failed unexpectedly; the error has been logged"),
}
ERROR_TEXT = {
    "BadRequest": "Malformed parameter, modifier or prefix",
    "NotFound": "Unknown id or resource type",
    "NotAcceptable": "A format other than JSON was asked for (_format=xml, Accept: XML only)",
    "UnsupportedMediaType": "A POST _search body that is not a form",
    "Gone": "The index a paging cursor walks was pruned by later loads; start again",
    "TooManyRequests": "Over a cap on heavy work (exports, big pages); see Retry-After",
    "Unavailable": "OpenSearch unreachable or the index not loaded; retry later",
    "ServerError": "Unexpected failure (logged)",
}


def error_response(name: str) -> Json:
    error = ERRORS[name]
    response: Json = {
        "description": ERROR_TEXT[name],
        "content": {
            FHIR_MEDIA: {
                "schema": ref("OperationOutcome"),
                "examples": {"e1": {"value": error.outcome()}},
            }
        },
    }
    if error.headers:
        response["headers"] = {
            header: {"schema": {"type": "string"}, "description": f"{header} sent with it"}
            for header in error.headers
        }
    return response


def response_components() -> dict[str, Json]:
    return {name: error_response(name) for name in ERRORS}


def errors(*names: str) -> dict[str, Json]:
    """Responses map entries for the given error names, keyed by their real status."""
    return {
        str(ERRORS[name].status_code): {"$ref": f"#/components/responses/{name}"} for name in names
    }


def fhir_content(schema: str) -> Json:
    return {FHIR_MEDIA: {"schema": ref(schema)}}


def csv_description() -> str:
    return "CSV columns, in order: " + "; ".join(f"`{c}` ({what})" for c, what in CSV_COLUMNS)
