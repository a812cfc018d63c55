"""The committed IG constants module is exactly what the generator makes from the IG package."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from eclaire_core import ig_constants as ig

REPO = Path(__file__).resolve().parents[2]
IG_DIR = REPO / ".." / "shared" / "ig" / "ans.fhir.fr.eclaire-0.3.1"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_ig_constants", REPO / "scripts" / "generate_ig_constants.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not IG_DIR.is_dir(),
    reason="IG package not available: the sibling ../shared/ig/ directory is absent "
    "(e.g. in the Docker image); the committed module is used as is",
)
def test_committed_module_matches_ig_package() -> None:
    expected = _generator().render(IG_DIR)
    committed = (REPO / "eclaire_search" / "ig_constants.py").read_text(encoding="utf-8")
    assert committed == expected, "run: python scripts/generate_ig_constants.py"


def test_module_content_is_the_ig() -> None:
    assert ig.IG_VERSION == "0.3.1"
    profile = f"{ig.IG_CANONICAL}/StructureDefinition/eclaire-researchstudy"
    assert profile == ig.PROFILE_RESEARCHSTUDY
    assert ig.EXT_DESCRIPTION_SUMMARY_R5 == (
        "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.descriptionSummary"
    )
    assert ig.CONCEPTS["eclaire-regulation-code-code-system"]["REG746"] == "REG746 (DM-DIV)"
    # The phase ConceptMap, with its relative target system resolved to the IG CodeSystem.
    assert ig.PHASE_CONCEPT_MAP["phase-III-IV"][0][:2] == (ig.CS_STUDY_PHASE, "phase-3-phase-4")
    assert ig.PHASE_CONCEPT_MAP["jarde-early"][0][1] == "phase-1"
    # Known IG 0.3.1 gaps handled by rulings, not by the generated module: RES-2 and R3.
    assert "upcoming" not in ig.CONCEPTS["eclaire-status-recruitment-code-system"]
    assert "phase-IV" not in ig.PHASE_CONCEPT_MAP
