"""The three synthetic examples of SRC-5 give the outcomes written under them.

Where a ruling changes the outcome, the test says so:
- RES-3: ``phase`` holds the HL7 coding first, then the source-phase coding written under SRC-5.
- RES-5: ECLAIRE codings carry version 0.3.1 (not the reference's 0.3.0).
- RES-7: the CTIS example's ``BE, FR`` gives ``ResearchStudy.location`` = FR only.
"""

from __future__ import annotations

from typing import Any

import pytest
from ingest_mapping_samples import (
    CTIS_EXAMPLE,
    DM_EXAMPLE,
    JARDE_EXAMPLE,
    full,
    study,
)

from ingest.mapping.validation import validate

SOURCE_PHASE = "https://interop.esante.gouv.fr/ig/fhir/eclaire/CodeSystem/eclaire-study-phase-source-code-system"
PRECISION = "https://interop.esante.gouv.fr/ig/fhir/eclaire/CodeSystem/eclaire-reglementation-precision-code-system"


def _precision(rs: dict[str, Any]) -> str:
    coding = rs["category"][1]["coding"][0]
    assert coding["system"] == PRECISION
    assert coding["version"] == "0.3.1"  # R5
    return str(coding["code"])


def _source_phase(rs: dict[str, Any]) -> str | None:
    if "phase" not in rs:
        return None
    codings = [c for c in rs["phase"]["coding"] if c["system"] == SOURCE_PHASE]
    return str(codings[0]["code"])


def _assigner(rs: dict[str, Any]) -> str:
    return str(rs["identifier"][0]["assigner"]["reference"])


@pytest.mark.parametrize("shape", [lambda r: r, full], ids=["as-written", "every-key"])
def test_ctis_example(shape: Any) -> None:
    mapped = study(shape(CTIS_EXAMPLE))
    rs = mapped.research_study
    assert rs["status"] == "active"
    assert _source_phase(rs) == "phase-II"
    assert rs["phase"]["coding"][0]["code"] == "phase-2"  # RES-3: the HL7 code comes first
    assert _precision(rs) == "study-ctis"
    assert _assigner(rs) == "Organization/ctis"
    assert rs["meta"]["lastUpdated"] == "2025-02-03T00:00:00.000Z"
    assert [loc["id"] for loc in mapped.locations] == ["2024-590001-12-00-0-site"]
    assert mapped.locations[0]["name"] == "CHU d'Exempleville"
    assert [c["coding"][0]["code"] for c in rs["location"]] == ["FR"]  # RES-7
    validate(mapped)


@pytest.mark.parametrize("shape", [lambda r: r, full], ids=["as-written", "every-key"])
def test_dm_example(shape: Any) -> None:
    mapped = study(shape(DM_EXAMPLE))
    rs = mapped.research_study
    assert rs["status"] == "approved"
    assert _precision(rs) == "IC-Cas-4-2"
    assert _assigner(rs) == "Organization/ansm"
    assert "phase" not in rs
    assert rs["meta"]["lastUpdated"] == "2023-08-12T00:00:00.000Z"  # 2023-05-02 + 102 days
    validate(mapped)


@pytest.mark.parametrize("shape", [lambda r: r, full], ids=["as-written", "every-key"])
def test_jarde_example(shape: Any) -> None:
    mapped = study(shape(JARDE_EXAMPLE))
    rs = mapped.research_study
    assert rs["status"] == "administratively-completed"
    assert _precision(rs) == "cat2-jarde"
    assert _source_phase(rs) == "jarde-early"
    assert rs["phase"]["coding"][0]["code"] == "phase-1"  # RES-3: jarde-early → phase-1
    assert _assigner(rs) == "Organization/ansm"
    assert rs["meta"]["lastUpdated"] == "2024-01-15T00:00:00.000Z"
    assert mapped.locations == []
    validate(mapped)


def test_examples_have_no_warnings_beyond_the_sample_meddra_table() -> None:
    # The CTIS example's MedDRA codes are not in the synthetic sample table (RES-14): warned.
    assert study(CTIS_EXAMPLE).warnings == [
        "meddra: code 10012345 not in the LLT table",
        "meddra: code 10023456 not in the LLT table",
    ]
    assert study(DM_EXAMPLE).warnings == []
    assert study(JARDE_EXAMPLE).warnings == []
