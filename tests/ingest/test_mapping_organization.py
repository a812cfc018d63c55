"""Organizations (MAP-6, RES-10): fixed assigners with their own narrative, one sponsor per
study."""

from __future__ import annotations

from ingest_mapping_samples import ctis, dm, study

from ingest.mapping import ASSIGNER_ORGANIZATIONS
from ingest.mapping.validation import validate_resource


def test_assigners_r10() -> None:
    assert set(ASSIGNER_ORGANIZATIONS) == {"ansm", "ctis", "eudract"}
    ansm = ASSIGNER_ORGANIZATIONS["ansm"]
    assert ansm["name"] == "Agence nationale de sécurité du médicament et des produits de santé"
    assert ansm["telecom"] == [{"system": "url", "value": "https://ansm.sante.fr", "use": "work"}]
    assert ASSIGNER_ORGANIZATIONS["ctis"]["telecom"][0]["value"] == "https://euclinicaltrials.eu/"
    assert ASSIGNER_ORGANIZATIONS["eudract"]["name"] == (
        "European Union Drug Regulating Authorities Clinical Trials Database"
    )
    for org in ASSIGNER_ORGANIZATIONS.values():
        validate_resource(org)
        div = org["text"]["div"]
        assert "Données reçues" not in div  # never a study's raw data
        assert org["meta"]["profile"]


def test_assigner_narrative_is_fixed_across_studies() -> None:
    before = repr(ASSIGNER_ORGANIZATIONS)
    study(ctis())
    study(dm())
    assert repr(ASSIGNER_ORGANIZATIONS) == before


def test_primary_sponsor_name_and_address_only() -> None:
    mapped = study(ctis(organisme_adresse="10 avenue Exemple", organisme_code_postal="69999"))
    (org,) = mapped.organizations
    assert org["id"] == "2024-590001-12-00-primary-sponsor"
    assert org["name"] == "Laboratoire Fictif SA"
    assert org["address"] == [
        {
            "use": "work",
            "type": "physical",
            "line": ["10 avenue Exemple"],
            "city": "Lyon",
            "postalCode": "69999",
            "country": "France",
        }
    ]
    assert set(org) == {"resourceType", "id", "meta", "text", "name", "address"}


def test_riph_sponsor_from_submitter_and_none_without_name() -> None:
    (org,) = study(dm()).organizations
    assert (org["name"], org["address"][0]["city"]) == ("CHU d'Exempleville", "Lille")
    assert study(dm(deposant_organisme=None)).organizations == []
    assert "address" not in study(dm(deposant_ville=None, deposant_pays=None)).organizations[0]
