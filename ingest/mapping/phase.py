"""Study phase (MAP-7 as amended by RES-3): source text → source-phase code → HL7 phase.

CTIS labels are recognised by the phase numbers they name (roman or arabic) and a few keyword
flags; text naming no phase is *not* given a default (the reference fell back to
``jarde-early``, SRC-4) but dropped with a warning. ``phase`` then carries the HL7 code derived
through the IG ConceptMap and the source-phase coding, so nothing is lost.
"""

from __future__ import annotations

import re
from typing import Any, Final

from eclaire_core import ig_constants as ig
from ingest.mapping.codes import eclaire_coding
from ingest.sources.fields import StudyFields
from ingest.sources.text import fold, warn

HL7_PHASE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/research-study-phase"
_CS_SOURCE: Final = "eclaire-study-phase-source-code-system"
_CS_ECLAIRE_PHASE: Final = "eclaire-study-phase-code-system"

# RES-3: phase-IV → phase-4 is not in the IG ConceptMap; RES-3 names it.
_MAP_SUPPLEMENT: Final = {"phase-IV": (HL7_PHASE_SYSTEM, "phase-4", "equivalent")}
# Displays of the HL7 research-study-phase codes (HL7 terminology, not in the IG package).
_HL7_DISPLAY: Final = {
    "phase-1": "Phase 1",
    "phase-1-phase-2": "Phase 1/Phase 2",
    "phase-2": "Phase 2",
    "phase-2-phase-3": "Phase 2/Phase 3",
    "phase-3": "Phase 3",
    "phase-4": "Phase 4",
}

_ROMAN: Final = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Applied to folded text, where "/" and "-" are spaces: "phase i ii", "phase i and phase ii".
_NUMBERED = re.compile(
    r"\bphase\s+(iv|iii|ii|i|[1-4])\b(?:\s+(?:and\s+|et\s+)?(?:phase\s+)?(iv|iii|ii|i|[1-4])\b)?"
)
_BY_PHASES: Final = {
    frozenset({2}): "phase-II",
    frozenset({2, 3}): "phase-II-III",
    frozenset({3}): "phase-III",
    frozenset({4}): "phase-IV",
    frozenset({3, 4}): "phase-III-IV",
}
_WITHOUT_NUMBER: Final = {
    "therapeutic exploratory": "phase-II",
    "therapeutic confirmatory": "phase-III",
    "therapeutic use": "phase-IV",
}
_EXACT: Final = {fold(display): code for code, display in ig.CONCEPTS[_CS_SOURCE].items()}
_JARDE_EARLY: Final = fold("Essai de phase précoce")


def ctis_phase_code(text: str) -> str | None:
    """Source-phase code for a CTIS ``phase_recherche`` label, or None if not recognised."""
    key = fold(text)
    if key in _EXACT:
        return _EXACT[key]
    phases: set[int] = set()
    for match in _NUMBERED.finditer(key):
        phases.update(_ROMAN[g] for g in match.groups() if g)
    first_admin = "first administration" in key
    bioequivalence = "bioequivalence" in key
    if phases == {1}:
        if first_admin:
            return "phase-I-first-admin"
        return "phase-I-bioequivalence" if bioequivalence else "phase-I-other"
    if phases == {1, 2}:
        if first_admin:
            return "phase-I-II-first-admin"
        return "phase-I-II-first-bioequivalence" if bioequivalence else "phase-I-II-other"
    if phases:
        return _BY_PHASES.get(frozenset(phases))
    if "human pharmacology" in key:
        return "phase-I-other"
    if _JARDE_EARLY in key or "phase precoce" in key:
        return "jarde-early"
    return next((code for words, code in _WITHOUT_NUMBER.items() if words in key), None)


def source_phase_code(fields: StudyFields, warnings: list[str]) -> str | None:
    """CTIS: from the label; JARDE: ``jarde-early`` iff competences say so; DM: none."""
    if fields.source == "ctis":
        if fields.phase_text is None:
            return None
        code = ctis_phase_code(fields.phase_text)
        if code is None:
            warn(warnings, "phase", f"unrecognised phase_recherche {fields.phase_text!r}")
        return code
    if fields.source == "jarde" and fields.competences:
        return "jarde-early" if _JARDE_EARLY in fold(fields.competences) else None
    return None


def phase_concept(source_code: str) -> dict[str, Any]:
    """``ResearchStudy.phase``: the mapped target coding (first ConceptMap target), then the
    source-phase coding."""
    targets = ig.PHASE_CONCEPT_MAP.get(source_code) or (_MAP_SUPPLEMENT[source_code],)
    system, code, _equivalence = targets[0]
    if system == HL7_PHASE_SYSTEM:
        target = {"system": system, "code": code, "display": _HL7_DISPLAY[code], "version": "1.0.0"}
    else:
        target = eclaire_coding(_CS_ECLAIRE_PHASE, code)
    return {"coding": [target, eclaire_coding(_CS_SOURCE, source_code)]}
