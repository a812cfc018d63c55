"""CapabilityStatement generated from the search-parameter table (nothing listed twice)."""

from __future__ import annotations

from typing import Any

from eclaire_search.searchparams import INCLUDES, RESULT_PARAMS, SEARCH_PARAMS

VERSION = "0.1.0"
PROFILES = {
    "ResearchStudy": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-researchstudy",
    "Group": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-group",
    "Location": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-location",
    "Organization": "http://hl7.org/fhir/StructureDefinition/Organization",
}
CUSTOM_PARAM_BASE = "https://eclaire-search.example/fhir/SearchParameter"


def search_parameter_url(name: str, definition: str | None) -> str:
    return definition or f"{CUSTOM_PARAM_BASE}/ResearchStudy-{name}"


def capability_statement(base_url: str, software_date: str) -> dict[str, Any]:
    search_params = [
        {
            "name": name,
            "definition": search_parameter_url(param.name, param.definition),
            "type": param.type.value,
            "documentation": param.description,
        }
        for param in SEARCH_PARAMS
        for name in (param.name, *param.aliases)
    ]
    study = {
        "type": "ResearchStudy",
        "profile": PROFILES["ResearchStudy"],
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "versioned",
        "readHistory": False,
        "conditionalRead": "full-support",
        "searchInclude": ["*", *INCLUDES],
        "searchParam": search_params,
    }
    others = [
        {"type": kind, "profile": profile, "interaction": [{"code": "read"}]}
        for kind, profile in PROFILES.items()
        if kind != "ResearchStudy"
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": software_date,
        "publisher": "eclaire-search",
        "kind": "instance",
        "software": {"name": "eclaire-search", "version": VERSION},
        "implementation": {"description": "ECLAIRE clinical studies search", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "instantiates": [
            "https://interop.esante.gouv.fr/ig/fhir/eclaire/CapabilityStatement/eclaire-consommateur"
        ],
        "rest": [
            {
                "mode": "server",
                "documentation": "Result parameters: "
                + "; ".join(f"{k}: {v}" for k, v in RESULT_PARAMS.items()),
                "resource": [study, *others],
            }
        ],
    }
