"""Source values → codings. ECLAIRE systems, codes and displays come from the IG constants.

Where a ruling goes beyond the IG package (RES-2's ``upcoming``, RES-1's status table) the extra
value is written here once, with the ruling it comes from. Codings from other systems
(administrative gender, ISO 3166, MedDRA, objective type) are shaped as the technical
document shows them, versions included.
"""

from __future__ import annotations

import re
from typing import Any, Final

import pycountry

from eclaire_core import ig_constants as ig
from ingest.sources.text import fold, split_items, warn

GENDER_SYSTEM: Final = "http://hl7.org/fhir/administrative-gender"
COUNTRY_SYSTEM: Final = "urn:iso:std:iso:3166"
MEDDRA_SYSTEM: Final = "https://www.meddra.org"
OBJECTIVE_SYSTEM: Final = "https://terminology.hl7.org/CodeSystem/research-study-objective-type"

_CS_REGULATION: Final = "eclaire-regulation-code-code-system"
_CS_PRECISION: Final = "eclaire-reglementation-precision-code-system"
_CS_RECRUITMENT: Final = "eclaire-status-recruitment-code-system"
_CS_POPULATION: Final = "eclaire-study-population-code-system"
_CS_STATUS: Final = "eclaire-study-status-code-system"


def eclaire_coding(cs_id: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A coding of an IG CodeSystem, versioned with the IG package (RES-5)."""
    return {
        "system": ig.CODE_SYSTEMS[cs_id],
        "code": code,
        "display": display if display is not None else ig.CONCEPTS[cs_id][code],
        "version": ig.IG_VERSION,
    }


# --- status (RES-1) ------------------------------------------------------------------------------
# Keyed by the IG status CodeSystem's codes; RES-1 overrides the IG ConceptMap for expiree.
_STATUS_BY_IG_CODE: Final = {
    "a-demarrer": "approved",
    "prorogee": "approved",
    "en-cours": "active",
    "suspendue": "temporarily-closed-to-accrual",
    "terminee": "completed",
    "archivee": "completed",
    "terminee-fin-anticipee": "administratively-completed",
    "abandonnee": "withdrawn",
    "expiree": "withdrawn",
}
_STATUS: Final[dict[str, str]] = {}
for _code, _display in ig.CONCEPTS[_CS_STATUS].items():
    _STATUS[fold(_code)] = _STATUS[fold(_display)] = _STATUS_BY_IG_CODE[_code]
_STATUS[fold("TERMINEE_ANTICIPEE")] = "administratively-completed"  # the export's token

_REPATRIATED: Final = fold("RAPATRIEE_CTIS")


def study_status(etat: str | None) -> str | None:
    """FHIR ResearchStudy.status for ``etat``, ignoring case, accents, ``_`` and spaces."""
    return _STATUS.get(fold(etat)) if etat else None


def is_repatriated(etat: str | None) -> bool:
    """JARDE studies moved to CTIS (``RAPATRIEE_CTIS``): not published (RES-1)."""
    return etat is not None and fold(etat) == _REPATRIATED


# --- recruitment status (RES-2) ------------------------------------------------------------------
_UPCOMING_DISPLAY: Final = "A venir / Upcoming"  # RES-2: missing from the IG 0.3.1 CodeSystem
_RECRUITMENT: Final = {
    fold("Recrutement en attente"): "upcoming",
    fold("Recrutement ouvert"): "recruiting",
    fold("Recrutement fermé"): "completed-recruiting",
    fold("upcoming"): "upcoming",
    **{fold(code): code for code in ig.CONCEPTS[_CS_RECRUITMENT]},
}


def recruitment_coding(value: str | None, warnings: list[str]) -> dict[str, Any] | None:
    """The recruitment-status coding, or None (unknown values dropped with a warning)."""
    if value is None:
        return None
    code = _RECRUITMENT.get(fold(value))
    if code is None:
        warn(warnings, "recruitment-status", f"unknown statut_recrutement {value!r}")
        return None
    display = _UPCOMING_DISPLAY if code == "upcoming" else None
    return eclaire_coding(_CS_RECRUITMENT, code, display)


# --- regulation and precision (MAP-4 to MAP-5, RES-8) --------------------------------------------
def regulation_coding(code: str) -> dict[str, Any]:
    return eclaire_coding(_CS_REGULATION, code)


_PRECISIONS: Final = [(code, f" {fold(d)} ") for code, d in ig.CONCEPTS[_CS_PRECISION].items()]


def precision_code(value: str | None, warnings: list[str]) -> str | None:
    """First precision concept whose display contains ``value`` (accents/apostrophes ignored)."""
    if value is None:
        return None
    key = fold(value)
    if key:
        for code, display in _PRECISIONS:
            if f" {key} " in display:
                return code
    warn(warnings, "precision", f"no precision concept matches {value!r}")
    return None


def precision_coding(code: str) -> dict[str, Any]:
    return eclaire_coding(_CS_PRECISION, code)


# --- gender (MAP-10) -----------------------------------------------------------------------------
_GENDER: Final = {
    "homme": "male",
    "femme": "female",
    "male": "male",
    "female": "female",
    "autre": "other",
    "other": "other",
}
_GENDER_DISPLAY: Final = {"male": "Male", "female": "Female", "other": "Other"}
_GENDER_IGNORED: Final = {"unknown", "inconnu"}


def gender_codings(value: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    """Administrative-gender codings of a ``","`` list; unknown labels dropped with a warning."""
    codings: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in split_items(value):
        key = fold(item)
        code = _GENDER.get(key)
        if code is None:
            if key not in _GENDER_IGNORED:
                warn(warnings, "gender", f"unknown sex label {item!r}")
            continue
        if code not in seen:
            seen.add(code)
            codings.append(
                {
                    "system": GENDER_SYSTEM,
                    "code": code,
                    "display": _GENDER_DISPLAY[code],
                    "version": "5.0.0",
                }
            )
    return codings


# --- age bands (MAP-11) --------------------------------------------------------------------------
_AGE_BANDS: Final = [
    (re.compile(r"(?<!\d)0\s*-\s*17(?!\d)|^\s*in utero\s*$", re.IGNORECASE), (0, 17)),
    (re.compile(r"(?<!\d)18\s*-\s*64(?!\d)"), (18, 64)),
    (re.compile(r"(?<!\d)65\s*\+|(?:>=?|≥)\s*65(?!\d)"), (65, None)),
]


def age_bands(value: str | None, warnings: list[str]) -> list[tuple[int, int | None]]:
    """Deduplicated (low, high) bands in source order; unrecognised items warned and dropped."""
    bands: list[tuple[int, int | None]] = []
    for item in split_items(value):
        for pattern, band in _AGE_BANDS:
            if pattern.search(item):
                if band not in bands:
                    bands.append(band)
                break
        else:
            warn(warnings, "age", f"unknown age band {item!r}")
    return bands


# --- study population (MAP-13) -------------------------------------------------------------------
_POPULATIONS: Final = [
    (code, fold(d).replace(" ", "")) for code, d in ig.CONCEPTS[_CS_POPULATION].items()
]


def population_codings(value: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    """CTIS population items matched as substrings of the IG displays (spaces ignored)."""
    codings: list[dict[str, Any]] = []
    for item in split_items(value):
        key = fold(item).replace(" ", "")
        code = next((c for c, display in _POPULATIONS if key and key in display), None)
        if code is None:
            warn(warnings, "population", f"unknown population {item!r}")
        elif all(c["code"] != code for c in codings):
            codings.append(population_coding(code))
    return codings


def population_coding(code: str) -> dict[str, Any]:
    return eclaire_coding(_CS_POPULATION, code)


# --- countries (MAP-16, RES-7) -------------------------------------------------------------------
# No ``version``: the reference wrote 4.0.1 (FHIR's version, not ISO 3166's, which the HL7
# validator cannot find); the technical document (DOC-2.4.13) shows none.
FRANCE_CODING: Final = {
    "system": COUNTRY_SYSTEM,
    "code": "FR",
    "display": "France",
}


def check_countries(value: str | None, warnings: list[str]) -> None:
    """Warn on items of ``pays_concernes`` that are not ISO 3166 alpha-2 (only FR is emitted)."""
    for item in split_items(value):
        if len(item) != 2 or pycountry.countries.get(alpha_2=item.upper()) is None:
            warn(warnings, "country", f"not an ISO 3166 alpha-2 code: {item!r}")
