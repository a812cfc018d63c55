"""The study as the mapping sees it: one typed view over the three source shapes.

CTIS names the sponsor ``organisme_*``/``contact_*`` and DM/JARDE name the submitter
``deposant_*``; CTIS has ``sexe`` where RIPH has ``participants_sexe``; and so on. Each export's
module (``ctis``, ``riph``) fills this view once, cleaning text on the way (entities, placeholder,
trimming), so the mapping modules never branch on key names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ingest.sources.records import Source
from ingest.sources.text import clean


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation with an address and a person (sponsor/submitter or public contact)."""

    organisation: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def has_person(self) -> bool:
        """A contact exists only when a person field is filled (MAP-19)."""
        return any((self.last_name, self.first_name, self.phone, self.email))

    @property
    def has_address(self) -> bool:
        return any((self.address, self.postal_code, self.city, self.country))


@dataclass(frozen=True, slots=True)
class StudyFields:
    """Cleaned scalar fields (``str | None``) and untouched nested/typed ones (``Any``)."""

    source: Source
    regulation: str
    id: str | None
    etat: str | None
    publication: Any
    title: str | None
    precision: str | None  # value matched against the precision displays (MAP-5)
    precision_raw: str | None  # as written in the source (narrative)
    phase_text: str | None  # CTIS phase_recherche
    competences: str | None  # JARDE
    recruitment_status: str | None
    recruitment_start: str | None
    recruitment_end: str | None
    history: str | None
    approvals: str | None
    submission_date: str | None
    therapeutic_area: str | None
    size: Any
    objectives: str | None
    summary: str | None
    duration: Any
    nct: str | None
    isrctn: str | None
    utn: str | None
    free_id: str | None
    condition: str | None
    meddra: str | None
    ages: str | None
    sexes: str | None
    subject_group: str | None
    population: str | None  # CTIS population_recrutement
    vulnerable: Any  # DM/JARDE participants_population_vulnerable
    countries: str | None
    sponsor: Party
    public_contact: Party
    eligibility: Any
    outcomes: Any
    sites: Any


def common_fields(record: Mapping[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Fields named the same in all three exports (SRC-2.1), cleaned."""

    def text(key: str) -> str | None:
        value = record.get(key)
        return None if value is None else clean(value, warnings, key)

    return {
        "etat": text("etat"),
        "publication": record.get("publication_eclaire"),
        "recruitment_status": text("statut_recrutement"),
        "recruitment_start": text("date_debut_recrutement"),
        "recruitment_end": text("date_fin_recrutement"),
        "history": text("historique"),
        "approvals": text("dates_avis_favorable_ms_mns"),
        "therapeutic_area": text("domaine_therapeutique"),
        "size": record.get("taille_etude"),
        "objectives": text("objectifs"),
        "summary": text("resume"),
        "duration": record.get("duree_participation"),
        "nct": text("numero_nct"),
        "isrctn": text("numero_isrctn"),
        "utn": text("numero_utn"),
        "free_id": text("numero_libre"),
        "public_contact": Party(
            last_name=text("contact_public_nom"),
            first_name=text("contact_public_prenom"),
            email=text("contact_public_courriel"),
            phone=text("contact_public_telephone"),
        ),
        "eligibility": record.get("criteres_eligibilite"),
        "outcomes": record.get("criteres_jugement"),
        # Older CTIS files used "sites"; only sites_investigateurs is read since March 2026.
        "sites": record.get("sites_investigateurs"),
    }
