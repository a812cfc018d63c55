"""Every resource type from a varied set of records passes fhir.resources (R4B) validation,
and whatever a record holds, mapping either rejects it or produces valid resources."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_mapping_samples import (
    CTIS_EXAMPLE,
    DM_EXAMPLE,
    JARDE_EXAMPLE,
    ctis,
    dm,
    full,
    jarde,
    run,
    study,
)

from ingest.mapping import ASSIGNER_ORGANIZATIONS, MappedStudy, RecordRejected
from ingest.mapping.validation import validate, validate_resource

VARIED = [
    ctis(),
    full(ctis()),
    ctis(
        intervention_faible="Yes",
        phase_recherche="Phase III and phase IV (Integrated)",
        population_recrutement="Minors, Pregnant women",
        tranches_age="0-17 years",
        numero_isrctn="ISRCTN99990001",
        contact_public_telephone=123456,
        resume="Résumé &amp;amp; <br> détails",
        date_fin_recrutement="2026-01-31",
        sites_investigateurs=[None, {"organisme": "Site", "telephone": 3312345678}],
    ),
    dm(),
    full(dm(reglementation_code="REG746", qualification="EP-Cas 2")),
    dm(
        participants_population_vulnerable=True,
        taille_etude=None,
        duree_participation=6,
        date_debut_recrutement="2024-01-01T00:00:00",
        statut_recrutement="Recrutement fermé",
    ),
    jarde(),
    full(
        jarde(
            qualification_recherche="Dérogation à l\u2019obligation d\u2019information",
            participants_sexe="Femme",
            participants_tranches_age="In utero",
        )
    ),
]


@pytest.mark.parametrize("record", VARIED)
def test_varied_records_validate(record: dict[str, Any]) -> None:
    mapped = study(record)
    validate(mapped)
    kinds = {r["resourceType"] for r in mapped.resources()}
    assert {"ResearchStudy", "Group"} <= kinds


def test_all_four_resource_types_are_covered() -> None:
    kinds = {r["resourceType"] for rec in VARIED for r in study(rec).resources()}
    assert kinds == {"ResearchStudy", "Group", "Location", "Organization"}
    for org in ASSIGNER_ORGANIZATIONS.values():
        validate_resource(org)


def _broken(mapped: MappedStudy, **changes: Any) -> MappedStudy:
    return dataclasses.replace(mapped, **changes)


def test_validation_rejects_invalid_resources() -> None:
    mapped = study(ctis())
    group = copy.deepcopy(mapped.group)
    del group["characteristic"][0]["exclude"]
    with pytest.raises(RecordRejected, match="Group/2024-590001-12-00-enrollment-group") as info:
        validate(_broken(mapped, group=group))
    assert info.value.kind == "invalid"

    rs = copy.deepcopy(mapped.research_study)
    rs["text"]["div"] = "<div xmlns='http://www.w3.org/1999/xhtml'><p>unclosed</div>"
    with pytest.raises(RecordRejected, match="well-formed"):
        validate(_broken(mapped, research_study=rs))

    rs = copy.deepcopy(mapped.research_study)
    rs["status"] = 12
    with pytest.raises(RecordRejected, match="status"):
        validate(_broken(mapped, research_study=rs))

    rs = copy.deepcopy(mapped.research_study)
    del rs["identifier"][1]["use"]
    with pytest.raises(RecordRejected, match="identifier without use"):
        validate(_broken(mapped, research_study=rs))

    loc = copy.deepcopy(mapped.locations[0])
    del loc["meta"]
    with pytest.raises(RecordRejected, match=r"meta\.profile"):
        validate(_broken(mapped, locations=[loc]))


# --- property: any record → RecordRejected or valid resources ------------------------------------
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
JUNK = st.one_of(
    st.none(),
    TEXT,
    st.integers(-5, 10**12),
    st.floats(allow_nan=False),
    st.booleans(),
    st.just("Données non disponible"),
    st.just("&amp;#39;"),
    st.just("30/06/2022"),
    st.just("2024-13-45"),
    st.just(""),
    st.lists(TEXT, max_size=2),
    st.dictionaries(st.sampled_from(["titre", "type", "organisme"]), TEXT, max_size=3),
    st.lists(
        st.dictionaries(
            st.sampled_from(["titre", "type", "organisme", "ville", "nom"]),
            st.one_of(st.none(), TEXT),
            max_size=4,
        ),
        max_size=3,
    ),
)
BASES = [full(CTIS_EXAMPLE), full(DM_EXAMPLE), full(JARDE_EXAMPLE)]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(BASES)))
    keys = draw(st.lists(st.sampled_from(sorted(record)), max_size=8, unique=True))
    for key in keys:
        if draw(st.booleans()) and key not in ("reglementation_code",):
            record[key] = draw(JUNK)
        else:
            del record[key]
    return record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_any_record_is_rejected_or_valid(record: dict[str, Any]) -> None:
    try:
        result = run(record) if record.get("reglementation_code") else None
    except RecordRejected:
        return
    if isinstance(result, MappedStudy):
        validate(result)
