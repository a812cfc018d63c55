"""`eclaire`: generate, map, ingest, reindex, harvest, serve, schedule, snapshot, restore,
rollback: one entry point for the data side and the API.

Every operational failure ends with one line of reason on stderr (and, for runs against the
index, in `<data_dir>/runs.ndjson`) and its exit status; `--debug` shows the traceback.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from ingest.errors import EXIT_STATUSES, BadUsage, DeadLettersAbove, IngestError, engine_failure

if TYPE_CHECKING:
    from rich.console import Console

    from eclaire_core.settings import Settings
    from ingest.pipeline import IngestResult

RECORDED = frozenset({"ingest", "reindex", "schedule", "snapshot", "restore", "rollback"})
"""Commands whose failures go to the run record (they act on the index)."""


def operational(exc: BaseException) -> IngestError | None:
    """The tree's error for ``exc``, None for a bug (which keeps its traceback)."""
    if isinstance(exc, IngestError):
        return exc
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):  # an ECLAIRE_* variable that does not parse
        fields = ", ".join(f"ECLAIRE_{'_'.join(map(str, e['loc'])).upper()}" for e in exc.errors())
        return BadUsage(f"bad setting {fields}: {exc.errors()[0]['msg']}")
    return engine_failure(exc)


class MappedErrors(TyperGroup):
    """The one place where failures become exit statuses (``ingest/errors.py``)."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context
        try:
            return super().invoke(ctx)
        except Exception as exc:
            error = operational(exc)
            if error is None or (error is exc and ctx.params.get("debug")):
                raise
            if ctx.params.get("debug"):  # the tree's error, chained to the engine's traceback
                raise error from exc
            command = ctx.invoked_subcommand or ""
            reason = " ".join(str(error).split()) or type(error).__name__
            typer.echo(f"eclaire {command}: {reason}", err=True)
            if command in RECORDED:
                _record(command, error)
            raise typer.Exit(error.exit_status) from None


def _record(command: str, error: IngestError) -> None:
    from pydantic import ValidationError

    from eclaire_core.settings import get_settings
    from ingest.runlog import record_failure

    try:
        settings = get_settings()
    except ValidationError:
        return
    record_failure(settings, command, error)


HELP = (
    (__doc__ or "").split("\n\n")[0].replace("\n", " ")
    + "\n\n**Exit statuses** (every command):\n\n"
    + "\n".join(f"- **{code}** {meaning}" for code, meaning in EXIT_STATUSES.items())
)
app = typer.Typer(
    cls=MappedErrors,
    no_args_is_help=True,
    add_completion=False,
    help=HELP,
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"eclaire-search {metadata.version('eclaire-search')}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an operational error too."
    ),
) -> None:
    """Callback of the group: the global options."""


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _readable(files: list[str]) -> list[Path]:
    from ingest.inputs import check_files

    paths = [Path(f) for f in files]
    check_files(paths)
    return paths


def _report_ingest(console: Console, result: IngestResult, settings: Settings) -> None:
    """The run's one-line summary; DeadLettersAbove (exit 1) past the setting."""
    m, load = result.mapping, result.load
    console.print(
        f"read {m.read} / indexed {load.indexed} (new {load.new}, updated {load.updated}, "
        f"unchanged {load.unchanged}) / deleted {load.deleted} / dead-lettered "
        f"{m.dead_lettered + load.failed} / warnings {sum(m.warnings.values())} / "
        f"sites located {load.sites_located}, unlocated {load.sites_unlocated} / "
        f"{result.seconds:.1f} s ({m.read / max(result.seconds, 1e-9):.0f} records/s) "
        f"→ {load.index}"
    )
    console.print(f"dead letters: {result.dead_letter_file}")
    if (t := result.translation).enabled or t.note:
        stop = f", stopped: {t.stopped}" if t.stopped else ""
        console.print(
            f"translation: {t.note}"
            if not t.enabled
            else f"translation: {t.translated} texts translated, {t.from_memory} from memory, "
            f"{t.untranslated} left in English ({t.characters_sent} characters sent{stop})"
        )
    if load.failed:
        raise DeadLettersAbove(f"{load.failed} bulk items failed; see {result.dead_letter_file}")
    if m.dead_letter_rate > settings.max_dead_letter_rate:
        raise DeadLettersAbove(
            f"dead-letter rate {m.dead_letter_rate:.2%} above {settings.max_dead_letter_rate:.2%}"
            f" (ECLAIRE_MAX_DEAD_LETTER_RATE); see {result.dead_letter_file}"
        )


