"""The nightly job: an incremental ingest at 04:00 Europe/Paris (cron setting), one at a time.

apscheduler fires the job; the OpenSearch lease (``ingest/lock.py``) makes sure that if two
schedulers are running, only one of them works. Each run is recorded in
``<data_dir>/runs.ndjson`` (a failed one with its one-line reason) and logged.

``eclaire schedule --check`` runs :func:`preflight` (also run when the scheduler starts), and
``--run-now`` runs :func:`run_once`: the job itself, same lease, same record, now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from opensearchpy import exceptions as os_errors

from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from ingest.errors import IngestError, InputError, LoadRefused, engine_failure
from ingest.inputs import check_files, newest_inputs, problem
from ingest.lock import LOCK_INDEX, LockHeld, lease, probe
from ingest.pipeline import IngestResult, run_ingest
from ingest.runlog import record_failure

logger = logging.getLogger("eclaire.scheduler")
JOB_LOCK = "nightly-incremental"


class JobSkipped(LoadRefused):
    """Another scheduler holds the job's lease: this one did not run (nothing was touched)."""


@dataclass(frozen=True)
class Check:
    """One pre-flight check: what was checked, and the failure if any."""

    what: str
    detail: str
    error: IngestError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _engine_checks(settings: Settings) -> list[Check]:
    client = sync_client(settings, timeout=10.0)
    try:
        try:
            info = client.info()
            health = client.cluster.health()
        except os_errors.OpenSearchException as exc:
            error = engine_failure(exc) or IngestError(str(exc))
            return [
                Check("OpenSearch", f"{settings.opensearch_url}: {error}", error),
                Check("lease index", "not checked (OpenSearch did not answer)", error),
            ]
        version = info.get("version", {}).get("number", "?")
        checks = [
            Check(
                "OpenSearch",
                f"{settings.opensearch_url} answers: {info.get('cluster_name')} "
                f"(OpenSearch {version}), health {health.get('status')}",
            )
        ]
        try:
            probe(client)
        except os_errors.OpenSearchException as exc:
            error = engine_failure(exc) or IngestError(str(exc))
            checks.append(Check("lease index", f"{LOCK_INDEX} not writable: {error}", error))
        else:
            checks.append(Check("lease index", f"{LOCK_INDEX} writable"))
        return checks
    finally:
        client.close()


def _input_checks(paths: Sequence[Path] | None, settings: Settings) -> list[Check]:
    try:
        chosen = list(paths) if paths is not None else newest_inputs(settings)
    except InputError as exc:
        return [Check("input", str(exc), exc)]
    if not chosen:
        error = InputError("no input files")
        return [Check("input", str(error), error)]
    checks = []
    for path in chosen:
        reason = problem(path)
        if reason:
            checks.append(Check("input", reason, InputError(reason)))
        else:
            checks.append(Check("input", check_files([path])[0].describe()))
    return checks


def preflight(paths: Sequence[Path] | None, settings: Settings) -> list[Check]:
    """OpenSearch reachable, lease index writable, every input present and readable.

    ``paths`` None: the newest files of ``ECLAIRE_INPUT_DIR`` by ``ECLAIRE_INPUT_PATTERNS``.
    """
    return [*_engine_checks(settings), *_input_checks(paths, settings)]


def run_once(paths: Sequence[Path] | None, settings: Settings) -> IngestResult:
    """One guarded incremental run now; raises the tree's errors (JobSkipped if busy)."""
    chosen = list(paths) if paths is not None else newest_inputs(settings)
    check_files(chosen)
    logger.info("run on %s", ", ".join(str(p) for p in chosen))
    client = sync_client(settings)
    try:
        with lease(client, JOB_LOCK):
            result = run_ingest(chosen, settings, "incremental")
    except LockHeld as exc:
        raise JobSkipped(f"not run: {exc}") from None
    except os_errors.OpenSearchException as exc:
        raise (engine_failure(exc) or exc) from exc
    finally:
        client.close()
    load = result.load
    logger.info(
        "nightly run: read %d, new %d, updated %d, deleted %d, dead-lettered %d in %.1f s",
        result.mapping.read,
        load.new,
        load.updated,
        load.deleted,
        result.mapping.dead_lettered + load.failed,
        result.seconds,
    )
    (settings.data_dir / "scheduler.alive").touch()
    return result


def nightly(paths: Sequence[Path] | None, settings: Settings) -> IngestResult | None:
    """The scheduled job: None when another scheduler holds the lock or the run failed (the
    failure is logged on one line and recorded); the scheduler itself keeps running."""
    try:
        return run_once(paths, settings)
    except JobSkipped as exc:
        logger.warning("nightly run skipped: %s", exc)
    except IngestError as exc:
        logger.error("nightly run failed (exit status %d): %s", exc.exit_status, exc)
        record_failure(settings, "schedule", exc)
    return None


def build_scheduler(paths: Sequence[Path] | None, settings: Settings) -> BlockingScheduler:
    """``paths`` None: each run takes the input directory's newest files."""
    scheduler = BlockingScheduler(timezone=settings.timezone)
    trigger = CronTrigger.from_crontab(settings.schedule_cron, timezone=settings.timezone)
    scheduler.add_job(
        nightly,
        trigger,
        args=[list(paths) if paths is not None else None, settings],
        id=JOB_LOCK,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    return scheduler
