"""Fields shared by the three exports (SRC-2.1): dates and history, recruitment, identifiers,
public contact, sites.

Dates tell one consistent story per study: submission or authorisation in the year of its
number, then one history item per state it went through up to its ``etat``, approvals of
modifications after that, recruitment dates matching the recruitment state. Nothing is later
than :data:`TODAY` except planned ends.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any, Final

from ingest.generator.people import CTIS_TITLES, FIRST_NAMES, LAST_NAMES, RIPH_TITLES
from ingest.generator.places import SERVICES, City, phone, pick_city, street_address
from ingest.generator.prose import entities
from ingest.generator.schema import FileKey, blank_site

TODAY: Final = date(2026, 6, 30)
"""The export's snapshot date (mid-2026, the state the spec describes)."""
CTIS_HISTORY_START: Final = date(2023, 3, 15)
"""SI-RIPH2G tracks CTIS history from this day on (MAP-20)."""

HISTORY_LABEL: Final[dict[str, str]] = {
    "A_DEMARRER": "À démarrer",
    "PROROGEE": "Prorogée",
    "EN_COURS": "En cours",
    "SUSPENDUE": "Suspendue",
    "TERMINEE": "Terminée",
    "TERMINEE_ANTICIPEE": "Terminée anticipée",
    "ARCHIVEE": "Archivée",
    "ABANDONNEE": "Abandonnée",
    "EXPIREE": "Expirée",
}
_PATH: Final[dict[str, tuple[str, ...]]] = {
    "A_DEMARRER": ("A_DEMARRER",),
    "PROROGEE": ("A_DEMARRER", "PROROGEE"),
    "EN_COURS": ("A_DEMARRER", "EN_COURS"),
    "SUSPENDUE": ("A_DEMARRER", "EN_COURS", "SUSPENDUE"),
    "TERMINEE": ("A_DEMARRER", "EN_COURS", "TERMINEE"),
    "TERMINEE_ANTICIPEE": ("A_DEMARRER", "EN_COURS", "TERMINEE_ANTICIPEE"),
    "ARCHIVEE": ("A_DEMARRER", "EN_COURS", "TERMINEE", "ARCHIVEE"),
    "ABANDONNEE": ("A_DEMARRER", "ABANDONNEE"),
    "EXPIREE": ("A_DEMARRER", "EXPIREE"),
}
"""States a study passes through to reach each ``etat``."""
STARTED: Final = frozenset({"EN_COURS", "SUSPENDUE", "TERMINEE", "TERMINEE_ANTICIPEE", "ARCHIVEE"})
_VARIANTS: Final[dict[str, tuple[str, ...]]] = {
    "A_DEMARRER": ("À DÉMARRER", "A DEMARRER", "À démarrer"),
    "PROROGEE": ("PROROGÉE", "Prorogée"),
    "EN_COURS": ("EN COURS", "En cours", "en_cours"),
    "TERMINEE": ("TERMINÉE", "Terminée"),
    "TERMINEE_ANTICIPEE": ("TERMINÉE ANTICIPÉE", "TERMINEE ANTICIPEE"),
    "ARCHIVEE": ("ARCHIVÉE",),
    "SUSPENDUE": ("Suspendue",),
    "ABANDONNEE": ("ABANDONNÉE",),
    "EXPIREE": ("EXPIRÉE",),
}


def etat_spelling(rng: random.Random, etat: str) -> str:
    """The canonical token mostly; an accented/spaced spelling in about 6 % of records (RES-1)."""
    variants = _VARIANTS.get(etat)
    return rng.choice(variants) if variants and rng.random() < 0.06 else etat


