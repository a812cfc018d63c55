"""/api/statistics: the technical document's eleven figures from one aggregation request.

Key spelling is the document's, exactly. Each figure is a filter on the same fields the FHIR
search uses, so a figure always equals the total of the matching search.
"""

from __future__ import annotations

from typing import Any

# key -> filter clause (category = regulation code, status = FHIR status)
_CATEGORY = {
    "DM": "REG745",
    "DMDIV": "REG746",
    "CTIS": "REG536",
    "JARDE": "JARDE",
}


def _term(field: str, value: str) -> dict[str, Any]:
    return {"term": {field: value}}


FILTERS: dict[str, dict[str, Any]] = {
    "Investigations_cliniques_(DM)": _term("category", "REG745"),
    "Etudes_performance_(DMDIV)": _term("category", "REG746"),
    "Essais_cliniques_médicament_(CTIS)": _term("category", "REG536"),
    "RecherchesImpliquantPersonnesHumaines_(JARDE)": _term("category", "JARDE"),
    "Total_Etudes_à_démarrer": _term("status", "approved"),
    **{
        f"Etudes_en_cours_{name}": {
            "bool": {"filter": [_term("category", code), _term("status", "active")]}
        }
        for name, code in _CATEGORY.items()
    },
    "Total_Etudes_en_cours": _term("status", "active"),
}
KEYS = (
    "Total_etudes",
    "Investigations_cliniques_(DM)",
    "Etudes_performance_(DMDIV)",
    "Essais_cliniques_médicament_(CTIS)",
    "RecherchesImpliquantPersonnesHumaines_(JARDE)",
    "Total_Etudes_à_démarrer",
    "Etudes_en_cours_DM",
    "Etudes_en_cours_DMDIV",
    "Etudes_en_cours_CTIS",
    "Etudes_en_cours_JARDE",
    "Total_Etudes_en_cours",
)


def statistics_body() -> dict[str, Any]:
    return {
        "size": 0,
        "track_total_hits": True,
        "aggs": {"figures": {"filters": {"filters": FILTERS}}},
    }


def statistics_from(response: dict[str, Any]) -> dict[str, int]:
    buckets = response["aggregations"]["figures"]["buckets"]
    figures = {"Total_etudes": int(response["hits"]["total"]["value"])}
    figures.update({key: int(buckets[key]["doc_count"]) for key in FILTERS})
    return {key: figures[key] for key in KEYS}
