"""_elements / _summary keep a primitive's extensions with it (R4 JSON ``_title``)."""

from __future__ import annotations

from eclaire_search.bundle import subset
from eclaire_search.search_request import parse_search

TRANSLATED = {
    "resourceType": "ResearchStudy",
    "id": "2024-590001-12-00",
    "status": "active",
    "title": "Une étude",
    "_title": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/translation"}]},
    "description": "texte",
    "_description": {"extension": []},
}


def test_elements_and_summary_keep_the_primitive_extension() -> None:
    for query in ([("_elements", "title")], [("_summary", "true")]):
        kept = subset(TRANSLATED, parse_search(query))
        assert kept["_title"] == TRANSLATED["_title"], query
        assert "description" not in kept and "_description" not in kept
