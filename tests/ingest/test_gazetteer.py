"""The offline gazetteer: every generated site is placed; postal codes, cities, CEDEX forms."""

from __future__ import annotations

import pytest

from eclaire_core import gazetteer as gazetteer_module
from eclaire_core.gazetteer import Gazetteer, distance_km, fold_city, gazetteer
from ingest.documents import site_points
from ingest.generator.places import CITIES


def test_every_generated_site_is_placed_in_its_departement() -> None:
    for city in CITIES:
        for code in city.postal_codes:
            place = gazetteer().locate(code, city.name)
            assert place is not None, (city.name, code)
            assert fold_city(place.name).startswith(fold_city(city.name).split(" ")[0])


@pytest.mark.parametrize(
    ("postal_code", "city", "insee"),
    [
        ("69003", "Lyon", "69383"),  # the arrondissement, not the whole city
        ("75013", "PARIS", "75113"),
        ("75013", "Paris Cedex 13", "75113"),
        ("42055", "SAINT-ETIENNE CEDEX 2", "42218"),  # a CEDEX code: found by département
        ("42270", "St-Étienne", "42218"),
        ("20090", "Ajaccio", "2A004"),
        ("97110", "Pointe-à-Pitre", "97120"),
        ("69310", "Pierre-Bénite", "69152"),  # merged into Oullins-Pierre-Bénite in 2024
        ("54500", "VANDOEUVRE LES NANCY", "54547"),
    ],
)
def test_locate(postal_code: str, city: str, insee: str) -> None:
    place = gazetteer().locate(postal_code, city)
    assert place is not None and place.insee == insee


def test_unknown_addresses_are_not_guessed() -> None:
    assert gazetteer().locate("69003", "Marseille") is None
    assert gazetteer().locate("99999", "Nulle-Part") is None
    assert gazetteer().locate(None, None) is None


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("69003", "Lyon 3e Arrondissement"),
        ("75013", "Paris 13e Arrondissement"),
        ("Saint-Etienne", "Saint-Étienne"),
        ("saint denis (974)", "Saint-Denis"),
        ("Villeurbanne", "Villeurbanne"),
    ],
)
def test_what_people_type(typed: str, name: str) -> None:
    place = gazetteer().search(typed)
    assert place is not None and place.name == name


def test_saint_denis_of_reunion_is_not_the_one_near_paris() -> None:
    reunion, paris = gazetteer().search("Saint-Denis 974"), gazetteer().search("Saint-Denis 93")
    assert reunion is not None and paris is not None
    assert distance_km(reunion.lat, reunion.lon, paris.lat, paris.lon) > 9000


def test_known_distances() -> None:
    lyon, paris = gazetteer().search("Lyon"), gazetteer().search("Paris")
    assert lyon is not None and paris is not None
    assert 385 < distance_km(lyon.lat, lyon.lon, paris.lat, paris.lon) < 400  # ~392 km


def test_a_document_has_one_point_per_placed_site() -> None:
    points = site_points(
        [
            {"postalCode": "69003", "city": "Lyon"},
            {"postalCode": "99999", "city": "Atlantide"},
            {"postalCode": "42055", "city": "Saint-Étienne Cedex 2"},
        ]
    )
    assert len(points) == 2
    assert points[0]["lat"] == pytest.approx(45.76, abs=0.02)


def test_a_village_geonames_lacks_sits_among_its_postal_codes_communes() -> None:
    affoux = gazetteer().locate("69170", "AFFOUX")
    assert affoux is not None and affoux.approximate
    neighbours = [p for p in gazetteer().by_postal["69170"] if not p.approximate]
    assert neighbours
    assert all(distance_km(affoux.lat, affoux.lon, p.lat, p.lon) <= 15 for p in neighbours)
    typed = gazetteer().search("69170")  # a postal code: a commune GeoNames itself places
    assert typed is not None and not typed.approximate


def test_memoised_lookups_answer_as_fresh_ones_and_the_memo_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """locate() remembers (postal code, city) pairs: a remembered answer, a miss included, is
    the one a fresh table gives, and the memo never holds more than LOCATE_MEMO pairs."""
    monkeypatch.setattr(gazetteer_module, "LOCATE_MEMO", 8)
    table = Gazetteer(gazetteer().places)
    asked: list[tuple[str | None, str | None]] = [
        (code, city.name) for city in CITIES[:6] for code in city.postal_codes[:2]
    ]
    asked += [("99999", "Nulle-Part"), ("69003", "Lyon"), (None, None)]
    first = [table.locate(code, name) for code, name in asked]
    again = [table.locate(code, name) for code, name in asked]
    fresh = [Gazetteer(gazetteer().places).locate(code, name) for code, name in asked]
    assert first == again == fresh
    assert first[-3:-1] == [None, fresh[-2]] and fresh[-2] is not None
    assert len(table._located) <= 8
