"""Typed SearchRequest → OpenSearch request body. Pure (no I/O, no opensearchpy import).

Filters go to ``bool.filter`` (cached, unscored); full text goes to ``bool.must``. The user's
text is parsed by ``textsyntax`` (words, phrases, OR, NOT, grouping: API-8) and becomes
``match`` / ``match_phrase`` queries only, so no user text reaches an engine query parser.
What the server adds on its own (README "Text search"): field weights, the search-time
synonyms of the ``french_search`` analyzer, a relaxed "most words" requirement with a bonus
for all words, a fuzzy clause for longer words, and the enrolment boost.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from eclaire_core.document import stored_parts
from eclaire_search import textsyntax as ts
from eclaire_search.geo import GeoNear
from eclaire_search.search_request import (
    Criterion,
    DateRange,
    Number,
    SearchRequest,
    SortKey,
    Token,
)
from eclaire_search.searchparams import ParamType, SearchParam

Body = dict[str, Any]
TIEBREAK = SortKey("id", descending=False)
DEFAULT_SORT = (SortKey("last_updated", descending=True),)
TEXT_SORT = (SortKey("_score", descending=True), SortKey("last_updated", descending=True))
NEAR_SORT = (SortKey("near", descending=False),)
MATCH_NONE: Body = {"match_none": {}}


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


# FHIR date search on a Period (https://hl7.org/fhir/R4/search.html#date): the relation of
# the target period to the range.
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


# --- full text -------------------------------------------------------------------------
# Every word of a query is looked for in one combined field (``copy_to`` in the template),
# so "enfant asthme" matches a study with "asthme" in its title and "enfant" in its criteria;
# the weighted fields only score. English-analysed originals (``*_en``) also satisfy a query.
COMBINED = {"_text": "text_all", "_content": "content_all"}
MOST_WORDS = "1<-1 4<75%"  # 1 word: it; 2-4 words: all but one; more: three quarters
ALL_WORDS_BOOST = 5.0  # a study with every word ranks above one with most of them
FUZZY = "AUTO:5,8"  # edits by analysed length: <5 none, 5-7 one, 8+ two
FUZZY_MIN_LENGTH = 5  # words typed shorter than this (and codes, acronyms) are never fuzzy
FUZZY_BOOST = 0.2  # a typo match ranks below every exact one
INDEX_ANALYZER = "french_text"  # the fuzzy clause skips synonyms (a fuzzy synonym is noise)
# Enrolment boost (multiplies the text score) by ``enrolment_rank``: 0 recruiting, 1
# upcoming, 2 active without recruitment status; closed studies (3) keep their score.
ENROLMENT_WEIGHTS = ((0, 4.0), (1, 2.5), (2, 1.5))


def _field(weighted: str) -> str:
    return weighted.split("^", 1)[0]


class TextTarget:
    """Where one text parameter looks: the combined field, the English fields, the weights."""

    def __init__(self, combined: str, weighted: tuple[str, ...]) -> None:
        self.combined = combined
        self.weighted = list(weighted)
        self.english = [_field(f) for f in weighted if _field(f).endswith("_en")]

    @classmethod
    def of(cls, param: SearchParam, modifier: str | None) -> TextTarget:
        if modifier == "text":  # condition:text and the like: one field, no combination
            return cls(param.text_fields[0], param.text_fields)
        return cls(COMBINED.get(param.name, _field(param.fields[0])), param.fields)

    def fields(self) -> list[str]:
        return [self.combined, *self.english]


def _match(field: str, text: str, **options: Any) -> Body:
    return {"match": {field: {"query": text, **options}}}


def _either(clauses: list[Body]) -> Body:
    return (
        clauses[0]
        if len(clauses) == 1
        else {"bool": {"should": clauses, "minimum_should_match": 1}}
    )


def typo_tolerant(word: str) -> bool:
    """Long enough, letters only (no code), not an upper-case acronym."""
    letters = word.strip("'\u2019.,;:!?").replace("-", "").replace("'", "")
    return len(letters) >= FUZZY_MIN_LENGTH and letters.isalpha() and not word.isupper()


def fuzzy_clause(field: str, text: str) -> Body | None:
    """Every word again, the long ones with a typo allowed; ``None`` when none is long.

    Word by word, so a code or an acronym next to a typo stays exact; every word required,
    so the typo route never relaxes a query more than the exact one."""
    words = text.split()
    if not any(typo_tolerant(w) for w in words):
        return None
    exact = {"analyzer": INDEX_ANALYZER, "operator": "and", "zero_terms_query": "all"}
    fuzzy = {**exact, "fuzziness": FUZZY, "prefix_length": 1, "max_expansions": 20}
    clauses = [_match(field, w, **(fuzzy if typo_tolerant(w) else exact)) for w in words]
    return {"bool": {"must": clauses, "boost": FUZZY_BOOST}}


def words_clause(target: TextTarget, text: str) -> Body:
    """Most words required (or every word with typos), all words and the title preferred."""
    relaxed = {"minimum_should_match": MOST_WORDS, "auto_generate_synonyms_phrase_query": False}
    required = [_match(f, text, **relaxed) for f in target.fields()]
    if (typos := fuzzy_clause(target.combined, text)) is not None:
        required.append(typos)
    return {
        "bool": {
            "must": [_either(required)],
            "should": [
                _match(
                    target.combined,
                    text,
                    operator="and",
                    auto_generate_synonyms_phrase_query=False,
                    boost=ALL_WORDS_BOOST,
                ),
                {
                    "multi_match": {
                        "query": text,
                        "fields": target.weighted,
                        "type": "best_fields",
                        "tie_breaker": 0.3,
                        "auto_generate_synonyms_phrase_query": False,
                    }
                },
            ],
        }
    }


def phrase_clause(target: TextTarget, text: str) -> Body:
    """The exact wording (index analyzer: its stop-word gaps line up with the index's) or a
    synonym's wording, one stop word's gap allowed (``"cancer du sein"`` = "breast cancer")."""
    exact: Body = {"match_phrase": {target.combined: {"query": text, "analyzer": INDEX_ANALYZER}}}
    synonyms: list[Body] = [
        {"match_phrase": {f: {"query": text, "slop": 1}}} for f in target.fields()
    ]
    required = [exact, *synonyms]
    scoring = {"multi_match": {"query": text, "fields": target.weighted, "type": "phrase"}}
    return {"bool": {"must": [_either(required)], "should": [scoring]}}


def strict_clause(target: TextTarget, node: ts.Node) -> Body:
    """What a negation excludes: every word of ``node`` (not "most"), or the phrase."""
    if isinstance(node, ts.Words):
        opts = {"operator": "and", "auto_generate_synonyms_phrase_query": False}
        return _either([_match(f, node.text, **opts) for f in target.fields()])
    return node_clause(target, node)


def node_clause(target: TextTarget, node: ts.Node) -> Body:
    if isinstance(node, ts.Words):
        return words_clause(target, node.text)
    if isinstance(node, ts.Phrase):
        return phrase_clause(target, node.text)
    if isinstance(node, ts.Not):
        return {"bool": {"must_not": [strict_clause(target, node.node)]}}
    if isinstance(node, ts.AnyOf):
        return _either([node_clause(target, part) for part in node.parts])
    positive = [node_clause(target, p) for p in node.parts if not isinstance(p, ts.Not)]
    negative = [strict_clause(target, p.node) for p in node.parts if isinstance(p, ts.Not)]
    clause: Body = {}
    if positive:
        clause["must"] = positive
    if negative:
        clause["must_not"] = negative
    return {"bool": clause}


def text_clause(target: TextTarget, query: str) -> Body:
    """The query for one text parameter value; nothing searchable matches nothing."""
    node = ts.parse(query)
    return MATCH_NONE if node is None else node_clause(target, node)


def enrolment_boost(scored: Body) -> Body:
    """Studies one can join first (README "Ranking"), relevance kept within each tier."""
    return {
        "function_score": {
            "query": scored,
            "functions": [
                {"filter": {"term": {"enrolment_rank": rank}}, "weight": weight}
                for rank, weight in ENROLMENT_WEIGHTS
            ],
            "score_mode": "first",
            "boost_mode": "multiply",
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
    if param.type is ParamType.TEXT or criterion.modifier == "text":
        target = TextTarget.of(param, criterion.modifier)
        return "must", text_clause(target, str(criterion.values[0]))
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


def bool_query(criteria: tuple[Criterion, ...]) -> Body:
    if not criteria:
        return {"match_all": {}}
    occurrences: dict[str, list[Body]] = {}
    for criterion in criteria:
        occurrence, clause = criterion_clause(criterion)
        occurrences.setdefault(occurrence, []).append(clause)
    return {"bool": occurrences}


def sort_keys(request: SearchRequest) -> tuple[SortKey, ...]:
    """The request's _sort; else (boosted) relevance then recency with text, distance with
    near, else last updated."""
    default: tuple[SortKey, ...] = DEFAULT_SORT
    if request.has_text:
        default = TEXT_SORT
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
    return [*fields, *stored_parts(request.includes)]


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
    scored = bool_query(request.criteria)
    if request.has_text and not request.sort:  # an explicit _sort overrides the boost
        scored = enrolment_boost(scored)
    body: Body = {
        "query": scored,
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
