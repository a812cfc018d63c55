"""`eclaire` command line: one entry point for generate, map, ingest, reindex, serve, schedule."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

# Commands are added below, one function each.


@app.command("map")
def map_files(
    files: list[str] = typer.Argument(..., help="Export files (JSON arrays), any source."),  # noqa: B008
    out: str = typer.Option(..., "--out", help="Output directory (created if needed)."),
) -> None:
    """Map export files to FHIR NDJSON, without OpenSearch.

    Each record's source comes from its reglementation_code, not from the file name.

    Writes into --out: one NDJSON per resource type, unpublished.ndjson, warnings.ndjson,
    dead-letters.ndjson and summary.json. Validation follows ECLAIRE_VALIDATION.

    Exit status: 0 = done; 1 = dead-letter rate above ECLAIRE_MAX_DEAD_LETTER_RATE (the
    outputs are still written); 2 = usage error.
    """
    from pathlib import Path

    from rich.console import Console

    from eclaire_search.settings import get_settings
    from ingest.mapping_run import run_map

    settings = get_settings()
    summary = run_map([Path(f) for f in files], Path(out), settings)
    console = Console(stderr=True)
    console.print(
        f"read {summary.read}, mapped {summary.mapped}, unpublished {summary.unpublished}, "
        f"dead-lettered {summary.dead_lettered} ({summary.dead_letter_rate:.2%}), "
        f"validated {summary.validated}; warnings {sum(summary.warnings.values())}"
    )
    for kind, count in sorted(summary.dead_letters.items()):
        console.print(f"  dead letters {kind}: {count}")
    if summary.dead_letter_rate > settings.max_dead_letter_rate:
        console.print(f"[red]dead-letter rate above {settings.max_dead_letter_rate:.2%}[/red]")
        raise typer.Exit(code=1)


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

    --fhir: the files are FHIR R4 as an ECLAIRE API publishes it (searchset or collection
    Bundles, NDJSON of mixed resources, e.g. from `eclaire harvest`). A study's Group,
    Locations and sponsor Organization are matched to it by id and may come before or after
    it, within --window studies.

    Full (default): a new versioned index, then an atomic alias swap. --incremental: upsert the
    studies whose content changed, delete vanished and unpublished ones, in the live index.

    Exit status: 0 = loaded; 1 = dead-letter rate above ECLAIRE_MAX_DEAD_LETTER_RATE or bulk
    failures (what could be loaded is loaded); 3 = the load failed or was refused (it would
    have emptied or shrunk the service) and the alias was not moved.
    """
    from pathlib import Path

    from rich.console import Console

    from eclaire_search.settings import get_settings
    from ingest.errors import LoadRefused
    from ingest.pipeline import run_ingest

    settings = get_settings()
    console = Console(stderr=True)
    try:
        with console.status("ingesting…"):
            source = None
            if fhir:
                from ingest.fhir import fhir_source

                source = fhir_source(settings, window)
            result = run_ingest([Path(f) for f in files], settings,
                                "incremental" if incremental else "full", source,
                                allow_shrink=allow_shrink)
    except LoadRefused as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=exc.exit_status) from None
    except RuntimeError as exc:
        console.print(f"[red]load failed: {exc}[/red]")
        raise typer.Exit(code=3) from None
    m, load = result.mapping, result.load
    console.print(
        f"read {m.read} / indexed {load.indexed} (new {load.new}, updated {load.updated}, "
        f"unchanged {load.unchanged}) / deleted {load.deleted} / dead-lettered "
        f"{m.dead_lettered + load.failed} / warnings {sum(m.warnings.values())} / "
        f"{result.seconds:.1f} s ({m.read / max(result.seconds, 1e-9):.0f} records/s) "
        f"→ {load.index}"
    )
    console.print(f"dead letters: {result.dead_letter_file}")
    if m.dead_letter_rate > settings.max_dead_letter_rate or load.failed:
        raise typer.Exit(code=1)


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Default: ECLAIRE_HOST."),
    port: int | None = typer.Option(None, help="Default: ECLAIRE_PORT."),
    workers: int = typer.Option(1, help="uvicorn worker processes."),
) -> None:
    """Serve the API (FHIR base /R4, statistics /api/statistics)."""
    import uvicorn

    from eclaire_search.settings import get_settings

    settings = get_settings()
    uvicorn.run("eclaire_search.app:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, workers=workers, log_level="info")


@app.command("schedule")
def schedule(
    files: list[str] = typer.Argument(..., help="Export files re-read at each run."),  # noqa: B008
) -> None:
    """Run the incremental update on ECLAIRE_SCHEDULE_CRON (default 04:00, ECLAIRE_TIMEZONE).

    Holds an OpenSearch lease per run, so several schedulers never run the job at once.
    """
    import logging
    from datetime import datetime
    from pathlib import Path

    from eclaire_search.settings import get_settings
    from ingest.scheduler import build_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "scheduler.alive").touch()
    scheduler = build_scheduler([Path(f) for f in files], settings)
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

    export_eclaire_ctis.json, export_eclaire_dm-dmdiv.json, export_eclaire_jarde.json,
    malformed_tags.ndjson (expected outcome of each bad record) and generation_summary.json.
    """
    import time
    from pathlib import Path

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from ingest.generator import generate, planned_records

    console = Console(stderr=True)
    try:
        total = planned_records(scale, malformed)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from None
    started = time.perf_counter()
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("generating", total=total)
        summary = generate(Path(out_dir), seed=seed, scale=scale, malformed=malformed,
                           progress=lambda n: bar.advance(task, n))
    seconds = time.perf_counter() - started
    table = Table("file", "records", "published", "unpubl.", "repatr.", "dead l.", "warn.", "MB")
    for name, f in summary.files.items():
        label = name.removeprefix("export_eclaire_").removesuffix(".json")
        table.add_row(label, *(str(n) for n in (f.records, f.published, f.unpublished,
                                               f.repatriated, f.dead_letter, f.warning)),
                      f"{f.bytes / 1e6:.1f}")
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
    resume: bool = typer.Option(
        False, "--resume", help="Go on from the state saved beside --out."
    ),
    max_pages: int | None = typer.Option(
        None, "--max-pages", help="Stop after this many pages (go on later with --resume)."
    ),
) -> None:
    """Page through a live FHIR base's ResearchStudy?_include=* into NDJSON.

    Follows the Bundles' next links with a polite delay, retrying 429/5xx with backoff. After
    each page the state (next link, bytes written) is saved in OUT.harvest.json, so an
    interrupted harvest goes on with --resume.

    Exit status: 0 = done (or --max-pages reached); 1 = stopped by an error (resume later).
    """
    from pathlib import Path

    from rich.console import Console

    from ingest.harvest import HarvestError, HarvestState, harvest

    console = Console(stderr=True)

    def progress(state: HarvestState) -> None:
        console.print(f"page {state.pages}: {state.studies} studies", highlight=False)

    try:
        summary = harvest(url, Path(out), delay=delay, count=count, resume=resume,
                          max_pages=max_pages, progress=progress)
    except HarvestError as exc:
        console.print(f"[red]harvest stopped: {exc}[/red]\nresume with --resume")
        raise typer.Exit(code=1) from None
    state = "done" if summary.done else f"not finished, resume with --resume ({summary.state_file})"
    console.print(f"{summary.studies} studies, {summary.resources} resources in "
                  f"{summary.pages} pages → {out}: {state}")


@app.command("reindex")
def reindex() -> None:
    """Rebuild the live index from the documents it holds, into a new versioned index, and
    swap the alias: applies a new index template or document shape without the exports.

    Versions and lastUpdated are kept (the content is unchanged). Exit status: 0 swapped;
    3 the rebuild failed and the alias did not move.
    """
    from rich.console import Console

    from eclaire_search.settings import get_settings
    from ingest.deadletter import DeadLetterWriter
    from ingest.loader import Loader, create_sync_client, stored_studies

    settings = get_settings()
    console = Console(stderr=True)
    client = create_sync_client(settings)
    try:
        with DeadLetterWriter(settings.data_dir / "reindex-dead-letters.ndjson") as dead:
            load = Loader(client, settings, dead).full_load(
                stored_studies(client, settings.index_alias)
            )
    except RuntimeError as exc:
        console.print(f"[red]reindex failed: {exc}[/red]")
        raise typer.Exit(code=3) from None
    finally:
        client.close()
    console.print(f"reindexed {load.indexed} studies → {load.index} (unchanged {load.unchanged})")