@app.command("map")
def map_files(
    files: list[str] = typer.Argument(..., help="Export files (JSON arrays), any source."),  # noqa: B008
    out: str = typer.Option(..., "--out", help="Output directory (created if needed)."),
) -> None:
    """Map export files to FHIR NDJSON, without OpenSearch.

    Each record's source comes from its reglementation_code, not from the file name.

    Writes into --out: one NDJSON per resource type, unpublished.ndjson, warnings.ndjson,
    dead-letters.ndjson and summary.json. Validation follows ECLAIRE_VALIDATION.

    Exit status: 0 done; 1 dead-letter rate above ECLAIRE_MAX_DEAD_LETTER_RATE (the outputs
    are still written); 5 an input file is missing or unreadable.
    """
    from eclaire_core.settings import get_settings
    from ingest.deadletter import read_dead_letters
    from ingest.export_source import run_map

    settings = get_settings()
    paths = _readable(files)
    summary = run_map(paths, Path(out), settings)
    console = _stderr()
    console.print(
        f"read {summary.read}, mapped {summary.mapped}, unpublished {summary.unpublished}, "
        f"dead-lettered {summary.dead_lettered} ({summary.dead_letter_rate:.2%}), "
        f"validated {summary.validated}; warnings {sum(summary.warnings.values())}"
    )
    for kind, count in sorted(summary.dead_letters.items()):
        console.print(f"  dead letters {kind}: {count}")
    if summary.file_errors:  # say why a file could not be read, not only that it could not
        for letter in read_dead_letters(Path(out) / "dead-letters.ndjson"):
            if letter["kind"] in ("unreadable-file", "corrupt-file"):
                console.print(f"  {letter['file']}: {letter['reason']}")
    if summary.dead_letter_rate > settings.max_dead_letter_rate:
        raise DeadLettersAbove(
            f"dead-letter rate {summary.dead_letter_rate:.2%} above "
            f"{settings.max_dead_letter_rate:.2%} (ECLAIRE_MAX_DEAD_LETTER_RATE); "
            f"see {Path(out) / 'dead-letters.ndjson'}"
        )


@app.command("ingest")
def ingest_files(
    files: list[str] = typer.Argument(..., help="Export files (JSON arrays), any source."),  # noqa: B008
    incremental: bool = typer.Option(
        False, "--incremental", help="Upsert changes into the live index instead of a new one."
    ),
    fhir: bool = typer.Option(
        False, "--fhir", help="FILES are FHIR R4 Bundles or NDJSON (a mirror), not exports."
    ),
    window: int = typer.Option(
        2000, "--window", help="--fhir: studies kept waiting for their linked resources."
    ),
    allow_shrink: bool = typer.Option(
        False,
        "--allow-shrink",
        help="Load even if it empties or shrinks the service (ECLAIRE_MIN_LOAD_SHARE, "
        "ECLAIRE_MAX_DELETE_SHARE).",
    ),
) -> None:
    """Map export files and load them into OpenSearch.

    Full (default): a new versioned index, then an atomic alias swap. --incremental: upsert the
    studies whose content changed, delete vanished and unpublished ones, in the live index.

    --fhir: the files are FHIR R4 as an ECLAIRE API publishes it (searchset or collection
    Bundles, NDJSON of mixed resources, e.g. from `eclaire harvest`). A study's Group,
    Locations and sponsor Organization are matched to it by id and may come before or after
    it, within --window studies.

    Exit status: 0 loaded; 1 dead-letter rate above ECLAIRE_MAX_DEAD_LETTER_RATE or bulk
    failures (what could be loaded is loaded); 3 the load was refused (it would have emptied or
    shrunk the service: ECLAIRE_MIN_LOAD_SHARE, ECLAIRE_MAX_DELETE_SHARE, --allow-shrink) or
    failed and the alias did not move; 4 OpenSearch did not answer; 5 an input file is missing
    or unreadable.
    """
    from eclaire_core.settings import get_settings
    from ingest.pipeline import run_ingest

    settings = get_settings()
    paths = _readable(files)
    console = _stderr()
    with console.status("ingesting…"):
        source = None
        if fhir:
            from ingest.fhir import fhir_source

            source = fhir_source(settings, window)
        result = run_ingest(
            paths,
            settings,
            "incremental" if incremental else "full",
            source,
            allow_shrink=allow_shrink,
        )
    _report_ingest(console, result, settings)


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Default: ECLAIRE_HOST."),
    port: int | None = typer.Option(None, help="Default: ECLAIRE_PORT."),
    workers: int = typer.Option(1, help="Worker processes (>1 needs ECLAIRE_CURSOR_SECRET)."),
) -> None:
    """Serve the API (FHIR base /R4, statistics /api/statistics).

    Exit status: 2 = --workers above 1 without ECLAIRE_CURSOR_SECRET (nothing started).
    """
    from eclaire_core.settings import get_settings
    from eclaire_search.serving import WorkerSecretMissing
    from eclaire_search.serving import serve as run_server

    settings = get_settings()
    try:
        run_server(settings, host or settings.host, port or settings.port, workers)
    except WorkerSecretMissing as exc:
        raise BadUsage(str(exc)) from None  # exit 2, one line


