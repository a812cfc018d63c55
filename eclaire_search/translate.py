"""Typed SearchRequest → OpenSearch request body. Pure (no I/O, no opensearchpy import).

Filters go to ``bool.filter`` (cached, unscored); full text goes to ``bool.must`` through
``simple_query_string`` with only the phrase/OR/NOT/precedence operators (rulings A8) — user
text never reaches ``query_string``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eclaire_search.params import Criterion, DateRange, SearchRequest, SortKey, Token
from eclaire_search.searchparams import ParamType

Body = dict[str, Any]
TEXT_FLAGS = "PHRASE|OR|NOT|PRECEDENCE|WHITESPACE"
TIEBREAK = SortKey("id", descending=False)
DEFAULT_SORT = (SortKey("last_updated", descending=True),)
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
            terms.append(f"{value.system}|{value.code}")
    return terms


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


def any_of(clauses: list[Body]) -> Body:
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def criterion_clause(criterion: Criterion) -> tuple[str, Body]:
    """Return (bool occurrence, clause) for one criterion."""
    param = criterion.param
    field = param.fields[0]
    if param.type is ParamType.TOKEN:
        terms = token_terms(criterion)
        if criterion.modifier == "not":
            return (
                ("must_not", {"terms": {field: terms}}) if terms else ("filter", {"match_all": {}})
            )
        return "filter", ({"terms": {field: terms}} if terms else MATCH_NONE)
    if param.type is ParamType.DATE:
        clauses = [date_clause(field, v) for v in criterion.values if isinstance(v, DateRange)]
        return "filter", any_of(clauses)
    if param.type is ParamType.TEXT:
        query = str(criterion.values[0])
        return "must", {
            "simple_query_string": {
                "query": query,
                "fields": list(param.fields),
                "default_operator": "and",
                "flags": TEXT_FLAGS,
            }
        }
    raise NotImplementedError(f"no translation for {param.type}")  # pragma: no cover


def query(criteria: tuple[Criterion, ...]) -> Body:
    if not criteria:
        return {"match_all": {}}
    occurrences: dict[str, list[Body]] = {}
    for criterion in criteria:
        occurrence, clause = criterion_clause(criterion)
        occurrences.setdefault(occurrence, []).append(clause)
    return {"bool": occurrences}


def sort_keys(request: SearchRequest) -> tuple[SortKey, ...]:
    keys = request.sort or ((SortKey("_score", True),) if request.has_text else DEFAULT_SORT)
    if not any(k.field == "id" for k in keys):
        keys = (*keys, TIEBREAK)
    return keys


def sort_clause(keys: tuple[SortKey, ...], *, reverse: bool = False) -> list[Body]:
    """Missing values sort last in the requested order; a reversed walk mirrors that."""
    clause: list[Body] = []
    for key in keys:
        descending = key.descending != reverse
        order = "desc" if descending else "asc"
        if key.field == "_score":
            clause.append({"_score": {"order": order}})
        else:
            clause.append(
                {key.field: {"order": order, "missing": "_first" if reverse else "_last"}}
            )
    return clause


def source_fields(request: SearchRequest) -> list[str]:
    fields = ["resource"]
    for include in sorted(request.includes):
        if include in INCLUDE_SOURCES:
            fields.append(INCLUDE_SOURCES[include])
    return fields


def search_body(
    request: SearchRequest,
    *,
    search_after: list[Any] | None = None,
    reverse: bool = False,
) -> Body:
    """The body for one page. ``reverse`` walks backwards (for ``previous`` links)."""
    size = 0 if request.summary == "count" else request.count
    body: Body = {
        "query": query(request.criteria),
        "size": size,
        "track_total_hits": {"accurate": True, "estimate": 10_000, "none": False}[request.total],
    }
    if size:
        body["sort"] = sort_clause(sort_keys(request), reverse=reverse)
        body["_source"] = source_fields(request)
    else:
        body["_source"] = False
    if search_after is not None:
        body["search_after"] = search_after
    return body
