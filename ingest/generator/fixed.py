"""The two studies every data set contains, whatever the seed and scale.

API tests look them up by number, so their identity, state, title, criteria and sites are
pinned here; the remaining fields come from a generator seeded with a constant (not the run's
seed) so the records are byte-identical across data sets. Both are published and ``EN_COURS``
and count in the statistics like any other study.
"""

from __future__ import annotations

import random
from typing import Any, Final

from ingest.generator import common, ctis, riph
from ingest.generator.places import city_named
from ingest.generator.schema import FileKey
from ingest.generator.topics import DISEASES

JARDE_NUMBER: Final = "2021-A01861-40"
CTIS_NUMBER: Final = "2022-500014-26-00"


def _site(rng: random.Random, file: FileKey, where: tuple[str, str, str, str]) -> dict[str, Any]:
    """A generated site moved to ``(city, establishment, postal code, service)``."""
    city, organisme, postal, service = where
    entry = common.site(rng, file, city_named(city))
    entry.update(organisme=organisme, code_postal=postal, service=service, ville=city)
    return entry


def _criteria(*items: tuple[str, str]) -> list[dict[str, str | None]]:
    return [{"titre": title, "type": kind} for title, kind in items]


def jarde_study() -> dict[str, Any]:
    """JARDE ``2021-A01861-40``: active, recruiting, sites in Paris and Lyon."""
    rng = random.Random("fixed/jarde/2021-A01861-40")
    record = riph.build(rng, "JARDE", "EN_COURS", JARDE_NUMBER, 2021)
    record.update(
        etat="EN_COURS",
        titre_recherche="Évaluation de l'efficacité d'un programme d'activité physique adaptée "
        "chez les patients atteints d'insuffisance cardiaque",
        qualification_recherche="Catégorie 2",
        competences="Cardiologie",
        type_promoteur="Promoteur institutionnel",
        domaine_therapeutique="Cardiologie",
        _disease=("heart-failure", "l'insuffisance cardiaque"),
        objectifs="Évaluer l'effet d'un programme d'activité physique adaptée sur la capacité "
        "d'effort",
        resume="L'insuffisance cardiaque reste une cause majeure d'hospitalisation.<br>Cette "
        "étude évalue un programme d'activité physique adaptée, encadré à l'hôpital puis à "
        "domicile.",
        statut_recrutement="Recrutement ouvert",
        date_soumission="2021-06-02",
        historique="2021-09-14:À démarrer, 2022-01-10:En cours",
        dates_avis_favorable_ms_mns=None,
        date_debut_recrutement="2022-01-17",
        date_fin_recrutement=None,
        taille_etude=240,
        deposant_organisme="Assistance Publique - Hôpitaux de Paris",
        deposant_adresse="1 avenue Victoria",
        deposant_code_postal="75004",
        deposant_ville="Paris",
        deposant_pays="France",
        participants_sexe="Homme,Femme",
        participants_tranches_age="18-64 ans, 65+ ans",
        participants_groupe_sujets="Patient",
        participants_population_vulnerable=False,
        criteres_eligibilite=_criteria(
            ("Insuffisance cardiaque à fraction d'éjection réduite", "INCLUSION"),
            ("Patient âgé de 18 ans ou plus", "INCLUSION"),
            ("Contre-indication à l'effort", "EXCLUSION"),
        ),
        criteres_jugement=_criteria(
            ("Pic de VO2 à 6 mois", "PRINCIPAL"),
            ("Qualité de vie (questionnaire EQ-5D-5L)", "SECONDAIRE"),
        ),
        sites_investigateurs=[
            _site(
                rng,
                "jarde",
                ("Paris", "Hôpital Pitié-Salpêtrière", "75013", "Service de cardiologie"),
            ),
            _site(
                rng, "jarde", ("Lyon", "Hôpital Édouard Herriot", "69003", "Service de cardiologie")
            ),
            _site(
                rng,
                "jarde",
                (
                    "Paris",
                    "Hôpital Européen Georges-Pompidou",
                    "75015",
                    "Service de réadaptation cardiaque",
                ),
            ),
        ],
    )
    return record


def ctis_study() -> dict[str, Any]:
    """CTIS ``2022-500014-26-00``: active phase III trial in HER2-positive breast cancer."""
    rng = random.Random("fixed/ctis/2022-500014-26-00")
    record = ctis.build(rng, "EN_COURS", CTIS_NUMBER, 2022, row=1)
    record.update(
        etat="EN_COURS",
        titre="A Phase III, Randomised, Open-label Study of Examplumab Deruxtecan versus "
        "Treatment of Physician's Choice in Patients with HER2-positive Metastatic Breast Cancer",
        intervention_faible="No",
        phase_recherche="Therapeutic confirmatory  (Phase III)",
        pathologies_maladies_rares="HER2-positive metastatic breast cancer",
        informations_meddra=", ".join(DISEASES["breast-cancer"][1].codes),
        _disease=("breast-cancer", "HER2-positive metastatic breast cancer"),
        domaine_therapeutique="Diseases [C] - Neoplasms [C04]",
        objectifs="To compare progression-free survival between examplumab deruxtecan and "
        "treatment of physician's choice",
        statut_recrutement="Recrutement ouvert",
        historique="2023-04-20:À démarrer, 2023-07-03:En cours",
        dates_avis_favorable_ms_mns="22.00090.000014-SM-1:2024-02-12",
        date_debut_recrutement="2023-07-10",
        date_fin_recrutement=None,
        taille_etude=520,
        tranches_age="18-64 years, 65+ years",
        sexe="Male,Female",
        pays_concernes="BE, FR, DE, ES, IT",
        criteres_eligibilite=_criteria(
            ("Adults with HER2-positive metastatic breast cancer", "INCLUSION"),
            ("ECOG performance status 0-1", "INCLUSION"),
            ("Prior treatment with examplumab deruxtecan", "EXCLUSION"),
        ),
        criteres_jugement=_criteria(
            ("Progression-free survival (PFS)", "PRINCIPAL"),
            ("Overall survival", "SECONDAIRE"),
        ),
        sites_investigateurs=[
            _site(
                rng,
                "ctis",
                ("Paris", "Institut Curie", "75005", "Département d'oncologie médicale"),
            ),
            _site(
                rng, "ctis", ("Lyon", "Centre Léon Bérard", "69008", "Service d'oncologie médicale")
            ),
            _site(
                rng,
                "ctis",
                ("Villejuif", "Gustave Roussy", "94800", "Département de médecine oncologique"),
            ),
            _site(
                rng,
                "ctis",
                ("Marseille", "Institut Paoli-Calmettes", "13009", "Service d'oncologie médicale"),
            ),
        ],
    )
    return record
