"""Phase (MAP-7 as amended by RES-3): HL7 coding via the IG ConceptMap plus the source coding."""

from __future__ import annotations

import pytest
from ingest_mapping_samples import ctis, dm, jarde, study

from eclaire_core import ig_constants as ig

HL7 = "http://terminology.hl7.org/CodeSystem/research-study-phase"
SOURCE = ig.CS_STUDY_PHASE_SOURCE

# Every source code's own display maps to itself, then through the ConceptMap (first target).
EXPECTED_TARGET = {
    "jarde-early": (HL7, "phase-1"),
    "phase-I-first-admin": (HL7, "phase-1"),
    "phase-I-bioequivalence": (HL7, "phase-1"),
    "phase-I-other": (HL7, "phase-1"),
    "phase-I-II-first-admin": (HL7, "phase-1-phase-2"),
    "phase-I-II-first-bioequivalence": (HL7, "phase-1-phase-2"),
    "phase-I-II-other": (HL7, "phase-1-phase-2"),
    "phase-II": (HL7, "phase-2"),
    "phase-II-III": (HL7, "phase-2-phase-3"),
    "phase-III": (HL7, "phase-3"),
    "phase-IV": (HL7, "phase-4"),  # RES-3 supplement: not in the IG ConceptMap
    "phase-III-IV": (ig.CS_STUDY_PHASE, "phase-3-phase-4"),
}


@pytest.mark.parametrize(
    ("code", "display"), ig.CONCEPTS["eclaire-study-phase-source-code-system"].items()
)
def test_every_ctis_display(code: str, display: str) -> None:
    phase = study(ctis(phase_recherche=display)).research_study["phase"]
    target, source = phase["coding"]
    assert (target["system"], target["code"]) == EXPECTED_TARGET[code]
    assert source == {"system": SOURCE, "code": code, "display": display, "version": "0.3.1"}


def test_hl7_coding_shape() -> None:
    phase = study(ctis(phase_recherche="Therapeutic confirmatory  (Phase III)")).research_study
    assert phase["phase"]["coding"][0] == {
        "system": HL7,
        "code": "phase-3",
        "display": "Phase 3",
        "version": "1.0.0",
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Therapeutic confirmatory (Phase III)", "phase-III"),  # spacing varies
        ("THERAPEUTIC USE (PHASE IV)", "phase-IV"),
        (
            "Phase I and Phase II (Integrated) - Bioequivalence Study",
            "phase-I-II-first-bioequivalence",
        ),
        ("Human Pharmacology (Phase I) - First administration to humans", "phase-I-first-admin"),
        ("Phase 2", "phase-II"),
        ("Phase I/II", "phase-I-II-other"),
    ],
)
def test_ctis_text_variants(text: str, code: str) -> None:
    phase = study(ctis(phase_recherche=text)).research_study["phase"]
    assert phase["coding"][1]["code"] == code


@pytest.mark.parametrize("text", ["Not applicable", "garbage", "Phase 5", "Phase I and Phase III"])
def test_unrecognised_phase_text_gives_no_phase_and_a_warning(text: str) -> None:
    mapped = study(ctis(phase_recherche=text))
    assert "phase" not in mapped.research_study  # never the reference's jarde-early default
    assert any(w.startswith("phase:") for w in mapped.warnings)


def test_no_phase_in_source() -> None:
    mapped = study(ctis(phase_recherche=None))
    assert "phase" not in mapped.research_study
    assert mapped.warnings == [w for w in mapped.warnings if not w.startswith("phase:")]


@pytest.mark.parametrize(
    ("competences", "phase"),
    [
        ("Essai de phase précoce, Neurologie", "jarde-early"),
        ("essai de phase precoce", "jarde-early"),
        ("Neurologie, Pédiatrie", None),
        (None, None),
    ],
)
def test_jarde_phase(competences: str | None, phase: str | None) -> None:
    rs = study(jarde(competences=competences)).research_study
    assert (rs["phase"]["coding"][1]["code"] if "phase" in rs else None) == phase


def test_dm_has_no_phase() -> None:
    assert (
        "phase"
        not in study(
            dm(phase_recherche="Phase III", competences="Essai de phase précoce")
        ).research_study
    )
