"""Which records are published, unpublished or rejected (RES-1, RES-13, RES-15)."""

from __future__ import annotations

from typing import Any

import pytest
from ingest_mapping_samples import MEDDRA, ctis, dm, jarde, run, study

from ingest.mapping import MappedStudy, RecordRejected, Unpublished, to_fhir


@pytest.mark.parametrize("publication", ["non autorisé", None, "", "refusé", "autorise "])
def test_not_authorised_is_unpublished_r1(publication: object) -> None:
    result = run(dm(publication_eclaire=publication))
    assert isinstance(result, Unpublished)
    assert result.id == "2023-A90001-12"
    assert "publication_eclaire" in result.reason


@pytest.mark.parametrize("publication", ["autorisé", " Autorisé ", "AUTORISÉ"])
def test_authorised_spellings(publication: str) -> None:
    assert isinstance(run(dm(publication_eclaire=publication)), MappedStudy)


def test_publication_key_absent_is_unpublished() -> None:
    record = dm()
    del record["publication_eclaire"]
    assert isinstance(run(record), Unpublished)


@pytest.mark.parametrize("etat", ["RAPATRIEE_CTIS", "Rapatriée CTIS"])
def test_repatriated_jarde_is_unpublished_r1(etat: str) -> None:
    result = run(jarde(etat=etat))
    assert result == Unpublished("2022-A90002-34", "etat RAPATRIEE_CTIS: the study moved to CTIS")


def test_exclusion_list_r13() -> None:
    assert run(ctis(), excluded=frozenset({"2024-590001-12-00"})) == Unpublished(
        "2024-590001-12-00", "listed in the exclusion file"
    )
    assert isinstance(run(ctis(), excluded=frozenset({"other"})), MappedStudy)


# --- RES-15: dead letter only when no valid study can be made ------------------------------------
@pytest.mark.parametrize(
    ("record", "source", "kind"),
    [
        (dm(etat="EN_PAUSE"), "dm", "unknown-etat"),
        (dm(etat=None), "dm", "unknown-etat"),
        (dm(numero_national=None), "dm", "no-id"),
        (dm(numero_national="   "), "dm", "no-id"),
        (ctis(numero_ctis=None, numero_national="2023-A90001-12"), "ctis", "no-id"),
        (dm(numero_national="2023 A90001 12"), "dm", "bad-id"),
        (dm(numero_national="X" * 60), "dm", "bad-id"),
        (dm(reglementation_code="REG999"), "dm", "unknown-regulation"),
        (dm(reglementation_code=None), "dm", "unknown-regulation"),
    ],
)
def test_rejections(record: dict[str, Any], source: str, kind: str) -> None:
    with pytest.raises(RecordRejected) as info:
        to_fhir(record, meddra=MEDDRA)
    assert info.value.kind == kind
    assert info.value.reason


def test_unknown_etat_of_unpublished_record_is_just_unpublished() -> None:
    assert isinstance(run(dm(etat="???", publication_eclaire="non autorisé")), Unpublished)


def test_non_mapping_record_rejected() -> None:
    with pytest.raises(RecordRejected, match="not a JSON object"):
        to_fhir(["a"], meddra=MEDDRA)  # type: ignore[arg-type]


def test_numeric_id_and_lowercase_regulation_accepted() -> None:
    mapped = study(dm(numero_national=20230001, reglementation_code=" reg745 "))
    assert mapped.id == "20230001"
    assert any(w.startswith("id-format:") for w in mapped.warnings)


@pytest.mark.parametrize(
    "changes",
    [
        {"date_debut_recrutement": "30/06/2022"},
        {"pays_concernes": "EL, XK, fr"},
        {"phase_recherche": "Not applicable"},
        {"statut_recrutement": "Peut-être"},
        {"intervention_faible": "Peut-être"},
        {"taille_etude": "beaucoup"},
        {"sexe": "Licorne"},
        {"titre": ["not", "text"]},
        {"criteres_eligibilite": None, "criteres_jugement": None, "sites_investigateurs": None},
    ],
)
def test_bad_optional_fields_are_warnings_r15(changes: dict[str, Any]) -> None:
    mapped = study(ctis(**changes))
    assert mapped.research_study["status"] == "active"
