"""The ResearchStudy resource (MAP-2 to MAP-8 and MAP-16 to MAP-21, as amended by RES-1 to RES-14).

Plain dicts, built once per study on the ingest hot path; validation is separate
(:mod:`ingest.mapping.validation`). Element order follows the IG example.
"""

from __future__ import annotations

import re
from typing import Any, Final

from eclaire_core import ig_constants as ig
from eclaire_core.meddra import MeddraTable
from eclaire_core.resources import group_id, sponsor_id
from ingest.mapping.codes import (
    FRANCE_CODING,
    OBJECTIVE_SYSTEM,
    check_countries,
    eclaire_coding,
    precision_code,
    precision_coding,
    recruitment_coding,
    regulation_coding,
)
from ingest.mapping.dates import parse_date
from ingest.mapping.markdown import html_to_markdown
from ingest.mapping.meddra import meddra_conditions
from ingest.mapping.organization import party_address
from ingest.sources.fields import Party, StudyFields
from ingest.sources.text import clean, warn

# Secondary identifier systems, as the technical document lists them (DOC-2.4.5).
_SECONDARY_IDS: Final = (
    ("nct", "secondary", "https://clinicaltrials.gov"),
    ("isrctn", "secondary", "https://www.isrctn.com"),
    ("utn", "secondary", "https://www.who.int/tools/clinical-trials-registry-platform"),
    ("free_id", "temp", "https://my-identifier.fr"),
)
_DURATION: Final = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:mois)?", re.IGNORECASE)


def assigner(f: StudyFields) -> str:
    """Who assigned the primary number (MAP-6, DOC-5.3)."""
    if f.source == "ctis":
        return "ctis"
    if f.source == "dm" and f.precision == "Catégorie 1":
        return "eudract"
    return "ansm"


def _identifiers(f: StudyFields, study_id: str) -> list[dict[str, Any]]:
    """The primary number with its assigner; registry numbers by system.

    Secondary numbers get no assigner: the primary assigner did not issue an NCT or ISRCTN
    number (the reference claimed it did, SRC-4).
    """
    org = assigner(f)
    identifiers: list[dict[str, Any]] = [
        {
            "use": "official",
            "value": study_id,
            "assigner": {
                "reference": f"Organization/{org}",
                "type": "Organization",
                "display": "Reference to primary assigner",
            },
        }
    ]
    for attr, use, system in _SECONDARY_IDS:
        if value := getattr(f, attr):
            identifiers.append({"use": use, "system": system, "value": value})
    return identifiers


def _recruitment_period(f: StudyFields, warnings: list[str]) -> dict[str, str] | None:
    """Start and end as the source's dates; unparseable dates dropped (RES-15).

    The technical document shows the start as midnight UTC and the end as a date, but FHIR's
    per-1 invariant cannot compare a dateTime with a date of the same day (the HL7 validator
    fails 7 % of studies), so both keep the one precision the source has: the day. An end
    before the start would break per-1 as well: the end is dropped.
    """
    period: dict[str, str] = {}
    start = None
    if f.recruitment_start is not None:
        start = parse_date(f.recruitment_start)
        if start is None:
            warn(
                warnings,
                "recruitment-period",
                f"date_debut_recrutement {f.recruitment_start!r} is not an ISO date",
            )
        else:
            period["start"] = start.isoformat()
    if f.recruitment_end is not None:
        end = parse_date(f.recruitment_end)
        if end is None:
            warn(
                warnings,
                "recruitment-period",
                f"date_fin_recrutement {f.recruitment_end!r} is not an ISO date",
            )
        elif start is not None and end < start:
            warn(warnings, "recruitment-period", f"recruitment ends ({end}) before it starts")
        else:
            period["end"] = end.isoformat()
    return period or None


def _duration(value: Any, warnings: list[str]) -> str | None:
    """``La durée de participation est de: N mois`` from a month count (text or number)."""
    text = clean(value)
    if text is None:
        return None
    match = _DURATION.fullmatch(text)
    if match is None:
        warn(warnings, "duration", f"duree_participation {text[:40]!r} is not a month count")
        return None
    return f"La durée de participation est de: {match[1]} mois"


def _contact_type(code: str) -> dict[str, Any]:
    return {
        "url": ig.EXT_CONTACT_TYPE,
        "valueCodeableConcept": {
            "coding": [eclaire_coding("eclaire-type-contact-code-system", code)]
        },
    }


