"""The nightly job: an incremental ingest at 04:00 Europe/Paris (cron setting), one at a time.

apscheduler fires the job; the OpenSearch lease (``ingest/lock.py``) makes sure that if two
schedulers are running, only one of them works. Each run is recorded in
``<data_dir>/runs.ndjson`` (read by /api/version) and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from eclaire_search.settings import Settings
from ingest.loader import create_sync_client
from ingest.lock import LockHeld, lease
from ingest.pipeline import IngestResult, run_ingest

logger = logging.getLogger("eclaire.scheduler")
JOB_LOCK = "nightly-incremental"


def nightly(paths: Sequence[Path], settings: Settings) -> IngestResult | None:
    """One guarded run; None when another scheduler holds the lock."""
    client = create_sync_client(settings)
    try:
        with lease(client, JOB_LOCK):
            result = run_ingest(paths, settings, "incremental")
    except LockHeld as exc:
        logger.warning("nightly run skipped: %s", exc)
        return None
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


def build_scheduler(paths: Sequence[Path], settings: Settings) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=settings.timezone)
    trigger = CronTrigger.from_crontab(settings.schedule_cron, timezone=settings.timezone)
    scheduler.add_job(
        nightly,
        trigger,
        args=[list(paths), settings],
        id=JOB_LOCK,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    return scheduler
