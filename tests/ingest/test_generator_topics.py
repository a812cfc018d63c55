"""Each synthetic study is about one disease: title, condition, MedDRA codes and area agree.

The disease a study was drawn from is read from ``study_topics.ndjson`` (the generator's
ground truth for the relevance benchmark); the checks below compare it with what the export
says, so a title about one disease with the codes of another fails.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from eclaire_core.meddra import MeddraTable
from ingest.generator import generate
from ingest.generator.prose import bare
from ingest.generator.topics import DISEASES, MEDDRA_LABELS

FILES = {
    "export_eclaire_ctis.json": ("numero_ctis", "titre"),
    "export_eclaire_dm-dmdiv.json": ("numero_national", "titre_recherche"),
    "export_eclaire_jarde.json": ("numero_national", "titre_recherche"),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("topics")
    generate(directory, scale=3000)
    return directory


def _topics(directory: Path) -> dict[str, str]:
    lines = (directory / "study_topics.ndjson").read_text("utf-8").splitlines()
    return {row["id"]: row["disease"] for row in map(json.loads, lines)}


def _records(directory: Path) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for name, (key, title) in FILES.items():
        for record in json.loads((directory / name).read_text("utf-8")):
            if record["publication_eclaire"] == "autorisé" and record["etat"] != "RAPATRIEE_CTIS":
                out.append((record[key], html.unescape(html.unescape(record[title])), record))
    return out


def test_every_published_study_has_one_disease(generated: Path) -> None:
    topics = _topics(generated)
    records = _records(generated)
    assert {number for number, _, _ in records} == set(topics)
    assert set(topics.values()) <= set(DISEASES)
    spread = Counter(topics.values())
    assert len(spread) == len(DISEASES)  # every disease is used at this scale


def test_titles_name_the_disease_in_the_source_language(generated: Path) -> None:
    topics = _topics(generated)
    for number, title, record in _records(generated):
        topic, disease = DISEASES[topics[number]]
        names = disease.en if "titre" in record else [bare(n) for n in disease.fr]
        lowered = title.lower()
        assert any(n.lower() in lowered for n in names), (title, disease.key)
        area = record["domaine_therapeutique"]
        assert area in (None, topic.ctis_area if "titre" in record else topic.riph_area)


def test_ctis_meddra_codes_are_the_disease_s_with_french_labels(generated: Path) -> None:
    topics = _topics(generated)
    table = MeddraTable.load()
    seen = 0
    for number, _, record in _records(generated):
        if "titre" not in record or not record["informations_meddra"]:
            continue
        _, disease = DISEASES[topics[number]]
        codes = set(record["informations_meddra"].split(", ")) - {"10099999"}
        assert codes <= set(disease.codes), (number, codes, disease.key)
        for code in codes:
            assert table.label(code) == MEDDRA_LABELS[code] in disease.meddra
        seen += 1
    assert seen > 100


def test_the_sample_llt_table_carries_every_topic_label() -> None:
    table = MeddraTable.load()
    assert MEDDRA_LABELS and all(table.label(c) == label for c, label in MEDDRA_LABELS.items())
    keys = [d.key for _, d in DISEASES.values()]
    assert len(keys) == len(set(keys))
