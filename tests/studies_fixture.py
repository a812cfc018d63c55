"""A small, hand-made set of source records with known expected answers for the API tests.

Each record states the FHIR status it must map to, so tests compare against facts written
here, not against a second copy of the mapping rules.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from ingest.pipeline import IngestResult, run_ingest

ETATS = [  # (source etat, FHIR status) cycled over the records
    ("EN_COURS", "active"),
    ("A_DEMARRER", "approved"),
    ("TERMINEE", "completed"),
    ("EN COURS", "active"),
    ("SUSPENDUE", "temporarily-closed-to-accrual"),
    ("ABANDONNEE", "withdrawn"),
]
SITES = [
    {
        "organisme": "Hôpital Saint-Louis",
        "adresse": "1 avenue Claude Vellefaux",
        "ville": "Paris",
        "code_postal": "75010",
        "nom": "Martin",
        "prenom": "Claire",
        "service": "Hématologie",
    },
    {
        "organisme": "Hospices Civils de Lyon",
        "adresse": "3 quai des Célestins",
        "ville": "Lyon",
        "code_postal": "69002",
        "nom": "Durand",
        "prenom": "Paul",
        "service": "Cardiologie",
    },
    {
        "organisme": "CHU de Saint-Étienne",
        "adresse": "Avenue Albert Raimond",
        "ville": "Saint-Étienne",
        "code_postal": "42270",
        "nom": "Petit",
        "prenom": "Anne",
    },
]


@dataclass(frozen=True)
class Expected:
    id: str
    status: str
    category: str


def _common(i: int, etat: str) -> dict[str, Any]:
    year = 2018 + i % 8
    return {
        "etat": etat,
        "publication_eclaire": "autorisé",
        "statut_recrutement": "Recrutement ouvert",
        "date_debut_recrutement": f"{year}-02-01",
        "date_fin_recrutement": None,
        "historique": f"{year}-01-10:À démarrer, {year}-{1 + i % 9:02d}-15:En cours",
        "dates_avis_favorable_ms_mns": None,
        "domaine_therapeutique": "Neurologie",
        "taille_etude": 10 + i,
        "objectifs": "Évaluer la tolérance",
        "resume": "Étude pilote sur l'hôpital de jour.<br>Suivi 6 mois.",
        "duree_participation": "12",
        "numero_nct": f"NCT0999{i:04d}",
        "numero_isrctn": None,
        "numero_utn": None,
        "numero_libre": None,
        "contact_public_nom": "Testeur",
        "contact_public_prenom": "Camille",
        "contact_public_courriel": "contact@example.org",
        "contact_public_telephone": None,
        "criteres_eligibilite": [
            {"titre": "Adultes atteints d'insomnie", "type": "INCLUSION"},
            {"titre": "Grossesse", "type": "EXCLUSION"},
        ],
        "criteres_jugement": [{"titre": "Durée du sommeil à 3 mois", "type": "PRINCIPAL"}],
        "sites_investigateurs": [SITES[i % 3], SITES[(i + 1) % 3]],
    }


def ctis_record(i: int, etat: str, number: str | None = None) -> dict[str, Any]:
    return {
        **_common(i, etat),
        "reglementation_code": "REG536",
        "numero_ctis": number or f"2024-59{i:04d}-12-00",
        "titre": "A PHASE III STUDY OF EXAMPLUMAB IN HER2-POSITIVE BREAST CANCER",
        "intervention_faible": "No",
        "phase_recherche": "Therapeutic confirmatory  (Phase III)",
        "pathologies_maladies_rares": "Breast cancer",
        "informations_meddra": "10090001",
        "tranches_age": "18-64 years, 65+ years",
        "sexe": "Female",
        "groupes_sujet": "Patients",
        "population_recrutement": None,
        "pays_concernes": "BE, FR",
        "organisme_nom": "Laboratoire Fictif SA",
        "organisme_adresse": "10 avenue Exemple",
        "organisme_code_postal": "69007",
        "organisme_ville": "Lyon",
        "organisme_pays": "France",
        "contact_nom": "Trial Desk",
        "contact_prenom": None,
        "contact_telephone": "0100000002",
        "contact_courriel": "trials@example.org",
    }


def riph_record(i: int, etat: str, code: str, number: str, title: str) -> dict[str, Any]:
    record = {
        **_common(i, etat),
        "reglementation_code": code,
        "numero_national": number,
        "numero": f"23.00090.{i:06d}",
        "titre_recherche": title,
        "date_soumission": "2022-03-01",
        "deposant_organisme": "CHU d'Exempleville",
        "deposant_nom": "Nomfictif",
        "deposant_prenom": "Alex",
        "deposant_courriel": "depot@example.org",
        "deposant_adresse": "1 place Test",
        "deposant_code_postal": "59000",
        "deposant_ville": "Lille",
        "deposant_pays": "France",
        "participants_sexe": "Homme,Femme",
        "participants_tranches_age": "18-64 ans",
        "participants_groupe_sujets": "Patient",
        "participants_population_vulnerable": False,
    }
    if code == "JARDE":
        record.update(qualification_recherche="Catégorie 2", competences="Neurologie")
    else:
        record.update(qualification="IC-Cas 4.2")
    return record


def write_exports(directory: Path) -> list[Expected]:
    """Write the three export files; return what each published study must look like."""
    ctis: list[dict[str, Any]] = []
    dm: list[dict[str, Any]] = []
    jarde: list[dict[str, Any]] = []
    expected: list[Expected] = []

    def add(
        bucket: list[dict[str, Any]],
        record: dict[str, Any],
        status: str,
        category: str,
        study_id: str,
    ) -> None:
        bucket.append(record)
        expected.append(Expected(study_id, status, category))

    for i in range(8):
        etat, status = ETATS[i % len(ETATS)]
        number = "2022-500014-26-00" if i == 0 else None
        record = ctis_record(i, etat, number)
        add(ctis, record, status, "REG536", record["numero_ctis"])
    for i in range(8, 16):
        etat, status = ETATS[i % len(ETATS)]
        code = "REG745" if i % 2 else "REG746"
        number = f"2023-A9{i:04d}-12"
        add(
            dm,
            riph_record(i, etat, code, number, "Évaluation d'un capteur cardiaque"),
            status,
            code,
            number,
        )
    for i in range(16, 40):
        etat, status = ETATS[i % len(ETATS)]
        number = "2021-A01861-40" if i == 16 else f"2022-A9{i:04d}-34"
        title = "Évaluation du sommeil à l'hôpital" if i % 2 else "Étude des troubles du cœur"
        add(jarde, riph_record(i, etat, "JARDE", number, title), status, "JARDE", number)
    # Not published: must never appear.
    jarde.append(
        riph_record(99, "EN_COURS", "JARDE", "2022-A99999-99", "Non publiée")
        | {"publication_eclaire": "non autorisé"}
    )
    for name, records in (("ctis", ctis), ("dm-dmdiv", dm), ("jarde", jarde)):
        path = directory / f"export_eclaire_{name}.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return expected


def jarde_records(numbers: range, *, title: str = "Étude du sommeil") -> list[dict[str, Any]]:
    return [riph_record(i, "EN_COURS", "JARDE", f"2020-A{i:05d}-01", title) for i in numbers]


class Loaded:
    def __init__(
        self,
        settings: Settings,
        expected: list[Expected],
        result: IngestResult,
        exports: list[Path],
    ) -> None:
        self.settings = settings
        self.expected = expected
        self.result = result
        self.exports = exports


def alias_settings(opensearch_url: str, prefix: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings on the test node with an alias of its own (tests never share an alias)."""
    alias = f"test-{prefix}-{uuid.uuid4().hex[:8]}"
    values: dict[str, Any] = {"opensearch_timeout": 10, **overrides}
    return Settings(opensearch_url=opensearch_url, index_alias=alias, data_dir=data_dir, **values)


def drop_alias(settings: Settings) -> None:
    client = sync_client(settings)
    client.indices.delete(index=f"{settings.index_alias}-*")
    client.close()


@contextmanager
def loaded_exports(
    directory: Path, expected: list[Expected], settings: Settings
) -> Iterator[Loaded]:
    """Load the export files of ``directory`` under ``settings``' alias; drop it afterwards."""
    exports = sorted(directory.glob("export_eclaire_*.json"))
    result = run_ingest(exports, settings, "full")
    try:
        yield Loaded(settings, expected, result, exports)
    finally:
        drop_alias(settings)