def day_in(rng: random.Random, start: date, end: date) -> date:
    """A uniformly drawn day in ``[start, end]`` (``start`` if the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


def later(rng: random.Random, day: date, low: int, high: int, cap: date = TODAY) -> date:
    """``day`` plus ``low..high`` days, never past ``cap`` nor before ``day``."""
    return max(day, min(cap, day + timedelta(days=rng.randint(low, high))))


def timeline(rng: random.Random, etat: str, start: date, ctis: bool) -> list[tuple[date, str]]:
    """One ``(date, etat)`` per state passed through, in order."""
    day = later(rng, start, 20, 150)
    if ctis and day < CTIS_HISTORY_START:
        day = later(rng, CTIS_HISTORY_START, 0, 200)
    steps: list[tuple[date, str]] = []
    for step in _PATH[etat]:
        steps.append((day, step))
        day = later(rng, day, 30, 420)
    return steps


def history(steps: list[tuple[date, str]]) -> str:
    """``historique``: ``date:French label`` items joined by ``", "`` (SRC-2.1)."""
    return ", ".join(f"{day.isoformat()}:{HISTORY_LABEL[step]}" for day, step in steps)


def approvals(rng: random.Random, prefix: str, after: date, ctis: bool) -> str | None:
    """``dates_avis_favorable_ms_mns``: ``number:date`` items (CTIS numbers end ``-SM-n``)."""
    if rng.random() >= 0.35 or after >= TODAY:
        return None
    day, items = after, []
    for n in range(1, rng.randint(1, 4) + 1):
        day = later(rng, day, 40, 300)
        number = f"{prefix}-SM-{n}" if ctis else f"{prefix}-MS{n:02d}"
        items.append(f"{number}:{day.isoformat()}")
    return ", ".join(items)


def recruitment(rng: random.Random, record: dict[str, Any], steps: list[tuple[date, str]]) -> None:
    """``statut_recrutement`` and the recruitment dates, consistent with the state reached."""
    etat = steps[-1][1]
    started = next((day for day, step in steps if step == "EN_COURS"), None)
    roll = rng.random()
    if etat in ("A_DEMARRER", "PROROGEE"):
        status = "Recrutement en attente" if roll < 0.8 else None
    elif etat == "EN_COURS":
        status = (
            "Recrutement ouvert"
            if roll < 0.75
            else "Recrutement fermé"
            if roll < 0.85
            else "Recrutement en attente"
            if roll < 0.9
            else None
        )
    elif etat == "SUSPENDUE":
        status = (
            "Recrutement fermé" if roll < 0.5 else "Recrutement en attente" if roll < 0.8 else None
        )
    else:
        status = "Recrutement fermé" if roll < 0.8 else None
    record["statut_recrutement"] = status
    if started is not None and rng.random() < 0.85:
        begin = later(rng, started, 0, 60)
        record["date_debut_recrutement"] = begin.isoformat()
        if status == "Recrutement fermé" or etat not in ("EN_COURS", "SUSPENDUE"):
            end = later(rng, begin, 60, 900, cap=max(begin, steps[-1][0]))
            record["date_fin_recrutement"] = end.isoformat()
        elif rng.random() < 0.4:
            record["date_fin_recrutement"] = later(
                rng, begin, 180, 1500, cap=date(2029, 12, 31)
            ).isoformat()
    elif started is None and etat in ("A_DEMARRER", "PROROGEE") and rng.random() < 0.3:
        record["date_debut_recrutement"] = later(
            rng, steps[-1][0], 30, 300, cap=date(2027, 6, 30)
        ).isoformat()


def identifiers(rng: random.Random, record: dict[str, Any], year: int) -> None:
    """Secondary registry numbers (NCT, ISRCTN, UTN, free) for part of the studies."""
    if rng.random() < 0.35:
        record["numero_nct"] = f"NCT0{rng.randint(3_000_000, 7_499_999)}"
    if rng.random() < 0.04:
        record["numero_isrctn"] = f"ISRCTN{rng.randint(10_000_000, 99_999_999)}"
    if rng.random() < 0.04:
        record["numero_utn"] = f"U1111-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    if rng.random() < 0.25:
        yy = year % 100
        record["numero_libre"] = rng.choice(
            (
                f"APHP{yy:02d}{rng.randint(1, 9999):04d}",
                f"RC31/{yy:02d}/{rng.randint(1, 999):04d}",
                f"PROTO-{year}-{rng.randint(1, 999):03d}",
                f"HCL-{year}-{rng.randint(100, 999)}",
                f"{rng.choice(('ETUDE', 'COHORTE', 'PILOTE'))}-{rng.randint(1, 99):02d}",
            )
        )


def ascii_slug(text: str) -> str:
    """Lower-case ASCII for e-mail local parts (``Hélène Le Gall`` → ``helene.le-gall``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return plain.replace(" ", "-").replace("'", "")


def person(rng: random.Random) -> tuple[str, str, str]:
    """(last name, first name, e-mail) of a synthetic person."""
    last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
    domain = rng.choice(("example.org", "example.fr", "chu.example.fr", "recherche.example.org"))
    return last, first, f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"


def public_contact(rng: random.Random, record: dict[str, Any], ctis: bool, city: City) -> None:
    """``contact_public_*``: often a generic mailbox only for CTIS, a person for RIPH."""
    if rng.random() < 0.3:
        return
    last, first, email = person(rng)
    if ctis:
        record["contact_public_courriel"] = rng.choice((email, "clinical.trials@example.org"))
        record["contact_public_telephone"] = phone(rng, city) if rng.random() < 0.6 else None
        if rng.random() < 0.3:
            record["contact_public_nom"], record["contact_public_prenom"] = last, first
    else:
        record["contact_public_nom"], record["contact_public_prenom"] = last, first
        record["contact_public_courriel"] = email
        record["contact_public_telephone"] = phone(rng, city) if rng.random() < 0.8 else None


def site(rng: random.Random, file: FileKey, city: City | None = None) -> dict[str, Any]:
    """One investigator site; a share of fields null as in the exports."""
    city = city or pick_city(rng)
    last, first, email = person(rng)
    entry = blank_site(file)
    entry["organisme"] = entities(rng, rng.choice(city.establishments), rate=0.06)
    entry["adresse"] = street_address(rng) if rng.random() < 0.9 else None
    entry["service"] = rng.choice(SERVICES) if rng.random() < 0.7 else None
    entry["ville"] = city.name
    entry["code_postal"] = rng.choice(city.postal_codes)
    entry["titre" if file == "ctis" else "titre_investigateur"] = (
        rng.choice(CTIS_TITLES if file == "ctis" else RIPH_TITLES) if rng.random() < 0.85 else None
    )
    entry["nom"] = last.upper() if file == "ctis" and rng.random() < 0.4 else last
    entry["prenom"] = first
    entry["courriel"] = email if rng.random() < 0.75 else None
    entry["telephone"] = phone(rng, city) if rng.random() < 0.6 else None
    return entry


def sites(rng: random.Random, file: FileKey) -> list[dict[str, Any]]:
    """``sites_investigateurs``: none, the all-null placeholder, or 1-40 sites (mostly few)."""
    roll = rng.random()
    if roll < 0.07:
        return []
    if roll < 0.14:
        return [blank_site(file)]
    count = min(40, int(rng.paretovariate(1.3)) + rng.randint(0, 2))
    out = [site(rng, file) for _ in range(max(1, count))]
    if rng.random() < 0.05:
        out.insert(rng.randrange(len(out) + 1), blank_site(file))
    return out


def size(rng: random.Random, low: int, high: int) -> int | None:
    """``taille_etude``: log-uniform in ``[low, high]``, null for 5 %."""
    if rng.random() < 0.05:
        return None
    value: float = low * (high / low) ** rng.random()
    return round(value)
