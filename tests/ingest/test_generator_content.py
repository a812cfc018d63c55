"""The content of the default data set looks like production: value sets, formats, quirks.

Every value set below is the one the spec names (SRC-2, the IG displays); the
quirks (entities, ``<br>``, the placeholder, spelling variants, unknown MedDRA codes) must be
present so the ingest is exercised on them, and their share must stay a minority.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from ingest.generator import generate

CTIS, DM, JARDE = (
    "export_eclaire_ctis.json",
    "export_eclaire_dm-dmdiv.json",
    "export_eclaire_jarde.json",
)
ISO = r"\d{4}-\d{2}-\d{2}"
HISTORY = re.compile(rf"{ISO}:[^,:]+(, {ISO}:[^,:]+)*")
RIPH_APPROVALS = re.compile(
    rf"\d\d\.\d{{5}}\.\d{{6}}-MS\d\d:{ISO}(, \d\d\.\d{{5}}\.\d{{6}}-MS\d\d:{ISO})*"
)
CTIS_APPROVALS = re.compile(rf"[\d.]+-SM-\d+:{ISO}(, [\d.]+-SM-\d+:{ISO})*")
DM_PRECISIONS = {
    "IC-Cas 1",
    "IC-Cas 2",
    "IC-Cas 3",
    "IC-Cas 4.1",
    "IC-Cas 4.2",
    "IC-Cas 4.3",
    "IC-Cas 4.4",
}
DMDIV_PRECISIONS = {"EP-Cas 1", "EP-Cas 2", "EP-Cas 3"}
JARDE_PRECISIONS = {
    "Catégorie 1",
    "Catégorie 2",
    "Catégorie 3",
    "Catégorie 3 questionnaire",
    "Dérogation à l\u2019obligation d\u2019information",
}
POSTAL_PREFIX = {
    "Paris": "75",
    "Lyon": "69",
    "Marseille": "13",
    "Saint-Étienne": "42",
    "Ajaccio": "20",
    "Bastia": "20",
    "Pointe-à-Pitre": "971",
    "Fort-de-France": "972",
    "Saint-Pierre": "974",
    "Cayenne": "973",
    "Mamoudzou": "976",
    "Toulouse": "31",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    directory = tmp_path_factory.mktemp("content")
    generate(directory)
    return {name: json.loads((directory / name).read_text("utf-8")) for name in (CTIS, DM, JARDE)}


def share(records: list[dict[str, Any]], test: Any) -> float:
    return sum(1 for r in records if test(r)) / len(records)


def values(records: list[dict[str, Any]], key: str) -> Counter[Any]:
    return Counter(r[key] for r in records)


def test_french_text_has_accents_and_elisions(data: dict[str, list[dict[str, Any]]]) -> None:
    riph = data[DM] + data[JARDE]
    text = " ".join(f"{r['titre_recherche']} {r['resume'] or ''}" for r in riph)
    for needle in ("l'hôpital", "d'un", "qu'il", "Évaluation", "Étude", "cœur", "de l'", "du "):
        assert needle in text, needle
    assert " de le " not in text and " de les " not in text and " de un" not in text


def test_ctis_titles_are_english_and_partly_upper_case(
    data: dict[str, list[dict[str, Any]]],
) -> None:
    titles = [r["titre"] for r in data[CTIS]]
    upper = sum(1 for t in titles if t == t.upper())
    assert 0.25 < upper / len(titles) < 0.55
    assert all(t.startswith("A ") for t in titles)


def test_entities_br_and_placeholder_appear_in_a_minority(
    data: dict[str, list[dict[str, Any]]],
) -> None:
    everything = [r for name in data for r in data[name]]
    blob = [json.dumps(r, ensure_ascii=False) for r in everything]
    assert 0 < sum("&#39;" in b for b in blob) / len(blob) < 0.2
    assert any("&amp;amp;" in b for b in blob)
    assert 0.1 < share(everything, lambda r: "<br>" in (r["resume"] or "")) < 0.5
    assert 0 < share(everything, lambda r: r["resume"] == "Données non disponible") < 0.1
    assert 0.3 < share(data[CTIS], lambda r: r["groupes_sujet"] == "Données non disponible") < 0.8


def test_meddra_codes_come_from_the_synthetic_range(data: dict[str, list[dict[str, Any]]]) -> None:
    codes: Counter[str] = Counter()
    for record in data[CTIS]:
        value = record["informations_meddra"]
        if value:
            assert re.fullmatch(r"\d{8}(, \d{8})*", value)
            codes.update(value.split(", "))
    unknown = {c for c in codes if not 10090001 <= int(c) <= 10090300}
    assert unknown == {"10099999"}
    assert codes["10099999"] < 0.05 * sum(codes.values())
    assert any(r["informations_meddra"] == "" for r in data[CTIS])


def test_sites_have_real_postal_codes(data: dict[str, list[dict[str, Any]]]) -> None:
    seen: Counter[str] = Counter()
    for name in data:
        for record in data[name]:
            for site in record["sites_investigateurs"]:
                city, postal = site["ville"], site["code_postal"]
                if city is None:
                    assert set(site.values()) == {None}  # the all-null placeholder site
                    continue
                assert re.fullmatch(r"\d{5}", postal)
                if city in POSTAL_PREFIX:
                    assert postal.startswith(POSTAL_PREFIX[city]), (city, postal)
                    seen[city] += 1
    assert set(seen) == set(POSTAL_PREFIX)
    assert seen["Paris"] == max(seen.values())
    postals = {s["code_postal"] for n in data for r in data[n] for s in r["sites_investigateurs"]}
    assert {"20000", "20200"} <= postals


def test_participants_value_sets(data: dict[str, list[dict[str, Any]]]) -> None:
    def items(records: list[dict[str, Any]], key: str) -> set[str]:
        return {i for r in records if r[key] for i in r[key].split(", ")}

    assert items(data[CTIS], "tranches_age") == {"0-17 years", "18-64 years", "65+ years"}
    riph = data[DM] + data[JARDE]
    assert items(riph, "participants_tranches_age") == {
        "0-17 ans",
        "18-64 ans",
        "65+ ans",
        "in utero",
    }
    assert set(values(data[CTIS], "sexe")) == {"Male,Female", "Female", "Male", None}
    assert set(values(riph, "participants_sexe")) == {"Homme,Femme", "Femme", "Homme", None}
    assert set(values(riph, "participants_population_vulnerable")) == {True, False, None}
    for key in (
        "participants_sexe",
        "participants_tranches_age",
        "participants_groupe_sujets",
        "participants_population_vulnerable",
    ):
        assert set(values(data[CTIS], key)) == {None}


def test_criteria_and_recruitment(data: dict[str, list[dict[str, Any]]]) -> None:
    everything = [r for name in data for r in data[name]]
    placeholder = {"titre": None, "type": None}
    assert 0.1 < share(everything, lambda r: placeholder in r["criteres_eligibilite"]) < 0.4
    assert {c["type"] for r in everything for c in r["criteres_eligibilite"]} == {
        "INCLUSION",
        "EXCLUSION",
        None,
    }
    assert {c["type"] for r in everything for c in r["criteres_jugement"]} == {
        "PRINCIPAL",
        "SECONDAIRE",
        None,
    }
    assert set(values(everything, "statut_recrutement")) == {
        "Recrutement en attente",
        "Recrutement ouvert",
        "Recrutement fermé",
        None,
    }
    starts = [r["date_debut_recrutement"] for r in everything if r["date_debut_recrutement"]]
    assert all(re.fullmatch(ISO, d) for d in starts)
    assert {d[:4] for d in starts} >= {str(y) for y in range(2018, 2027)}


def test_dates_and_histories_have_the_export_formats(data: dict[str, list[dict[str, Any]]]) -> None:
    for name, approvals in ((CTIS, CTIS_APPROVALS), (DM, RIPH_APPROVALS), (JARDE, RIPH_APPROVALS)):
        for record in data[name]:
            if record["historique"]:
                assert HISTORY.fullmatch(record["historique"]), record["historique"]
                assert max(re.findall(ISO, record["historique"])) <= "2026-06-30"
            if record["dates_avis_favorable_ms_mns"]:
                assert approvals.fullmatch(record["dates_avis_favorable_ms_mns"])
            if name != CTIS:
                assert re.fullmatch(ISO, record["date_soumission"])
                assert re.fullmatch(
                    rf"{ISO}T\d\d:\d\d:\d\d\.\d{{6}}", record["date_creation_etude"]
                )
    years = {r["date_soumission"][:4] for r in data[JARDE]}
    assert years == {str(y) for y in range(2018, 2027)}
    labels = {
        i.split(":", 1)[1]
        for r in data[JARDE]
        if r["historique"]
        for i in r["historique"].split(", ")
    }
    assert {"À démarrer", "En cours", "Terminée", "Terminée anticipée", "Archivée"} <= labels


def test_precisions_match_the_ig_displays(data: dict[str, list[dict[str, Any]]]) -> None:
    dm = [r for r in data[DM] if r["reglementation_code"] == "REG745"]
    dmdiv = [r for r in data[DM] if r["reglementation_code"] == "REG746"]
    assert dm and dmdiv and len(dm) + len(dmdiv) == len(data[DM])
    assert set(values(dm, "qualification")) == DM_PRECISIONS
    assert set(values(dmdiv, "qualification")) == DMDIV_PRECISIONS
    assert set(values(data[JARDE], "qualification_recherche")) == JARDE_PRECISIONS
    assert set(values(data[CTIS], "intervention_faible")) == {"Yes", "No", None}


def test_phases_competences_countries_identifiers(data: dict[str, list[dict[str, Any]]]) -> None:
    phases = values(data[CTIS], "phase_recherche")
    assert phases["Therapeutic confirmatory  (Phase III)"] > 0
    assert "Therapeutic confirmatory (Phase III)" in phases  # spacing varies
    assert all(re.search(r"Phase (I|II|III|IV)\b", p) for p in phases if p)
    early = share(data[JARDE], lambda r: "Essai de phase précoce" in (r["competences"] or ""))
    assert 0.05 < early < 0.15
    for record in data[CTIS]:
        countries = record["pays_concernes"].split(", ")
        assert "FR" in countries and all(re.fullmatch(r"[A-Z]{2}", c) for c in countries)
        assert record["organisme_nom"] and len(record["organisme_pays"]) > 2
    everything = [r for name in data for r in data[name]]
    for key, pattern in (
        ("numero_nct", r"NCT\d{8}"),
        ("numero_isrctn", r"ISRCTN\d{8}"),
        ("numero_utn", r"U1111-\d{4}-\d{4}"),
        ("numero_libre", r"\S+"),
    ):
        present = [r[key] for r in everything if r[key]]
        assert present and all(re.fullmatch(pattern, v) for v in present)
    assert all(
        r["deposant_organisme"] and r["deposant_pays"] == "France" for r in data[DM] + data[JARDE]
    )


def test_etat_spellings_vary_but_canonical_tokens_dominate(
    data: dict[str, list[dict[str, Any]]],
) -> None:
    spellings = values([r for name in data for r in data[name]], "etat")
    canonical = {
        "A_DEMARRER",
        "PROROGEE",
        "EN_COURS",
        "TERMINEE",
        "ARCHIVEE",
        "SUSPENDUE",
        "TERMINEE_ANTICIPEE",
        "ABANDONNEE",
        "EXPIREE",
        "RAPATRIEE_CTIS",
    }
    variants = {s for s in spellings if s not in canonical}
    assert {"EN COURS", "À DÉMARRER"} <= variants
    assert sum(spellings[s] for s in variants) < 0.1 * sum(spellings.values())