@app.command("schedule")
def schedule(
    files: list[str] | None = typer.Argument(  # noqa: B008
        None, help="Export files re-read at each run (default: ECLAIRE_INPUT_DIR's newest)."
    ),
    check: bool = typer.Option(False, "--check", help="Run the checks only, then exit."),
    run_now: bool = typer.Option(
        False, "--run-now", help="Run the job once now (same lease, same record), then exit."
    ),
) -> None:
    """Run the incremental update on ECLAIRE_SCHEDULE_CRON (default 04:00, ECLAIRE_TIMEZONE).

    Without FILES, each run takes the newest file matching each of ECLAIRE_INPUT_PATTERNS in
    ECLAIRE_INPUT_DIR. Holds an OpenSearch lease per run, so several schedulers never run the
    job at once; each run is recorded in ECLAIRE_DATA_DIR/runs.ndjson, a failed one with its
    reason.

    At start (and alone with --check): OpenSearch answers, the lease index is writable, every
    input file is present and readable; the first failure stops it with its exit status.

    Exit status: 0 checks passed (or the run was done); 1 --run-now loaded with too many dead
    letters; 3 --run-now refused (another scheduler holds the lease) or failed; 4 OpenSearch
    did not answer; 5 an input file is missing or unreadable.
    """
    import logging
    from datetime import datetime

    from eclaire_core.settings import get_settings
    from ingest.scheduler import build_scheduler, preflight, run_once

    settings = get_settings()
    console = _stderr()
    paths = [Path(f) for f in files] if files else None
    checks = preflight(paths, settings)
    for item in checks:
        mark = "ok    " if item.ok else "FAILED"
        console.print(f"{mark} {item.what}: {item.detail}", soft_wrap=True)
    failure = next((c.error for c in checks if c.error is not None), None)
    if failure is not None:
        raise failure
    if check:
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "scheduler.alive").touch()
    if run_now:
        _report_ingest(console, run_once(paths, settings), settings)
        return
    scheduler = build_scheduler(paths, settings)
    trigger = scheduler.get_jobs()[0].trigger
    typer.echo(f"next run: {trigger.get_next_fire_time(None, datetime.now(trigger.timezone))}")
    scheduler.start()


