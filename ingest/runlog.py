"""Failed runs in the run record: one line of reason beside the successful runs' summaries.

``<data_dir>/runs.ndjson`` gets a line per run (``ingest.pipeline.record_run`` writes the
successful ones); a run stopped by an operational error is recorded here with its exit status,
so the morning's reader sees why the night did nothing without reading a log.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from eclaire_core.settings import Settings
from ingest.errors import IngestError


def record_failure(settings: Settings, command: str, error: IngestError) -> None:
    """Append ``{started, command, ok: false, exit_status, error}`` to runs.ndjson."""
    line = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "ok": False,
        "exit_status": error.exit_status,
        "error": " ".join(str(error).split()),
    }
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with open(settings.data_dir / "runs.ndjson", "ab") as handle:
            handle.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
    except OSError:  # the record is a courtesy; the exit status and stderr still tell
        pass
