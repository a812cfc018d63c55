"""Typed shapes of the three source exports and the one rule that tells them apart.

The TypedDicts document the raw records as SI-RIPH2G writes them (SRC-2); they
are ``total=False`` because real files miss keys. The source of a record is decided by its
``reglementation_code``, never by the file name (a file may be renamed or mixed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

Source = Literal["ctis", "dm", "jarde"]

SOURCE_BY_REGULATION: dict[str, Source] = {
    "REG536": "ctis",
    "REG745": "dm",
    "REG746": "dm",
    "JARDE": "jarde",
}
"""``reglementation_code`` → source; any other code cannot become a study (RES-15)."""

ID_FIELD: dict[Source, str] = {
    "ctis": "numero_ctis",
    "dm": "numero_national",
    "jarde": "numero_national",
}


class Criterion(TypedDict, total=False):
    titre: str | None
    type: str | None


class Site(TypedDict, total=False):
    organisme: str | None
    adresse: str | None
    service: str | None
    ville: str | None
    code_postal: str | None
    titre: str | None  # CTIS
    titre_investigateur: str | None  # DM, JARDE
    nom: str | None
    prenom: str | None
    courriel: str | None
    telephone: str | None


class CommonRecord(TypedDict, total=False):
    """Fields present in all three exports (SRC-2.1)."""

    reglementation_code: str
    etat: str
    publication_eclaire: str | None
    statut_recrutement: str | None
    date_debut_recrutement: str | None
    date_fin_recrutement: str | None
    historique: str | None
    dates_avis_favorable_ms_mns: str | None
    domaine_therapeutique: str | None
    taille_etude: int | None
    objectifs: str | None
    resume: str | None
    duree_participation: str | None
    numero_nct: str | None
    numero_isrctn: str | None
    numero_utn: str | None
    numero_libre: str | None
    contact_public_nom: str | None
    contact_public_prenom: str | None
    contact_public_courriel: str | None
    contact_public_telephone: str | None
    participants_sexe: str | None
    participants_tranches_age: str | None
    participants_groupe_sujets: str | None
    participants_population_vulnerable: bool | str | None
    criteres_eligibilite: list[Criterion] | None
    criteres_jugement: list[Criterion] | None
    sites_investigateurs: list[Site] | None


class CtisRecord(CommonRecord, total=False):
    """``export_eclaire_ctis.json`` (SRC-2.2)."""

    numero_ctis: str
    titre: str | None
    intervention_faible: str | None
    phase_recherche: str | None
    pathologies_maladies_rares: str | None
    informations_meddra: str | None
    tranches_age: str | None
    sexe: str | None
    groupes_sujet: str | None
    population_recrutement: str | None
    pays_concernes: str | None
    organisme_nom: str | None
    organisme_adresse: str | None
    organisme_code_postal: str | None
    organisme_ville: str | None
    organisme_pays: str | None
    contact_nom: str | None
    contact_prenom: str | None
    contact_telephone: str | None
    contact_courriel: str | None


class RiphRecord(CommonRecord, total=False):
    """Fields shared by the DM/DM-DIV and JARDE exports (SRC-2.3)."""

    numero_national: str
    numero: str | None
    titre_recherche: str | None
    deposant_organisme: str | None
    deposant_nom: str | None
    deposant_prenom: str | None
    deposant_courriel: str | None
    deposant_adresse: str | None
    deposant_code_postal: str | None
    deposant_ville: str | None
    deposant_pays: str | None
    date_soumission: str | None


class DmRecord(RiphRecord, total=False):
    qualification: str | None
    deposant_promoteur: str | None


class JardeRecord(RiphRecord, total=False):
    qualification_recherche: str | None
    competences: str | None
    type_promoteur: str | None


def regulation_code(record: Mapping[str, Any]) -> str | None:
    """The trimmed, upper-cased ``reglementation_code``, or None when absent or not a string."""
    value = record.get("reglementation_code")
    if not isinstance(value, str):
        return None
    return value.strip().upper() or None


def detect_source(record: Mapping[str, Any]) -> Source | None:
    """The export a record belongs to, from its ``reglementation_code`` (None: unknown code)."""
    code = regulation_code(record)
    return SOURCE_BY_REGULATION.get(code) if code else None


def primary_id(record: Mapping[str, Any], source: Source) -> str | None:
    """The primary number (trimmed) or None; numbers written as JSON numbers are accepted."""
    value = record.get(ID_FIELD[source])
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None
