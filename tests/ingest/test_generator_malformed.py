"""Malformed records: each tag points at an element that is bad in exactly the stated way.

The checks below restate each kind from RES-15 and SRC-4 on the raw
element; they do not call the generator's corruption code. Untagged elements must all be
good records, so a tag can neither be missing nor point at the wrong index.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest.generator import FILE_NAMES, generate
from ingest.generator.malformed import ROTATION

FILES = ("export_eclaire_ctis.json", "export_eclaire_dm-dmdiv.json", "export_eclaire_jarde.json")
ID_KEY = {FILES[0]: "numero_ctis", FILES[1]: "numero_national", FILES[2]: "numero_national"}
REGULATIONS = {"REG536", "REG745", "REG746", "JARDE"}
ETATS = {
    "a demarrer",
    "prorogee",
    "en cours",
    "suspendue",
    "terminee",
    "archivee",
    "terminee anticipee",
    "abandonnee",
    "expiree",
}
GENDERS = {"Male", "Female", "Homme", "Femme"}
EXPECTED = {
    "missing-id": "dead-letter",
    "unknown-regulation": "dead-letter",
    "unknown-etat": "dead-letter",
    "not-an-object": "dead-letter",
    "duplicate-id-in-file": "dead-letter",
    "duplicate-id-across-files": "dead-letter",
    "recruitment-date-not-iso": "warning",
    "garbled-countries": "warning",
    "unknown-phase": "warning",
    "history-item-letter": "warning",
    "null-arrays": "warning",
    "unknown-gender": "warning",
    "string-vulnerable-flag": "warning",
    "precision-oui": "warning",
    "precision-straight-apostrophe": "warning",
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
N_BAD = 3 * len(ROTATION) + 7


def fold(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", plain.lower()).strip()


def good_study(record: Any, name: str) -> bool:
    """Becomes a study: an object with an id, a known regulation and a known state."""
    return (
        isinstance(record, dict)
        and bool(record.get(ID_KEY[name]))
        and record["reglementation_code"] in REGULATIONS
        and fold(record["etat"]) in ETATS | {"rapatriee ctis"}
    )


def bad_as_stated(kind: str, element: Any, name: str) -> bool:
    """``element`` shows the defect ``kind`` names (and only records can show record defects)."""
    if kind == "not-an-object":
        return not isinstance(element, dict)
    if not isinstance(element, dict):
        return False
    record: dict[str, Any] = element
    if kind == "missing-id":
        return record.get(ID_KEY[name]) in (None, "")
    if kind == "unknown-regulation":
        return record["reglementation_code"] not in REGULATIONS
    if kind == "unknown-etat":
        return fold(record["etat"]) not in ETATS | {"rapatriee ctis"}
    if kind in ("duplicate-id-in-file", "duplicate-id-across-files"):
        return good_study(record, name)  # the id itself is checked against earlier records
    if kind == "recruitment-date-not-iso":
        value = record["date_debut_recrutement"]
        return re.fullmatch(r"\d{2}/\d{2}/\d{4}", value) is not None and int(value[:2]) > 12
    if kind == "garbled-countries":
        value = record["pays_concernes"]
        return re.fullmatch(r"[A-Z]{2}(, [A-Z]{2})*", value) is None or bool(
            {"EL", "XK"} & set(value.split(", "))
        )
    if kind == "unknown-phase":
        text = record["phase_recherche"]
        return re.search(r"phase\s*(i|ii|iii|iv|[1-4])\b", text, re.IGNORECASE) is None
    if kind == "history-item-letter":
        return any(item[:1].isalpha() for item in record["historique"].split(", "))
    if kind == "null-arrays":
        return None in (
            record["criteres_eligibilite"],
            record["criteres_jugement"],
            record["sites_investigateurs"],
        )
    if kind == "unknown-gender":
        value = record["sexe"] if name == FILES[0] else record["participants_sexe"]
        return any(item.strip() not in GENDERS for item in value.split(","))
    if kind == "string-vulnerable-flag":
        return isinstance(record["participants_population_vulnerable"], str)
    if kind == "precision-oui":
        return record["intervention_faible"] not in ("Yes", "No", None)
    if kind == "precision-straight-apostrophe":
        return (
            "'" in record["qualification_recherche"]
            and "\u2019" not in record["qualification_recherche"]
        )
    raise AssertionError(f"untested kind {kind}")


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("malformed")
    generate(directory, seed=3, scale=400, malformed=N_BAD)
    return directory


@pytest.fixture(scope="module")
def data(bad_dir: Path) -> dict[str, list[Any]]:
    return {name: json.loads((bad_dir / name).read_text("utf-8")) for name in FILES}


@pytest.fixture(scope="module")
def tags(bad_dir: Path) -> list[dict[str, Any]]:
    lines = (bad_dir / "malformed_tags.ndjson").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_one_tag_per_bad_record_covering_every_kind_and_file(tags: list[dict[str, Any]]) -> None:
    assert len(tags) == N_BAD
    assert {(t["kind"], t["file"]) for t in tags} == {(k.name, FILE_NAMES[f]) for k, f in ROTATION}
    assert set(Counter(t["file"] for t in tags)) == set(FILES)
    for tag in tags:
        assert set(tag) == {"file", "index", "id", "expected", "kind"}
        assert tag["expected"] == EXPECTED[tag["kind"]]
    assert len({(t["file"], t["index"]) for t in tags}) == len(tags)


def test_tags_point_at_records_bad_in_the_stated_way(
    data: dict[str, list[Any]], tags: list[dict[str, Any]]
) -> None:
    for tag in tags:
        element = data[tag["file"]][tag["index"]]
        assert bad_as_stated(tag["kind"], element, tag["file"]), tag
        own_id = element.get(ID_KEY[tag["file"]]) if isinstance(element, dict) else None
        assert tag["id"] == (own_id or None)
        if tag["expected"] == "warning":  # still a good, published study
            assert good_study(element, tag["file"]) and element["publication_eclaire"] == "autorisé"


def test_untagged_elements_are_good_records(
    data: dict[str, list[Any]], tags: list[dict[str, Any]]
) -> None:
    tagged = {(t["file"], t["index"]) for t in tags}
    ids: Counter[str] = Counter()
    for name in FILES:
        for index, element in enumerate(data[name]):
            if (name, index) in tagged:
                continue
            assert good_study(element, name), (name, index)
            assert all(
                isinstance(element[k], list)
                for k in ("criteres_eligibilite", "criteres_jugement", "sites_investigateurs")
            )
            start = element["date_debut_recrutement"]
            assert start is None or ISO_DATE.fullmatch(start)
            ids[element[ID_KEY[name]]] += 1
    assert ids.most_common(1)[0][1] == 1


def test_duplicates_follow_a_good_published_first_occurrence(
    data: dict[str, list[Any]], tags: list[dict[str, Any]]
) -> None:
    tagged = {(t["file"], t["index"]) for t in tags}
    first: dict[str, tuple[int, int]] = {}  # id -> (file position, index) of good records
    for position, name in enumerate(FILES):
        for index, element in enumerate(data[name]):
            if (name, index) not in tagged and element["publication_eclaire"] == "autorisé":
                first.setdefault(element[ID_KEY[name]], (position, index))
    duplicates = [t for t in tags if t["kind"].startswith("duplicate-id")]
    assert duplicates
    for tag in duplicates:
        position, index = first[tag["id"]]
        here = FILES.index(tag["file"])
        if tag["kind"] == "duplicate-id-in-file":
            assert position == here and index < tag["index"]
        else:
            assert position < here


def test_summary_counts_the_bad_records(bad_dir: Path, tags: list[dict[str, Any]]) -> None:
    summary = json.loads((bad_dir / "generation_summary.json").read_text("utf-8"))
    expected = Counter(t["expected"] for t in tags)
    assert summary["totals"]["malformed"] == N_BAD
    assert summary["totals"]["malformed_dead_letter"] == expected["dead-letter"]
    assert summary["totals"]["malformed_warning"] == expected["warning"]
    assert summary["totals"]["published"] == 400
    assert summary["malformed_by_kind"] == dict(Counter(t["kind"] for t in tags))
    assert summary["expected_statistics"]["Total_etudes"] == 400 + expected["warning"]
