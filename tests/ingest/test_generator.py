"""The synthetic exports: determinism, the production figures, the fixed studies, the key sets.

Files are read back with ijson (streaming, as the ingest reads them) and checked against the
spec written out here independently of the generator: the key lists of SRC-2
and the statistics figures of the DOC-6.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
import pytest

from ingest.generator import generate, planned_records, shape_for

FILES = ("export_eclaire_ctis.json", "export_eclaire_dm-dmdiv.json", "export_eclaire_jarde.json")

# SRC-2.1, SRC-2.2, SRC-2.3, typed out from the spec (not imported from the generator).
COMMON = [
    "reglementation_code",
    "etat",
    "publication_eclaire",
    "statut_recrutement",
    "date_debut_recrutement",
    "date_fin_recrutement",
    "historique",
    "dates_avis_favorable_ms_mns",
    "domaine_therapeutique",
    "taille_etude",
    "objectifs",
    "resume",
    "duree_participation",
    "numero_nct",
    "numero_isrctn",
    "numero_utn",
    "numero_libre",
    "contact_public_nom",
    "contact_public_prenom",
    "contact_public_courriel",
    "contact_public_telephone",
    "participants_sexe",
    "participants_tranches_age",
    "participants_groupe_sujets",
    "participants_population_vulnerable",
    "criteres_eligibilite",
    "criteres_jugement",
    "sites_investigateurs",
]
CTIS = [
    "numero_ctis",
    "titre",
    "intervention_faible",
    "phase_recherche",
    "pathologies_maladies_rares",
    "informations_meddra",
    "tranches_age",
    "sexe",
    "groupes_sujet",
    "population_recrutement",
    "pays_concernes",
    "organisme_nom",
    "organisme_adresse",
    "organisme_code_postal",
    "organisme_ville",
    "organisme_pays",
    "contact_nom",
    "contact_prenom",
    "contact_telephone",
    "contact_courriel",
    "portee_recherche",
    "description_urgence",
    "date_fin_etude",
    "etude_id",
]
PARTY = ["nom", "prenom", "email", "organisme", "adresse", "siret", "code_postal", "ville", "pays"]
RIPH = [
    *[
        "numero_national",
        "numero",
        "titre_recherche",
        "deposant_organisme",
        "deposant_nom",
        "deposant_prenom",
        "deposant_courriel",
        "deposant_adresse",
        "deposant_code_postal",
        "deposant_ville",
        "deposant_pays",
        "deposant_siret",
        "is_mandataire",
        "investigateur",
        "caracteristiques_recherche",
        "recherche_ancillaire_ou_extension",
        "date_soumission",
        "date_creation_etude",
        "date_previsionnelle_fin_etude",
    ],
    *(f"promoteur_{p}" for p in PARTY),
    *(f"mandataire_{p}" for p in PARTY),
]
KEYS = {
    "export_eclaire_ctis.json": {*COMMON, *CTIS},
    "export_eclaire_dm-dmdiv.json": {*COMMON, *RIPH, "qualification", "deposant_promoteur"},
    "export_eclaire_jarde.json": {
        *COMMON,
        *RIPH,
        "qualification_recherche",
        "competences",
        "type_promoteur",
    },
}
SITE = {
    "organisme",
    "adresse",
    "service",
    "ville",
    "code_postal",
    "nom",
    "prenom",
    "courriel",
    "telephone",
}
SITE_KEYS = {
    "export_eclaire_ctis.json": SITE | {"titre"},
    "export_eclaire_dm-dmdiv.json": SITE | {"titre_investigateur"},
    "export_eclaire_jarde.json": SITE | {"titre_investigateur"},
}
ID_KEY = {
    "export_eclaire_ctis.json": "numero_ctis",
    "export_eclaire_dm-dmdiv.json": "numero_national",
    "export_eclaire_jarde.json": "numero_national",
}

# Technical DOC-6, the production statistics.
FIGURES = {
    "Total_etudes": 19053,
    "Investigations_cliniques_(DM)": 907,
    "Etudes_performance_(DMDIV)": 94,
    "Essais_cliniques_médicament_(CTIS)": 3676,
    "RecherchesImpliquantPersonnesHumaines_(JARDE)": 14376,
    "Total_Etudes_à_démarrer": 3112,
    "Etudes_en_cours_DM": 437,
    "Etudes_en_cours_DMDIV": 46,
    "Etudes_en_cours_CTIS": 2422,
    "Etudes_en_cours_JARDE": 6246,
    "Total_Etudes_en_cours": 9151,
}
CATEGORY = {"REG745": "DM", "REG746": "DMDIV", "REG536": "CTIS", "JARDE": "JARDE"}
STATUS = {  # RES-1, keys folded
    "a demarrer": "approved",
    "prorogee": "approved",
    "en cours": "active",
    "suspendue": "temporarily-closed-to-accrual",
    "terminee": "completed",
    "archivee": "completed",
    "terminee anticipee": "administratively-completed",
    "abandonnee": "withdrawn",
    "expiree": "withdrawn",
}


def fold(text: str) -> str:
    """Case, accents, ``_`` and spaces ignored, as the status mapping matches (RES-1)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", plain.lower()).strip()


