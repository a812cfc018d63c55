"""`eclaire` command line: one entry point for generate, map, ingest, reindex, serve, schedule."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

# Commands are added below, one function each.
