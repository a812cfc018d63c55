"""Every raw source field is mapped or kept in the narrative (issue 13 Deliver 5, RES-11).

Key by key of each export's schema (``ingest/generator/schema.py``), the field is given a value
no other field has; the study is mapped, and that value must appear in some resource — an
element or the ResearchStudy's "Données reçues avant modélisation FHIR" narrative. A boolean
or number cannot be told apart that way, so its two values must give different resources.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from ingest_mapping_samples import ctis, dm, full, jarde, study

from ingest.generator.schema import SCHEMA, SITE_KEYS, FileKey

GATES = {"publication_eclaire": "only published studies exist (RES-1): its landing is the study"}
BASE = {"ctis": ctis, "dm": dm, "jarde": jarde}
_IDS = {"numero_ctis", "numero_national", "reglementation_code", "etat"}
_NUMBERS = {"taille_etude": (4321, 4322)}
_BOOLEANS = {"is_mandataire", "participants_population_vulnerable"}
_FORMATTED = {
    "numero_nct": "NCT09876543",
    "numero_isrctn": "ISRCTN98765432",
    "numero_utn": "U1111-9876-5432",
    "historique": "2030-01-02:En cours",
    "dates_avis_favorable_ms_mns": "99.99999.999999-SM-9:2030-03-04",
    "duree_participation": "37",
}


def _marker(key: str, index: int) -> Any:
    if key in _FORMATTED:
        return _FORMATTED[key]
    if "date" in key:
        return f"2031-{1 + index % 12:02d}-{1 + index % 28:02d}"
    return f"zq{key.replace('_', '')}zq"


def _dump(record: dict[str, Any]) -> str:
    return orjson.dumps(study(record).resources()).decode()


def _cases() -> list[tuple[FileKey, str, int]]:
    return [(file, key, i) for file in SCHEMA for i, key in enumerate(SCHEMA[file])]


@pytest.mark.parametrize(("file", "key", "index"), _cases())
def test_each_source_field_lands_somewhere(file: FileKey, key: str, index: int) -> None:
    record = full(BASE[file]())
    if key in GATES:
        return
    if key in _IDS:
        assert str(record[key]) in _dump(record), key
        return
    if key in _NUMBERS or key in _BOOLEANS:
        one, other = _NUMBERS.get(key, (True, False))
        assert _dump({**record, key: one}) != _dump({**record, key: other}), key
        return
    marker = _marker(key, index)
    if key == "sites_investigateurs":
        value: Any = [dict.fromkeys(SITE_KEYS[file]) | {"organisme": marker, "ville": "Lyon"}]
    elif key in ("criteres_eligibilite", "criteres_jugement"):
        kind = "inclusion" if key == "criteres_eligibilite" else "principal"
        value = [{"titre": marker, "type": kind}]
    else:
        value = marker
    assert str(marker) in _dump({**record, key: value}), f"{file}.{key} lands nowhere"


def test_the_fields_the_issue_lists_are_in_the_narrative() -> None:
    """DM/JARDE and CTIS fields the reference's row list forgot (issue 13)."""
    riph = {
        "date_soumission": "2023-02-01",
        "numero": "23.00012.000034",
        "is_mandataire": False,
        "recherche_ancillaire_ou_extension": "Non",
        "investigateur": "Dr Fictif",
        "date_creation_etude": "2023-01-15",
        "date_previsionnelle_fin_etude": "2026-12-31",
    }
    narrative = study(full(jarde(**riph, type_promoteur="Académique"))).research_study["text"]
    for key, value in {**riph, "type_promoteur": "Académique"}.items():
        shown = "false" if value is False else value
        assert f"<li>{key}: {shown}</li>" in narrative["div"], key
    dm_div = study(full(dm(deposant_promoteur="Oui"))).research_study["text"]["div"]
    assert "<li>deposant_promoteur: Oui</li>" in dm_div
    fields = {"date_fin_etude": "2027-06-30", "portee_recherche": "National", "etude_id": "E-77"}
    ctis_div = study(full(ctis(**fields))).research_study["text"]["div"]
    for key, value in fields.items():
        assert f"<li>{key}: {value}</li>" in ctis_div, key