def elements(path: Path) -> Iterator[Any]:
    with open(path, "rb") as handle:
        yield from ijson.items(handle, "item", use_float=True)


def published(record: dict[str, Any]) -> bool:
    return record["publication_eclaire"] == "autorisé" and fold(record["etat"]) != "rapatriee ctis"


def statistics(directory: Path) -> dict[str, int]:
    """The DOC-6 figures counted from the files, as the API would after ingesting them."""
    per: Counter[tuple[str, str]] = Counter()
    for name in FILES:
        for record in elements(directory / name):
            if published(record):
                per[CATEGORY[record["reglementation_code"]], STATUS[fold(record["etat"])]] += 1
    total = {c: sum(n for (cat, _), n in per.items() if cat == c) for c in CATEGORY.values()}
    active = {c: per[c, "active"] for c in CATEGORY.values()}
    return {
        "Total_etudes": sum(total.values()),
        "Investigations_cliniques_(DM)": total["DM"],
        "Etudes_performance_(DMDIV)": total["DMDIV"],
        "Essais_cliniques_médicament_(CTIS)": total["CTIS"],
        "RecherchesImpliquantPersonnesHumaines_(JARDE)": total["JARDE"],
        "Total_Etudes_à_démarrer": sum(per[c, "approved"] for c in CATEGORY.values()),
        "Etudes_en_cours_DM": active["DM"],
        "Etudes_en_cours_DMDIV": active["DMDIV"],
        "Etudes_en_cours_CTIS": active["CTIS"],
        "Etudes_en_cours_JARDE": active["JARDE"],
        "Total_Etudes_en_cours": sum(active.values()),
    }


def digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def default_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("default")
    generate(directory)
    return directory


def test_default_scale_reproduces_the_statistics_figures(default_dir: Path) -> None:
    assert statistics(default_dir) == FIGURES


def test_summary_agrees_with_the_files(default_dir: Path) -> None:
    summary = json.loads((default_dir / "generation_summary.json").read_text("utf-8"))
    assert summary["expected_statistics"] == FIGURES
    assert summary["totals"]["published"] == 19053
    assert summary["totals"]["malformed"] == 0
    for name in FILES:
        count = sum(1 for _ in elements(default_dir / name))
        assert summary["files"][name]["records"] == count
    assert (default_dir / "malformed_tags.ndjson").read_bytes() == b""


def test_unpublished_and_repatriated_records_come_on_top(default_dir: Path) -> None:
    gates: Counter[str] = Counter()
    for name in FILES:
        for record in elements(default_dir / name):
            if record["publication_eclaire"] != "autorisé":
                assert record["publication_eclaire"] in ("non autorisé", None)
                gates["unpublished"] += 1
            elif record["etat"] == "RAPATRIEE_CTIS":
                assert record["reglementation_code"] == "JARDE"
                gates["repatriated"] += 1
    assert gates["unpublished"] > 300
    assert gates["repatriated"] > 100


def test_every_record_carries_every_key_of_its_file(default_dir: Path) -> None:
    for name in FILES:
        for record in elements(default_dir / name):
            assert set(record) == KEYS[name], record.get(ID_KEY[name])
            for site in record["sites_investigateurs"]:
                assert set(site) == SITE_KEYS[name]
            for item in record["criteres_eligibilite"] + record["criteres_jugement"]:
                assert set(item) == {"titre", "type"}


