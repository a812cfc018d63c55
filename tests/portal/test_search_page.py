"""The search page through the TestClient: every filter gives what the FHIR API gives for the
same search, facets equal /api/facets, paging walks every study once, mistakes are messages.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from portal_samples import HOSTILE_ID
from starlette.testclient import TestClient

from eclaire_search.pages.form import PAGE_SIZE

TOTAL = 41  # the 40 known studies and the hostile one
RESULT_ID = re.compile(r'<p class="number">Numéro : ([^<]+)</p>')
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
PREVIOUS = re.compile(r'<a rel="prev" href="([^"]+)"')


def page_total(html: str) -> int:
    heading = re.search(r'<h2 id="resultats">\s*([^<]+)</h2>', html)
    assert heading, "no results heading"
    text = heading.group(1).strip()
    return 0 if text.startswith("Aucune") else int(text.split()[0])


def fhir_total(api: TestClient, **params: str) -> int:
    response = api.get("/R4/ResearchStudy", params={**params, "_summary": "count"})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def test_home_lists_every_study_with_facets(portal: TestClient) -> None:
    response = portal.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="fr">' in html
    assert page_total(html) == TOTAL
    assert len(RESULT_ID.findall(html)) == PAGE_SIZE
    assert "Résultats 1 à 10 sur 41" in html
    for facet in ("Statut de l&#39;étude", "Type d&#39;étude", "Ville ou département"):
        assert f"<h3>{facet}</h3>" in html
    assert '<a href="/?statut=active">En cours <span class="count">(' in html
    assert "<script" not in html  # the page needs no JavaScript at all


@pytest.mark.parametrize(
    ("form", "fhir"),
    [
        ({"q": "sommeil"}, {"_content": "sommeil"}),
        ({"q": "cœur", "statut": "active"}, {"_content": "cœur", "status": "active"}),
        ({"statut": "approved"}, {"status": "approved"}),
        ({"reglementation": "REG536"}, {"category": "REG536"}),
        (
            {"reglementation": "JARDE", "statut": "withdrawn"},
            {"category": "JARDE", "status": "withdrawn"},
        ),
        ({"phase": "phase-3"}, {"phase": "phase-3"}),
        ({"recrutement": "recruiting"}, {"recruitment-status": "recruiting"}),
        ({"lieu": "Saint-Étienne"}, {"site-city": "Saint-Étienne"}),
        ({"lieu": "saint etienne"}, {"site-city": "Saint-Étienne"}),
        ({"lieu": "42"}, {"site-postal-code": "42"}),
        ({"lieu": "75010"}, {"site-postal-code": "75010"}),
        ({"lieu": "2A"}, {"site-postal-code": "20"}),
        ({"age": "30"}, {"age": "30"}),
        ({"age": "70"}, {"age": "70"}),
        ({"sexe": "male"}, {"gender": "male"}),
        (
            {"q": "sommeil", "lieu": "Lyon", "sexe": "female"},
            {"_content": "sommeil", "site-city": "Lyon", "gender": "female"},
        ),
    ],
)
def test_each_filter_is_the_fhir_search(
    portal: TestClient, form: dict[str, str], fhir: dict[str, str]
) -> None:
    response = portal.get("/", params=form)
    assert response.status_code == 200
    assert page_total(response.text) == fhir_total(portal, **fhir)
    html = unescape(response.text)
    for name, value in form.items():  # the form shows what was asked
        shown = f'name="{name}" value="{value}"' in html
        selected = re.search(rf'id="f-{name}" name="{name}".*?value="{value}" selected', html, re.S)
        assert shown or selected, (name, value)


def test_filters_narrow_and_tags_agree(portal: TestClient) -> None:
    html = portal.get("/", params={"reglementation": "REG536"}).text
    assert page_total(html) == 8
    assert html.count('<span class="tag">Essai clinique de médicament (CTIS)</span>') == 8
    html = portal.get("/", params={"statut": "active", "lieu": "Lyon"}).text
    statuses = re.findall(r'<span class="tag status">([^<]+)</span>', html)
    assert statuses and set(statuses) == {"En cours"}
    assert all("Lyon" in w for w in re.findall(r'<p class="where">(.*?)</p>', html))


def test_facets_are_the_api_facets(portal: TestClient) -> None:
    html = portal.get("/", params={"q": "sommeil"}).text
    counts = portal.get(
        "/api/facets", params={"fields": "status,site-city", "_content": "sommeil"}
    ).json()
    for bucket in counts["status"]:
        link = f'<a href="/?q=sommeil&amp;statut={bucket["value"]}">'
        assert link in html
        after = html[html.index(link) :]
        assert f'<span class="count">({bucket["count"]})</span>' in after.split("</a>")[0]
    for bucket in counts["site-city"]:
        assert f'{bucket["value"]} <span class="count">({bucket["count"]})</span>' in html


def test_a_selected_facet_is_marked_and_can_be_removed(portal: TestClient) -> None:
    html = portal.get("/", params={"statut": "active", "q": "sommeil"}).text
    active = fhir_total(portal, _content="sommeil", status="active")
    assert 0 < active < TOTAL
    assert f'<strong aria-current="true">En cours ({active})</strong>' in html
    assert '<a class="clear" href="/?q=sommeil">Retirer ce filtre' in html


def test_paging_by_bundle_links_reaches_every_study_once(portal: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/"
    pages = 0
    while url:
        html = portal.get(unescape(url)).text
        pages += 1
        ids = RESULT_ID.findall(html)
        assert ids, f"empty page {pages}"
        seen += ids
        if pages == 2:
            previous = PREVIOUS.search(html)
            assert previous and unescape(previous.group(1)) == "/"
            assert "Résultats 11 à 20 sur 41" in html
        found = NEXT.search(html)
        url = found.group(1) if found else None
    assert pages == 5
    assert len(seen) == len(set(seen)) == TOTAL
    everything = portal.get("/R4/ResearchStudy", params={"_count": "100", "_elements": "id"}).json()
    assert set(seen) == {e["resource"]["id"] for e in everything["entry"]}


def test_paging_keeps_the_filters(portal: TestClient) -> None:
    html = portal.get("/", params={"reglementation": "JARDE"}).text
    following = NEXT.search(html)
    assert following and "reglementation=JARDE" in following.group(1)
    second = portal.get(unescape(following.group(1))).text
    assert page_total(second) == 25 and "Résultats 11 à 20 sur 25" in second
    # A cursor of another search is refused kindly, not with an OperationOutcome.
    cursor = unescape(following.group(1)).split("page=")[1]
    other = portal.get("/", params={"reglementation": "REG536", "page": cursor})
    assert other.status_code == 400 and "première page" in other.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"statut": "actif"}, "« actif » n&#39;est pas un choix possible"),
        ({"age": "deux"}, "L&#39;âge doit être un nombre entier"),
        ({"age": "-3"}, "L&#39;âge doit être un nombre entier"),
        ({"age": "999"}, "L&#39;âge doit être un nombre entier"),
        ({"sexe": "<b>x</b>"}, "« &lt;b&gt;x&lt;/b&gt; » n&#39;est pas un choix possible"),
        ({"q": "x" * 300}, "200 caractères au plus"),
        ({"page": "pas-un-curseur"}, "Reprenez la recherche depuis la première page"),
    ],
)
def test_bad_values_are_french_messages_on_the_page(
    portal: TestClient, params: dict[str, str], message: str
) -> None:
    response = portal.get("/", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in response.text
    assert message in response.text
    assert "Traceback" not in response.text and "OperationOutcome" not in response.text


def test_a_wrong_field_keeps_the_others_and_links_to_itself(portal: TestClient) -> None:
    html = portal.get("/", params={"q": "sommeil", "age": "vieux"}).text
    assert '<a href="#f-age">' in html and 'aria-invalid="true"' in html
    assert 'id="f-q" name="q" value="sommeil"' in html
    assert '<details class="more" open>' in html  # the field in error is shown


def test_results_link_to_study_pages_with_the_search(portal: TestClient) -> None:
    html = portal.get("/", params={"q": "hostile"}).text
    assert f'href="/etude/{HOSTILE_ID}?q=hostile"' in html
    back = portal.get(f"/etude/{HOSTILE_ID}", params={"q": "hostile"}).text
    assert '<a href="/?q=hostile">← Retour à la recherche</a>' in back


FORM_NAMES = [
    "q",
    "statut",
    "reglementation",
    "phase",
    "recrutement",
    "lieu",
    "age",
    "sexe",
    "page",
]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.dictionaries(st.sampled_from(FORM_NAMES), st.text(max_size=60), max_size=5))
def test_any_form_value_is_a_page_never_a_server_error(
    portal: TestClient, values: dict[str, str]
) -> None:
    response = portal.get("/", params=values)
    assert response.status_code in (200, 400, 410), response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Trouver une étude clinique</h1>" in response.text
