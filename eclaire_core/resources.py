"""The resources of a study and how their ids are made: the ingest builds them, the API finds
them by these ids, the FHIR mirror regroups them by these ids.

Every resource of a study lives inside the study's one document, so a Group, Location or sponsor
Organization is found from its id alone: ``{study}-enrollment-group``, ``{study}-{i}-site``
(*i* = the site's position in the source array, MAP-15), ``{study}-primary-sponsor``. The three
identifier assigners are fixed Organizations of their own (RES-10).
"""

from __future__ import annotations

import html
import re
from typing import Any, Final

GROUP_SUFFIX: Final = "-enrollment-group"
SITE_SUFFIX: Final = "-site"
SPONSOR_SUFFIX: Final = "-primary-sponsor"
SITE_ID: Final = re.compile(r"(?P<study>.+)-(?P<index>\d+)-site")
MAX_STUDY_ID: Final = 64 - len(GROUP_SUFFIX)
"""A FHIR id has at most 64 characters: every id derived from a study id must stay one."""


def group_id(study_id: str) -> str:
    return f"{study_id}{GROUP_SUFFIX}"


def location_id(study_id: str, index: int) -> str:
    return f"{study_id}-{index}{SITE_SUFFIX}"


def sponsor_id(study_id: str) -> str:
    return f"{study_id}{SPONSOR_SUFFIX}"


def site_index(location: str) -> int:
    """The source position a Location id carries (-1 if it is not a site id)."""
    match = SITE_ID.fullmatch(location)
    return int(match["index"]) if match else -1


def owner(resource_type: str, resource_id: str) -> str | None:
    """The study a resource belongs to, from its id; None for one of no study (an assigner)."""
    if resource_type == "ResearchStudy":
        return resource_id
    if resource_type == "Group" and resource_id.endswith(GROUP_SUFFIX):
        return resource_id.removesuffix(GROUP_SUFFIX) or None
    if resource_type == "Location" and (match := SITE_ID.fullmatch(resource_id)):
        return match["study"]
    if resource_type == "Organization" and resource_id.endswith(SPONSOR_SUFFIX):
        return resource_id.removesuffix(SPONSOR_SUFFIX) or None
    return None


# --- study statuses (FHIR R4 research-study-status) ----------------------------------------------
RESEARCH_STUDY_STATUSES: Final = (
    "active",
    "administratively-completed",
    "approved",
    "closed-to-accrual",
    "closed-to-accrual-and-intervention",
    "completed",
    "disapproved",
    "in-review",
    "temporarily-closed-to-accrual",
    "temporarily-closed-to-accrual-and-intervention",
    "withdrawn",
)
STATUS_SYSTEMS: Final = frozenset(
    {
        "http://hl7.org/fhir/research-study-status",
        "http://hl7.org/fhir/ValueSet/research-study-status",
        "http://hl7.org/fhir/R4/ValueSet/research-study-status",
    }
)

# --- the identifier assigners (RES-10, MAP-6) ----------------------------------------------------
ORGANIZATION_PROFILE: Final = "http://hl7.org/fhir/StructureDefinition/Organization"
"""The IG profiles no Organization: the core profile is declared."""
_ASSIGNERS: Final = {
    "ansm": (
        "Agence nationale de sécurité du médicament et des produits de santé",
        "https://ansm.sante.fr",
    ),
    "ctis": ("Clinical Trials Information System", "https://euclinicaltrials.eu/"),
    "eudract": (
        "European Union Drug Regulating Authorities Clinical Trials Database",
        "https://eudract.ema.europa.eu/",
    ),
}


def _assigner(org_id: str, name: str, url: str) -> dict[str, Any]:
    note = f"Autorité d'enregistrement des identifiants d'études ECLAIRE : {url}"
    div = (
        '<div xmlns="http://www.w3.org/1999/xhtml">'
        f"<p>{html.escape(name, quote=False)}</p><ul><li>{html.escape(note, quote=False)}</li></ul>"
        "</div>"
    )
    return {
        "resourceType": "Organization",
        "id": org_id,
        "meta": {"profile": [ORGANIZATION_PROFILE]},
        "text": {"status": "generated", "div": div},
        "name": name,
        "telecom": [{"system": "url", "value": url, "use": "work"}],
    }


ASSIGNER_ORGANIZATIONS: Final[dict[str, dict[str, Any]]] = {
    org_id: _assigner(org_id, name, url) for org_id, (name, url) in _ASSIGNERS.items()
}
"""The fixed assigner Organizations by id (``ansm``, ``ctis``, ``eudract``)."""