@app.command("generate")
def generate_exports(
    out_dir: str = typer.Argument(..., help="Directory for the three exports (created if needed)."),
    seed: int = typer.Option(42, "--seed", help="Same seed, byte-identical files."),
    scale: int | None = typer.Option(
        None, "--scale", help="Published studies (default 19,053: the production statistics)."
    ),
    malformed: int = typer.Option(
        0, "--malformed", help="Bad records on top, tagged in malformed_tags.ndjson."
    ),
) -> None:
    """Write synthetic ECLAIRE source exports in the production format and shape.

    Into OUT_DIR: export_eclaire_ctis.json, export_eclaire_dm-dmdiv.json,
    export_eclaire_jarde.json, malformed_tags.ndjson (expected outcome of each bad record) and
    generation_summary.json. Existing files of those names are replaced.

    Exit status: 0 written; 2 OUT_DIR is a file, or --scale/--malformed out of range.
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from ingest.generator import generate, planned_records

    console = _stderr()
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise BadUsage(f"{out_dir} is a file, not a directory: give a directory for the exports")
    try:
        total = planned_records(scale, malformed)
    except ValueError as exc:
        raise BadUsage(str(exc)) from None
    started = time.perf_counter()
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("generating", total=total)
        summary = generate(
            target,
            seed=seed,
            scale=scale,
            malformed=malformed,
            progress=lambda n: bar.advance(task, n),
        )
    seconds = time.perf_counter() - started
    table = Table("file", "records", "published", "unpubl.", "repatr.", "dead l.", "warn.", "MB")
    for name, f in summary.files.items():
        label = name.removeprefix("export_eclaire_").removesuffix(".json")
        table.add_row(
            label,
            *(
                str(n)
                for n in (
                    f.records,
                    f.published,
                    f.unpublished,
                    f.repatriated,
                    f.dead_letter,
                    f.warning,
                )
            ),
            f"{f.bytes / 1e6:.1f}",
        )
    console.print(table)
    for key, value in summary.statistics().items():
        console.print(f"  {key}: {value}")
    console.print(f"{summary.count('records')} records in {seconds:.1f} s → {out_dir}")


@app.command("harvest")
def harvest_command(
    url: str = typer.Argument(..., help="FHIR base URL, e.g. https://example.org/R4"),
    out: str = typer.Option(..., "--out", help="NDJSON output (for `eclaire ingest --fhir`)."),
    delay: float = typer.Option(0.5, "--delay", help="Seconds between pages."),
    count: int = typer.Option(200, "--count", help="Studies per page (_count)."),
    resume: bool = typer.Option(False, "--resume", help="Go on from the state saved beside --out."),
    max_pages: int | None = typer.Option(
        None, "--max-pages", help="Stop after this many pages (go on later with --resume)."
    ),
    retries: int = typer.Option(
        4, "--retries", help="Retries of a page on 429/5xx or no answer, with backoff."
    ),
) -> None:
    """Page through a live FHIR base's `ResearchStudy?_include=*` into NDJSON.

    Follows the Bundles' next links with a polite delay, retrying 429/5xx and unanswered
    requests with backoff. After each page the state (next link, bytes written) is saved in
    OUT.harvest.json, so an interrupted harvest goes on with --resume.

    Exit status: 0 done (or --max-pages reached); 4 the server did not answer; 6 the server
    answered with an error. On 4 and 6 what was written is kept: go on with --resume.
    """
    from ingest.errors import HarvestStopped
    from ingest.harvest import HarvestState, harvest

    console = _stderr()

    def progress(state: HarvestState) -> None:
        console.print(f"page {state.pages}: {state.studies} studies")

    try:
        summary = harvest(
            url,
            Path(out),
            delay=delay,
            count=count,
            resume=resume,
            max_pages=max_pages,
            retries=retries,
            progress=progress,
        )
    except HarvestStopped as exc:
        raise type(exc)(f"{exc}; go on later with --resume") from exc
    state = "done" if summary.done else f"not finished, resume with --resume ({summary.state_file})"
    console.print(
        f"{summary.studies} studies, {summary.resources} resources in "
        f"{summary.pages} pages → {out}: {state}"
    )


@app.command("reindex")
def reindex() -> None:
    """Rebuild the live index from the documents it holds into a new one, and swap.

    Applies a new index template or document shape without the exports. Versions and
    lastUpdated are kept (the content is unchanged).

    Exit status: 0 swapped; 3 no live index, or the rebuild failed and the alias did not move;
    4 OpenSearch did not answer.
    """
    from eclaire_core.opensearch import sync_client
    from eclaire_core.settings import get_settings
    from ingest.deadletter import DeadLetterWriter
    from ingest.errors import LoadFailed
    from ingest.loader import Loader, alias_indices, stored_studies

    settings = get_settings()
    console = _stderr()
    client = sync_client(settings)
    try:
        if not alias_indices(client, settings.index_alias):
            raise LoadFailed(f"alias {settings.index_alias} points at no index: nothing to rebuild")
        with DeadLetterWriter(settings.data_dir / "reindex-dead-letters.ndjson") as dead:
            load = Loader(client, settings, dead).full_load(
                stored_studies(client, settings.index_alias)
            )
    finally:
        client.close()
    console.print(f"reindexed {load.indexed} studies → {load.index} (unchanged {load.unchanged})")


from eclaire_cli import backup  # noqa: E402 - registers snapshot, restore, rollback on app

backup.register(app)
