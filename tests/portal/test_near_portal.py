"""The portal's near-me search, recruiting default, sorts, condition and area facets and
registry links, through the TestClient, each compared with the FHIR API's own answer."""

from __future__ import annotations

import re
from html import unescape

from starlette.testclient import TestClient

from eclaire_core.gazetteer import gazetteer

CARD_ID = re.compile(r'<p class="number">Numéro : ([^<]+)</p>')


def api_ids(portal: TestClient, **params: str) -> list[str]:
    response = portal.get("/R4/ResearchStudy", params={**params, "_count": "10"})
    assert response.status_code == 200, response.text
    return [e["resource"]["id"] for e in response.json().get("entry", [])]


def test_near_a_postal_code_lists_what_the_api_lists_nearest_first(portal: TestClient) -> None:
    place = gazetteer().search("42000")
    assert place is not None
    html = portal.get("/", params={"pres": "42000", "rayon": "100"}).text
    expected = api_ids(
        portal,
        near=f"{place.lat}|{place.lon}|100|km",
        _sort="near",
        **{"recruitment-status": "recruiting"},
    )
    assert CARD_ID.findall(html) == expected
    assert "près de Saint-Étienne" in html
    assert html.count('<p class="nearest">') == len(expected)
    assert "Lieu le plus proche :</span> CHU de Saint-Étienne" in html


def test_a_place_the_gazetteer_does_not_know_is_a_message(portal: TestClient) -> None:
    response = portal.get("/", params={"pres": "Atlantide"})
    assert response.status_code == 400
    assert "Nous ne trouvons pas « Atlantide »" in response.text
    response = portal.get("/", params={"tri": "distance"})
    assert response.status_code == 400
    assert "pour trier par distance" in response.text


def test_recruiting_by_default_and_the_switch(portal: TestClient) -> None:
    html = portal.get("/").text
    assert "Seules les études qui recrutent sont affichées." in html
    assert '<a href="/?recrutement=tous">Afficher aussi' in html
    assert '<option value="recruiting" selected>' in html
    clear = re.search(
        r'<a class="clear" href="([^"]+)">Retirer ce filtre'
        r'<span class="visually-hidden"> : Recrutement',
        html,
    )
    assert clear and unescape(clear.group(1)) == "/?recrutement=tous"  # clearing shows all
    everything = portal.get("/", params={"recrutement": "tous"}).text
    assert 'Retirer ce filtre<span class="visually-hidden"> : Recrutement' not in everything
    assert "N'afficher que les études qui recrutent" in everything
    assert '<option value="tous" selected>' in everything


def test_sort_choices_follow_the_api(portal: TestClient) -> None:
    html = portal.get("/", params={"tri": "titre", "recrutement": "tous"}).text
    assert CARD_ID.findall(html) == api_ids(portal, _sort="title")


def test_condition_and_area_facets_filter(portal: TestClient) -> None:
    html = portal.get("/").text
    link = re.search(r'<a href="([^"]+)">Fictivose cardiaque aiguë <span class="count">', html)
    assert link, "the MedDRA facet shows French labels"
    narrowed = portal.get(unescape(link.group(1))).text
    assert CARD_ID.findall(narrowed) == api_ids(
        portal,
        condition="10090001",
        _sort="recruitment-status,-_lastUpdated",  # the portal's order without words
        **{"recruitment-status": "recruiting"},
    )
    assert '<input type="hidden" name="maladie" value="10090001">' in narrowed
    area = re.search(r'<a href="([^"]+)">Neurologie <span class="count">\((\d+)\)', html)
    assert area
    by_area = portal.get(unescape(area.group(1))).text
    assert f"{area.group(2)} études trouvées" in by_area
    assert portal.get("/", params={"maladie": "cœur"}).status_code == 400


def test_registry_links_on_the_study_page(portal: TestClient) -> None:
    html = portal.get("/etude/2022-500014-26-00").text
    assert '<a href="https://clinicaltrials.gov/study/NCT09990000" rel="noopener">' in html
    assert (
        'href="https://euclinicaltrials.eu/search-for-clinical-trials/?lang=fr&amp;EUCT=2022-500014-26-00"'
        in html
    )