def _contact(party: Party, code: str, with_org: bool) -> dict[str, Any]:
    """A ContactDetail with the IG contact extensions (MAP-19)."""
    extensions: list[dict[str, Any]] = []
    if party.last_name or party.first_name:
        name: dict[str, Any] = {"use": "official"}
        if party.last_name:
            name["family"] = party.last_name
        if party.first_name:
            name["given"] = [party.first_name]
        extensions.append({"url": ig.EXT_CONTACT_NAME, "valueHumanName": name})
    if with_org and (address := party_address(party)):
        extensions.append({"url": ig.EXT_CONTACT_ADDRESS, "valueAddress": address})
    extensions.append(_contact_type(code))
    contact: dict[str, Any] = {}
    if with_org and party.organisation:
        contact["name"] = party.organisation
    contact["extension"] = extensions
    telecom = [
        {"system": system, "value": value, "use": "work"}
        for system, value in (("phone", party.phone), ("email", party.email))
        if value
    ]
    if telecom:
        contact["telecom"] = telecom
    return contact


def _extensions(
    f: StudyFields, study_id: str, document_date: str, warnings: list[str]
) -> list[dict[str, Any]]:
    ext: list[dict[str, Any]] = []
    if f.sponsor.organisation:
        ext.append(
            {
                "url": ig.EXT_ASSOCIATED_PARTY_R5,
                "extension": [
                    {"url": "name", "valueString": f.sponsor.organisation},
                    {
                        "url": "role",
                        "valueCodeableConcept": {
                            "coding": [
                                eclaire_coding(
                                    "eclaire-study-party-role-code-system", "lead-sponsor"
                                )
                            ]
                        },
                    },
                    {
                        "url": "party",
                        "valueReference": {
                            "reference": f"Organization/{sponsor_id(study_id)}",
                            "type": "Organization",
                        },
                    },
                ],
            }
        )
    if f.therapeutic_area:
        ext.append({"url": ig.EXT_THERAPEUTIC_AREA, "valueString": f.therapeutic_area})
    if period := _recruitment_period(f, warnings):
        ext.append({"url": ig.EXT_RECRUITMENT_PERIOD, "valuePeriod": period})
    ext.append({"url": ig.EXT_REVIEW_DATE, "valueInstant": document_date})
    if coding := recruitment_coding(f.recruitment_status, warnings):
        ext.append({"url": ig.EXT_RECRUITMENT_STATUS, "valueCodeableConcept": {"coding": [coding]}})
    if f.summary:
        ext.append(
            {"url": ig.EXT_DESCRIPTION_SUMMARY_R5, "valueMarkdown": html_to_markdown(f.summary)}
        )
    return ext


def build_research_study(
    f: StudyFields,
    *,
    study_id: str,
    status: str,
    document_date: str,
    narrative: dict[str, str],
    phase: dict[str, Any] | None,
    meddra: MeddraTable,
    location_ids: list[str],
    warnings: list[str],
) -> dict[str, Any]:
    """The ResearchStudy for one study; ``document_date`` is the FHIR instant of R12."""
    rs: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": study_id,
        "meta": {"lastUpdated": document_date, "profile": [ig.PROFILE_RESEARCHSTUDY]},
        "text": narrative,
        "extension": _extensions(f, study_id, document_date, warnings),
        "identifier": _identifiers(f, study_id),
    }
    if f.title:
        rs["title"] = f.title
    rs["status"] = status
    if f.objectives:  # RES-9: the objectives as text of the document's "primary" coding
        rs["primaryPurposeType"] = {
            "coding": [
                {
                    "system": OBJECTIVE_SYSTEM,
                    "code": "primary",
                    "display": "Primary",
                    "version": "0.1.0",
                }
            ],
            "text": f.objectives,
        }
    if phase:
        rs["phase"] = phase
    category = [{"coding": [regulation_coding(f.regulation)]}]
    if code := precision_code(f.precision, warnings):
        category.append({"coding": [precision_coding(code)]})
    rs["category"] = category
    conditions: list[dict[str, Any]] = []
    if f.condition:
        conditions.append({"id": f"disease-condition-{study_id}", "text": f.condition})
    conditions += meddra_conditions(study_id, f.meddra, meddra, warnings)
    if conditions:
        rs["condition"] = conditions
    contacts = []
    if f.sponsor.has_person:
        contacts.append(_contact(f.sponsor, "SCI", with_org=True))
    if f.public_contact.has_person:
        contacts.append(_contact(f.public_contact, "PUB", with_org=False))
    if contacts:
        rs["contact"] = contacts
    check_countries(f.countries, warnings)
    rs["location"] = [{"coding": [dict(FRANCE_CODING)]}]  # RES-7: France only, every study
    if description := _duration(f.duration, warnings):
        rs["description"] = description
    rs["enrollment"] = [{"reference": f"Group/{group_id(study_id)}", "type": "Group"}]
    if location_ids:
        rs["site"] = [{"reference": f"Location/{lid}", "type": "Location"} for lid in location_ids]
    return rs
