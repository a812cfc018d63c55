"""Mapping on worker processes (ingest/mapping_pool.py, RES-17) changes nothing but where the
work runs: the same studies in the same order, the same dead letters with the same reasons, the
same counts, and prepared documents byte-equal to those the loader builds itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from ingest_mapping_samples import dm

from eclaire_core.settings import Settings
from ingest.bookkeeping import RunSummary
from ingest.deadletter import MemoryDeadLetters
from ingest.documents import content_hash
from ingest.export_source import map_exports, record_mapper
from ingest.generator import generate
from ingest.loader import unchanged_in
from ingest.mapping import MappedStudy, RecordRejected, Unpublished
from ingest.mapping_pool import CHUNK, Mapped, MappingPool
from ingest.prepared import PreparedStudy
from ingest.versions import Indexed, versioned

Run = tuple[list[Any], list[tuple[Any, ...]], dict[str, Any]]
RUN_TIME = "2026-12-02T04:00:00.000Z"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("pool")
    generate(out, seed=11, scale=400, malformed=68)  # every bad kind, in every file, twice
    files = sorted(out.glob("export_eclaire_*.json"))
    truncated = out / "export_eclaire_truncated.json"
    truncated.write_bytes(files[0].read_bytes()[:20_000])  # corrupt after a few records
    return [*files, truncated]


def run(
    paths: list[Path],
    settings: Settings,
    workers: int,
    prepare: bool = False,
    previous: dict[str, Indexed] | None = None,
    full: bool = True,
) -> Run:
    letters = MemoryDeadLetters()
    summary = RunSummary()
    mapper = record_mapper(
        settings, prepare=prepare, previous=previous, full=full, run_time=RUN_TIME
    )
    with MappingPool(mapper, workers) as pool:
        out = list(map_exports(paths, settings, dead_letters=letters, summary=summary, pool=pool))
    dead = [(d.file, d.index, d.id, d.kind, d.reason, d.raw) for d in letters.letters]
    return out, dead, summary.to_dict()


@pytest.mark.parametrize("validation", ["all", "sample"])
def test_workers_map_exactly_as_one_process(exports: list[Path], validation: str) -> None:
    settings = Settings(validation=validation)
    alone, alone_dead, alone_summary = run(exports, settings, workers=0)
    pooled, pooled_dead, pooled_summary = run(exports, settings, workers=2)
    assert len(alone) > 3 * CHUNK  # several chunks, so order across them is exercised
    assert pooled == alone
    assert pooled_dead == alone_dead
    assert pooled_summary == alone_summary
    assert {d[3] for d in alone_dead} >= {"duplicate", "corrupt-file"}
    assert alone_summary["validated"] > 0


@pytest.mark.parametrize("full", [True, False])
def test_prepared_documents_are_the_loaders_own(exports: list[Path], full: bool) -> None:
    """Versioned in the worker against what the index holds, as the loader would version them:
    a third of the studies held unchanged, a third held with other content, a third new."""
    settings = Settings(validation="sample")
    alone, _, alone_summary = run(exports, settings, workers=0)
    studies = [o for o in alone if isinstance(o, MappedStudy)]
    previous = {s.id: Indexed(content_hash(s), 3, "2020-01-01T00:00:00.000Z") for s in studies[::3]}
    previous |= {s.id: Indexed("0" * 64, 5, "2099-01-01T00:00:00.000Z") for s in studies[1::3]}
    prepared, _, prepared_summary = run(
        exports, settings, 2, prepare=True, previous=previous, full=full
    )
    assert prepared_summary == alone_summary
    assert [type(o) for o in prepared] == [
        PreparedStudy if isinstance(o, MappedStudy) else Unpublished for o in alone
    ]
    kinds = set()
    for study, ready in zip(alone, prepared, strict=True):
        if isinstance(study, Unpublished):
            assert ready == study
            continue
        kind, document = versioned(study, previous.get(study.id), RUN_TIME, full=full)
        kinds.add(kind)
        assert (ready.id, ready.kind, ready.digest) == (study.id, kind, content_hash(study))
        if document is None:  # unchanged, in an incremental load: nothing to send
            assert (ready.document, ready.sites_located, ready.sites_unlocated) == (b"", 0, 0)
            continue
        assert orjson.loads(ready.document) == orjson.loads(orjson.dumps(document))
        located = len(document["site_geo"])
        assert (ready.sites_located, ready.sites_unlocated) == (
            located,
            len(document["locations"]) - located,
        )
    assert kinds == {"new", "updated", "unchanged"}


def test_a_validation_failure_in_a_worker_is_a_dead_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import mapping_pool

    def failing(mapped: MappedStudy) -> None:
        raise RecordRejected("validation failed: Group/x: boom", "invalid")

    monkeypatch.setattr(mapping_pool, "validate", failing)  # before the fork: workers have it
    path = tmp_path / "a.json"
    path.write_bytes(orjson.dumps([dm(), dm()]))
    out, dead, summary = run([path], Settings(validation="all"), workers=1)
    assert out == []
    # A rejected study is not "seen": the second one with its id is validated and rejected too.
    assert [(d[1], d[3], d[4]) for d in dead] == [
        (0, "invalid", "validation failed: Group/x: boom"),
        (1, "invalid", "validation failed: Group/x: boom"),
    ]
    assert summary["validated"] == 2


def test_off_the_main_thread_the_workers_come_from_a_fork_server(exports: list[Path]) -> None:
    """The nightly scheduler runs a load on one of its threads: no fork beside the others."""
    import threading

    settings = Settings(validation="sample")
    alone = run(exports, settings, workers=0)
    found: dict[str, Any] = {}

    def job() -> None:
        # What a scheduled incremental run sends its workers: the index's state included.
        unchanged = unchanged_in({"2023-A00000-00": Indexed("0" * 64, 3, "2024-01-01T00:00:00Z")})
        mapper = record_mapper(settings, unchanged=unchanged, prepare=True)
        with MappingPool(mapper, 1) as pool:
            found["method"] = pool.start_method
            letters = MemoryDeadLetters()
            found["ids"] = [
                o.id for o in map_exports(exports, settings, dead_letters=letters, pool=pool)
            ]
        found["run"] = run(exports, settings, workers=1)

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert found["method"] == "forkserver"
    assert found["ids"] == [o.id for o in alone[0]]
    assert found["run"] == alone
    with MappingPool(record_mapper(settings), 1) as pool:
        assert pool.start_method == "fork"


def test_records_orjson_cannot_write_cross_as_themselves() -> None:
    """Records cross to a worker as JSON bytes; one with a lone surrogate or an integer beyond
    64 bits (both possible in a parsed export) crosses as itself and maps as in one process."""
    records = [
        dm(numero_national="2023-A90001-01"),
        dm(numero_national="2023-A90001-02", titre_recherche="Étude \ud800 sans paire"),
        dm(numero_national="2023-A90001-03", taille_etude=2**70),
        "not a record",
    ]
    with pytest.raises(orjson.JSONEncodeError):  # what the fallback is for
        orjson.dumps(records[1])
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(records[2])
    mapper = record_mapper(Settings(validation="all"))
    with MappingPool(mapper, 0) as alone, MappingPool(mapper, 1) as pooled:
        expected = [m for _, m in alone.map(records, lambda r: r)]
        found = [m for _, m in pooled.map(records, lambda r: r)]
    assert found == expected
    assert isinstance(found[0], Mapped) and isinstance(found[0].outcome, MappedStudy)
    assert found[3] is not None and found[3].kind  # the string is rejected, with its reason
