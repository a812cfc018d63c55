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
