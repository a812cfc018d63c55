"""CapabilityStatement generated from the search-parameter table (nothing listed twice)."""

from __future__ import annotations

from importlib.metadata import version as package_version
from typing import Any

from eclaire_search.narrative import generated
from eclaire_search.searchparams import (
    BY_NAME,
    INCLUDE_TARGETS,
    INCLUDES,
    RESULT_PARAMS,
    SEARCH_PARAMS,
    SearchParam,
)

VERSION = package_version("eclaire-search")
PROFILES = {
    "ResearchStudy": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-researchstudy",
    "Group": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-group",
    "Location": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-location",
    "Organization": "http://hl7.org/fhir/StructureDefinition/Organization",
}


def search_parameter_id(param: SearchParam) -> str:
    return f"ResearchStudy-{param.name.lstrip('_')}"


def machine_name(code: str) -> str:
    """``site-city`` → ``SiteCity``: a name code generators can use (the code keeps the dash)."""
    return "".join(part[:1].upper() + part[1:] for part in code.lstrip("_").split("-"))


def search_parameter(param: SearchParam, base_url: str) -> dict[str, Any]:
    """The SearchParameter resource a custom row stands for (served at /R4/SearchParameter)."""
    resource: dict[str, Any] = {
        "resourceType": "SearchParameter",
        "id": search_parameter_id(param),
        "text": generated(
            f"Search parameter {param.name} on ResearchStudy",
            [("type", param.fhir_type), ("expression", param.expression)],
        ),
        "url": f"{base_url}/SearchParameter/{search_parameter_id(param)}",
        "name": machine_name(param.name),
        "status": "active",
        "publisher": "eclaire-search",
        "description": param.description,
        "code": param.name,
        "base": ["ResearchStudy"],
        "type": param.fhir_type,
        "expression": param.expression,
        "xpathUsage": "normal",
    }
    if param.modifiers:
        resource["modifier"] = sorted(param.modifiers)
    if param.prefixes:
        resource["comparator"] = sorted(param.prefixes)
    return resource


def custom_search_parameter(resource_id: str, base_url: str) -> dict[str, Any] | None:
    for param in BY_NAME.values():
        if param.definition is None and search_parameter_id(param) == resource_id:
            return search_parameter(param, base_url)
    return None


def capability_statement(base_url: str, software_date: str) -> dict[str, Any]:
    search_params = [
        {
            "name": name,
            "definition": param.definition
            or f"{base_url}/SearchParameter/{search_parameter_id(param)}",
            "type": param.fhir_type,
            "documentation": param.description,
        }
        for param in SEARCH_PARAMS
        for name in (param.name, *param.aliases)
    ]
    study = {
        "type": "ResearchStudy",
        "profile": PROFILES["ResearchStudy"],
        "interaction": [{"code": "read"}, {"code": "vread"}, {"code": "search-type"}],
        "versioning": "versioned",
        "readHistory": False,
        "conditionalRead": "full-support",
        "searchInclude": ["*", *INCLUDES, *(f"{i}:{INCLUDE_TARGETS[i]}" for i in INCLUDES)],
        "searchParam": search_params,
    }
    others = [
        {"type": kind, "profile": profile, "interaction": [{"code": "read"}]}
        for kind, profile in PROFILES.items()
        if kind != "ResearchStudy"
    ]
    others.append({"type": "SearchParameter", "interaction": [{"code": "read"}]})
    return {
        "resourceType": "CapabilityStatement",
        "text": generated(
            "eclaire-search: read-only FHIR R4 search of the clinical studies authorised in France",
            [
                ("ResearchStudy", "read, vread, search-type (GET, or POST/GET on _search)"),
                ("Group, Location, Organization, SearchParameter", "read"),
                ("format", "application/fhir+json"),
            ],
        ),
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
