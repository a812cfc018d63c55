"""Unit cases of the repairs the production files do not all show (the files show the rest)."""

from __future__ import annotations

from typing import Any

from eclaire_core import ig_constants as ig
from ingest.fhir.normalise import normalise
from ingest.fhir.repair import repair_group, repair_study


def test_urlless_extensions_are_placed_once_or_dropped() -> None:
    warnings: list[str] = []
    study = normalise(
        {
            "resourceType": "ResearchStudy",
            "id": "2021-A00001-01",
            "contact": [
                {
                    "extension": [
                        {"valueHumanName": {"family": "ODIER"}},
                        {"valueHumanName": {"family": "SECOND"}},  # the slice is 0..1
                        {"valueBoolean": True},  # no IG contact extension of that type
                    ]
                }
            ],
        },
        warnings,
    )
    assert study["contact"] == [
        {"extension": [{"url": ig.EXT_CONTACT_NAME, "valueHumanName": {"family": "ODIER"}}]}
    ]
    kinds = [w.split(":")[0] for w in warnings]
    assert kinds.count("extension-placed") == 1 and kinds.count("extension-unplaced") == 2


def test_sponsor_and_investigator_become_associated_parties() -> None:
    warnings: list[str] = []
    study: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": "x",
        "sponsor": {"reference": "Organization/x-primary-sponsor", "display": "Reference to"},
        "principalInvestigator": {"display": "Dr Fictif"},
    }
    repair_study(study, "Laboratoire Fictif", warnings)
    assert "sponsor" not in study and "principalInvestigator" not in study
    parties = {
        p["extension"][1]["valueCodeableConcept"]["coding"][0]["code"]: p["extension"][0]
        for p in study["extension"]
        if p["url"] == ig.EXT_ASSOCIATED_PARTY_R5
    }
    assert parties == {
        "lead-sponsor": {"url": "name", "valueString": "Laboratoire Fictif"},
        "primary-investigator": {"url": "name", "valueString": "Dr Fictif"},
    }


def test_group_description_becomes_the_r6_criterion_form() -> None:
    warnings: list[str] = []
    group: dict[str, Any] = {
        "characteristic": [
            {
                "code": {"coding": [{"code": "grp-other"}]},
                "valueCodeableConcept": {"coding": [{"display": "Adultes"}]},
                "description": "eligibility-criteria",
            },
            {"code": {}, "valueCodeableConcept": {"text": "lost"}, "exclude": False},
        ]
    }
    repair_group(group, warnings)
    assert group["characteristic"] == [
        {
            "code": {"coding": [{"code": "grp-other"}], "text": "eligibility-criteria"},
            "valueCodeableConcept": {"coding": [{"display": "Adultes"}], "text": "Adultes"},
            "exclude": False,
        }
    ]
    kinds = sorted(w.split(":")[0] for w in warnings)
    assert kinds == ["group-description", "group-empty-code", "group-exclude"]


def test_served_recruitment_period_and_html_summary_take_the_mapping_forms() -> None:
    """Production served a date-time start beside a date end (per-1 fails on the same day) and
    HTML in the markdown summary: a mirror serves what the mapping would have written."""
    warnings: list[str] = []
    study = normalise(
        {
            "resourceType": "ResearchStudy",
            "id": "2021-A00001-01",
            "extension": [
                {
                    "url": ig.EXT_RECRUITMENT_PERIOD,
                    "valuePeriod": {"start": "2025-04-04T00:00:00Z", "end": "2025-04-04"},
                },
                {
                    "url": "https://hl7.org/fhir/R4/researchstudy-definitions.html"
                    "#ResearchStudy.descriptionSummary",
                    "valueMarkdown": "Étude pilote.<br>Suivi 6 mois.",
                },
            ],
        },
        warnings,
    )
    repair_study(study, None, warnings)
    by_url = {e["url"]: e for e in study["extension"]}
    assert by_url[ig.EXT_RECRUITMENT_PERIOD]["valuePeriod"] == {
        "start": "2025-04-04",
        "end": "2025-04-04",
    }
    assert by_url[ig.EXT_DESCRIPTION_SUMMARY_R5]["valueMarkdown"] == (
        "Étude pilote.\n\nSuivi 6 mois."
    )
    kinds = [w.split(":")[0] for w in warnings]
    assert "period-precision" in kinds and "summary-markdown" in kinds
