"""Group rules (MAP-9 to MAP-14 as amended by RES-6): fragment → fragment."""

from __future__ import annotations

from typing import Any

import pytest
from ingest_mapping_samples import characteristics, ctis, dm, jarde, study

from eclaire_core import ig_constants as ig

KIND = f"{ig.IG_CANONICAL}/CodeSystem/eclaire-group-characteristic-kind-code-system"
POP = f"{ig.IG_CANONICAL}/CodeSystem/eclaire-study-population-code-system"


def _kind(code: str, display: str) -> dict[str, Any]:
    return {"system": KIND, "code": code, "display": display, "version": "0.3.1"}


def _years(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "years", "system": "http://unitsofmeasure.org", "code": "a"}


# --- MAP-9 ---------------------------------------------------------------------------------------
def test_group_shape_and_order() -> None:
    group = study(ctis()).group
    assert group["id"] == "2024-590001-12-00-enrollment-group"
    assert group["meta"]["profile"] == [ig.PROFILE_GROUP]
    assert (group["type"], group["actual"], group["quantity"]) == ("person", True, 40)
    order = [c["code"]["coding"][0]["code"] for c in group["characteristic"]]
    assert order == [
        "grp-gender",
        "grp-age",
        "grp-age",
        "grp-studypop",
        "grp-other",
        "grp-other",
        "grp-other",
    ]
    assert all(isinstance(c["exclude"], bool) for c in group["characteristic"])


@pytest.mark.parametrize(("value", "quantity"), [(120, 120), (60.0, 60), ("75", 75), (0, 0)])
def test_quantity(value: object, quantity: int) -> None:
    assert study(dm(taille_etude=value)).group["quantity"] == quantity


@pytest.mark.parametrize("value", [-1, 12.5, "beaucoup", True])
def test_bad_quantity_dropped_with_warning(value: object) -> None:
    mapped = study(dm(taille_etude=value))
    assert "quantity" not in mapped.group
    assert any(w.startswith("size:") for w in mapped.warnings)


def test_group_exists_even_without_characteristics() -> None:
    group = study(
        ctis(
            sexe=None,
            tranches_age=None,
            groupes_sujet=None,
            population_recrutement=None,
            criteres_eligibilite=None,
            criteres_jugement=None,
        )
    ).group
    assert "characteristic" not in group
    assert group["text"]["status"] == "generated"


def test_a_riph_group_always_has_its_population_characteristic() -> None:
    """Rule 13: "always one grp-studypop" for DM/JARDE, even when the flag is null."""
    (char,) = study(jarde()).group["characteristic"]
    assert char["code"]["coding"][0]["code"] == "grp-studypop" and char["exclude"] is False


# --- MAP-10: gender ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("record", "codes"),
    [
        (dm(participants_sexe="Homme,Femme"), ["male", "female"]),
        (dm(participants_sexe="Femme"), ["female"]),
        (dm(participants_sexe="Homme, Femme, unknown"), ["male", "female"]),
        (ctis(sexe="Male,Female"), ["male", "female"]),
        (ctis(sexe="Female"), ["female"]),
    ],
)
def test_gender(record: dict[str, Any], codes: list[str]) -> None:
    (char,) = characteristics(study(record).group, "grp-gender")
    assert char["code"]["coding"] == [_kind("grp-gender", "Gender (Genre)")]
    assert char["exclude"] is False
    assert [c["code"] for c in char["valueCodeableConcept"]["coding"]] == codes
    assert char["valueCodeableConcept"]["coding"][0] == {
        "system": "http://hl7.org/fhir/administrative-gender",
        "code": codes[0],
        "display": codes[0].capitalize(),
        "version": "5.0.0",
    }


def test_ctis_ignores_participants_fields_and_unknown_gender_warns() -> None:
    mapped = study(ctis(sexe=None, participants_sexe="Homme"))
    assert characteristics(mapped.group, "grp-gender") == []
    mapped = study(dm(participants_sexe="Homme,Licorne"))
    (char,) = characteristics(mapped.group, "grp-gender")
    assert [c["code"] for c in char["valueCodeableConcept"]["coding"]] == ["male"]
    assert any(w.startswith("gender:") for w in mapped.warnings)  # no code-less coding (SRC-4)


# --- MAP-11: ages --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "ranges"),
    [
        ("18-64 ans, 65+ ans", [(18, 64), (65, None)]),
        ("0-17 ans", [(0, 17)]),
        ("In Utero, 0-17 ans", [(0, 17)]),  # deduplicated
        ("65+ ans,18-64 ans", [(65, None), (18, 64)]),  # "," separator too
    ],
)
def test_age_bands(value: str, ranges: list[tuple[int, int | None]]) -> None:
    chars = characteristics(study(dm(participants_tranches_age=value)).group, "grp-age")
    expected = [
        {"low": _years(lo)} if hi is None else {"low": _years(lo), "high": _years(hi)}
        for lo, hi in ranges
    ]
    assert [c["valueRange"] for c in chars] == expected
    assert all(c["code"]["coding"] == [_kind("grp-age", "Age (Age)")] for c in chars)


def test_ctis_ages_and_unknown_band() -> None:
    mapped = study(ctis(tranches_age="0-17 years, Elderly (>= 65 years), Newborns"))
    ranges = [c["valueRange"] for c in characteristics(mapped.group, "grp-age")]
    assert ranges == [{"low": _years(0), "high": _years(17)}, {"low": _years(65)}]
    assert any(w.startswith("age:") for w in mapped.warnings)


