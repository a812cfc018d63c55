"""French number, distance and phone formatting; registry links (pure)."""

from __future__ import annotations

import pytest

from eclaire_search.pages.formatting import distance, nombre, registry_url, telephone

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(19053, f"19{NB}053"), (41, "41"), (1234567, f"1{NB}234{NB}567"), (1.74, "1,7"), (0, "0")],
)
def test_nombre(value: float, shown: str) -> None:
    assert nombre(value) == shown


@pytest.mark.parametrize(
    ("km", "shown"),
    [(0.04, f"100{NB}m"), (0.46, f"500{NB}m"), (1.74, f"1,7{NB}km"), (23.4, f"23{NB}km")],
)
def test_distance(km: float, shown: str) -> None:
    assert distance(km) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("0103665802", f"01{NB}03{NB}66{NB}58{NB}02"),
        ("+33 1 03 66 58 02", f"01{NB}03{NB}66{NB}58{NB}02"),
        ("04.72.11.00.00", f"04{NB}72{NB}11{NB}00{NB}00"),
        ("0590123456", f"05{NB}90{NB}12{NB}34{NB}56"),
        ("+41 22 123 45 67", "+41 22 123 45 67"),  # not French: as given
        ("poste 12", "poste 12"),
    ],
)
def test_telephone(raw: str, shown: str) -> None:
    assert telephone(raw) == shown


def test_registry_links() -> None:
    assert registry_url("NCT09990001") == "https://clinicaltrials.gov/study/NCT09990001"
    eu = registry_url("2022-500014-26-00")
    assert eu is not None and eu.startswith("https://euclinicaltrials.eu/")
    assert "EUCT=2022-500014-26-00" in eu
    assert registry_url("2021-A01861-40") is None  # ID-RCB: no public registry page


def test_page_numbers_are_plain_links_on_the_portal_route() -> None:
    """Page numbers use the API's offset paging (``p=N`` → ``_getpagesoffset``)."""
    from eclaire_search.pages import results
    from eclaire_search.pages.form import read_form

    form = read_form({"q": "sommeil", "p": "7"})
    assert ("_getpagesoffset", "60") in form.fhir_items()
    paged = results.paging(form, {"total": 19053, "link": []}, page=6, shown=10)
    assert [n for n, _ in paged.numbers] == [1, 5, 6, 7, 8, 9, 1000]  # capped at 10,000 results
    urls = dict(paged.numbers)
    assert urls[7] is None  # the current page
    assert urls[1] == "/?q=sommeil"
    assert urls[8] == "/?q=sommeil&p=8"
    assert read_form({"p": "1001"}).page == 1  # past the window: back to the first page
