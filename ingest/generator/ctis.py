"""One ``export_eclaire_ctis.json`` record (SRC-2.1 + SRC-2.2): an EU medicinal-product trial.

English text (titles partly upper case), MeSH-tree therapeutic areas, CTIS phase labels with
their spacing quirks, the synthetic MedDRA LLT codes of the trial's disease (French labels in
the repo's table) with an occasional unknown one, EEA country lists always including FR.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Final

from ingest.generator import common
from ingest.generator.people import ACADEMIC_SPONSORS, INDUSTRY_SPONSORS, SCOPES, TEAM_CONTACTS
from ingest.generator.places import pick_city
from ingest.generator.prose import (
    SENTINEL,
    criteria,
    drug,
    english_objective,
    english_summary,
    english_title,
    entities,
)
from ingest.generator.schema import blank
from ingest.generator.topics import TOPICS, Disease

MEDDRA_UNKNOWN: Final = "10099999"
"""A well-formed LLT code absent from the synthetic table (unknown codes must vanish quietly)."""

# (IG display of the source-phase code, roman numerals for the title, weight)
PHASES: Final[tuple[tuple[str, str, int], ...]] = (
    ("Human Pharmacology (Phase I) - First administration to humans", "I", 4),
    ("Human Pharmacology (Phase I) - Bioequivalence Study", "I", 1),
    ("Human Pharmacology (Phase I) -  Other", "I", 6),
    ("Phase I and Phase II (Integrated) - First administration to humans", "I/II", 3),
    ("Phase I and Phase II (Integrated) - Bioequivalence Study", "I/II", 1),
    ("Phase I and Phase II (Integrated) - Other", "I/II", 4),
    ("Therapeutic exploratory (Phase II)", "II", 25),
    ("Phase II and Phase III (Integrated)", "II/III", 5),
    ("Therapeutic confirmatory  (Phase III)", "III", 38),
    ("Therapeutic use (Phase IV)", "IV", 8),
    ("Phase III and phase IV (Integrated)", "III/IV", 2),
)
_PHASE_WEIGHTS: Final = [w for _, _, w in PHASES]
COUNTRIES: Final = (
    "BE",
    "DE",
    "ES",
    "IT",
    "NL",
    "PL",
    "PT",
    "AT",
    "CZ",
    "DK",
    "FI",
    "GR",
    "HU",
    "IE",
    "RO",
    "SE",
    "SK",
    "SI",
    "BG",
    "HR",
    "LT",
    "LV",
    "EE",
    "LU",
    "NO",
)
AGES_EN: Final = ("0-17 years", "18-64 years", "65+ years")
POPULATIONS: Final = (
    "Women of child bearing potential using contraception",
    "Women of child bearing potential not using contraception",
    "Pregnant women",
    "Nursing women",
    "Minors",
    "Subjects incapable of giving consent personally",
    "Subjects in emergency situation",
    "Incapacitated population",
    "Other",
)


def phase_label(rng: random.Random) -> tuple[str, str]:
    """A ``phase_recherche`` label (spacing varies as in the exports) and its roman numerals."""
    label, roman, _ = rng.choices(PHASES, weights=_PHASE_WEIGHTS)[0]
    roll = rng.random()
    if roll < 0.15:
        label = " ".join(label.split())  # single spaces throughout
    elif roll < 0.2:
        label = label.replace(" (", "  (")
    return label, roman


def meddra_codes(rng: random.Random, disease: Disease) -> str:
    """``informations_meddra``: one or more of the disease's codes joined by ``", "``, rarely
    an unknown one."""
    codes = rng.sample(disease.codes, rng.randint(1, len(disease.codes)))
    if rng.random() < 0.03:
        codes.insert(rng.randrange(len(codes) + 1), MEDDRA_UNKNOWN)
    return ", ".join(dict.fromkeys(codes))


def age_bands(rng: random.Random, labels: tuple[str, ...]) -> str | None:
    """Contiguous age bands joined by ``", "`` (adults most often)."""
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.1:
        return labels[0]
    if roll < 0.16:
        return ", ".join(labels[:3])
    return ", ".join(labels[1:3]) if roll < 0.75 else labels[1]


def build(rng: random.Random, etat: str, number: str, year: int, row: int) -> dict[str, Any]:
    """A published CTIS trial in state ``etat`` (canonical) with primary number ``number``."""
    record = blank("ctis")
    record["reglementation_code"] = "REG536"
    record["etat"] = common.etat_spelling(rng, etat)
    record["publication_eclaire"] = "autorisé"
    record["numero_ctis"] = number
    topic = rng.choice(TOPICS)
    disease = rng.choice(topic.diseases)
    condition = rng.choice(disease.en)
    record["_disease"] = (disease.key, condition)
    drug_a = drug(rng)
    label, roman = phase_label(rng)
    record["titre"] = entities(rng, english_title(rng, condition, roman, drug_a))
    record["intervention_faible"] = rng.choices(("No", "Yes", None), weights=(88, 10, 2))[0]
    record["phase_recherche"] = label if rng.random() < 0.96 else None
    if rng.random() < 0.95:
        record["pathologies_maladies_rares"] = condition[:1].upper() + condition[1:]
        roll = rng.random()
        record["informations_meddra"] = (
            meddra_codes(rng, disease) if roll < 0.85 else "" if roll < 0.93 else None
        )
    record["domaine_therapeutique"] = topic.ctis_area if rng.random() < 0.95 else None
    record["taille_etude"] = common.size(rng, 12, 3000)
    record["tranches_age"] = age_bands(rng, AGES_EN)
    record["sexe"] = rng.choices(("Male,Female", "Female", "Male", None), weights=(88, 7, 3, 2))[0]
    record["groupes_sujet"] = rng.choices(
        (SENTINEL, "Patients", "Healthy volunteers", "Patients, Healthy volunteers", None),
        weights=(60, 25, 5, 5, 5),
    )[0]
    if rng.random() < 0.6:
        record["population_recrutement"] = ", ".join(rng.sample(POPULATIONS, rng.randint(1, 2)))
    others = rng.sample(COUNTRIES, rng.randint(0, 8)) if rng.random() < 0.9 else []
    countries = ["FR", *others]
    rng.shuffle(countries)
    record["pays_concernes"] = ", ".join(countries)
    _sponsor(rng, record)
    record["portee_recherche"] = ", ".join(rng.sample(SCOPES, rng.randint(1, 2)))
    if rng.random() < 0.03:
        record["description_urgence"] = "Subjects in emergency situations may be enrolled."
    record["etude_id"] = row

    start = common.day_in(
        rng, date(year, 1, 1), min(date(year, 12, 31), common.TODAY - timedelta(days=30))
    )
    steps = common.timeline(rng, etat, start, ctis=True)
    record["historique"] = common.history(steps) if rng.random() < 0.9 else None
    prefix = f"{year % 100:02d}.{rng.randint(1, 99) * 10:05d}.{rng.randint(1, 999_999):06d}"
    record["dates_avis_favorable_ms_mns"] = common.approvals(rng, prefix, steps[-1][0], ctis=True)
    common.recruitment(rng, record, steps)
    record["date_fin_etude"] = common.later(
        rng, steps[-1][0], 365, 2500, cap=date(2033, 12, 31)
    ).isoformat()
    record["objectifs"] = english_objective(rng, condition, drug_a) if rng.random() < 0.85 else None
    roll = rng.random()
    record["resume"] = (
        english_summary(rng, condition, drug_a) if roll < 0.6 else SENTINEL if roll < 0.65 else None
    )
    record["duree_participation"] = (
        str(rng.choice((3, 6, 12, 18, 24, 36, 48, 60))) if rng.random() < 0.6 else None
    )
    common.identifiers(rng, record, year)
    city = pick_city(rng)
    common.public_contact(rng, record, ctis=True, city=city)
    record["criteres_eligibilite"] = criteria(rng, True, condition, "eligibility", topic)
    record["criteres_jugement"] = criteria(rng, True, condition, "judgement", topic)
    record["sites_investigateurs"] = common.sites(rng, "ctis")
    return record


def _sponsor(rng: random.Random, record: dict[str, Any]) -> None:
    """``organisme_*`` and ``contact_*``: mostly industry, country as a name, team contacts."""
    pool = INDUSTRY_SPONSORS if rng.random() < 0.75 else ACADEMIC_SPONSORS
    name, address, postal, city, country = rng.choice(pool)
    record["organisme_nom"] = entities(rng, name, rate=0.3) if "&" in name else name
    record["organisme_adresse"], record["organisme_code_postal"] = address, postal
    record["organisme_ville"], record["organisme_pays"] = city, country
    last, first, email = common.person(rng)
    if rng.random() < 0.7:
        record["contact_nom"] = rng.choice(TEAM_CONTACTS)
        record["contact_courriel"] = "trials@example.org"
    else:
        record["contact_nom"], record["contact_prenom"], record["contact_courriel"] = (
            last,
            first,
            email,
        )
    record["contact_telephone"] = f"+{rng.randint(30, 49)}{rng.randint(100_000_000, 999_999_999)}"
