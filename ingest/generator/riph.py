"""One DM/DM-DIV or JARDE record (SRC-2.1 + SRC-2.3): a study declared in SI-RIPH2G.

French text throughout, a submitter block (``deposant_*``) plus optional sponsor and
representative blocks, the precision as the IG displays spell it (``IC-Cas 4.2``,
``EP-Cas 1``, ``Catégorie 2``, the derogation written with a typographic apostrophe), and for
JARDE the ``competences`` list that carries ``Essai de phase précoce`` (MAP-7).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from ingest.generator import common
from ingest.generator.ids import riph_file_number
from ingest.generator.people import (
    ACADEMIC_SPONSORS,
    COMPETENCES,
    EARLY_PHASE,
    INDUSTRY_SPONSORS,
    PROMOTER_KINDS_DM,
    PROMOTER_KINDS_JARDE,
    Sponsor,
)
from ingest.generator.places import pick_city, street_address
from ingest.generator.prose import (
    SENTINEL,
    criteria,
    entities,
    french_objective,
    french_summary,
    french_title,
)
from ingest.generator.schema import Category, blank
from ingest.generator.topics import TOPICS

DM_QUALIFICATIONS: Final = (
    ("IC-Cas 1", 10),
    ("IC-Cas 2", 8),
    ("IC-Cas 3", 10),
    ("IC-Cas 4.1", 30),
    ("IC-Cas 4.2", 25),
    ("IC-Cas 4.3", 10),
    ("IC-Cas 4.4", 7),
)
DMDIV_QUALIFICATIONS: Final = (("EP-Cas 1", 40), ("EP-Cas 2", 35), ("EP-Cas 3", 25))
JARDE_QUALIFICATIONS: Final = (
    ("Catégorie 1", 22),
    ("Catégorie 2", 34),
    ("Catégorie 3", 38),
    ("Catégorie 3 questionnaire", 5),
    ("Dérogation à l\u2019obligation d\u2019information", 1),
)
AGES_FR: Final = ("0-17 ans", "18-64 ans", "65+ ans")
_CHARACTERISTICS: Final = (
    "Recherche multicentrique nationale",
    "Recherche monocentrique",
    "Recherche internationale",
    "Recherche randomisée en ouvert",
    "Recherche en double aveugle contre placebo",
)
_PARTY: Final = (
    "nom",
    "prenom",
    "email",
    "organisme",
    "adresse",
    "siret",
    "code_postal",
    "ville",
    "pays",
)


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _ages(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.05:
        return "in utero, 0-17 ans"
    if roll < 0.15:
        return AGES_FR[0]
    if roll < 0.22:
        return ", ".join(AGES_FR)
    return ", ".join(AGES_FR[1:]) if roll < 0.75 else AGES_FR[1]


def _siret(rng: random.Random) -> str | None:
    return "".join(str(rng.randint(0, 9)) for _ in range(14)) if rng.random() < 0.6 else None


def _timestamp(rng: random.Random, day: date) -> str:
    """``date_creation_etude`` in the exports' format (``2024-10-30T15:34:45.254294``)."""
    moment = datetime.combine(
        day,
        time(rng.randint(7, 19), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999_999)),
    )
    return moment.isoformat(timespec="microseconds")


