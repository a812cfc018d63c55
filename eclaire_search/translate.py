"""Typed SearchRequest → OpenSearch request body. Pure (no I/O, no opensearchpy import).

Filters go to ``bool.filter`` (cached, unscored); full text goes to ``bool.must`` through
``simple_query_string`` with only the phrase/OR/NOT/precedence operators (rulings A8) — user
text never reaches ``query_string``.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from eclaire_search.geo import GeoNear
from eclaire_search.params import Criterion, DateRange, Number, SearchRequest, SortKey, Token
from eclaire_search.searchparams import ParamType

Body = dict[str, Any]
TEXT_FLAGS = "PHRASE|OR|NOT|PRECEDENCE|WHITESPACE"
TIEBREAK = SortKey("id", descending=False)
DEFAULT_SORT = (SortKey("last_updated", descending=True),)
NEAR_SORT = (SortKey("near", descending=False),)
MATCH_NONE: Body = {"match_none": {}}
# What each _include needs from the stored document, besides the ResearchStudy itself.
INCLUDE_SOURCES = {
    "ResearchStudy:site": "locations",
    "ResearchStudy:enrollment": "group",
    "ResearchStudy:sponsor": "organizations",
}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def token_terms(criterion: Criterion) -> list[str]:
    """Indexed forms the tokens can match; empty when none can (e.g. a foreign system)."""
    param = criterion.param
    terms: list[str] = []
    for value in criterion.values:
        assert isinstance(value, Token)
        if param.systems:
            if value.system is None or value.system == "" or value.system in param.systems:
                terms.append(value.code)
        elif value.system is None:
            terms.append(value.code)
        else:
            systems = system_forms(value.system) if param.either_scheme else [value.system]
            terms.extend(f"{system}|{value.code}" for system in systems)
    return terms


def system_forms(system: str) -> list[str]:
    """A system and its other scheme: the document writes ``https://clinicaltrials.gov``, HL7
    ``http://clinicaltrials.gov``; a client may send either and finds the same studies."""
    for scheme, other in (("https://", "http://"), ("http://", "https://")):
        if system.startswith(scheme):
            return [system, other + system.removeprefix(scheme)]
    return [system]


def date_clause(field: str, value: DateRange) -> Body:
    bounds: dict[str, str]
    if value.prefix in ("eq", "ap", "ne"):
        bounds = {"gte": iso(value.start), "lt": iso(value.end)}
    elif value.prefix in ("gt", "sa"):
        bounds = {"gte": iso(value.end)}
    elif value.prefix in ("lt", "eb"):
        bounds = {"lt": iso(value.start)}
    elif value.prefix == "ge":
        bounds = {"gte": iso(value.start)}
    else:  # le
        bounds = {"lt": iso(value.end)}
    clause: Body = {"range": {field: bounds}}
    if value.prefix == "ne":
        return {"bool": {"must_not": [clause]}}
    return clause


# FHIR date search on a Period (R4 §3.1.1.4): the relation of the target period to the range.
PERIOD_RELATIONS = {
    "eq": "within",
    "ne": "within",
    "ap": "intersects",
    "gt": "intersects",
    "ge": "intersects",
    "lt": "intersects",
    "le": "intersects",
    "sa": "within",
    "eb": "within",
}


def period_clause(field: str, value: DateRange) -> Body:
    clause = date_clause(field, value)
    inner = clause["bool"]["must_not"][0] if value.prefix == "ne" else clause
    inner["range"][field]["relation"] = PERIOD_RELATIONS[value.prefix]
    return clause


def wildcard_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


# Fields whose :exact searches a sibling keyword kept as written (case and accents count).
EXACT_FIELDS = {"title.sort": "title.exact"}


def string_clause(field: str, modifier: str | None, value: str) -> Body:
    """FHIR string: starts-with by default; the field's normalizer folds case and accents."""
    if modifier == "exact":
        return {"term": {EXACT_FIELDS.get(field, field): value}}
    if modifier == "contains":
        return {
            "wildcard": {field: {"value": f"*{wildcard_escape(value)}*", "case_insensitive": True}}
        }
    return {"prefix": {field: {"value": value}}}


def text_clause(fields: tuple[str, ...], query: str) -> Body:
    return {
        "simple_query_string": {
            "query": query,
            "fields": list(fields),
            "default_operator": "and",
            "flags": TEXT_FLAGS,
        }
    }


