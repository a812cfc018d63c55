"""The cost budget of one search, checked before the engine is called. Pure.

Some searches cost the engine a thousand times more than others: 10 ``title:contains``
parameters of 100 values each are 1,000 leading-wildcard scans of the terms dictionary, and
past 1,024 clauses the engine refuses the query outright. The same limits hold for a GET query
string and a POST form body; each refusal is a 400 that names the limit and its value.
"""

from __future__ import annotations

import re
from collections import Counter

from eclaire_core.settings import Settings
from eclaire_search.errors import InvalidSearch
from eclaire_search.search_request import Criterion, SearchRequest
from eclaire_search.searchparams import ParamType

WORD = re.compile(r"\w+")


def clause_estimate(criterion: Criterion) -> int:
    """Leaf clauses the translated criterion puts in the engine's query (an upper estimate)."""
    param = criterion.param
    if param.type is ParamType.TEXT or criterion.modifier == "text":
        fields = param.fields if param.type is ParamType.TEXT else param.text_fields
        words = sum(len(WORD.findall(str(v))) for v in criterion.values)
        return max(1, words) * max(1, len(fields)) + 1
    if param.type is ParamType.TOKEN:
        return 1  # one terms query, whatever the number of codes
    return len(criterion.values) + (1 if len(criterion.values) > 1 else 0)


def check_budget(items: list[tuple[str, str]], request: SearchRequest, settings: Settings) -> None:
    """Raise a 400 naming the first limit this search passes; return when within budget."""
    given = [(k, v) for k, v in items if v.strip()]
    if len(given) > settings.max_params:
        raise InvalidSearch(
            f"{len(given)} parameters: at most {settings.max_params} (ECLAIRE_MAX_PARAMS)"
        )
    per_param: Counter[str] = Counter()
    contains: list[tuple[str, str]] = []
    for criterion in request.criteria:
        per_param[criterion.param.name] += len(criterion.values)
        if criterion.modifier == "contains":
            contains += [(f"{criterion.param.name}:contains", str(v)) for v in criterion.values]
    total = sum(per_param.values())
    if total > settings.max_total_values:
        raise InvalidSearch(
            f"{total} values across the search parameters: at most {settings.max_total_values}"
        )
    for name, count in per_param.items():
        if count > settings.max_values_per_param:
            raise InvalidSearch(
                f"{name}: {count} values; at most {settings.max_values_per_param} per parameter",
                parameter=name,
            )
    if len(contains) > settings.max_contains_values:
        raise InvalidSearch(
            f":contains: {len(contains)} values; at most {settings.max_contains_values} across "
            f"the search (each one scans every indexed value); use the default starts-with "
            f"search or _text for more",
            parameter=contains[0][0],
        )
    for name, value in contains:
        if len(value.strip()) < settings.contains_min_length:
            raise InvalidSearch(
                f"{name}: {value!r} is shorter than {settings.contains_min_length} characters",
                parameter=name,
            )
    clauses = 1 + sum(clause_estimate(c) for c in request.criteria)
    if clauses > settings.max_clauses:
        raise InvalidSearch(
            f"this search makes about {clauses} query clauses: at most {settings.max_clauses}; "
            f"use fewer values or words"
        )
