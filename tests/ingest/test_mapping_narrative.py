"""Narratives (RES-11): raw source on the ResearchStudy, escaped and without nulls; short
generated narratives on Group, Location and Organization."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ingest_mapping_samples import ctis, dm, full, study

NS = "{http://www.w3.org/1999/xhtml}"


def _items(div: str) -> list[str]:
    items = ET.fromstring(div).find(f"{NS}ul")
    assert items is not None
    return ["".join(li.itertext()) for li in items]


def test_raw_source_narrative_keys_in_reference_order() -> None:
    text = study(full(ctis())).research_study["text"]
    assert text["status"] == "additional"
    root = ET.fromstring(text["div"])
    assert root.tag == f"{NS}div"
    assert root.find(f"{NS}h2").text == "Données reçues avant modélisation FHIR"  # type: ignore[union-attr]
    keys = [item.split(":")[0] for item in _items(text["div"])]
    assert keys[:6] == [
        "reglementation_code",
        "precision_reglementation",
        "etat",
        "organisme_nom",
        "organisme_pays",
        "organisme_ville",
    ]
    assert keys.index("sites") < keys.index("numero_primaire") < keys.index("titre")
    assert keys[-1] == "statut_recrutement"


def test_nulls_omitted_and_values_escaped() -> None:
    record = full(dm(titre_recherche="A <b>&</b> B", resume="x < y"))
    div = study(record).research_study["text"]["div"]
    assert "null" not in div
    assert "A &lt;b&gt;&amp;&lt;/b&gt; B" in div
    assert "resume: x &lt; y" in div
    items = _items(div)
    assert "titre: A <b>&</b> B" in items  # the text a reader sees is the source text
    assert not any(i.startswith("date_debut_recrutement") for i in items)


def test_riph_submitter_under_organisme_keys_and_fallback_date() -> None:
    items = _items(study(dm()).research_study["text"]["div"])
    assert "organisme_nom: CHU d'Exempleville" in items
    assert "contact_courriel: depot@example.org" in items
    assert "date_theorique_maximale_autorisation_cpp: 2023-08-12" in items
    assert "population_vulnerable: false" in items


def test_control_characters_do_not_break_the_xhtml() -> None:
    div = study(dm(titre_recherche="Titre\x01 avec\x0b contrôle")).research_study["text"]["div"]
    ET.fromstring(div)


def test_group_location_organization_narratives_are_their_own() -> None:
    mapped = study(ctis())
    for resource in [mapped.group, *mapped.locations, *mapped.organizations]:
        assert resource["text"]["status"] == "generated"
        assert "Données reçues" not in resource["text"]["div"]
        ET.fromstring(resource["text"]["div"])
    assert "Critère d'inclusion : Adults with fictive carcinoma" in _items(
        mapped.group["text"]["div"]
    )
