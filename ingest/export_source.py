"""Read → map → validate over whole export files, with dead letters and a run summary.

Every failure becomes a dead letter and the run goes on: an unreadable file, a non-object
element, a record that cannot become a study, a failed validation, a duplicate id (the first
occurrence wins, within and across files — the reference let the last one win, SRC-4). Nothing
here talks to OpenSearch; the indexer consumes :func:`map_exports`' iterator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import orjson

from eclaire_core.settings import Settings
from ingest.bookkeeping import FileSummary, RunBook, RunSummary, load_exclusions
from ingest.deadletter import DeadLetter, DeadLetterSink
from ingest.mapping import MappedStudy, MeddraTable, Unpublished
from ingest.mapping_pool import PASS, MappingPool, RecordMapper
from ingest.prepared import Outcome
from ingest.sources import RawRecord, ReadError, read_export
from ingest.versions import Indexed, now_instant


def record_mapper(
    settings: Settings,
    *,
    meddra: MeddraTable | None = None,
    exclusions: frozenset[str] | None = None,
    unchanged: Callable[[MappedStudy], bool] | None = None,
    prepare: bool = False,
    previous: Mapping[str, Indexed] | None = None,
    full: bool = True,
    run_time: str | None = None,
) -> RecordMapper:
    """What maps one record for this run: the MedDRA table, exclusions and validation mode of
    ``settings`` unless given. ``unchanged`` (an incremental run) tells which studies map to
    what the index already holds: their output was accepted before, so it is not validated
    again. ``prepare``: studies come back as their documents, versioned against ``previous``
    (what the index holds) for a ``full`` or incremental load at ``run_time``."""
    return RecordMapper(
        meddra if meddra is not None else MeddraTable.load(settings.meddra_table),
        exclusions if exclusions is not None else load_exclusions(settings.exclusion_file),
        settings.validation,
        unchanged,
        prepare,
        previous if previous is not None else {},
        full,
        run_time if run_time is not None else now_instant(),
    )


def _record(entry: tuple[str, FileSummary, RawRecord | ReadError]) -> Any:
    item = entry[2]
    return PASS if isinstance(item, ReadError) else item.value


def map_exports(
    paths: Iterable[Path | str],
    settings: Settings,
    *,
    dead_letters: DeadLetterSink,
    summary: RunSummary | None = None,
    meddra: MeddraTable | None = None,
    exclusions: frozenset[str] | None = None,
    unchanged: Callable[[MappedStudy], bool] | None = None,
    pool: MappingPool | None = None,
) -> Iterator[Outcome]:
    """Yield every mapped or unpublished study of the files, in file order (prepared studies
    when the ``pool``'s mapper prepares them).

    Pass a ``summary`` to read the counts after the iterator is exhausted. ``pool`` maps on
    its worker processes with its own mapper (then ``meddra``, ``exclusions`` and
    ``unchanged`` are the pool's); without one, records are mapped here. Either way the
    results are taken in input order, so duplicates, counts and dead letters come out the same.
    """
    book = RunBook(summary if summary is not None else RunSummary(), dead_letters)
    if pool is None:
        mapper = record_mapper(settings, meddra=meddra, exclusions=exclusions, unchanged=unchanged)
        pool = MappingPool(mapper, 0)
    seen: dict[str, str] = {}

    def entries() -> Iterator[tuple[str, FileSummary, RawRecord | ReadError]]:
        for path in paths:
            name = str(path)
            fs = book.file(name)
            for item in read_export(path):
                yield name, fs, item

    for (name, fs, item), result in pool.map(entries(), _record):
        if isinstance(item, ReadError):
            book.unreadable(fs, name, item)
            continue
        assert result is not None
        record = item.value
        if result.outcome is None and not result.at_validation:  # the record did not map
            letter = DeadLetter(
                name, item.index, result.study_id, result.kind, result.reason, record
            )
            book.reject(fs, letter)
            continue
        study_id = result.study_id
        assert study_id is not None
        if study_id in seen:
            reason = f"duplicate id, first seen in {seen[study_id]}"
            book.reject(fs, DeadLetter(name, item.index, study_id, "duplicate", reason, record))
            continue
        if result.validated:
            book.validated()
        outcome = result.outcome
        if outcome is None:  # mapped, but failed validation
            letter = DeadLetter(name, item.index, study_id, result.kind, result.reason, record)
            book.reject(fs, letter)
            continue
        seen[study_id] = f"{name}#{item.index}"
        book.accept(fs, outcome)
        yield outcome


OUTPUT_FILES: Final = ("ResearchStudy", "Group", "Location", "Organization")


def run_map(paths: Iterable[Path | str], out_dir: Path, settings: Settings) -> RunSummary:
    """Map files into ``out_dir``: one NDJSON per resource type, ``unpublished.ndjson``,
    ``warnings.ndjson`` (per study), ``dead-letters.ndjson`` and ``summary.json``.

    The assigner Organizations (``ansm``, ``ctis``, ``eudract``) open ``Organization.ndjson``.
    """
    from ingest.deadletter import DeadLetterWriter
    from ingest.mapping import ASSIGNER_ORGANIZATIONS

    out_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary()
    option = orjson.OPT_APPEND_NEWLINE
    handles = {kind: open(out_dir / f"{kind}.ndjson", "wb") for kind in OUTPUT_FILES}  # noqa: SIM115
    try:
        with (
            DeadLetterWriter(out_dir / "dead-letters.ndjson") as dead,
            open(out_dir / "unpublished.ndjson", "wb") as unpublished,
            open(out_dir / "warnings.ndjson", "wb") as warnings,
        ):
            for org in ASSIGNER_ORGANIZATIONS.values():
                handles["Organization"].write(orjson.dumps(org, option=option))
            for outcome in map_exports(paths, settings, dead_letters=dead, summary=summary):
                if isinstance(outcome, Unpublished):
                    unpublished.write(orjson.dumps(vars(outcome), option=option))
                    continue
                assert isinstance(outcome, MappedStudy)  # run_map uses no pool
                for resource in outcome.resources():
                    handles[resource["resourceType"]].write(orjson.dumps(resource, option=option))
                if outcome.warnings:
                    warnings.write(
                        orjson.dumps(
                            {"id": outcome.id, "warnings": outcome.warnings}, option=option
                        )
                    )
    finally:
        for handle in handles.values():
            handle.close()
    (out_dir / "summary.json").write_bytes(
        orjson.dumps(summary.to_dict(), option=orjson.OPT_INDENT_2 | option)
    )
    return summary
