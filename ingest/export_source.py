"""Read → map → validate over whole export files, with dead letters and a run summary.

Every failure becomes a dead letter and the run goes on: an unreadable file, a non-object
element, a record that cannot become a study, a failed validation, a duplicate id (the first
occurrence wins, within and across files — the reference let the last one win, SRC-4). Nothing
here talks to OpenSearch; the indexer consumes :func:`map_exports`' iterator.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Final

import orjson

from eclaire_core.settings import Settings
from ingest.bookkeeping import RunBook, RunSummary, load_exclusions, should_validate
from ingest.deadletter import DeadLetter, DeadLetterSink
from ingest.mapping import MappedStudy, MeddraTable, RecordRejected, Unpublished, to_fhir
from ingest.mapping.validation import validate
from ingest.sources import ReadError, read_export


def map_exports(
    paths: Iterable[Path | str],
    settings: Settings,
    *,
    dead_letters: DeadLetterSink,
    summary: RunSummary | None = None,
    meddra: MeddraTable | None = None,
    exclusions: frozenset[str] | None = None,
    unchanged: Callable[[MappedStudy], bool] | None = None,
) -> Iterator[MappedStudy | Unpublished]:
    """Yield every mapped or unpublished study of the files, in file order.

    Pass a ``summary`` to read the counts after the iterator is exhausted. ``unchanged`` (an
    incremental run) tells which studies map to what the index already holds: their output
    was accepted before, so it is not validated again.
    """
    book = RunBook(summary if summary is not None else RunSummary(), dead_letters)
    meddra = meddra if meddra is not None else MeddraTable.load(settings.meddra_table)
    if exclusions is None:
        exclusions = load_exclusions(settings.exclusion_file)
    seen: dict[str, str] = {}
    for path in paths:
        name = str(path)
        fs = book.file(name)
        for item in read_export(path):
            if isinstance(item, ReadError):
                book.unreadable(fs, name, item)
                continue
            record, where = item.value, f"{name}#{item.index}"
            study_id: str | None = None
            try:
                outcome = to_fhir(record, meddra=meddra, excluded=exclusions)
                study_id = outcome.id
                if study_id in seen:
                    raise RecordRejected(
                        f"duplicate id, first seen in {seen[study_id]}", "duplicate"
                    )
                if (
                    isinstance(outcome, MappedStudy)
                    and should_validate(study_id, settings.validation)
                    and not (unchanged and unchanged(outcome))
                ):
                    book.validated()
                    validate(outcome)
            except RecordRejected as exc:
                letter_id = study_id or exc.study_id
                book.reject(
                    fs, DeadLetter(name, item.index, letter_id, exc.kind, exc.reason, record)
                )
                continue
            except Exception as exc:  # a mapping bug must cost one record, not the run
                detail = traceback.format_exception_only(exc)[-1].strip()
                reason = f"unexpected error while mapping: {detail}"
                letter = DeadLetter(name, item.index, study_id, "internal-error", reason, record)
                book.reject(fs, letter)
                continue
            seen[study_id] = where
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