def any_of(clauses: list[Body]) -> Body:
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def criterion_clause(criterion: Criterion) -> tuple[str, Body]:
    """Return (bool occurrence, clause) for one criterion."""
    param = criterion.param
    field = param.fields[0]
    if param.type is ParamType.TEXT:
        return "must", text_clause(param.fields, str(criterion.values[0]))
    if criterion.modifier == "text":
        return "must", text_clause(param.text_fields, str(criterion.values[0]))
    if param.type is ParamType.TOKEN:
        terms = token_terms(criterion)
        if criterion.modifier == "not":
            return (
                ("must_not", {"terms": {field: terms}}) if terms else ("filter", {"match_all": {}})
            )
        return "filter", ({"terms": {field: terms}} if terms else MATCH_NONE)
    if param.type is ParamType.DATE:
        build = period_clause if param.period else date_clause
        return "filter", any_of(
            [build(field, v) for v in criterion.values if isinstance(v, DateRange)]
        )
    if param.type is ParamType.STRING:
        return "filter", any_of(
            [string_clause(field, criterion.modifier, str(v)) for v in criterion.values]
        )
    if param.type is ParamType.NEAR:
        return "filter", near_clause(field, criterion.values[0])
    if param.type is ParamType.NUMBER:
        # eq on a whole-year range field: a band "18-64" admits a person from 18 until the eve
        # of 65, so an exact age of 30.5 (a valid FHIR number) is matched as 30 completed years.
        return "filter", any_of(
            [
                {"term": {field: math.floor(v.value)}}
                for v in criterion.values
                if isinstance(v, Number)
            ]
        )
    raise NotImplementedError(f"no translation for {param.type}")  # pragma: no cover


def near_clause(field: str, value: object) -> Body:
    """One of the study's sites within the distance (arc: the haversine great circle)."""
    assert isinstance(value, GeoNear)
    return {
        "geo_distance": {
            "distance": f"{value.distance_km}km",
            "distance_type": "arc",
            field: {"lat": value.lat, "lon": value.lon},
        }
    }


def near_sort(near: GeoNear, order: str) -> Body:
    """Distance of the nearest site (mode min), in km: the hit's sort value is that distance."""
    return {
        "_geo_distance": {
            "site_geo": {"lat": near.lat, "lon": near.lon},
            "order": order,
            "unit": "km",
            "mode": "min",
            "distance_type": "arc",
            "ignore_unmapped": True,
        }
    }


def query(criteria: tuple[Criterion, ...]) -> Body:
    if not criteria:
        return {"match_all": {}}
    occurrences: dict[str, list[Body]] = {}
    for criterion in criteria:
        occurrence, clause = criterion_clause(criterion)
        occurrences.setdefault(occurrence, []).append(clause)
    return {"bool": occurrences}


def sort_keys(request: SearchRequest) -> tuple[SortKey, ...]:
    """The request's _sort; else relevance with text, distance with near, else last updated."""
    default = DEFAULT_SORT
    if request.has_text:
        default = (SortKey("_score", True),)
    elif request.near is not None:
        default = NEAR_SORT
    keys = request.sort or default
    if not any(k.field == "id" for k in keys):
        keys = (*keys, TIEBREAK)
    return keys


def sort_clause(
    keys: tuple[SortKey, ...], *, reverse: bool = False, near: GeoNear | None = None
) -> list[Body]:
    """Missing values sort last in the requested order; a reversed walk mirrors that."""
    clause: list[Body] = []
    for key in keys:
        descending = key.descending != reverse
        order = "desc" if descending else "asc"
        if key.field == "_score":
            clause.append({"_score": {"order": order}})
        elif key.field == "near":
            assert near is not None, "params.parse_sort allows near only with a near search"
            clause.append(near_sort(near, order))
        else:
            clause.append(
                {key.field: {"order": order, "missing": "_first" if reverse else "_last"}}
            )
    return clause


def source_fields(request: SearchRequest) -> list[str]:
    fields = ["resource"]
    if request.near is not None:
        fields.append("site_geo")  # the distance of the nearest site, for each entry
    for include in sorted(request.includes):
        if include in INCLUDE_SOURCES:
            fields.append(INCLUDE_SOURCES[include])
    return fields


def search_body(
    request: SearchRequest,
    *,
    search_after: list[Any] | None = None,
    reverse: bool = False,
    offset: int = 0,
) -> Body:
    """The body for one page. ``reverse`` walks backwards (for ``previous`` links);
    ``offset`` skips results (``_getpagesoffset``, within the engine's window)."""
    size = 0 if request.summary == "count" else request.count
    body: Body = {
        "query": query(request.criteria),
        "size": size,
        # estimate counts too: the exact figure costs little at this size, and 10,000 was a lie
        "track_total_hits": request.total != "none",
    }
    if size:
        body["sort"] = sort_clause(sort_keys(request), reverse=reverse, near=request.near)
        body["_source"] = source_fields(request)
    else:
        body["_source"] = False
    if search_after is not None:
        body["search_after"] = search_after
    elif offset and size:
        body["from"] = offset
    return body