# --- MAP-12: subject group -----------------------------------------------------------------------
def test_subject_group_r6() -> None:
    (char,) = characteristics(study(dm()).group, "grp-category")
    assert char == {
        "code": {
            "coding": [
                _kind("grp-category", "Research Study Group Category (Catégorie du groupe d'étude)")
            ]
        },
        "valueCodeableConcept": {"coding": [{"display": "Patient"}], "text": "Patient"},
        "exclude": False,
    }
    for sentinel in ("Données non disponible", "Données non disponibles", "Donnée non disponible"):
        assert characteristics(study(ctis(groupes_sujet=sentinel)).group, "grp-category") == []
    (char,) = characteristics(study(ctis(groupes_sujet="Patients")).group, "grp-category")
    assert char["valueCodeableConcept"]["coding"][0]["display"] == "Patients"


# --- MAP-13: population --------------------------------------------------------------------------
def test_ctis_population() -> None:
    mapped = study(ctis(population_recrutement="Pregnant women, Minors, Nursing women"))
    (char,) = characteristics(mapped.group, "grp-studypop")
    assert char["code"]["coding"] == [
        _kind("grp-studypop", "Study Population (Population de l'étude)")
    ]
    assert [(c["system"], c["code"]) for c in char["valueCodeableConcept"]["coding"]] == [
        (POP, "pregnant"),
        (POP, "minors"),
        (POP, "nursing"),
    ]
    assert char["exclude"] is False


def test_ctis_unknown_population_warns_not_codeless() -> None:
    mapped = study(ctis(population_recrutement="Healthy volunteers"))
    assert characteristics(mapped.group, "grp-studypop") == []
    assert any(w.startswith("population:") for w in mapped.warnings)


@pytest.mark.parametrize(
    ("flag", "exclude"),
    [(True, True), (False, False), ("false", False), ("true", True), ("Non", False)],
)
def test_riph_vulnerable_population(flag: object, exclude: bool) -> None:
    (char,) = characteristics(
        study(jarde(participants_population_vulnerable=flag)).group, "grp-studypop"
    )
    assert char["valueCodeableConcept"]["coding"] == [
        {"system": POP, "code": "other", "display": "Other (Autres)", "version": "0.3.1"}
    ]
    assert char["exclude"] is exclude  # "false" is false (the reference made it exclude: true)


def test_riph_vulnerable_null_or_garbage_is_not_excluded() -> None:
    """Null is falsy (MAP-13): one characteristic with ``exclude: false``; so is garbage."""
    (null,) = characteristics(study(jarde()).group, "grp-studypop")
    assert null["exclude"] is False
    mapped = study(jarde(participants_population_vulnerable="peut-être"))
    (garbage,) = characteristics(mapped.group, "grp-studypop")
    assert garbage["exclude"] is False
    assert any(w.startswith("population:") for w in mapped.warnings)


# --- MAP-14 / RES-6: criteria --------------------------------------------------------------------
def test_criteria_r6() -> None:
    group = study(
        ctis(
            criteres_jugement=[
                {"titre": "Response rate at week 24", "type": "PRINCIPAL"},
                {"titre": "Survie", "type": "SECONDAIRE"},
            ]
        )
    ).group
    others = characteristics(group, "grp-other")
    assert others[0] == {
        "code": {"coding": [_kind("grp-other", "Other (Autre)")], "text": "eligibility-criteria"},
        "valueCodeableConcept": {
            "coding": [{"display": "Adults with fictive carcinoma"}],
            "text": "Adults with fictive carcinoma",
        },
        "exclude": False,
    }
    summary = [(c["code"]["text"], c["valueCodeableConcept"]["text"], c["exclude"]) for c in others]
    assert summary == [
        ("eligibility-criteria", "Adults with fictive carcinoma", False),
        ("eligibility-criteria", "Prior examplumab", True),
        ("judgement-criteria", "Response rate at week 24", False),
        ("judgement-criteria", "Survie", True),
    ]
    assert all("description" not in c["valueCodeableConcept"] for c in others)  # not R4


def test_placeholder_and_partial_criteria() -> None:
    mapped = study(
        dm(
            criteres_eligibilite=[
                {"titre": None, "type": None},  # common placeholder: silent
                {"titre": "Sans type", "type": None},
                {"titre": "Type inconnu", "type": "AUTRE"},
                "pas un objet",
                {"titre": "Âge &gt; 18 ans", "type": "inclusion"},
            ]
        )
    )
    others = characteristics(mapped.group, "grp-other")
    assert [(c["valueCodeableConcept"]["text"], c["exclude"]) for c in others] == [
        ("Âge > 18 ans", False),
        ("Complications à 30 jours", False),
    ]
    assert sum(w.startswith("criteria:") for w in mapped.warnings) == 3


@pytest.mark.parametrize("value", [None, "absent", {"titre": "x"}])
def test_null_absent_or_wrong_criteria_arrays(value: object) -> None:
    record = dm()
    if value == "absent":
        del record["criteres_eligibilite"]
        del record["criteres_jugement"]
    else:
        record["criteres_eligibilite"] = value
        record["criteres_jugement"] = value
    mapped = study(record)  # the reference crashed on null or absent arrays (SRC-4)
    assert characteristics(mapped.group, "grp-other") == []
