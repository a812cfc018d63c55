"""Synthetic source records for the mapping tests (SRC-5, with every key).

Real records carry every key, mostly null; the SRC-5 examples omit nulls for brevity, so the
helpers below add the missing keys as null to test the realistic shape too.
"""

from __future__ import annotations

import copy
from typing import Any

from ingest.generator.schema import COMMON_KEYS, CTIS_KEYS, DM_KEYS, JARDE_KEYS, RIPH_KEYS
from ingest.mapping import MappedStudy, MeddraTable, Unpublished, to_fhir

# Every documented key (SRC-2), as the generator writes them.
RIPH_ALL_KEYS = RIPH_KEYS + DM_KEYS + JARDE_KEYS


CTIS_EXAMPLE: dict[str, Any] = {
    "reglementation_code": "REG536",
    "etat": "EN_COURS",
    "publication_eclaire": "autorisé",
    "numero_ctis": "2024-590001-12-00",
    "titre": "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS",
    "intervention_faible": "No",
    "phase_recherche": "Therapeutic exploratory (Phase II)",
    "domaine_therapeutique": "Diseases [C] - Neoplasms [C04]",
    "pathologies_maladies_rares": "Fictive carcinoma",
    "informations_meddra": "10012345, 10023456",
    "taille_etude": 40,
    "tranches_age": "18-64 years, 65+ years",
    "sexe": "Male,Female",
    "groupes_sujet": "Données non disponible",
    "population_recrutement": "Women of child bearing potential using contraception",
    "date_debut_recrutement": "2024-09-01",
    "historique": "2024-07-15:À démarrer, 2024-09-02:En cours",
    "dates_avis_favorable_ms_mns": "24.00090.000123-SM-1:2025-02-03",
    "pays_concernes": "BE, FR",
    "organisme_nom": "Laboratoire Fictif SA",
    "organisme_ville": "Lyon",
    "organisme_pays": "France",
    "contact_nom": "Trial Information Desk",
    "contact_courriel": "trials@example.org",
    "criteres_eligibilite": [
        {"titre": "Adults with fictive carcinoma", "type": "INCLUSION"},
        {"titre": "Prior examplumab", "type": "EXCLUSION"},
    ],
    "criteres_jugement": [{"titre": "Response rate at week 24", "type": "PRINCIPAL"}],
    "numero_nct": "NCT09990001",
    "statut_recrutement": "Recrutement ouvert",
    "sites_investigateurs": [
        {
            "organisme": "CHU d&#39;Exempleville",
            "adresse": "1 rue Test",
            "ville": "Exempleville",
            "code_postal": "75999",
            "titre": "Dr",
            "nom": "Nomfictif",
            "prenom": "Alex",
            "service": "Oncologie",
        }
    ],
}

DM_EXAMPLE: dict[str, Any] = {
    "reglementation_code": "REG745",
    "etat": "A_DEMARRER",
    "publication_eclaire": "autorisé",
    "numero": "23.00090.000045",
    "numero_national": "2023-A90001-12",
    "titre_recherche": "Évaluation d'un capteur cardiaque fictif",
    "qualification": "IC-Cas 4.2",
    "deposant_promoteur": "Promoteur institutionnel",
    "deposant_nom": "Nomfictif",
    "deposant_prenom": "Alex",
    "deposant_courriel": "depot@example.org",
    "deposant_organisme": "CHU d'Exempleville",
    "deposant_ville": "Lille",
    "deposant_pays": "France",
    "is_mandataire": False,
    "domaine_therapeutique": "Cardiologie",
    "taille_etude": 60,
    "recherche_ancillaire_ou_extension": False,
    "date_soumission": "2023-05-02",
    "date_debut_recrutement": None,
    "contact_public_nom": "Testeur",
    "contact_public_courriel": "contact@example.org",
    "criteres_eligibilite": [{"titre": None, "type": None}],
    "criteres_jugement": [{"titre": "Complications à 30 jours", "type": "PRINCIPAL"}],
    "participants_sexe": "Homme,Femme",
    "participants_tranches_age": "18-64 ans, 65+ ans",
    "participants_groupe_sujets": "Patient",
    "participants_population_vulnerable": False,
    "statut_recrutement": "Recrutement en attente",
    "sites_investigateurs": [
        {
            "organisme": "Hôpital Fictif",
            "ville": "Lille",
            "titre_investigateur": "Pr",
            "nom": "Nomtest",
        },
    ],
}

JARDE_EXAMPLE: dict[str, Any] = {
    "reglementation_code": "JARDE",
    "etat": "TERMINEE_ANTICIPEE",
    "publication_eclaire": "autorisé",
    "numero": "22.00090.000321",
    "numero_national": "2022-A90002-34",
    "titre_recherche": "Étude fictive du sommeil",
    "type_promoteur": "Promoteur académique",
    "qualification_recherche": "Catégorie 2",
    "competences": "Essai de phase précoce, Neurologie",
    "date_soumission": "2022-03-01",
    "historique": "2022-06-01:En cours, 2024-01-15:Terminée",
    "dates_avis_favorable_ms_mns": "22.00090.000321-MS01:2023-02-10",
    "date_debut_recrutement": None,
    "criteres_eligibilite": [],
    "criteres_jugement": [],
    "sites_investigateurs": [],
}


def full(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every documented key of its source, missing ones as null."""
    out = copy.deepcopy(record)
    keys = COMMON_KEYS + (CTIS_KEYS if record["reglementation_code"] == "REG536" else RIPH_ALL_KEYS)
    for key in keys:
        out.setdefault(key, None)
    for key in ("criteres_eligibilite", "criteres_jugement", "sites_investigateurs"):
        out.setdefault(key, [])
    return out


def ctis(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(CTIS_EXAMPLE), **changes}


def dm(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(DM_EXAMPLE), **changes}


def jarde(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(JARDE_EXAMPLE), **changes}


MEDDRA = MeddraTable.load()


def run(record: dict[str, Any], **kw: Any) -> MappedStudy | Unpublished:
    return to_fhir(record, meddra=MEDDRA, **kw)


def study(record: dict[str, Any], **kw: Any) -> MappedStudy:
    """Map a record that must become a study."""
    result = run(record, **kw)
    assert isinstance(result, MappedStudy), result
    return result


def ext(resource: dict[str, Any], url: str) -> list[dict[str, Any]]:
    """The extensions of ``resource`` with ``url``."""
    return [e for e in resource.get("extension", []) if e["url"] == url]


def characteristics(group: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [c for c in group.get("characteristic", []) if c["code"]["coding"][0]["code"] == code]
