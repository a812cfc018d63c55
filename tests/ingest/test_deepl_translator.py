"""The DeepL adapter against the project's DeepL-compatible server (the service is not
reachable from here): requests as DeepL expects them, failures as TranslationUnavailable."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from deepl_server import MARKER, FakeDeepL, fake_translate

from ingest.deepl_translator import DeepLTranslator
from ingest.translation import TranslationUnavailable

KEY = "unit-key:fx"


@pytest.fixture
def server() -> Iterator[FakeDeepL]:
    with FakeDeepL(KEY, quota=100) as fake:
        yield fake


def test_a_batch_is_one_request_with_the_reference_options(server: FakeDeepL) -> None:
    translator = DeepLTranslator(KEY, server_url=server.url, glossary_id="g-1")
    assert translator.translate(["Breast cancer", "Adults"]) == [
        fake_translate("Breast cancer"),
        fake_translate("Adults"),
    ]
    assert translator.translate(["<p>Study</p>"], html=True) == [MARKER + "<p>étude</p>"]
    first, second = server.counters.bodies
    assert first["target_lang"] == "FR" and first["source_lang"] == "EN"
    assert first["formality"] == "prefer_more" and first["glossary_id"] == "g-1"
    assert "tag_handling" not in first and second["tag_handling"] == "html"
    assert server.counters.texts == [2, 1] and translator.billed_characters == 13 + 6 + 12
    translator.close()


def test_quota_and_key_failures_stop_the_service_for_the_run(server: FakeDeepL) -> None:
    with pytest.raises(TranslationUnavailable) as refused:
        DeepLTranslator("other", server_url=server.url).translate(["Study"])
    assert refused.value.reason == "authorization-failed"
    translator = DeepLTranslator(KEY, server_url=server.url)
    with pytest.raises(TranslationUnavailable) as exhausted:
        translator.translate(["x" * 101])
    assert exhausted.value.reason == "quota-exhausted"
    assert server.counters.rejected == {403: 1, 456: 1}


def test_the_server_takes_form_bodies_and_reports_usage(server: FakeDeepL) -> None:
    auth = {"Authorization": f"DeepL-Auth-Key {KEY}"}
    content_type = {"Content-Type": "application/x-www-form-urlencoded"}
    form = urlencode([("text", "Lung cancer"), ("text", "Pregnancy"), ("target_lang", "FR")])
    url = f"{server.url}/v2/translate"
    answer = httpx.post(url, content=form, headers=auth | content_type)
    assert answer.status_code == 200
    assert [t["text"] for t in answer.json()["translations"]] == [
        fake_translate("Lung cancer"),
        fake_translate("Pregnancy"),
    ]
    usage = httpx.get(f"{server.url}/v2/usage", headers=auth).json()
    assert usage == {"character_count": 20, "character_limit": 100}
    assert httpx.post(url, content=form, headers=content_type).status_code == 403