def build(
    rng: random.Random, category: Category, etat: str, number: str, year: int
) -> dict[str, Any]:
    """A published RIPH study of ``category`` (DM, DMDIV or JARDE) in state ``etat``."""
    jarde = category == "JARDE"
    record = blank("jarde" if jarde else "dm")
    record["reglementation_code"] = {"DM": "REG745", "DMDIV": "REG746"}.get(category, "JARDE")
    record["etat"] = common.etat_spelling(rng, etat)
    record["publication_eclaire"] = "autorisé"
    record["numero_national"] = number
    record["numero"] = riph_file_number(year, number)
    topic = rng.choice(TOPICS)
    disease = rng.choice(topic.diseases)
    condition = rng.choice(disease.fr)
    record["_disease"] = (disease.key, condition)
    record["titre_recherche"] = entities(rng, french_title(rng, topic, condition, category))
    if jarde:
        record["qualification_recherche"] = _weighted(rng, JARDE_QUALIFICATIONS)
        record["type_promoteur"] = rng.choice(PROMOTER_KINDS_JARDE) if rng.random() < 0.9 else None
        tags = rng.sample(COMPETENCES, rng.randint(1, 2)) if rng.random() < 0.45 else []
        if rng.random() < 0.1:
            tags.insert(0, EARLY_PHASE)
        record["competences"] = ", ".join(tags) or None
    else:
        table = DM_QUALIFICATIONS if category == "DM" else DMDIV_QUALIFICATIONS
        record["qualification"] = _weighted(rng, table)
        record["deposant_promoteur"] = rng.choice(PROMOTER_KINDS_DM) if rng.random() < 0.9 else None
    industry = rng.random() < (0.25 if jarde else 0.6)
    _parties(rng, record, rng.choice(INDUSTRY_SPONSORS if industry else ACADEMIC_SPONSORS))
    if rng.random() < 0.4:
        last, first, _ = common.person(rng)
        record["investigateur"] = f"{rng.choice(('Pr', 'Dr'))} {last} {first}"
    if rng.random() < 0.3:
        record["caracteristiques_recherche"] = rng.choice(_CHARACTERISTICS)
    record["recherche_ancillaire_ou_extension"] = rng.choices(
        (False, True, None), weights=(92, 5, 3)
    )[0]

    submitted = common.day_in(
        rng, date(year, 1, 1), min(date(year, 12, 31), common.TODAY - timedelta(days=30))
    )
    record["date_soumission"] = submitted.isoformat()
    record["date_creation_etude"] = _timestamp(rng, submitted - timedelta(days=rng.randint(0, 20)))
    steps = common.timeline(rng, etat, submitted, ctis=False)
    record["historique"] = common.history(steps) if rng.random() < 0.85 else None
    record["dates_avis_favorable_ms_mns"] = common.approvals(
        rng, record["numero"], steps[-1][0], ctis=False
    )
    common.recruitment(rng, record, steps)
    record["date_previsionnelle_fin_etude"] = common.later(
        rng, steps[-1][0], 365, 2500, cap=date(2033, 12, 31)
    ).isoformat()

    record["domaine_therapeutique"] = topic.riph_area if rng.random() < 0.9 else None
    record["taille_etude"] = common.size(rng, 10, 20_000 if jarde else 1500)
    months = rng.choice((1, 3, 6, 12, 18, 24, 36)) if rng.random() < 0.7 else None
    record["duree_participation"] = str(months) if months else None
    record["objectifs"] = french_objective(rng, condition) if rng.random() < 0.9 else None
    roll = rng.random()
    record["resume"] = (
        entities(rng, french_summary(rng, topic, condition, months))
        if roll < 0.85
        else SENTINEL
        if roll < 0.9
        else None
    )
    common.identifiers(rng, record, year)
    common.public_contact(rng, record, ctis=False, city=pick_city(rng))
    record["participants_sexe"] = rng.choices(
        ("Homme,Femme", "Femme", "Homme", None), weights=(85, 8, 5, 2)
    )[0]
    record["participants_tranches_age"] = _ages(rng)
    record["participants_groupe_sujets"] = rng.choices(
        ("Patient", "Volontaire sain", SENTINEL, None), weights=(80, 12, 4, 4)
    )[0]
    record["participants_population_vulnerable"] = rng.choices(
        (False, True, None), weights=(60, 30, 10)
    )[0]
    record["criteres_eligibilite"] = criteria(rng, False, condition, "eligibility", topic)
    record["criteres_jugement"] = criteria(rng, False, condition, "judgement", topic)
    record["sites_investigateurs"] = common.sites(rng, "jarde" if jarde else "dm")
    return record


def _block(
    prefix: str, who: tuple[str, str, str], where: Sponsor, siret: str | None
) -> dict[str, Any]:
    """A ``promoteur_*``/``mandataire_*`` block: a person, an organisation and its address."""
    name, address, postal, city, country = where
    values = (*who, name, address, siret, postal, city, country)
    return {f"{prefix}_{k}": v for k, v in zip(_PARTY, values, strict=True)}


def _parties(rng: random.Random, record: dict[str, Any], sponsor: Sponsor) -> None:
    """Submitter (``deposant_*``) and, when known, sponsor and representative blocks.

    A sponsor established abroad submits through a legal representative in France, so the
    submitter is always French and ``is_mandataire`` says whether it represents someone.
    """
    foreign = sponsor[4] != "France"
    sponsor_person = common.person(rng)
    if foreign:
        city = pick_city(rng)
        submitter: Sponsor = (
            f"Représentant Recherche Clinique {city.name}",
            street_address(rng),
            city.postal_codes[0],
            city.name,
            "France",
        )
        who = common.person(rng)
    else:
        submitter, who = sponsor, sponsor_person
    name, address, postal, city_name, country = submitter
    record["deposant_organisme"] = entities(rng, name, rate=0.3 if "&" in name else 0.03)
    record["deposant_nom"], record["deposant_prenom"], record["deposant_courriel"] = who
    record["deposant_adresse"], record["deposant_code_postal"] = address, postal
    record["deposant_ville"], record["deposant_pays"] = city_name, country
    record["deposant_siret"] = _siret(rng)
    record["is_mandataire"] = foreign
    if foreign or rng.random() < 0.5:
        siret = None if foreign else record["deposant_siret"]
        record.update(_block("promoteur", sponsor_person, sponsor, siret))
    if foreign:
        record.update(_block("mandataire", who, submitter, record["deposant_siret"]))
