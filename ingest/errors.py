"""The ingest side's exception tree: each operational failure has one documented exit status.

The CLI maps an :class:`IngestError` to its ``exit_status`` and prints its message on one line
(the traceback only with ``--debug``); anything else is a bug and keeps its traceback.

    0  done
    1  loaded, but the dead-letter rate was above the setting or some bulk items failed
    2  usage error (bad arguments; typer's own status)
    3  load refused or failed: the alias did not move (shrink guard, empty load, bulk refusal)
    4  OpenSearch unreachable
    5  bad input files (missing, unreadable, not an export)
"""

from __future__ import annotations


class IngestError(Exception):
    """An operational failure with a reason an operator can act on."""

    exit_status = 3


class LoadRefused(IngestError):
    """The new index was built but not swapped in (it would shrink or empty the service)."""

    exit_status = 3


class LoadFailed(IngestError):
    """The load could not complete; the alias did not move."""

    exit_status = 3


class EngineUnreachable(IngestError):
    """OpenSearch did not answer."""

    exit_status = 4


class InputError(IngestError):
    """An input file is missing, unreadable or not an export this tool knows."""

    exit_status = 5
