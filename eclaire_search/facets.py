"""/api/facets: value counts for the parameters people filter by, in one request.

Facet names are search-parameter names with a ``facet`` field in the table, so a facet value
can be fed straight back as a filter and its count equals that search's total.
"""

from __future__ import annotations

from typing import Any

from eclaire_search.errors import InvalidSearch
from eclaire_search.query import bool_query
from eclaire_search.search_request import SearchRequest
from eclaire_search.searchparams import BY_NAME, ParamType, SearchParam

FACETS: dict[str, SearchParam] = {
    param.name: param for param in BY_NAME.values() if param.facet is not None
}
MAX_FACET_SIZE = 200


def facet_names(raw: str | None) -> list[str]:
    names = [n.strip() for n in (raw or "").split(",") if n.strip()]
    if not names:
        raise InvalidSearch(
            f"fields: name at least one of {', '.join(sorted(FACETS))}", parameter="fields"
        )
    unknown = [n for n in names if n not in FACETS]
    if unknown:
        raise InvalidSearch(
            f"fields: no facet {unknown[0]!r}; use {', '.join(sorted(FACETS))}", parameter="fields"
        )
    return list(dict.fromkeys(names))


def facet_size(raw: str | None) -> int:
    if raw is None:
        return 50
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_FACET_SIZE:
        raise InvalidSearch(f"size: an integer from 1 to {MAX_FACET_SIZE}", parameter="size")
    return int(raw)


def facets_body(request: SearchRequest, names: list[str], size: int) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for name in names:
        param = FACETS[name]
        terms: dict[str, Any] = {"field": param.facet, "size": size, "order": {"_count": "desc"}}
        if param.type is ParamType.TOKEN and not param.systems:
            terms["include"] = "[^|]+"  # count bare codes, not their system|code twins
        aggs[name] = {"terms": terms}
    return {
        "query": bool_query(request.criteria),
        "size": 0,
        "track_total_hits": True,
        "aggs": aggs,
    }


def facets_from(response: dict[str, Any], names: list[str]) -> dict[str, Any]:
    aggregations = response["aggregations"]
    return {
        name: [{"value": b["key"], "count": b["doc_count"]} for b in aggregations[name]["buckets"]]
        for name in names
    }
