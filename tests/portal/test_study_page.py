"""The study page, escaping of hostile source text, security headers, and the kind failures
(unknown study, unreachable index) — all through the TestClient.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from portal_samples import HOSTILE_ID, HOSTILE_TITLE
from starlette.testclient import TestClient

from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from eclaire_search.pages.security import DOCS_CSP, PAGE_CSP

CTIS_ID = "2022-500014-26-00"
TEMPLATES = Path(__file__).resolve().parents[2] / "eclaire_search" / "templates"


def test_study_page_tells_a_patient_what_they_need(portal: TestClient) -> None:
    response = portal.get(f"/etude/{CTIS_ID}")
    assert response.status_code == 200
    html = response.text
    resource = portal.get(f"/R4/ResearchStudy/{CTIS_ID}").json()
    assert f"<h1>{resource['title']}</h1>" in html
    for expected in (
        '<span class="tag status">En cours</span>',
        '<span class="tag recruitment">Recrutement ouvert</span>',
        "Essai clinique de médicament (CTIS) · un essai clinique (CTIS)",
        '<span class="tag">Phase 3</span>',
        "<dt>Âge</dt><dd>De 18 à 64 ans ; 65 ans et plus</dd>",
        "<dt>Sexe</dt><dd>Femmes</dd>",
        "<li>Adultes atteints d&#39;insomnie</li>",  # inclusion
        "<li>Grossesse</li>",  # exclusion
        "<h3>Hôpital Saint-Louis</h3>",
        "<p>Claire Martin</p>",
        "75010 Paris",
        "Contact pour les participants",
        '<a href="mailto:contact@example.org">contact@example.org</a>',
        '<a href="tel:0100000002">01\u00a000\u00a000\u00a000\u00a002</a>',  # French grouping
        "<h3>Laboratoire Fictif SA</h3>",
        "<dt>Début du recrutement</dt><dd>1er février 2018</dd>",
        "Fictivose cardiaque aiguë",  # the MedDRA label of the condition
        f'href="http://testserver/R4/ResearchStudy/{CTIS_ID}"',
    ):
        assert expected in html, expected
    inclusion = html.index("Critères d'inclusion")
    exclusion = html.index("Critères d'exclusion")
    assert inclusion < html.index("Adultes atteints") < exclusion < html.index("<li>Grossesse")
    assert "<script" not in html


def test_summary_html_is_sanitised_not_dropped(portal: TestClient) -> None:
    html = portal.get("/etude/2021-A01861-40").text
    assert (
        '<div class="summary"><p>Étude pilote sur l\'hôpital de jour.</p>\n<p>Suivi 6 mois.</p>'
        in html
    )


def test_hostile_title_and_summary_are_harmless(portal: TestClient) -> None:
    resource = portal.get(f"/R4/ResearchStudy/{HOSTILE_ID}").json()
    assert resource["title"] == HOSTILE_TITLE  # the source text really is hostile
    for url in (f"/etude/{HOSTILE_ID}", "/?q=hostile"):
        html = portal.get(url).text
        assert "&lt;script&gt;alert(&#34;titre&#34;)&lt;/script&gt;" in html
        assert "&lt;b&gt;hostile&lt;/b&gt; &amp; &#34;citée&#34;" in html
        for danger in ("<script", "onerror", "onclick", "javascript:", "<img", 'style="'):
            assert danger not in html, (url, danger)
    study = portal.get(f"/etude/{HOSTILE_ID}").text
    # the source HTML became markdown at mapping, rendered back for people (basic tags only)
    assert (
        '<div class="summary"><p>Résumé <strong>important</strong></p>\n<p>lien</p>\n<p>Suite</p>'
        in study
    )
    results = portal.get("/?q=hostile").text
    assert '<p class="snippet">Résumé important lien Suite</p>' in results


def test_unknown_or_malformed_study_is_a_french_404(portal: TestClient) -> None:
    for study_id in ("2099-A00000-00", "<script>", "a" * 80):
        response = portal.get(f"/etude/{study_id}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Étude introuvable" in response.text
        assert "<script>" not in response.text


@pytest.mark.parametrize("url", ["/", "/?age=x", f"/etude/{CTIS_ID}", "/etude/nope"])
def test_pages_carry_security_headers(portal: TestClient, url: str) -> None:
    headers = portal.get(url).headers
    assert headers["content-security-policy"] == PAGE_CSP
    assert "script-src" not in PAGE_CSP and "unsafe" not in PAGE_CSP  # no script at all
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_docs_and_api_answers_get_their_headers(portal: TestClient) -> None:
    docs = portal.get("/docs").headers
    assert docs["content-security-policy"] == DOCS_CSP
    assert "'unsafe-inline'" not in DOCS_CSP and "'unsafe-eval'" not in DOCS_CSP
    api = portal.get("/R4/ResearchStudy", params={"_count": "1"}).headers
    assert api["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in api  # JSON answers are not documents
    exported = portal.get("/api/export.csv", params={"status": "active"})
    assert exported.status_code == 200 and exported.headers["x-content-type-options"] == "nosniff"
    assert exported.text.count("\n") > 10  # still streamed whole through the middleware


def test_templates_have_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert "<style" not in text and " style=" not in text, template.name
        assert "|safe" not in text.replace(" ", ""), template.name  # Markup comes from nh3 only


def test_unreachable_index_is_a_french_503(loaded_settings_down: Settings) -> None:
    with TestClient(create_app(loaded_settings_down)) as client:
        search = client.get("/", params={"q": "sommeil"})
        assert search.status_code == 503
        assert "momentanément indisponible" in search.text
        study = client.get(f"/etude/{CTIS_ID}")
        assert study.status_code == 503
        assert "momentanément indisponible" in study.text


@pytest.fixture
def loaded_settings_down(tmp_path: Path) -> Settings:
    return Settings(opensearch_url="http://127.0.0.1:9", opensearch_timeout=0.5, data_dir=tmp_path)
