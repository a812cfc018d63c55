"""Read → group → map → validate over FHIR files, with dead letters and the run summary.

The FHIR counterpart of :func:`ingest.export_source.map_exports`: same summary, same dead-letter
sink, same validation setting, same first-occurrence-wins rule for duplicates, so
:func:`ingest.pipeline.run_ingest` loads a mirror exactly as it loads the source exports.

Counting: one record read per ResearchStudy (with its linked resources), plus one per item
that is dead-lettered on its own (an unparseable line, an orphan resource, a duplicate…); the
dead-letter rate is over those. A study's dead letter carries every resource read for it.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eclaire_core.settings import Settings
from ingest.bookkeeping import FileSummary, RunBook, RunSummary, load_exclusions, should_validate
from ingest.deadletter import DeadLetter, DeadLetterSink
from ingest.fhir.grouping import DEFAULT_WINDOW, Grouper, Stray, StudyParts
from ingest.fhir.reader import Unparseable, read_fhir
from ingest.fhir.study import to_mapped
from ingest.mapping.model import MappedStudy, RecordRejected, Unpublished
from ingest.mapping.validation import validate_resource
from ingest.pipeline import OutcomeSource
from ingest.sources import ReadError


def _raw(parts: StudyParts) -> dict[str, Any]:
    return {"resources": [item.value for item in parts.items()]}


class _Run(RunBook):
    """The run's book, plus what a FHIR file holds: studies in parts, and strays."""

    def __init__(
        self, settings: Settings, dead_letters: DeadLetterSink, summary: RunSummary
    ) -> None:
        super().__init__(summary, dead_letters)
        self.settings = settings

    def stray(self, fs: FileSummary, stray: Stray) -> None:
        item = stray.item
        self.reject(
            fs,
            DeadLetter(item.file, item.index, stray.study_id, stray.kind, stray.reason, item.value),
        )

    def study(
        self, fs: FileSummary, parts: StudyParts, excluded: frozenset[str]
    ) -> MappedStudy | Unpublished | None:
        first = parts.study or next(iter(parts.linked.values()))
        if parts.study is None:
            kinds = ", ".join(f"{k}/{i}" for k, i in sorted(parts.linked))
            reason = f"no ResearchStudy/{parts.study_id} was read for {kinds}"
            self.reject(
                fs,
                DeadLetter(first.file, first.index, parts.study_id, "orphan", reason, _raw(parts)),
            )
            return None
        try:
            outcome = to_mapped(parts, excluded)
            if isinstance(outcome, MappedStudy) and should_validate(
                outcome.id, self.settings.validation
            ):
                self.validated()
                for resource in outcome.resources():
                    if resource:  # a study may come without its Group (enrollment is 0..*)
                        validate_resource(resource)
        except RecordRejected as exc:
            self.reject(
                fs,
                DeadLetter(
                    first.file, first.index, parts.study_id, exc.kind, exc.reason, _raw(parts)
                ),
            )
            return None
        except Exception as exc:  # a bug must cost one study, not the run
            detail = traceback.format_exception_only(exc)[-1].strip()
            self.reject(
                fs,
                DeadLetter(
                    first.file,
                    first.index,
                    parts.study_id,
                    "internal-error",
                    f"unexpected error: {detail}",
                    _raw(parts),
                ),
            )
            return None
        self.accept(fs, outcome)
        return outcome


def map_fhir(
    paths: Iterable[Path | str],
    settings: Settings,
    *,
    dead_letters: DeadLetterSink,
    summary: RunSummary | None = None,
    exclusions: frozenset[str] | None = None,
    window: int = DEFAULT_WINDOW,
) -> Iterator[MappedStudy | Unpublished]:
    """Yield every study of the FHIR files, in the order they complete.

    Pass a ``summary`` to read the counts after the iterator is exhausted.
    """
    summary = summary if summary is not None else RunSummary()
    excluded = exclusions if exclusions is not None else load_exclusions(settings.exclusion_file)
    run = _Run(settings, dead_letters, summary)
    finished: dict[str, str] = {}
    for path in paths:
        name = str(path)
        fs = run.file(name)
        grouper = Grouper(finished, window)
        for item in read_fhir(path):
            if isinstance(item, ReadError):
                run.unreadable(fs, name, item)
                continue
            if isinstance(item, Unparseable):
                run.reject(
                    fs, DeadLetter(name, item.index, None, "unparseable", item.reason, item.raw)
                )
                continue
            yield from _handle(run, fs, grouper.add(item), excluded)
        yield from _handle(run, fs, grouper.flush(), excluded)


def _handle(
    run: _Run, fs: FileSummary, found: Iterable[StudyParts | Stray], excluded: frozenset[str]
) -> Iterator[MappedStudy | Unpublished]:
    for thing in found:
        if isinstance(thing, Stray):
            run.stray(fs, thing)
        elif (outcome := run.study(fs, thing, excluded)) is not None:
            yield outcome


def fhir_source(settings: Settings, window: int = DEFAULT_WINDOW) -> OutcomeSource:
    """An outcome source for :func:`ingest.pipeline.run_ingest` (``eclaire ingest --fhir``)."""

    def source(
        paths: list[Path], dead_letters: DeadLetterSink, summary: RunSummary
    ) -> Iterator[MappedStudy | Unpublished]:
        return map_fhir(paths, settings, dead_letters=dead_letters, summary=summary, window=window)

    return source
