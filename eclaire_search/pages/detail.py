"""The study page's view: one stored study (its four resources) → what a patient reads.

Who can take part comes from the Group (ages, sex, populations, inclusion and exclusion
criteria), where it happens from the Locations, who runs it from the sponsor Organization and
the ResearchStudy's contacts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from eclaire_core import ig_constants as ig
from eclaire_search.pages import labels
from eclaire_search.pages.study import (
    Contact,
    address_lines,
    clean_html,
    codes,
    extension,
    human_name,
    phase_label,
    recruitment_code,
    telecoms,
)

Resource = dict[str, Any]
IDENTIFIER_SYSTEMS = {
    "https://clinicaltrials.gov": "ClinicalTrials.gov",
    "https://www.isrctn.com": "ISRCTN",
    "https://www.who.int/tools/clinical-trials-registry-platform": "UTN (OMS)",
}
CONTACT_ROLES = {"PUB": "Contact pour les participants", "SCI": "Contact scientifique"}
FRENCH_IN_BRACKETS = re.compile(r"^.*\((?P<fr>[^()]+)\)\s*$")


@dataclass
class Eligibility:
    ages: list[str]
    sexes: list[str]
    populations: list[str]
    inclusion: list[str]
    exclusion: list[str]
    outcomes: list[str]
    participants: int | None


@dataclass
class Study:
    id: str
    title: str
    status: str
    recruitment: str
    regulation: str
    precision: str
    phase: str
    summary: Markup
    description: str
    objective: str
    therapeutic_area: str
    conditions: list[str]
    identifiers: list[tuple[str, str]]
    eligibility: Eligibility
    sites: list[Contact]
    contacts: list[Contact]
    sponsor: Contact | None
    dates: list[tuple[str, str]]


def french(display: str) -> str:
    """IG displays read ``English (Français)``: keep the French."""
    match = FRENCH_IN_BRACKETS.match(display)
    return match["fr"] if match else display


def age_band(value: Resource) -> str:
    low = (value.get("low") or {}).get("value")
    high = (value.get("high") or {}).get("value")
    if low is not None and high is not None:
        return f"De {low:g} à {high:g} ans"
    if low is not None:
        return f"{low:g} ans et plus"
    if high is not None:
        return f"Jusqu'à {high:g} ans"
    return ""


def kind_of(characteristic: Resource) -> str:
    found = codes([characteristic.get("code") or {}], ig.CS_GROUP_CHARACTERISTIC_KIND)
    return found[0] if found else ""


def concept_texts(concept: Resource) -> list[str]:
    if concept.get("text"):
        return [concept["text"]]
    return [c.get("display") or c.get("code") or "" for c in concept.get("coding") or []]


def eligibility_of(group: Resource | None) -> Eligibility:
    found = Eligibility([], [], [], [], [], [], None)
    if not group:
        return found
    found.participants = group.get("quantity")
    for characteristic in group.get("characteristic") or []:
        kind = kind_of(characteristic)
        concept = characteristic.get("valueCodeableConcept") or {}
        if kind == "grp-age":
            found.ages.append(age_band(characteristic.get("valueRange") or {}))
        elif kind == "grp-gender":
            found.sexes += [
                labels.label(labels.GENDER_PLURAL, c.get("code")) for c in concept.get("coding", [])
            ]
        elif kind == "grp-category":
            found.populations += concept_texts(concept)
        elif kind == "grp-studypop":
            found.populations += [
                french(c.get("display") or c.get("code", ""))
                for c in concept.get("coding") or []
                if c.get("code") != "other"
            ]
        elif kind == "grp-other":
            purpose = (characteristic.get("code") or {}).get("text")
            texts = concept_texts(concept)
            if purpose == "judgement-criteria":
                found.outcomes += texts
            elif characteristic.get("exclude"):
                found.exclusion += texts
            else:
                found.inclusion += texts
    found.ages = [a for a in found.ages if a]
    return found


def site_of(location: Resource) -> Contact:
    site = Contact(role="Site", organisation=location.get("name") or "")
    address = dict(location.get("address") or {})
    address.pop("country", None)
    site.address = address_lines(address)
    for telecom in location.get("telecom") or []:
        name = extension(telecom, ig.EXT_SITE_CONTACT_NAME).get("valueHumanName")
        if name and not site.name:
            site.name = human_name(name)
    return telecoms(site, location.get("telecom") or [])


def contact_of(contact: Resource) -> Contact:
    kind = (extension(contact, ig.EXT_CONTACT_TYPE).get("valueCodeableConcept") or {}).get(
        "coding"
    ) or [{}]
    found = Contact(
        role=CONTACT_ROLES.get(kind[0].get("code", ""), "Contact"),
        name=human_name(extension(contact, ig.EXT_CONTACT_NAME).get("valueHumanName")),
        organisation=contact.get("name") or "",
        address=address_lines(extension(contact, ig.EXT_CONTACT_ADDRESS).get("valueAddress")),
    )
    return telecoms(found, contact.get("telecom") or [])


def sponsor_of(organizations: list[Resource]) -> Contact | None:
    if not organizations:
        return None
    organization = organizations[0]
    addresses = organization.get("address") or [{}]
    sponsor = Contact(role="Promoteur", organisation=organization.get("name") or "")
    sponsor.address = address_lines(addresses[0])
    return telecoms(sponsor, organization.get("telecom") or [])


def dates_of(study: Resource) -> list[tuple[str, str]]:
    period = extension(study, ig.EXT_RECRUITMENT_PERIOD).get("valuePeriod") or {}
    approval = extension(study, ig.EXT_APPROVAL_DATE)
    candidates = [
        ("Autorisation", approval.get("valueDate") or approval.get("valueDateTime")),
        ("Début du recrutement", period.get("start")),
        ("Fin du recrutement", period.get("end")),
        ("Début de l'étude", (study.get("period") or {}).get("start")),
        ("Fin de l'étude", (study.get("period") or {}).get("end")),
        ("Dernière mise à jour", (study.get("meta") or {}).get("lastUpdated")),
    ]
    return [(what, labels.french_date(when)) for what, when in candidates if when]


def identifiers_of(study: Resource) -> list[tuple[str, str]]:
    return [
        (
            "Numéro principal"
            if i.get("use") == "official"
            else IDENTIFIER_SYSTEMS.get(i.get("system", ""), "Autre numéro"),
            i["value"],
        )
        for i in study.get("identifier") or []
        if i.get("value")
    ]


def study_of(source: Resource) -> Study:
    """The page of one stored study document (``resource``, ``group``, ``locations``…)."""
    study: Resource = source["resource"]
    categories = study.get("category") or []
    regulation = codes(categories, ig.CS_REGULATION_CODE)
    precision = codes(categories, ig.CS_REGLEMENTATION_PRECISION)
    conditions = [
        text for condition in study.get("condition") or [] for text in concept_texts(condition)
    ]
    return Study(
        id=study["id"],
        title=study.get("title") or study["id"],
        status=labels.label(labels.STATUS, study.get("status")),
        recruitment=labels.label(labels.RECRUITMENT, recruitment_code(study)),
        regulation=labels.label(labels.REGULATION, regulation[0]) if regulation else "",
        precision=labels.label(labels.PRECISION, precision[0]) if precision else "",
        phase=phase_label(study),
        summary=clean_html(extension(study, ig.EXT_DESCRIPTION_SUMMARY_R5).get("valueMarkdown")),
        description=study.get("description") or "",
        objective=(study.get("primaryPurposeType") or {}).get("text") or "",
        therapeutic_area=extension(study, ig.EXT_THERAPEUTIC_AREA).get("valueString") or "",
        conditions=list(dict.fromkeys(c for c in conditions if c)),
        identifiers=identifiers_of(study),
        eligibility=eligibility_of(source.get("group")),
        sites=[site_of(location) for location in source.get("locations") or []],
        contacts=sorted(
            (contact_of(contact) for contact in study.get("contact") or []),
            key=lambda c: c.role != CONTACT_ROLES["PUB"],  # the participants' contact first
        ),
        sponsor=sponsor_of(source.get("organizations") or []),
        dates=dates_of(study),
    )
