"""Text search on generated data, on the real node: what people type finds what they mean.

A 3,000-study topic-coherent data set is generated and loaded under an alias of its own; the
disease of each study comes from the generator's ``study_topics.ndjson``, so every check below
compares the search with the generator's ground truth, not with a second copy of the rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from studies_fixture import alias_settings, drop_alias

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_core.templates import rules
from eclaire_search.app import create_app
from ingest.generator import generate
from ingest.pipeline import run_ingest

SCALE = 3000
CTIS = "REG536"


class Data:
    def __init__(self, directory: Path, client: TestClient, settings: Settings) -> None:
        lines = (directory / "study_topics.ndjson").read_text("utf-8").splitlines()
        self.disease = {row["id"]: row["disease"] for row in map(json.loads, lines)}
        self.client = client
        self.settings = settings

    def search(self, **params: str) -> dict[str, Any]:
        response = self.client.get("/R4/ResearchStudy", params=params)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def ids(self, **params: str) -> list[str]:
        return [
            e["resource"]["id"]
            for e in self.search(**params).get("entry", [])
            if e["resource"]["resourceType"] == "ResearchStudy"
        ]

    def total(self, **params: str) -> int:
        return int(self.search(**params, _summary="count")["total"])

    def of(self, disease: str, ctis_only: bool = False) -> set[str]:
        studies = {s for s, d in self.disease.items() if d == disease}
        return {s for s in studies if s.count("-") == 3} if ctis_only else studies


@pytest.fixture(scope="module")
def data(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Data]:
    directory = tmp_path_factory.mktemp("relevance")
    generate(directory, scale=SCALE)
    settings = alias_settings(
        opensearch_url, "relevance", tmp_path_factory.mktemp("var"), validation="none"
    )
    result = run_ingest(sorted(directory.glob("export_eclaire_*.json")), settings, "full")
    assert result.ok, result
    try:
        with TestClient(create_app(settings), base_url="http://testserver") as client:
            yield Data(directory, client, settings)
    finally:
        drop_alias(settings)


def entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "ResearchStudy"]


def recruitment(entry: dict[str, Any]) -> str | None:
    for ext in entry["resource"].get("extension", []):
        if "recruitment" in ext["url"].lower() and ext.get("valueCodeableConcept"):
            return str(ext["valueCodeableConcept"]["coding"][0]["code"])
    return None


def test_french_words_find_the_english_ctis_trials(data: Data) -> None:
    breast = data.of("breast-cancer", ctis_only=True)
    assert breast
    found = set(data.ids(_text="cancer du sein", category=CTIS, _count="1000"))
    assert breast <= found  # every CTIS breast-cancer trial, English title and all
    for query, disease in (("maladie de Parkinson", "parkinson"), ("AVC", "stroke")):
        wanted = data.of(disease, ctis_only=True)
        assert wanted <= set(data.ids(_content=query, category=CTIS, _count="1000")), query


@pytest.mark.parametrize(
    ("query", "disease"),
    [
        ("cancer du sein métastatique", "breast-cancer"),
        ("AVC", "stroke"),
        ("alzeimer", "alzheimer"),
        ("douleur chronique", "chronic-pain"),
        ("BPCO", "copd"),
        ("poumons", "lung-cancer"),
        ("mucovicidose", "cystic-fibrosis"),
    ],
)
def test_what_people_type_finds_the_disease_first(data: Data, query: str, disease: str) -> None:
    top = data.ids(_text=query, _count="10")
    assert top, query
    if disease != "lung-cancer":  # "poumons" is about every lung disease
        assert all(data.disease[s] == disease for s in top[:5]), (query, top[:5])
    assert data.of(disease) & set(data.ids(_text=query, _count="1000")), query


def test_or_finds_at_least_each_side(data: Data) -> None:
    either = data.total(_text="cancer OR asthme")
    cancer, asthma = data.total(_text="cancer"), data.total(_text="asthme")
    assert either >= max(cancer, asthma) and cancer > 0 and asthma > 0
    assert data.total(_text="cancer | asthme") == either
    assert data.total(_text="asthme -asthme") == 0


def test_most_words_are_enough_but_all_words_rank_first(data: Data) -> None:
    strict = data.total(_content='"cancer du sein" "métastatique"')
    relaxed = data.total(_content="cancer du sein métastatique")
    assert relaxed > strict > 0
    top = data.ids(_content="cancer du sein métastatique", _count="5")
    assert all(data.disease[s] == "breast-cancer" for s in top)
    phrase = set(data.ids(_content='"cancer du sein"', _count="1000"))
    assert data.of("breast-cancer") <= phrase  # French wording, or English through synonyms
    assert phrase <= data.of("breast-cancer")


def test_typos_only_on_long_words(data: Data) -> None:
    assert data.total(_text="alzeimer") > 0
    assert data.total(_text="alzheimer") >= data.total(_text="alzeimer")
    assert data.total(_text="AVD") == 0  # a short word is never stretched to AVC


def test_condition_text_reaches_meddra_labels_and_synonyms(data: Data) -> None:
    ctis_breast = data.of("breast-cancer", ctis_only=True)
    found = set(data.ids(**{"condition:text": "sein", "_count": "1000"}))
    assert found and found <= {s for s in data.disease if s.count("-") == 3}
    assert ctis_breast & found


def test_disease_queries_show_recruiting_studies_first(data: Data) -> None:
    for query in ("asthme", "maladie de Parkinson", "diabète"):
        bundle = data.search(_text=query, _count="200")
        statuses = [recruitment(e) for e in entries(bundle)]
        assert statuses[:3] == ["recruiting"] * 3, (query, statuses[:10])
        top, rest = statuses[:10], statuses[10:]
        assert top.count("recruiting") / len(top) > rest.count("recruiting") / max(1, len(rest))


def test_sort_by_recruitment_status_puts_joinable_first(data: Data) -> None:
    bundle = data.search(_sort="recruitment-status,-_lastUpdated", _count="50")
    statuses = [recruitment(e) for e in entries(bundle)]
    assert statuses and set(statuses) == {"recruiting"}
    last = data.search(_sort="-recruitment-status", _count="20")
    assert "recruiting" not in [recruitment(e) for e in entries(last)]


def test_the_portal_box_searches_content_in_enrolment_order(data: Data) -> None:
    # Every study ("tous"), not only the recruiting ones the portal shows by default.
    html = data.client.get("/", params={"q": "asthme", "recrutement": "tous"}).text
    tags = re.findall(r'<span class="tag recruitment">([^<]+)</span>', html)
    assert tags[:3] == ["Recrutement ouvert"] * 3, tags
    heading = re.search(r'<h2 id="resultats">\s*([\d\s\u202f\xa0]+)', html)
    assert heading and int(re.sub(r"\D", "", heading.group(1))) == data.total(_content="asthme")
    home = data.client.get("/", params={"recrutement": "tous"}).text
    first = re.findall(r'<span class="tag recruitment">([^<]+)</span>', home)[:10]
    assert first == ["Recrutement ouvert"] * len(first) and first


def test_every_synonym_rule_expands_on_the_node(data: Data) -> None:
    client = sync_client(data.settings)
    try:
        for rule in rules("synonyms_fr.txt"):
            first, second = [part.strip() for part in rule.split(",")][:2]
            expanded = client.indices.analyze(
                index=data.settings.index_alias, body={"analyzer": "french_search", "text": first}
            )
            wanted = client.indices.analyze(
                index=data.settings.index_alias, body={"analyzer": "french_text", "text": second}
            )
            tokens = {t["token"] for t in expanded["tokens"]}
            assert {t["token"] for t in wanted["tokens"]} <= tokens, rule
    finally:
        client.close()
