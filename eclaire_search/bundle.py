"""OpenSearch hits → FHIR searchset Bundle: entries, includes (each once), links, warnings.

Also the R4 ``_summary`` / ``_elements`` subsetting, which marks what it cuts as SUBSETTED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from eclaire_core import stored
from eclaire_core.document import linked_resources
from eclaire_search.errors import operation_outcome
from eclaire_search.geo import distance_extension
from eclaire_search.search_request import SearchRequest

SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",  # the CodeSystem's display (the validator checks it)
}
# ResearchStudy elements flagged isSummary in FHIR R4, plus the mandatory status.
SUMMARY_ELEMENTS = frozenset(
    {
        "resourceType",
        "id",
        "meta",
        "implicitRules",
        "identifier",
        "title",
        "protocol",
        "partOf",
        "status",
        "primaryPurposeType",
        "phase",
        "category",
        "focus",
        "condition",
        "contact",
        "keyword",
        "location",
        "enrollment",
        "period",
        "sponsor",
        "principalInvestigator",
        "site",
        "reasonStopped",
    }
)
ALWAYS_KEPT = frozenset({"resourceType", "id", "meta", "status"})


def _tagged(resource: dict[str, Any], kept: Iterable[str]) -> dict[str, Any]:
    names = set(kept)
    # A primitive's extensions (``_title``: the English original of a translation) go with it.
    subset = {k: v for k, v in resource.items() if k in names or (k[:1] == "_" and k[1:] in names)}
    meta = dict(subset.get("meta") or {})
    meta["tag"] = [*meta.get("tag", []), SUBSETTED]
    subset["meta"] = meta
    return subset


def subset(resource: dict[str, Any], request: SearchRequest) -> dict[str, Any]:
    """Apply _summary / _elements to a matched resource (includes stay whole)."""
    if request.elements is not None:
        return _tagged(resource, ALWAYS_KEPT | set(request.elements))
    if request.summary == "true":
        return _tagged(resource, SUMMARY_ELEMENTS)
    if request.summary == "text":
        return _tagged(resource, ALWAYS_KEPT | {"text"})
    if request.summary == "data":
        return _tagged(resource, set(resource) - {"text"})
    return resource


def _matched(resource: stored.Stored, request: SearchRequest) -> Any:
    """The stored bytes as they are, unless _summary / _elements cut them (then parsed)."""
    if request.elements is None and request.summary not in ("true", "text", "data"):
        return stored.fragment(resource)
    return subset(stored.loads(resource), request)


def searchset(
    *,
    base_url: str,
    request: SearchRequest,
    hits: list[dict[str, Any]],
    total: int | None,
    links: dict[str, str],
    assigners: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    included: list[stored.Stored] = []
    for hit in hits:
        source = hit["_source"]
        resource = source["resource"]
        _, study_id = stored.key(resource)
        seen.add(("ResearchStudy", study_id))
        entry: dict[str, Any] = {
            "fullUrl": f"{base_url}/ResearchStudy/{study_id}",
            "resource": _matched(resource, request),
            "search": {"mode": "match"},
        }
        if hit.get("_score") is not None and request.has_text:
            entry["search"]["score"] = hit["_score"]
        if request.near is not None:
            nearest = request.near.nearest_km(source.get("site_geo") or [])
            if nearest is not None:
                entry["search"]["extension"] = [distance_extension(nearest)]
        entries.append(entry)
        if request.includes:
            included.extend(linked_resources(source, request.includes, assigners))
    for value in included:
        key = stored.key(value)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            {
                "fullUrl": f"{base_url}/{key[0]}/{key[1]}",
                "resource": stored.fragment(value),
                "search": {"mode": "include"},
            }
        )
    if request.warnings:
        entries.append(
            {  # a resource that lives nowhere else: a fresh urn:uuid names it (bdl-7, bdl-8)
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": operation_outcome(list(request.warnings)),
                "search": {"mode": "outcome"},
            }
        )
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        bundle["total"] = total
    bundle["link"] = [{"relation": rel, "url": url} for rel, url in links.items()]
    if entries:
        bundle["entry"] = entries
    return bundle
