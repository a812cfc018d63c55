"""Pure parts of the pages: French words for every code of the table, the form's mapping to
FHIR parameters, dates, and the summary sanitiser. No OpenSearch needed.
"""

from __future__ import annotations

import pytest
from markupsafe import Markup

from eclaire_core import ig_constants as ig
from eclaire_search.pages import labels
from eclaire_search.pages.detail import age_band, french
from eclaire_search.pages.form import FIELDS, location_param, read_form
from eclaire_search.pages.study import clean_html, plain_text
from eclaire_search.searchparams import BY_NAME


def test_every_code_of_the_table_has_french_words() -> None:
    assert set(BY_NAME["status"].codes) == set(labels.STATUS)
    assert set(BY_NAME["recruitment-status"].codes) == set(labels.RECRUITMENT)
    assert set(BY_NAME["gender"].codes) == set(labels.GENDER) == set(labels.GENDER_PLURAL)
    assert set(ig.CONCEPTS["eclaire-regulation-code-code-system"]) == set(labels.REGULATION)
    mapped_phases = {code for targets in ig.PHASE_CONCEPT_MAP.values() for _, code, _ in targets}
    assert mapped_phases <= set(labels.PHASE)
    assert set(labels.ECLAIRE_STATUSES) <= set(BY_NAME["status"].codes)


def test_form_fields_name_table_parameters() -> None:
    for field in FIELDS:
        if field.param is not None:
            name, _, modifier = field.param.partition(":")
            assert name in BY_NAME, field.name
            param = BY_NAME[name]
            assert not modifier or modifier in param.modifiers
            if param.codes and field.choices:
                # "tous" is the switch off the recruiting default: it sends no filter
                assert {c.value for c in field.choices} - {"tous"} <= set(param.codes)
    assert {"site-city", "site-postal-code", "near"} <= set(BY_NAME)


@pytest.mark.parametrize(
    ("typed", "param", "value"),
    [
        ("Saint-Étienne", "site-city", "Saint-Étienne"),
        ("lyon", "site-city", "lyon"),
        ("42", "site-postal-code", "42"),
        ("971", "site-postal-code", "971"),
        ("75010", "site-postal-code", "75010"),
        ("2A", "site-postal-code", "20"),
        ("2b", "site-postal-code", "20"),
        ("4", "site-city", "4"),
    ],
)
def test_city_or_departement(typed: str, param: str, value: str) -> None:
    assert location_param(typed) == param
    form = read_form({"lieu": typed})
    assert (param, value) in form.fhir_items()


def test_form_to_fhir_items_and_back_to_a_url() -> None:
    form = read_form({"q": " cancer du sein ", "statut": "active", "age": "30", "page": "abc"})
    assert form.fhir_items() == [
        ("_content", "cancer du sein"),
        ("status", "active"),
        ("recruitment-status", "recruiting"),  # the default, implied by the URL
        ("age", "30"),
        ("_count", "10"),
        ("_include", "ResearchStudy:site"),
        ("_include", "ResearchStudy:enrollment"),
        ("_cursor", "abc"),
    ]
    assert form.url() == "/?q=cancer+du+sein&statut=active&age=30"
    assert form.url(statut=None, page="xyz") == "/?q=cancer+du+sein&age=30&page=xyz"
    assert read_form({}).url() == "/"
    # No words: studies one can join first, then the latest (with words: boosted relevance).
    assert ("_sort", "recruitment-status,-_lastUpdated") in read_form(
        {"statut": "active"}
    ).fhir_items()
    assert ("_sort", "recruitment-status,-_lastUpdated") in read_form({"q": "  "}).fhir_items()


def test_invalid_values_are_kept_out_of_the_search() -> None:
    form = read_form({"q": "sommeil", "age": "abc", "sexe": "other"})
    assert set(form.errors) == {"age", "sexe"}
    assert form.fhir_items()[0] == ("_content", "sommeil")
    assert all(name not in ("age", "gender") for name, _ in form.fhir_items())


def test_french_dates() -> None:
    assert labels.french_date("2018-02-01T00:00:00.000Z") == "1er février 2018"
    assert labels.french_date("2023-12-25") == "25 décembre 2023"
    assert labels.french_date("bientôt") == "bientôt"
    assert labels.french_date(None) == ""


def test_group_wording() -> None:
    assert age_band({"low": {"value": 18}, "high": {"value": 64}}) == "De 18 à 64 ans"
    assert age_band({"low": {"value": 65}}) == "65 ans et plus"
    assert age_band({"high": {"value": 17}}) == "Jusqu'à 17 ans"
    assert french("Minors (Mineurs)") == "Mineurs"
    assert french("Patients") == "Patients"


@pytest.mark.parametrize(
    ("source", "cleaned"),
    [
        ("Texte<br>suite", "<p>Texte<br>suite</p>\n"),  # summaries are markdown (CommonMark)
        (
            "<p>Un <strong>mot</strong> <em>clé</em></p>",
            "<p>Un <strong>mot</strong> <em>clé</em></p>",
        ),
        ("Un **mot**\n\n- a", "<p>Un <strong>mot</strong></p>\n<ul>\n<li>a</li>\n</ul>\n"),
        ("<script>alert(1)</script>ok", "ok"),
        ('<img src=x onerror="alert(1)">ok', "<p>ok</p>\n"),
        ('<a href="javascript:alert(1)">lien</a>', "<p>lien</p>\n"),
        ("[lien](javascript:alert(1))", "<p>[lien](javascript:alert(1))</p>\n"),  # no link
        ('<p style="color:red" onclick="x()">p</p>', "<p>p</p>"),
        ("<style>body{}</style><iframe src=//x></iframe>t", "t"),
        ("a < b & c", "<p>a &lt; b &amp; c</p>\n"),
        (None, ""),
    ],
)
def test_clean_html(source: str | None, cleaned: str) -> None:
    result = clean_html(source)
    assert isinstance(result, Markup)
    assert str(result) == cleaned


def test_plain_text_snippets() -> None:
    assert plain_text("<p>Un</p><p>deux</p>") == "Un deux"
    assert plain_text("a &lt; b") == "a < b"  # unescaped here, escaped by the template
    long = "mot " * 200
    snippet = plain_text(long)
    assert len(snippet) <= 282 and snippet.endswith(" …")
