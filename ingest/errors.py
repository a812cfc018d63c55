"""The ingest side's exception tree: each operational failure has one documented exit status.

The CLI maps an :class:`IngestError` to its ``exit_status`` and prints its message on one line
(the traceback only with ``--debug``); anything else is a bug and keeps its traceback.

    0  done
    1  loaded, but the dead-letter rate was above the setting or some bulk items failed
    2  usage error (bad arguments; typer's own status)
    3  load refused or failed: the alias did not move (shrink guard, empty load, bulk refusal)
    4  a server did not answer: OpenSearch, or the FHIR base being harvested
    5  bad input files (missing, unreadable, not an export)
    6  the harvested server answered with an error; what was written is kept (``--resume``)
"""

from __future__ import annotations

from typing import Final

from opensearchpy import exceptions as os_errors

EXIT_STATUSES: Final = {
    0: "done",
    1: "loaded, but the dead-letter rate was above ECLAIRE_MAX_DEAD_LETTER_RATE "
    "or some bulk items failed",
    2: "usage error (bad arguments)",
    3: "load refused or failed: the alias did not move",
    4: "a server did not answer: OpenSearch, or the FHIR base being harvested",
    5: "bad input files: missing, unreadable or not an export",
    6: "harvest stopped by the server's answers; go on later with --resume",
}
"""The table the CLI's help and the README show; a test keeps it in step with the classes."""


class IngestError(Exception):
    """An operational failure with a reason an operator can act on."""

    exit_status = 3


class DeadLettersAbove(IngestError):
    """The run finished, but too many records were set aside (or bulk items failed)."""

    exit_status = 1


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


class HarvestStopped(IngestError):
    """The harvested FHIR server answered with an error; the output so far is kept."""

    exit_status = 6


class SourceUnreachable(HarvestStopped):
    """The FHIR base being harvested did not answer (refused, timed out, no such host)."""

    exit_status = 4


class BadUsage(IngestError):
    """The command cannot do what was asked as asked (an output path that is a file, a
    setting that does not parse): typer's own usage status."""

    exit_status = 2


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def engine_failure(exc: BaseException) -> IngestError | None:
    """The tree's class for an opensearch-py exception (None if ``exc`` is not one).

    A refused or timed-out connection is :class:`EngineUnreachable`; any other answer the
    engine gives an ingest (a 4xx/5xx on create, bulk, alias or snapshot) is
    :class:`LoadFailed`, with the engine's own reason kept short.
    """
    if isinstance(exc, os_errors.ConnectionError):  # ConnectionTimeout and SSLError included
        cause = exc.info if isinstance(exc.info, BaseException) else exc.error
        return EngineUnreachable(f"OpenSearch did not answer: {_one_line(str(cause))}")
    if isinstance(exc, os_errors.TransportError):
        reason = str(exc.error)
        body = exc.info
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict):
                reason = str(error.get("reason") or error.get("type") or reason)
        return LoadFailed(
            f"OpenSearch refused the request ({exc.status_code}): {_one_line(reason)}"
        )
    return None
