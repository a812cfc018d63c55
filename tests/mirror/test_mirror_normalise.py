"""Production forms normalised on the way in (RES-4, RES-14) and the INDISPONIBLE placeholder
(RES-15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mirror_samples import by_id, run_fhir, served, write_ndjson

from eclaire_core import ig_constants as ig
from eclaire_core.settings import Settings
from ingest.documents import content_hash, to_document
from ingest.fhir.normalise import canonical_extension_url, normalise
from ingest.mapping import MappedStudy

PRODUCTION_URLS = {
    ig.EXT_DESCRIPTION_SUMMARY_R5: (
        "https://hl7.org/fhir/R4/researchstudy-definitions.html#ResearchStudy.descriptionSummary"
    ),
    ig.EXT_ASSOCIATED_PARTY_R5: (
        "https://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.associatedParty"
    ),
    ig.EXT_LABEL_R5: "https://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.label",
}
MDR = "http://terminology.hl7.org/CodeSystem/mdr"


def production_form(resource: dict[str, Any]) -> dict[str, Any]:
    """The study as the production API writes it: its extension URLs, the HL7 MedDRA system."""
    for ext in resource.get("extension", []):
        ext["url"] = PRODUCTION_URLS.get(ext["url"], ext["url"])
    for condition in resource.get("condition", []):
        for coding in condition.get("coding", []):
            if coding.get("system") == "https://www.meddra.org":
                coding["system"] = MDR
    return resource


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        *[(prod, canon) for canon, prod in PRODUCTION_URLS.items()],
        (
            "http://hl7.org/fhir/R4/researchstudy-definitions.html#ResearchStudy.outcomeMeasure",
            ig.EXT_OUTCOME_MEASURE_R5,
        ),
        (ig.EXT_LABEL_R5, ig.EXT_LABEL_R5),
        (ig.EXT_THERAPEUTIC_AREA, ig.EXT_THERAPEUTIC_AREA),
        (  # an R5 element the IG has no extension for: left as it is, never invented
            "https://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.region",
            "https://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.region",
        ),
    ],
)
def test_extension_urls(url: str, canonical: str) -> None:
    assert canonical_extension_url(url) == canonical


def test_production_forms_load_as_the_canonical_study(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    with_meddra = [s for s in source_studies if s.source == "ctis"]
    assert with_meddra and all(
        any("coding" in c for c in s.research_study["condition"]) for s in with_meddra
    )
    lines = []
    for study in source_studies:
        resources = served(study)
        production_form(resources[0])
        lines += resources
    changed = [r for r in lines if r["resourceType"] == "ResearchStudy"]
    assert any(MDR in str(r) for r in changed)
    assert all(PRODUCTION_URLS[ig.EXT_DESCRIPTION_SUMMARY_R5] in str(r) for r in changed)
    path = write_ndjson(tmp_path / "production.ndjson", lines)
    outcomes, dead, _ = run_fhir([path], offline_settings)
    assert not dead.letters
    got = by_id(outcomes)
    for study in source_studies:
        assert got[study.id].research_study == study.research_study
        assert content_hash(got[study.id]) == content_hash(study)
        document = to_document(got[study.id], version_id=1, last_updated=study.document_date)
        original = to_document(study, version_id=1, last_updated=study.document_date)
        assert document == original  # same search fields: condition=, _content, sponsor-name…


def test_indisponible_in_optional_fields_is_dropped_and_counted(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    study = next(s for s in source_studies if s.locations and s.organizations)
    rs, group, *rest = served(study)
    rs["title"] = "INDISPONIBLE"
    area = next(e for e in rs["extension"] if e["url"] == ig.EXT_THERAPEUTIC_AREA)
    area["valueString"] = " Indisponible "
    group["quantity"] = "INDISPONIBLE"
    location = rest[0]
    location["name"] = "INDISPONIBLE"
    location["address"]["line"] = ["INDISPONIBLE"]
    path = write_ndjson(tmp_path / "old.ndjson", [rs, group, *rest])
    outcomes, dead, summary = run_fhir([path], offline_settings)
    assert not dead.letters  # still valid: validation ran (validation=all)
    (mirror,) = outcomes
    assert isinstance(mirror, MappedStudy)
    assert "title" not in mirror.research_study
    assert ig.EXT_THERAPEUTIC_AREA not in str(mirror.research_study["extension"])
    assert "quantity" not in mirror.group
    assert "name" not in mirror.locations[0]
    assert "line" not in mirror.locations[0]["address"]
    assert summary.warnings["indisponible"] == 5
    assert summary.validated == 1
    assert f"indisponible: ResearchStudy/{study.id}.title: placeholder 'INDISPONIBLE' dropped" in (
        mirror.warnings
    )


def test_placeholder_pruning_leaves_no_empty_element() -> None:
    warnings: list[str] = []
    resource = {
        "resourceType": "Location",
        "id": "x-0-site",
        "text": {"status": "generated", "div": "INDISPONIBLE"},
        "telecom": [{"system": "phone", "value": "INDISPONIBLE"}, {"value": "0102"}],
        "address": {"line": ["INDISPONIBLE"], "city": "INDISPONIBLE"},
        "extension": [{"url": ig.EXT_THERAPEUTIC_AREA, "valueString": "INDISPONIBLE"}],
    }
    assert normalise(resource, warnings) == {
        "resourceType": "Location",
        "id": "x-0-site",
        "telecom": [{"value": "0102"}],  # a ContactPoint left with only its system is empty
    }
    assert len(warnings) == 5
    assert resource["address"] == {"line": ["INDISPONIBLE"], "city": "INDISPONIBLE"}  # untouched
