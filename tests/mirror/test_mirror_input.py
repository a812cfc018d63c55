"""FHIR input formats: NDJSON, searchset and collection Bundles, any order within the window.

Each test feeds served resources of the source mapping's studies back in and expects the same
studies out: same ResearchStudy (``versionId`` aside: the indexer's), same linked resources,
same content hash, so a mirror load of unchanged data changes nothing (RES-12).
"""

from __future__ import annotations

import random
from pathlib import Path

import orjson
from mirror_samples import (
    by_id,
    collection,
    run_fhir,
    searchset,
    served,
    write_json,
    write_ndjson,
)

from eclaire_core.settings import Settings
from ingest.documents import content_hash
from ingest.mapping import ASSIGNER_ORGANIZATIONS, MappedStudy


def assert_same_studies(got: dict[str, MappedStudy], source: list[MappedStudy]) -> None:
    assert sorted(got) == sorted(s.id for s in source)
    for study in source:
        mirror = got[study.id]
        assert mirror.research_study == study.research_study
        assert mirror.group == study.group
        assert mirror.locations == study.locations
        assert mirror.organizations == study.organizations
        assert (mirror.source, mirror.document_date) == (study.source, study.document_date)
        assert content_hash(mirror) == content_hash(study)
        assert mirror.warnings == []


def test_ndjson_study_then_its_resources(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    lines = [r for s in source_studies for r in served(s)] + list(ASSIGNER_ORGANIZATIONS.values())
    path = write_ndjson(tmp_path / "mirror.ndjson", lines)
    outcomes, dead, summary = run_fhir([path], offline_settings)
    assert not dead.letters
    assert_same_studies(by_id(outcomes), source_studies)
    assert summary.read == summary.mapped == summary.validated == len(source_studies)


def test_searchset_bundle_pages(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    """Matches first, includes after (the API's order), assigners and an outcome entry."""
    pages = [source_studies[:15], source_studies[15:]]
    paths = [
        write_json(tmp_path / f"page{i}.json", searchset([served(s) for s in page]))
        for i, page in enumerate(pages)
    ]
    outcomes, dead, _ = run_fhir(paths, offline_settings)
    assert not dead.letters
    assert_same_studies(by_id(outcomes), source_studies)


def test_collection_bundle_in_any_order_within_the_window(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    resources = [r for s in source_studies for r in served(s)]
    random.Random(7).shuffle(resources)
    path = write_json(tmp_path / "collection.json", collection(resources), pretty=False)
    outcomes, dead, _ = run_fhir([path], offline_settings, window=len(source_studies))
    assert not dead.letters
    assert_same_studies(by_id(outcomes), source_studies)


def test_ndjson_lines_that_are_whole_bundles(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    """A saved search page per line (what a naive harvester writes) is expanded."""
    pages = [source_studies[i : i + 6] for i in range(0, len(source_studies), 6)]
    path = tmp_path / "pages.json"  # not .ndjson: detected from the first line
    path.write_bytes(
        b"".join(orjson.dumps(searchset([served(s) for s in p])) + b"\n" for p in pages)
    )
    outcomes, dead, _ = run_fhir([path], offline_settings)
    assert not dead.letters
    assert_same_studies(by_id(outcomes), source_studies)


def test_linked_resources_beyond_the_window_are_dead_letters(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    """Every ResearchStudy first, then every linked resource: too far apart for window 5."""
    studies = [served(s) for s in source_studies]
    resources = [s[0] for s in studies] + [r for s in studies for r in s[1:]]
    path = write_ndjson(tmp_path / "apart.ndjson", resources)
    outcomes, dead, summary = run_fhir([path], offline_settings, window=5)
    got = by_id(outcomes)
    assert len(got) == len(source_studies)  # every study still loads…
    late = [s for s in source_studies[:-5] if got[s.id].warnings]
    assert len(late) == len(source_studies) - 5  # …the early ones without their resources
    assert all(w.startswith("missing-linked: ") for s in late for w in got[s.id].warnings)
    assert summary.warnings["missing-linked"] > 0
    orphans = [d for d in dead.letters if d.kind == "orphan"]
    assert orphans and all("window of 5 studies" in d.reason for d in orphans)
    assert all(d.id in {s.id for s in late} for d in orphans)


def test_truncated_bundle_keeps_what_was_read(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    whole = orjson.dumps(collection(r for s in source_studies for r in served(s)))
    path = tmp_path / "cut.json"
    path.write_bytes(whole[: len(whole) // 2])
    outcomes, dead, summary = run_fhir([path], offline_settings)
    assert 0 < len(by_id(outcomes)) < len(source_studies)
    assert [d.kind for d in dead.letters] == ["corrupt-file"]
    assert "truncated" in dead.letters[0].reason
    assert summary.files[str(path)].complete is False


def test_unsupported_bundle_type_is_refused(tmp_path: Path, offline_settings: Settings) -> None:
    path = write_json(tmp_path / "tx.json", {"resourceType": "Bundle", "type": "transaction"})
    outcomes, dead, summary = run_fhir([path], offline_settings)
    assert outcomes == []
    assert [(d.kind, d.reason) for d in dead.letters] == [
        ("unreadable-file", "Bundle type 'transaction' is not searchset or collection")
    ]
    assert summary.file_errors == 1