def test_ids_are_unique_across_all_files(default_dir: Path) -> None:
    seen: Counter[str] = Counter()
    for name in FILES:
        seen.update(record[ID_KEY[name]] for record in elements(default_dir / name))
    assert seen.most_common(1)[0][1] == 1
    assert all(
        re.fullmatch(r"20\d\d-5\d{5}-\d\d-\d\d", i) or re.fullmatch(r"20\d\d-A\d{5}-\d\d", i)
        for i in seen
    )


def test_files_are_bare_json_arrays_in_utf8(default_dir: Path) -> None:
    for name in FILES:
        raw = (default_dir / name).read_bytes()
        assert raw.startswith(b"[\n{") and raw.endswith(b"}\n]\n")
        data = json.loads(raw.decode("utf-8"))
        assert isinstance(data, list) and all(isinstance(r, dict) for r in data)
    assert "é".encode() in (default_dir / FILES[2]).read_bytes()  # not \u-escaped


def test_fixed_studies(default_dir: Path) -> None:
    jarde = next(
        r for r in elements(default_dir / FILES[2]) if r["numero_national"] == "2021-A01861-40"
    )
    assert published(jarde) and jarde["etat"] == "EN_COURS"
    cities = {site["ville"] for site in jarde["sites_investigateurs"]}
    assert {"Paris", "Lyon"} <= cities
    ctis = next(
        r for r in elements(default_dir / FILES[0]) if r["numero_ctis"] == "2022-500014-26-00"
    )
    assert published(ctis) and ctis["etat"] == "EN_COURS"
    assert "HER2-positive" in ctis["titre"] and "breast cancer" in ctis["titre"].lower()
    assert "(Phase III)" in ctis["phase_recherche"]


def test_fixed_studies_do_not_depend_on_seed_or_scale(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=1, scale=50)
    generate(tmp_path / "b", seed=2, scale=80)
    for name, key, number in (
        (FILES[0], "numero_ctis", "2022-500014-26-00"),
        (FILES[2], "numero_national", "2021-A01861-40"),
    ):
        a = next(r for r in elements(tmp_path / "a" / name) if r[key] == number)
        b = next(r for r in elements(tmp_path / "b" / name) if r[key] == number)
        assert a == b


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7, scale=300, malformed=40)
    generate(tmp_path / "b", seed=7, scale=300, malformed=40)
    generate(tmp_path / "c", seed=8, scale=300, malformed=40)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    differs = digest(tmp_path / "a").items() ^ digest(tmp_path / "c").items()
    assert {name for name, _ in differs} >= set(FILES)


def test_default_scale_is_reproducible(default_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path)
    assert digest(tmp_path) == digest(default_dir)


@pytest.mark.parametrize("scale", [57, 1000, 4321])
def test_small_scales_keep_the_proportions(tmp_path: Path, scale: int) -> None:
    summary = generate(tmp_path, scale=scale)
    stats = statistics(tmp_path)
    assert stats["Total_etudes"] == scale == summary.published
    assert stats == summary.statistics()
    ratio = scale / FIGURES["Total_etudes"]
    for key, value in FIGURES.items():
        # Largest-remainder apportionment: each figure within two studies of proportional
        # (at small scales a category floor of one study and the active fixed studies shift it).
        assert abs(stats[key] - value * ratio) <= 2, key


def test_ids_and_content_are_stable_across_scales(tmp_path: Path) -> None:
    generate(tmp_path / "small", scale=100)
    generate(tmp_path / "large", scale=400)
    for name in FILES:
        small = {r[ID_KEY[name]]: r for r in elements(tmp_path / "small" / name) if published(r)}
        large = {r[ID_KEY[name]]: r for r in elements(tmp_path / "large" / name) if published(r)}
        assert set(small) <= set(large)
        same_state = [i for i in small if small[i]["etat"] == large[i]["etat"]]
        assert same_state and all(small[i] == large[i] for i in same_state)


def test_planned_records_matches_what_is_written(tmp_path: Path) -> None:
    ticks: list[int] = []
    summary = generate(tmp_path, scale=250, malformed=17, progress=ticks.append)
    assert sum(ticks) == planned_records(250, 17) == summary.count("records")


def test_too_small_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 6"):
        generate(tmp_path, scale=5)
    assert shape_for(6).published == {"DM": 1, "DMDIV": 1, "CTIS": 2, "JARDE": 2}
