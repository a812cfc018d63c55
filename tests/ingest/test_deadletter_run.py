"""map_exports over whole files: every good record mapped, every bad one dead-lettered with
its reason; duplicates; validation modes; the run summary; each data weakness of SRC-4."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ingest_mapping_samples import ctis, dm, full, jarde

from eclaire_core.settings import Settings
from ingest.bookkeeping import RunSummary, load_exclusions, should_validate
from ingest.deadletter import DeadLetterWriter, MemoryDeadLetters, read_dead_letters
from ingest.export_source import map_exports
from ingest.mapping import MappedStudy, Unpublished


def _settings(**kw: Any) -> Settings:
    return Settings(**kw)


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def _run(paths: list[Path], **kw: Any) -> tuple[list[Any], MemoryDeadLetters, RunSummary]:
    letters = MemoryDeadLetters()
    summary = RunSummary()
    settings = kw.pop("settings", None) or _settings(validation="all")
    out = list(map_exports(paths, settings, dead_letters=letters, summary=summary, **kw))
    return out, letters, summary


def test_file_with_every_malformed_kind(tmp_path: Path) -> None:
    records: list[Any] = [
        full(ctis()),  # 0 good
        42,  # 1 not an object
        "texte",  # 2 not an object
        dm(reglementation_code="REG999"),  # 3 unknown regulation
        dm(numero_national=None),  # 4 no id
        dm(etat="EN_PAUSE"),  # 5 unknown etat
        jarde(),  # 6 good
        dm(numero_national="2023 A9"),  # 7 id not a FHIR id
        dm(publication_eclaire="non autorisé"),  # 8 unpublished
        jarde(numero_national="2022-A90009-99", etat="RAPATRIEE_CTIS"),  # 9 unpublished
        ctis(),  # 10 duplicate of 0
        dm(date_debut_recrutement="30/06/2022", pays_concernes="EL"),  # 11 good + warning
        {},  # 12 no regulation
    ]
    out, letters, summary = _run([_write(tmp_path / "mixed.json", records)])
    assert [(o.id, type(o).__name__) for o in out] == [
        ("2024-590001-12-00", "MappedStudy"),
        ("2022-A90002-34", "MappedStudy"),
        ("2023-A90001-12", "Unpublished"),
        ("2022-A90009-99", "Unpublished"),
    ]
    by_index = {d.index: (d.kind, d.reason, d.id) for d in letters.letters}
    assert {i: k for i, (k, _, _) in by_index.items()} == {
        1: "unparseable",
        2: "unparseable",
        3: "unknown-regulation",
        4: "no-id",
        5: "unknown-etat",
        7: "bad-id",
        10: "duplicate",
        11: "duplicate",
        12: "unknown-regulation",
    }
    assert by_index[10][1] == f"duplicate id, first seen in {tmp_path / 'mixed.json'}#0"
    assert by_index[5][2] == "2023-A90001-12"  # the id is known, the etat is not
    assert by_index[4][2] is None and by_index[10][2] == "2024-590001-12-00"
    assert all(d.raw == records[d.index] for d in letters.letters if d.index is not None)
    assert (summary.read, summary.mapped, summary.unpublished, summary.dead_lettered) == (
        13,
        2,
        2,
        9,
    )
    assert summary.validated == 2
    assert summary.dead_letters["unparseable"] == 2


def test_duplicates_across_files_first_occurrence_wins(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.json", [dm(titre_recherche="premier")])
    second = _write(tmp_path / "b.json", [dm(titre_recherche="second"), jarde()])
    out, letters, _ = _run([first, second])
    assert [o.research_study["title"] for o in out if isinstance(o, MappedStudy)] == [
        "premier",
        "Étude fictive du sommeil",
    ]
    (letter,) = letters.letters
    assert (letter.file, letter.index, letter.kind) == (str(second), 0, "duplicate")
    assert letter.reason == f"duplicate id, first seen in {first}#0"


def test_rejected_record_does_not_claim_its_id(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", [dm(etat="???"), dm()])
    out, letters, _ = _run([path])
    assert [o.id for o in out] == ["2023-A90001-12"]
    assert [d.kind for d in letters.letters] == ["unknown-etat"]


def test_truncated_file_stops_that_file_only(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    text = json.dumps([dm(), jarde()], ensure_ascii=False)
    broken.write_text(text[: len(text) - 40], encoding="utf-8")
    good = _write(tmp_path / "good.json", [ctis()])
    out, letters, summary = _run([broken, tmp_path / "absent.json", good])
    assert [o.id for o in out] == ["2023-A90001-12", "2024-590001-12-00"]
    kinds = [(d.file, d.kind) for d in letters.letters]
    assert kinds == [
        (str(broken), "corrupt-file"),
        (str(tmp_path / "absent.json"), "unreadable-file"),
    ]
    assert letters.letters[0].index == 1 and "near byte" in letters.letters[0].reason
    assert summary.files[str(broken)].complete is False
    assert summary.files[str(good)].complete is True
    assert summary.file_errors == 2
    assert summary.dead_letter_rate == pytest.approx(2 / 4)


def test_source_comes_from_the_record_not_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "export_eclaire_ctis.json", [jarde(), dm(), ctis()])
    out, _, _ = _run([path])
    assert [o.source for o in out] == ["jarde", "dm", "ctis"]


def test_validation_failure_is_a_dead_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import mapping_pool
    from ingest.mapping import RecordRejected

    def failing(mapped: MappedStudy) -> None:
        raise RecordRejected("validation failed: Group/x: boom", "invalid")

    monkeypatch.setattr(mapping_pool, "validate", failing)
    out, letters, _ = _run([_write(tmp_path / "a.json", [dm()])])
    assert out == []
    assert [(d.kind, d.id) for d in letters.letters] == [("invalid", "2023-A90001-12")]


def test_internal_error_costs_one_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.mapping import to_fhir as original

    calls = iter([ZeroDivisionError("bug"), None])

    def flaky(*args: Any, **kw: Any) -> Any:
        error = next(calls)
        if error:
            raise error
        return original(*args, **kw)

    monkeypatch.setattr("ingest.mapping_pool.to_fhir", flaky)
    out, letters, _ = _run([_write(tmp_path / "a.json", [dm(), jarde()])])
    assert [o.id for o in out] == ["2022-A90002-34"]
    assert letters.letters[0].kind == "internal-error"
    assert "ZeroDivisionError: bug" in letters.letters[0].reason


@pytest.mark.parametrize(("mode", "expected"), [("all", 3), ("none", 0)])
def test_validation_modes(tmp_path: Path, mode: str, expected: int) -> None:
    path = _write(tmp_path / "a.json", [ctis(), dm(), jarde()])
    _, _, summary = _run([path], settings=_settings(validation=mode))
    assert summary.validated == expected


def test_sample_mode_is_deterministic_and_about_one_in_fifty() -> None:
    ids = [f"2023-A{n:05d}-12" for n in range(5000)]
    chosen = [i for i in ids if should_validate(i, "sample")]
    assert chosen == [i for i in ids if should_validate(i, "sample")]
    assert 60 <= len(chosen) <= 140


def test_exclusion_file_r13(tmp_path: Path) -> None:
    exclusions = tmp_path / "exclusions.txt"
    exclusions.write_text("# excluded studies\n2024-590001-12-00  # withdrawn upstream\n\n")
    assert load_exclusions(exclusions) == frozenset({"2024-590001-12-00"})
    assert load_exclusions(None) == frozenset()
    path = _write(tmp_path / "a.json", [ctis(), dm()])
    out, _, _ = _run([path], settings=_settings(exclusion_file=exclusions))
    assert out[0] == Unpublished("2024-590001-12-00", "listed in the exclusion file")
    assert isinstance(out[1], MappedStudy)


def test_summary_counts_warnings_by_kind(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", [ctis(pays_concernes="EL, XK", phase_recherche="?")])
    _, _, summary = _run([path])
    assert summary.warnings["country"] == 2
    assert summary.warnings["phase"] == 1
    as_dict = summary.to_dict()
    assert as_dict["warnings"]["country"] == 2 and as_dict["read"] == 1


def test_dead_letter_writer_ndjson(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", [dm(etat="?"), 7])
    target = tmp_path / "out" / "dead.ndjson"
    with DeadLetterWriter(target) as writer:
        list(map_exports([path], _settings(), dead_letters=writer))
    letters = read_dead_letters(target)
    assert [(d["file"], d["index"], d["kind"]) for d in letters] == [
        (str(path), 0, "unknown-etat"),
        (str(path), 1, "unparseable"),
    ]
    assert letters[0]["reason"] == "unknown etat '?'"
    assert letters[0]["raw"]["etat"] == "?" and letters[1]["raw"] == 7
    assert writer.counts["unparseable"] == 1


# --- SRC-4, "Weaknesses in the reference handling of bad data": each one, as data ----------------
# (weaknesses about indexing, bulk responses, deletions and the dev-mode reader are the
# indexer's and are not data seen by mapping)
WEAKNESSES: list[tuple[str, dict[str, Any], str]] = [
    # (weakness, record, expected: "mapped", "mapped:<warning kind>" or "dead:<kind>")
    (
        "unknown reglementation_code aborts the run",
        dm(reglementation_code="REG000"),
        "dead:unknown-regulation",
    ),
    ("intervention_faible Oui throws", ctis(intervention_faible="Oui"), "mapped"),
    (
        "straight apostrophe in Dérogation throws",
        jarde(qualification_recherche="Dérogation à l'obligation d'information"),
        "mapped",
    ),
    (
        "precision matching no display throws",
        ctis(intervention_faible="Peut-être"),
        "mapped:precision",
    ),
    ("country EL throws", ctis(pays_concernes="EL, FR"), "mapped:country"),
    ("country XK throws", ctis(pays_concernes="XK"), "mapped:country"),
    ("lower-case country throws", ctis(pays_concernes="fr, de"), "mapped"),
    ("comma-separated countries throw", ctis(pays_concernes="FR,DE"), "mapped"),
    (
        "date_debut_recrutement absent throws",
        {k: v for k, v in dm().items() if k != "date_debut_recrutement"},
        "mapped",
    ),
    ("date_debut_recrutement empty throws", dm(date_debut_recrutement=""), "mapped"),
    (
        "date_debut_recrutement dd/mm/yyyy throws",
        dm(date_debut_recrutement="30/06/2022"),
        "mapped:recruitment-period",
    ),
    (
        "date_debut_recrutement mm/dd/yyyy read US-style",
        dm(date_debut_recrutement="06/30/2022"),
        "mapped:recruitment-period",
    ),
    (
        "date_soumission absent throws",
        {k: v for k, v in dm().items() if k != "date_soumission"},
        "mapped:document-date",
    ),
    ("date_soumission invalid throws", dm(date_soumission="2023-02-30"), "mapped:document-date"),
    ("date_soumission null gives 1970 dates", dm(date_soumission=None), "mapped:document-date"),
    ("criteria null throws", dm(criteres_eligibilite=None, criteres_jugement=None), "mapped"),
    (
        "sites absent throws",
        {k: v for k, v in dm().items() if k != "sites_investigateurs"},
        "mapped",
    ),
    ("unknown etat gives no status", dm(etat="INCONNU"), "dead:unknown-etat"),
    (
        "unrecognised phase maps to jarde-early",
        ctis(phase_recherche="Not applicable"),
        "mapped:phase",
    ),
    (
        "history item with a letter outranks dates",
        ctis(historique="Xyz:1, 2024-09-02:En cours"),
        "mapped:document-date",
    ),
    ("duplicate ids: last wins", ctis(), "dead:duplicate"),
    ("records without id", ctis(numero_ctis=None), "dead:no-id"),
    (
        "site organisme absent kept as empty",
        dm(sites_investigateurs=[{"ville": "Lille"}]),
        "mapped:sites",
    ),
    ("unknown gender label gives code-less coding", dm(participants_sexe="X"), "mapped:gender"),
    (
        "unknown population label gives code-less coding",
        ctis(population_recrutement="Healthy volunteers"),
        "mapped:population",
    ),
    (
        "string vulnerable flag gives exclude true",
        dm(participants_population_vulnerable="false"),
        "mapped",
    ),
    (
        "MedDRA without condition crashes",
        ctis(pathologies_maladies_rares=None, informations_meddra="10090001"),
        "mapped",
    ),
]


@pytest.mark.parametrize(
    ("weakness", "record", "expected"), WEAKNESSES, ids=[w for w, _, _ in WEAKNESSES]
)
def test_section4_weakness(
    tmp_path: Path, weakness: str, record: dict[str, Any], expected: str
) -> None:
    records = [ctis(), record] if expected == "dead:duplicate" else [record]
    out, letters, _ = _run([_write(tmp_path / "w.json", records)])
    outcome, _, kind = expected.partition(":")
    if outcome == "dead":
        assert [d.kind for d in letters.letters] == [kind]
        assert letters.letters[0].reason
        return
    assert letters.letters == []
    mapped = out[-1]
    assert isinstance(mapped, MappedStudy)
    # the SRC-5 CTIS codes are not in the synthetic MedDRA sample: that warning is always there
    kinds = {w.split(":")[0] for w in mapped.warnings} - {"meddra"}
    assert (kind in kinds) if kind else not kinds


def test_weakness_details() -> None:
    """The outputs the reference got wrong, checked directly."""
    from ingest_mapping_samples import study

    assert study(dm(date_soumission=None)).document_date == "2023-03-15T00:00:00.000Z"
    (char,) = [
        c
        for c in study(dm(participants_population_vulnerable="false")).group["characteristic"]
        if c["code"]["coding"][0]["code"] == "grp-studypop"
    ]
    assert char["exclude"] is False
    jarde_patch = study(jarde(numero_national="2018-A01267-48", resume="Résumé."))
    summary = [e for e in jarde_patch.research_study["extension"] if "valueMarkdown" in e]
    assert summary[0]["valueMarkdown"] == "Résumé."  # RES-13: the one-study patch is dropped
