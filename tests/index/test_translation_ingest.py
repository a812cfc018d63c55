"""CTIS translation at ingest against the real node and the project's DeepL-compatible server.

Done-when of issue 14 item 1: titles come out in French with the English original in a
``translation`` extension; a second ingest of unchanged data sends 0 characters; an exhausted
quota leaves a complete load with the untranslated rest counted (and translated next run).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deepl_server import FakeDeepL, fake_translate
from opensearchpy import OpenSearch
from starlette.testclient import TestClient
from studies_fixture import alias_settings, ctis_record, drop_alias, jarde_records

from eclaire_core import ig_constants as ig
from eclaire_core import stored
from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from ingest.pipeline import IngestResult, run_ingest
from ingest.translation import NO_KEY
from ingest.translation_slots import original

KEY = "test-key:fx"
CTIS = 60
JARDE = 5
TEXTS_PER_STUDY = 7  # title, condition, therapeutic area, summary, 2 eligibility, 1 outcome


def ctis_records() -> list[dict[str, Any]]:
    records = []
    for i in range(CTIS):
        record = ctis_record(i, "EN_COURS")
        record.update(
            titre=f"A PHASE III STUDY OF DRUG-{i:03d} IN ADULTS WITH BREAST CANCER",
            resume=f"A pilot study of drug {i}.<br>Follow-up of 6 months.",
            domaine_therapeutique="Diseases [C] - Neoplasms [C04]",
            criteres_eligibilite=[
                {"titre": f"Adults with breast cancer, cohort {i}", "type": "INCLUSION"},
                {"titre": "Pregnancy", "type": "EXCLUSION"},
            ],
            criteres_jugement=[{"titre": "Overall survival at 3 years", "type": "PRINCIPAL"}],
        )
        records.append(record)
    return records


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    directory = tmp_path / "in"
    directory.mkdir()
    paths = []
    for name, records in (("ctis", ctis_records()), ("jarde", jarde_records(range(JARDE)))):
        path = directory / f"export_eclaire_{name}.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def server() -> Iterator[FakeDeepL]:
    with FakeDeepL(KEY) as fake:
        yield fake


@pytest.fixture
def make_settings(opensearch_url: str, tmp_path: Path) -> Iterator[Any]:
    made: list[Settings] = []

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "validation": "none",
            "keep_indices": 1,
            "translation_memory_index": f"test-tm-{uuid.uuid4().hex[:8]}",
            **overrides,
        }
        settings: Settings = alias_settings(opensearch_url, "tr", tmp_path / "var", **values)
        made.append(settings)
        return settings

    yield make
    for settings in made:
        drop_alias(settings)
        client = sync_client(settings)
        client.indices.delete(index=settings.translation_memory_index, ignore_unavailable=True)
        client.close()


@pytest.fixture
def client(opensearch_url: str) -> Iterator[OpenSearch]:
    client = sync_client(Settings(opensearch_url=opensearch_url))
    yield client
    client.close()


def documents(client: OpenSearch, alias: str) -> dict[str, dict[str, Any]]:
    response = client.search(index=alias, body={"size": 1000, "query": {"match_all": {}}})
    return {hit["_id"]: stored.decoded(hit["_source"]) for hit in response["hits"]["hits"]}


def assert_complete(result: IngestResult) -> None:
    assert result.ok and result.load.failed == 0 and result.load.index
    assert result.mapping.mapped == CTIS + JARDE


def test_ctis_texts_are_served_in_french_and_paid_for_once(
    make_settings: Any, server: FakeDeepL, client: OpenSearch, exports: list[Path]
) -> None:
    settings = make_settings(deepl_auth_key=KEY, deepl_server_url=server.url)
    first = run_ingest(exports, settings, "full")
    assert_complete(first)
    t = first.translation
    assert (t.enabled, t.stopped, t.untranslated, t.from_memory) == (True, None, 0, 0)
    assert (t.studies, t.studies_translated) == (CTIS, CTIS)
    assert t.texts == t.translated == CTIS * TEXTS_PER_STUDY
    # batched: several texts per request, never more than DeepL's 50; shared texts sent once
    assert server.counters.requests == t.requests < CTIS
    assert max(server.counters.texts) == 50 and min(server.counters.texts) > 1
    assert server.counters.characters_received == t.characters_sent > 0
    # summaries are markdown once mapped (their <br> became blank lines): no text holds a tag
    assert not any(body.get("tag_handling") == "html" for body in server.counters.bodies)
    # distinct: a title, summary and inclusion criterion per study, 4 texts shared by all
    assert t.texts_sent == 3 * CTIS + 4
    client.indices.refresh(index=settings.translation_memory_index)
    assert client.count(index=settings.translation_memory_index)["count"] == t.texts_sent
    assert all(body.get("source_lang") == "EN" for body in server.counters.bodies)

    docs = documents(client, settings.index_alias)
    study = docs["2024-590007-12-00"]
    rs = study["resource"]
    english = "A PHASE III STUDY OF DRUG-007 IN ADULTS WITH BREAST CANCER"
    assert rs["title"] == fake_translate(english)
    assert rs["title"].startswith("[FR] une étude de phase III de drug-007")
    assert original(rs, "title") == english
    assert original(rs["condition"][0], "text") == "Breast cancer"
    summary = next(e for e in rs["extension"] if e["url"] == ig.EXT_DESCRIPTION_SUMMARY_R5)
    assert (
        original(summary, "valueMarkdown") == "A pilot study of drug 7.\n\nFollow-up of 6 months."
    )
    criteria = [
        c["valueCodeableConcept"]
        for c in study["group"]["characteristic"]
        if c["code"]["coding"][0]["code"] == "grp-other"
    ]
    assert [c["text"] for c in criteria] == [
        fake_translate("Adults with breast cancer, cohort 7"),
        fake_translate("Pregnancy"),
        fake_translate("Overall survival at 3 years"),
    ]
    assert study["title"] == rs["title"] and study["title_en"] == english
    assert "Overall survival at 3 years" in study["content_en"]
    assert fake_translate("Pregnancy") in study["criteria_text"]
    riph = docs["2020-A00001-01"]
    assert "_title" not in riph["resource"] and riph["title_en"] is None

    # The API serves the French text with the original; both languages are searchable.
    with TestClient(create_app(settings)) as api:
        served = api.get("/R4/ResearchStudy/2024-590007-12-00").json()
    assert served["title"] == rs["title"] and original(served, "title") == english

    def count(field: str, text: str) -> int:
        # The field's index analyzer: French fields search with synonyms too (french_search).
        analyzer = "english_text" if field.endswith("_en") else "french_text"
        query = {"query": text, "operator": "and", "analyzer": analyzer}
        body = {"query": {"match": {field: query}}}
        return int(client.count(index=settings.index_alias, body=body)["count"])

    assert count("title_en", "studies adult") == CTIS  # English stemming on the original
    assert count("title", "cancer du sein") == CTIS  # French analysis on the French text
    assert count("content_en", "pregnancies") == CTIS
    assert count("title_en", "sein") == 0

    # A second run on unchanged data: everything from memory, nothing sent, nothing changed.
    for mode in ("incremental", "full"):
        server.reset_counters()
        again = run_ingest(exports, settings, mode)
        assert_complete(again)
        assert (server.counters.requests, server.counters.characters_received) == (0, 0)
        a = again.translation
        assert (a.from_memory, a.translated, a.characters_sent, a.requests) == (t.texts, 0, 0, 0)
        assert again.load.unchanged == CTIS + JARDE and again.load.updated == 0


def test_exhausted_quota_leaves_a_complete_load_and_the_rest_is_translated_next_run(
    make_settings: Any, server: FakeDeepL, client: OpenSearch, exports: list[Path]
) -> None:
    settings = make_settings(deepl_auth_key=KEY, deepl_server_url=server.url)
    server.quota = 1  # exhausted from the start
    empty = run_ingest(exports, settings, "full")
    assert_complete(empty)
    e = empty.translation
    assert (e.stopped, e.translated, e.untranslated) == ("quota-exhausted", 0, e.texts)
    assert server.counters.rejected == {456: 1}  # stopped at the first refusal
    docs = documents(client, settings.index_alias)
    assert len(docs) == CTIS + JARDE
    assert docs["2024-590003-12-00"]["resource"]["title"].startswith("A PHASE III STUDY")

    # Quota for exactly one request: a partial translation, still a complete load.
    server.quota = server.used + server.counters.sizes[0]
    partial = run_ingest(exports, settings, "incremental")
    assert_complete(partial)
    p = partial.translation
    assert p.stopped == "quota-exhausted"
    assert 0 < p.translated < p.texts and p.untranslated == p.texts - p.translated
    assert server.counters.rejected == {456: 2}
    assert 0 < partial.load.updated <= CTIS and p.studies_translated < CTIS

    # Next run with quota again: memory for what was paid, DeepL for the rest only.
    server.quota = 10_000_000
    sent_before = server.counters.characters_billed
    server.reset_counters()
    rest = run_ingest(exports, settings, "incremental")
    r = rest.translation
    assert (r.stopped, r.untranslated, r.from_memory) == (None, 0, p.translated)
    assert r.translated == p.untranslated
    assert server.counters.characters_received == r.characters_sent
    assert sent_before > 0 and server.counters.characters_billed > 0
    docs = documents(client, settings.index_alias)
    assert all(original(d["resource"], "title") for d in docs.values() if d["source"] == "ctis")


def test_throttling_and_server_errors_are_retried_with_backoff(
    make_settings: Any, server: FakeDeepL, exports: list[Path]
) -> None:
    settings = make_settings(deepl_auth_key=KEY, deepl_server_url=server.url)
    server.fail_next = [429, 503]
    result = run_ingest(exports, settings, "full")
    assert_complete(result)
    assert server.counters.rejected == {429: 1, 503: 1}
    assert (result.translation.stopped, result.translation.untranslated) == (None, 0)


def test_the_character_budget_stops_sending(
    make_settings: Any, server: FakeDeepL, exports: list[Path]
) -> None:
    settings = make_settings(
        deepl_auth_key=KEY, deepl_server_url=server.url, deepl_char_budget=1500
    )
    result = run_ingest(exports, settings, "full")
    assert_complete(result)
    t = result.translation
    assert t.stopped == "budget-reached"
    assert 0 < server.counters.characters_received == t.characters_sent <= 1500
    assert t.untranslated > 0 and t.translated > 0


def test_a_refused_key_costs_the_translation_not_the_load(
    make_settings: Any, server: FakeDeepL, exports: list[Path]
) -> None:
    settings = make_settings(deepl_auth_key="wrong-key", deepl_server_url=server.url)
    result = run_ingest(exports, settings, "full")
    assert_complete(result)
    assert result.translation.stopped == "authorization-failed"
    assert server.counters.rejected == {403: 1}


def test_without_a_key_nothing_is_translated_and_the_summary_says_so(
    make_settings: Any, client: OpenSearch, exports: list[Path]
) -> None:
    settings = make_settings()
    result = run_ingest(exports, settings, "full")
    assert_complete(result)
    assert result.translation.to_dict()["enabled"] is False
    assert result.to_dict()["translation"]["note"] == NO_KEY
    assert not client.indices.exists(index=settings.translation_memory_index)
    doc = documents(client, settings.index_alias)["2024-590003-12-00"]
    assert doc["title"] == doc["title_en"]  # CTIS: the English text, English-analysed too
    assert doc["title_en"].startswith("A PHASE III STUDY")


def test_a_glossary_is_sent_and_is_part_of_the_memory_key(
    make_settings: Any, server: FakeDeepL, exports: list[Path]
) -> None:
    plain = make_settings(deepl_auth_key=KEY, deepl_server_url=server.url)
    first = run_ingest(exports, plain, "full").translation
    with_glossary = plain.model_copy(update={"deepl_glossary_id": "gloss-42"})
    server.reset_counters()
    second = run_ingest(exports, with_glossary, "full").translation
    # Same texts, same memory index, another glossary: nothing reused, everything re-sent.
    assert (second.from_memory, second.translated) == (0, first.translated)
    assert server.counters.characters_received == first.characters_sent
    assert {body.get("glossary_id") for body in server.counters.bodies} == {"gloss-42"}
