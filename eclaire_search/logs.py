"""Structured logs: one JSON object per line (``python-json-logger`` over orjson).

Every record carries the request id of the request it was logged under (a filter reads the
request context), so an engine failure's detail and the client's OperationOutcome meet in the
log. ``eclaire serve`` hands :func:`log_config` to uvicorn, so its own lines are JSON too.
"""

from __future__ import annotations

import logging
from typing import Any

from eclaire_search import requestctx

FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
RENAMES = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (None outside a request) to every record, drops terminal colours."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI copy of the message
        if not hasattr(record, "request_id"):
            record.request_id = requestctx.request_id()
        return True


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and the app: JSON on stderr."""
    handler = {"handlers": ["json"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "eclaire_search.logs.RequestIdFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.orjson.OrjsonFormatter",
                "fmt": FORMAT,
                "rename_fields": RENAMES,
            }
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": handler,
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "propagate": False},
            "eclaire_search": handler,
            "ingest": handler,
        },
    }
