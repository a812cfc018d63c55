"""One ingest run: read → map → load, with its dead letters, summary and run record.

Used by the CLI, the nightly scheduler and the tests, so all three run the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from ingest.bookkeeping import RunSummary
from ingest.deadletter import DeadLetterSink, DeadLetterWriter
from ingest.errors import LoadRefused
from ingest.export_source import map_exports, record_mapper
from ingest.gc_tuning import load_gc
from ingest.loader import Loader, LoadSummary, indexed_state, unchanged_in
from ingest.mapping import MappedStudy, Unpublished
from ingest.mapping_pool import MappingPool
from ingest.prepared import Outcome
from ingest.translation import TranslationSummary, translation_step

Mode = Literal["full", "incremental"]
OutcomeSource = Callable[
    [list[Path], DeadLetterSink, RunSummary], Iterable[MappedStudy | Unpublished]
]
"""Files → studies, filling the run's dead letters and summary (default: the source exports;
``ingest.fhir.fhir_source`` reads FHIR Bundles/NDJSON instead)."""


@dataclass
class IngestResult:
    mapping: RunSummary
    load: LoadSummary
    seconds: float
    dead_letter_file: Path
    started: str
    translation: TranslationSummary = field(default_factory=TranslationSummary)

    @property
    def ok(self) -> bool:
        return self.load.failed == 0 and not self.load.refused

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "seconds": round(self.seconds, 2),
            "mapping": self.mapping.to_dict(),
            "load": self.load.to_dict(),
            "translation": self.translation.to_dict(),
            "dead_letter_file": str(self.dead_letter_file),
        }


def run_ingest(
    paths: Iterable[Path],
    settings: Settings,
    mode: Mode = "full",
    source: OutcomeSource | None = None,
    *,
    allow_shrink: bool = False,
) -> IngestResult:
    """Map the files and load them; every bad record ends in the run's dead letters.

    Raises :class:`ingest.errors.LoadRefused` (after writing the run's summary.json) when the
    shrink guard refused the load; the CLI and the scheduler record it in runs.ndjson.
    """
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    run_dir = settings.data_dir / "runs" / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    tick = time.perf_counter()
    mapping = RunSummary()
    translation = TranslationSummary()
    client = sync_client(settings)
    step = None
    try:
        with (
            load_gc(),
            DeadLetterWriter(run_dir / "dead-letters.ndjson") as dead,
            ExitStack() as stack,
        ):
            outcomes: Iterable[Outcome]
            # What the index holds, read once: the loader's versions and diff; in an
            # incremental run, unchanged studies skip mapping-output validation.
            previous = indexed_state(client, settings.index_alias)
            loader = Loader(client, settings, dead, allow_shrink=allow_shrink)
            if source is None:
                # CTIS texts into French between mapping and documents (no key: no step).
                step = translation_step(settings, client, translation)
                mapper = record_mapper(
                    settings,
                    unchanged=unchanged_in(previous) if previous and mode != "full" else None,
                    prepare=step is None,  # translated studies need their documents rebuilt
                    previous=previous,
                    full=loader.rebuilds(mode),
                    run_time=loader.run_time,
                )
                # Forked here, before the loader's bulk-sender thread exists.
                pool = stack.enter_context(MappingPool(mapper, settings.ingest_workers))
                outcomes = map_exports(
                    list(paths), settings, dead_letters=dead, summary=mapping, pool=pool
                )
                if step is not None:
                    outcomes = step(outcomes)
            else:
                outcomes = source(list(paths), dead, mapping)
            if mode == "full":
                load = loader.full_load(outcomes, previous=previous)
            else:
                load = loader.incremental(
                    outcomes,
                    complete=lambda: all(f.complete for f in mapping.files.values()),
                    previous=previous,
                )
    finally:
        if step is not None:
            step.close()
        client.close()
    result = IngestResult(
        mapping,
        load,
        time.perf_counter() - tick,
        run_dir / "dead-letters.ndjson",
        started.isoformat(timespec="seconds"),
        translation,
    )
    (run_dir / "summary.json").write_bytes(
        orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2)
    )
    if load.refused:  # the caller records it as a failure (ingest.runlog), exit 3
        raise LoadRefused(f"load refused: {load.refused}")
    record_run(settings, result)
    return result


def record_run(settings: Settings, result: IngestResult) -> None:
    """Append the run to runs.ndjson: /api/version reads the last successful one."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    line = {
        "started": result.started,
        "index": result.load.index,
        "ok": result.ok,
        "studies": result.mapping.mapped,
        "seconds": round(result.seconds, 2),
    }
    with open(settings.data_dir / "runs.ndjson", "ab") as handle:
        handle.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
