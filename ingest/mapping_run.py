"""Read → map → validate over whole export files, with dead letters and a run summary.

Every failure becomes a dead letter and the run goes on: an unreadable file, a non-object
element, a record that cannot become a study, a failed validation, a duplicate id (the first
occurrence wins, within and across files — the reference let the last one win, §4). Nothing
here talks to OpenSearch; the indexer consumes :func:`map_exports`' iterator.
"""

from __future__ import annotations

import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from eclaire_search.settings import Settings
from ingest.deadletter import DeadLetter, DeadLetterSink
from ingest.mapping import MappedStudy, MeddraTable, RecordRejected, Unpublished, to_fhir
from ingest.mapping.validation import validate
from ingest.sources import ReadError, detect_source, primary_id, read_export
from ingest.sources.text import warning_kind

SAMPLE_EVERY: Final = 50
"""``validation=sample`` validates the studies whose id hash is divisible by this."""


@dataclass
class FileSummary:
    read: int = 0
    mapped: int = 0
    unpublished: int = 0
    dead_lettered: int = 0
    complete: bool = True


@dataclass
class RunSummary:
    """Counts of one run; ``dead_letter_rate`` drives the command's exit status."""

    files: dict[str, FileSummary] = field(default_factory=dict)
    read: int = 0
    mapped: int = 0
    unpublished: int = 0
    dead_lettered: int = 0
    file_errors: int = 0
    validated: int = 0
    warnings: Counter[str] = field(default_factory=Counter)
    dead_letters: Counter[str] = field(default_factory=Counter)

    @property
    def dead_letter_rate(self) -> float:
        """Dead letters (records and unreadable files) over records read plus such files."""
        return self.dead_lettered / max(self.read + self.file_errors, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "mapped": self.mapped,
            "unpublished": self.unpublished,
            "dead_lettered": self.dead_lettered,
            "file_errors": self.file_errors,
            "validated": self.validated,
            "dead_letter_rate": round(self.dead_letter_rate, 6),
            "warnings": dict(sorted(self.warnings.items())),
            "dead_letters": dict(sorted(self.dead_letters.items())),
            "files": {name: vars(f) for name, f in self.files.items()},
        }


def load_exclusions(path: Path | None) -> frozenset[str]:
    """Study ids never to publish (R13): one per line, ``#`` comments; none by default."""
    if path is None:
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s for line in lines if (s := line.split("#", 1)[0].strip()))


def should_validate(study_id: str, mode: str) -> bool:
    """``all``, ``none``, or ``sample``: 1 in SAMPLE_EVERY, the same ids on every run."""
    if mode == "all":
        return True
    if mode == "sample":
        return zlib.crc32(study_id.encode()) % SAMPLE_EVERY == 0
    return False


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
    summary = summary if summary is not None else RunSummary()
    meddra = meddra if meddra is not None else MeddraTable.load(settings.meddra_table)
    if exclusions is None:
        exclusions = load_exclusions(settings.exclusion_file)
    seen: dict[str, str] = {}

    def reject(fs: FileSummary, letter: DeadLetter) -> None:
        dead_letters.write(letter)
        fs.dead_lettered += 1
        summary.dead_lettered += 1
        summary.dead_letters[letter.kind] += 1

    for path in paths:
        name = str(path)
        fs = summary.files.setdefault(name, FileSummary())
        for item in read_export(path):
            if isinstance(item, ReadError):
                fs.complete = False
                summary.file_errors += 1
                kind = "corrupt-file" if item.index is not None else "unreadable-file"
                reject(fs, DeadLetter(name, item.index, None, kind, item.reason))
                continue
            fs.read += 1
            summary.read += 1
            record, where = item.value, f"{name}#{item.index}"
            study_id: str | None = None
            try:
                if not isinstance(record, dict):
                    raise RecordRejected(
                        f"array element is not a JSON object ({type(record).__name__})",
                        "unparseable",
                    )
                source = detect_source(record)
                if source is None:
                    code = record.get("reglementation_code")
                    raise RecordRejected(
                        f"unknown reglementation_code {code!r}", "unknown-regulation"
                    )
                study_id = primary_id(record, source)  # known for the dead letter, if any
                outcome = to_fhir(record, source=source, meddra=meddra, excluded=exclusions)
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
                    summary.validated += 1
                    validate(outcome)
            except RecordRejected as exc:
                reject(fs, DeadLetter(name, item.index, study_id, exc.kind, exc.reason, record))
                continue
            except Exception as exc:  # a mapping bug must cost one record, not the run
                detail = traceback.format_exception_only(exc)[-1].strip()
                reject(
                    fs,
                    DeadLetter(
                        name,
                        item.index,
                        study_id,
                        "internal-error",
                        f"unexpected error while mapping: {detail}",
                        record,
                    ),
                )
                continue
            seen[study_id] = where
            if isinstance(outcome, Unpublished):
                fs.unpublished += 1
                summary.unpublished += 1
            else:
                fs.mapped += 1
                summary.mapped += 1
                summary.warnings.update(warning_kind(w) for w in outcome.warnings)
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
