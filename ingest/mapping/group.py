"""The enrollment Group ``{id}-enrollment-group`` (MAP-9 to MAP-14 as amended by RES-6).

Characteristics in the reference's order: gender, ages, category, population, eligibility
criteria, outcome criteria. Every characteristic has the ``exclude`` flag and a value, as R4
requires. Criteria follow RES-6: ``code.text`` names the kind of criterion, the criterion text is in
``valueCodeableConcept.text`` and ``coding[0].display``.
"""

from __future__ import annotations

from typing import Any, Final

from eclaire_core import ig_constants as ig
from eclaire_core.resources import group_id
from ingest.mapping.codes import (
    age_bands,
    eclaire_coding,
    gender_codings,
    population_coding,
    population_codings,
)
from ingest.mapping.narrative import generated_narrative
from ingest.sources.fields import StudyFields
from ingest.sources.text import clean, fold, warn

_CS_KIND: Final = "eclaire-group-characteristic-kind-code-system"
_UCUM: Final = "http://unitsofmeasure.org"
_MAX_UNSIGNED_INT: Final = 2**31 - 1
_TRUE: Final = {"true", "oui", "yes", "1"}
_FALSE: Final = {"false", "non", "no", "0"}
# criteria field → (code.text, type meaning "not excluded", type meaning "excluded")
_CRITERIA: Final = (
    ("eligibility", "eligibility-criteria", "inclusion", "exclusion"),
    ("outcomes", "judgement-criteria", "principal", "secondaire"),
)
_CRITERIA_LABEL: Final = {
    ("eligibility-criteria", False): "Critère d'inclusion",
    ("eligibility-criteria", True): "Critère d'exclusion",
    ("judgement-criteria", False): "Critère de jugement principal",
    ("judgement-criteria", True): "Critère de jugement secondaire",
}


def _kind(code: str, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [eclaire_coding(_CS_KIND, code)]}
    if text is not None:
        concept["text"] = text
    return concept


def _text_value(text: str) -> dict[str, Any]:
    """A code-less value: the text where the document's clients read it (coding display)."""
    return {"coding": [{"display": text}], "text": text}


def _years(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "years", "system": _UCUM, "code": "a"}


def quantity(value: Any, warnings: list[str]) -> int | None:
    """``taille_etude`` as an unsignedInt; anything else is dropped with a warning."""
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 <= number <= _MAX_UNSIGNED_INT:
        warn(warnings, "size", f"taille_etude {value!r} is not a participant count")
        return None
    return number


def vulnerable_flag(value: Any, warnings: list[str]) -> bool | None:
    """A real boolean from ``participants_population_vulnerable`` (``"false"`` is false)."""
    if value is None or isinstance(value, bool):
        return value
    key = fold(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    warn(warnings, "population", f"participants_population_vulnerable {value!r} is not a boolean")
    return None


def _criteria(f: StudyFields, warnings: list[str]) -> list[tuple[dict[str, Any], str]]:
    out: list[tuple[dict[str, Any], str]] = []
    for attr, kind_text, keep, exclude in _CRITERIA:
        items = getattr(f, attr)
        if items is None:
            continue
        if not isinstance(items, list):
            warn(
                warnings, "criteria", f"{kind_text}: expected an array, got {type(items).__name__}"
            )
            continue
        for item in items:
            if not isinstance(item, dict):
                warn(warnings, "criteria", f"{kind_text}: item is not an object")
                continue
            title, kind = clean(item.get("titre")), clean(item.get("type"))
            if title is None or kind is None:
                if title is not None or kind is not None:
                    warn(warnings, "criteria", f"{kind_text}: item without titre or type dropped")
                continue
            folded = fold(kind)
            if folded not in (keep, exclude):
                warn(warnings, "criteria", f"{kind_text}: unknown type {kind!r}")
                continue
            excluded = folded == exclude
            characteristic = {
                "code": _kind("grp-other", kind_text),
                "valueCodeableConcept": _text_value(title),
                "exclude": excluded,
            }
            out.append((characteristic, f"{_CRITERIA_LABEL[kind_text, excluded]} : {title}"))
    return out


def build_group(
    f: StudyFields, study_id: str, last_updated: str, warnings: list[str]
) -> dict[str, Any]:
    """The Group resource for ``study_id``, always present (ResearchStudy.enrollment → it)."""
    chars: list[dict[str, Any]] = []
    lines: list[str] = []
    genders = gender_codings(f.sexes, warnings)
    if genders:
        chars.append(
            {
                "code": _kind("grp-gender"),
                "valueCodeableConcept": {"coding": genders},
                "exclude": False,
            }
        )
        lines.append("Sexe : " + ", ".join(c["display"] for c in genders))
    for low, high in age_bands(f.ages, warnings):
        value = {"low": _years(low)} if high is None else {"low": _years(low), "high": _years(high)}
        chars.append({"code": _kind("grp-age"), "valueRange": value, "exclude": False})
        lines.append(f"Âge : {low} ans et plus" if high is None else f"Âge : {low} à {high} ans")
    if f.subject_group:
        chars.append(
            {
                "code": _kind("grp-category"),
                "valueCodeableConcept": _text_value(f.subject_group),
                "exclude": False,
            }
        )
        lines.append(f"Groupe de sujets : {f.subject_group}")
    if f.source == "ctis":
        populations = population_codings(f.population, warnings)
        if populations:
            chars.append(
                {
                    "code": _kind("grp-studypop"),
                    "valueCodeableConcept": {"coding": populations},
                    "exclude": False,
                }
            )
            lines.append("Population : " + ", ".join(c["display"] for c in populations))
    else:
        flag = vulnerable_flag(f.vulnerable, warnings)
        chars.append(  # always one, exclude = the flag's truthiness: null is false (MAP-13)
            {
                "code": _kind("grp-studypop"),
                "valueCodeableConcept": {"coding": [population_coding("other")]},
                "exclude": flag is True,
            }
        )
        shown = "non renseignée" if flag is None else ("oui" if flag else "non")
        lines.append(f"Population vulnérable : {shown}")
    for characteristic, line in _criteria(f, warnings):
        chars.append(characteristic)
        lines.append(line)

    count = quantity(f.size, warnings)
    title = f"Participants de l'étude {study_id}"
    if count is not None:
        title += f" : {count} prévus"
    group: dict[str, Any] = {
        "resourceType": "Group",
        "id": group_id(study_id),
        "meta": {"lastUpdated": last_updated, "profile": [ig.PROFILE_GROUP]},
        "text": generated_narrative(title, lines),
        "type": "person",
        "actual": True,
    }
    if count is not None:
        group["quantity"] = count
    if chars:
        group["characteristic"] = chars
    return group
