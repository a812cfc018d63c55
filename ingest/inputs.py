"""Which export files a run reads, and whether they can be read, before any work starts.

Named files are checked as given; without names, the nightly job looks in
``ECLAIRE_INPUT_DIR`` and takes, for each of ``ECLAIRE_INPUT_PATTERNS``, the newest file that
matches (dated copies such as ``export_eclaire_jarde-2026-12-01.json`` can pile up there; the
newest wins, each night again). A missing or unreadable file is an :class:`InputError` with its
real reason, rather than a dead letter discovered after the run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eclaire_core.settings import Settings
from ingest.errors import InputError


@dataclass(frozen=True)
class InputFile:
    path: Path
    size: int
    modified: datetime

    def describe(self) -> str:
        when = self.modified.strftime("%Y-%m-%d %H:%M UTC")
        return f"{self.path} ({self.size / 1e6:.1f} MB, {when})"


def problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file, or None if it can: it must exist, be
    readable and start like JSON (a truncated or corrupt body is the reader's business: it
    dead-letters what it cannot read and keeps the rest)."""
    if not path.exists():
        return f"{path}: no such file"
    if path.is_dir():
        return f"{path}: is a directory, not a file"
    if not os.access(path, os.R_OK):
        return f"{path}: not readable (permission denied)"
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not start:
        return f"{path}: empty file" if not head else f"{path}: only blanks at its start"
    if start[:1] not in (b"[", b"{"):  # an export is an array, FHIR a Bundle or NDJSON lines
        first = start.splitlines()[0][:20].decode("utf-8", "replace")
        return f"{path}: not JSON (starts with {first!r})"
    return None


def check_files(paths: Sequence[Path]) -> list[InputFile]:
    """Every file readable, or an InputError naming the first one that is not (and how many)."""
    problems = [p for p in (problem(path) for path in paths) if p]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(problems[0] + more)
    files = []
    for path in paths:
        stat = path.stat()
        files.append(InputFile(path, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)))
    return files


def newest_inputs(settings: Settings) -> list[Path]:
    """The newest file of each pattern in ``ECLAIRE_INPUT_DIR``; an InputError if one is absent.

    Files still being copied should arrive under another name (``*.part``) and be renamed
    when complete, so a pattern never matches half a file.
    """
    directory = settings.input_dir
    if directory is None:
        raise InputError("no input files: name them, or set ECLAIRE_INPUT_DIR")
    if not directory.is_dir():
        raise InputError(f"ECLAIRE_INPUT_DIR {directory}: no such directory")
    chosen = []
    for pattern in settings.input_globs:
        matches = [p for p in directory.glob(pattern) if p.is_file()]
        if not matches:
            raise InputError(f"{directory}: no file matches {pattern!r} (ECLAIRE_INPUT_PATTERNS)")
        chosen.append(max(matches, key=lambda p: (p.stat().st_mtime, p.name)))
    return chosen


def resolve(files: Sequence[str], settings: Settings) -> list[Path]:
    """The named files, or the input directory's newest ones when none are named."""
    return [Path(f) for f in files] if files else newest_inputs(settings)
