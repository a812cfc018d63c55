"""Trial-finder parameters end to end; expected counts follow from how the fixture is built
(study i has sites SITES[i % 3] and SITES[(i + 1) % 3], recruitment from year 2018 + i % 8;
studies 0-7 CTIS, 8-15 DM/DM-DIV, 16-39 JARDE)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

CTIS, RIPH = range(8), range(8, 40)
ALL = range(40)


def total(api: TestClient, **params: str) -> int:
    response = api.get("/R4/ResearchStudy", params={**params, "_count": "0"})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def count(studies: range, keep: Callable[[int], bool]) -> int:
    return sum(1 for i in studies if keep(i))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"site-city": "saint etienne"}, count(ALL, lambda i: i % 3 != 0)),
        ({"site-city": "Saint-Étienne"}, count(ALL, lambda i: i % 3 != 0)),
        ({"site-city": "SAINT"}, count(ALL, lambda i: i % 3 != 0)),
        ({"site-city:exact": "saint-etienne"}, count(ALL, lambda i: i % 3 != 0)),
        ({"site-city": "lyon"}, count(ALL, lambda i: i % 3 != 2)),
        ({"site-city": "Lyon,Paris"}, 40),
        ({"site-postal-code": "75"}, count(ALL, lambda i: i % 3 != 1)),
        ({"site-postal-code": "42"}, count(ALL, lambda i: i % 3 != 0)),
        ({"site-postal-code": "971"}, 0),
        ({"age": "70"}, len(CTIS)),
        ({"age": "30"}, 40),
        ({"age": "5"}, 0),
        ({"gender": "male"}, len(RIPH)),
        ({"gender": "female"}, 40),
        ({"gender": "http://hl7.org/fhir/administrative-gender|male"}, len(RIPH)),
        ({"sponsor-name": "laboratoire"}, len(CTIS)),
        ({"sponsor-name:contains": "EXEMPLEVILLE"}, len(RIPH)),
        ({"condition": "https://www.meddra.org|10090001"}, len(CTIS)),
        ({"condition": "http://terminology.hl7.org/CodeSystem/mdr|10090001"}, len(CTIS)),
        ({"condition": "10090001"}, len(CTIS)),
        ({"condition:text": "breast"}, len(CTIS)),
        ({"phase": "phase-3"}, len(CTIS)),
        ({"phase": "http://terminology.hl7.org/CodeSystem/research-study-phase|phase-3"}, 8),
        ({"category": "REG536"}, len(CTIS)),
        ({"category": "REG745"}, 4),
        ({"category": "JARDE"}, 24),
        ({"category:not": "JARDE"}, 16),
        ({"location": "FR"}, 40),
        ({"location": "urn:iso:std:iso:3166|BE"}, 0),
        ({"recruitment-status": "recruiting"}, 40),
        ({"recruitment-status": "upcoming"}, 0),
        ({"recruitment-date": "ge2025-01-01"}, 40),  # open-ended periods overlap the future
        ({"recruitment-date": "sa2020-12-31"}, count(ALL, lambda i: i % 8 >= 3)),
        ({"recruitment-date": "lt2019-01-01"}, count(ALL, lambda i: i % 8 == 0)),
        ({"recruitment-date": "eb2030"}, 0),
        ({"title": "a phase"}, len(CTIS)),
        ({"title": "évaluation"}, 8 + 12),
        ({"title:contains": "SOMMEIL"}, 12),
        ({"age": "70", "gender": "male"}, 0),
        (
            {"site-city": "lyon", "status": "active", "category": "JARDE"},
            count(range(16, 40), lambda i: i % 3 != 2 and i % 6 in (0, 3)),
        ),
    ],
)
def test_trial_finder_parameter(api: TestClient, params: dict[str, str], expected: int) -> None:
    assert total(api, **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"age": "gt30"},
        {"age": "thirty"},
        {"recruitment-status": "open"},
        {"recruitment-date": "2024-99"},
        {"gender": "x"},
        {"site-postal-code:contains": "7"},
        {"category:text": "x"},
    ],
)
def test_malformed_trial_finder_values_are_400(api: TestClient, params: dict[str, str]) -> None:
    response = api.get("/R4/ResearchStudy", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["expression"] == [next(iter(params)).split(":")[0]]
