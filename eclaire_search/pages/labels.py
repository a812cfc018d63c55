"""French words for the codes a person meets on the pages.

The code lists come from the parameter table and the IG constants; only the wording is
written here, and a test checks that every code of the table has its words.
"""

from __future__ import annotations

from datetime import date, datetime

from eclaire_core import ig_constants as ig

STATUS = {
    "active": "En cours",
    "administratively-completed": "Terminée par anticipation",
    "approved": "À démarrer",
    "closed-to-accrual": "Inclusions closes",
    "closed-to-accrual-and-intervention": "Inclusions et traitements clos",
    "completed": "Terminée",
    "disapproved": "Refusée",
    "in-review": "En cours d'examen",
    "temporarily-closed-to-accrual": "Suspendue",
    "temporarily-closed-to-accrual-and-intervention": "Suspendue (inclusions et traitements)",
    "withdrawn": "Abandonnée",
}
# The statuses ECLAIRE publishes (DOC-2.4.2), in the order a person scans them.
ECLAIRE_STATUSES = (
    "active",
    "approved",
    "temporarily-closed-to-accrual",
    "completed",
    "administratively-completed",
    "withdrawn",
)
RECRUITMENT = {
    "upcoming": "Recrutement à venir",
    "recruiting": "Recrutement ouvert",
    "completed-recruiting": "Recrutement terminé",
}
REGULATION = {
    "REG536": "Essai clinique de médicament (CTIS)",
    "REG745": "Investigation clinique d'un dispositif médical",
    "REG746": "Étude de performance d'un diagnostic in vitro",
    "JARDE": "Recherche impliquant la personne humaine (loi Jardé)",
}
PHASE = {
    "n-a": "Sans objet",
    "early-phase-1": "Phase 1 précoce",
    "phase-1": "Phase 1",
    "phase-1-phase-2": "Phases 1 et 2",
    "phase-2": "Phase 2",
    "phase-2-phase-3": "Phases 2 et 3",
    "phase-3": "Phase 3",
    "phase-3-phase-4": "Phases 3 et 4",
    "phase-4": "Phase 4",
}
GENDER = {"male": "Homme", "female": "Femme", "other": "Autre", "unknown": "Non précisé"}
GENDER_PLURAL = {"male": "Hommes", "female": "Femmes", "other": "Autres", "unknown": "Non précisé"}
# The regulation's precision (Catégorie 2 (JARDE)…): the IG's own display is already French.
PRECISION = dict(ig.CONCEPTS["eclaire-reglementation-precision-code-system"])
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def label(table: dict[str, str], code: str | None) -> str:
    """The French words, or the code itself when a new one appears before its words."""
    if code is None:
        return ""
    return table.get(code, code)


def french_date(value: str | None) -> str:
    """``2018-02-01T00:00:00.000Z`` → ``1 février 2018``; the input when it is not a date."""
    if not value:
        return ""
    try:
        moment: date = datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return value
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS[moment.month - 1]} {moment.year}"
