"""One run's counts and dead letters, kept the same way for both ways studies come in.

Export files (:mod:`ingest.export_source`) and FHIR files (:mod:`ingest.fhir.source`) read
different things, but a run is counted alike: every record read once — as mapped, unpublished
or dead-lettered —, every unreadable file once, warnings by kind, dead letters by kind. The
dead-letter rate, which decides the command's exit status, is over those counts.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ingest.deadletter import DeadLetter, DeadLetterSink
from ingest.mapping.model import MappedStudy, Unpublished
from ingest.sources import ReadError
from ingest.sources.text import warning_kind

if TYPE_CHECKING:  # a type only: the loader side of ingest need not be imported here
    from ingest.prepared import PreparedStudy

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


class RunBook:
    """Where a runner reports what became of each thing it read."""

    def __init__(self, summary: RunSummary, dead_letters: DeadLetterSink) -> None:
        self.summary = summary
        self.dead_letters = dead_letters

    def file(self, name: str) -> FileSummary:
        return self.summary.files.setdefault(name, FileSummary())

    def unreadable(self, fs: FileSummary, name: str, error: ReadError) -> None:
        """A file that could not be read to its end: it is incomplete, so no study it would
        have held is taken as vanished."""
        fs.complete = False
        self.summary.file_errors += 1
        kind = "corrupt-file" if error.index is not None else "unreadable-file"
        self.reject(fs, DeadLetter(name, error.index, None, kind, error.reason), record=False)

    def reject(self, fs: FileSummary, letter: DeadLetter, *, record: bool = True) -> None:
        """Set a record (or, ``record=False``, a file) aside with its reason."""
        if record:
            fs.read += 1
            self.summary.read += 1
        self.dead_letters.write(letter)
        fs.dead_lettered += 1
        self.summary.dead_lettered += 1
        self.summary.dead_letters[letter.kind] += 1

    def validated(self) -> None:
        self.summary.validated += 1

    def accept(self, fs: FileSummary, outcome: MappedStudy | PreparedStudy | Unpublished) -> None:
        fs.read += 1
        self.summary.read += 1
        if isinstance(outcome, Unpublished):
            fs.unpublished += 1
            self.summary.unpublished += 1
        else:
            fs.mapped += 1
            self.summary.mapped += 1
            self.summary.warnings.update(warning_kind(w) for w in outcome.warnings)


def load_exclusions(path: Path | None) -> frozenset[str]:
    """Study ids never to publish (RES-13): one per line, ``#`` comments; none by default."""
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
