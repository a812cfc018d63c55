"""Documented quirks of the source values (SRC-1 to SRC-2) read correctly."""

from __future__ import annotations

import pytest
from ingest_mapping_samples import characteristics, ctis, dm, study

from ingest.sources import extract
from ingest.sources.records import detect_source, primary_id
from ingest.sources.text import clean, decode_entities, fold, split_items


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("  CHU d&#39;Exempleville ", "CHU d'Exempleville"),
        ("CHU d&amp;#39;Exempleville", "CHU d'Exempleville"),  # double-encoded
        ("Données non disponible", None),
        ("Données non disponibles", None),
        ("Donnée non disponible", None),
        ("", None),
        ("   ", None),
        (None, None),
        (75999, "75999"),
        (3.0, "3"),
        ("a\x00b", "ab"),
        ("Étude<br>suite", "Étude<br>suite"),
    ],
)
def test_clean(raw: object, text: str | None) -> None:
    assert clean(raw) == text


def test_clean_refuses_non_text_with_warning() -> None:
    warnings: list[str] = []
    assert clean(["a"], warnings, "titre") is None
    assert clean(True, warnings, "titre") is None
    assert warnings == [
        "field-type: titre: expected text, got list",
        "field-type: titre: expected text, got bool",
    ]


def test_split_both_separators() -> None:
    assert split_items("Homme,Femme") == ["Homme", "Femme"]
    assert split_items("18-64 ans, 65+ ans") == ["18-64 ans", "65+ ans"]
    assert split_items(" , DE,, FR ,") == ["DE", "FR"]
    assert split_items(None) == []


def test_fold_and_decode() -> None:
    assert fold("A_DEMARRER") == fold("À DÉMARRER") == fold("a démarrer") == "a demarrer"
    assert fold("Dérogation à l\u2019obligation") == fold("Dérogation à l'obligation")
    assert decode_entities("&amp;amp;") == "&"  # twice at most


def test_detect_source_from_regulation_not_file() -> None:
    assert detect_source({"reglementation_code": "REG536"}) == "ctis"
    assert detect_source({"reglementation_code": "reg746 "}) == "dm"
    assert detect_source({"reglementation_code": "JARDE"}) == "jarde"
    assert detect_source({"reglementation_code": "REG999"}) is None
    assert detect_source({}) is None
    assert primary_id({"numero_ctis": " 2024-590001-12-00 "}, "ctis") == "2024-590001-12-00"
    assert primary_id({"numero_national": True}, "dm") is None


def test_missing_keys_give_an_empty_view() -> None:
    warnings: list[str] = []
    fields = extract({"reglementation_code": "REG536"}, "ctis", warnings)
    assert fields.id is None and fields.title is None and fields.sites is None
    assert warnings == []


def test_ctis_ignores_participants_keys() -> None:
    mapped = study(
        ctis(
            sexe=None,
            participants_sexe="Homme",
            tranches_age=None,
            participants_tranches_age="18-64 ans",
        )
    )
    assert characteristics(mapped.group, "grp-gender") == []
    assert characteristics(mapped.group, "grp-age") == []


def test_vulnerable_flag_given_as_string_per_dto() -> None:
    (char,) = characteristics(
        study(dm(participants_population_vulnerable="false")).group, "grp-studypop"
    )
    assert char["exclude"] is False
