"""What one request has done so far: its id, its time in OpenSearch, its result count.

A context variable, so ``backend.py`` can add engine time without knowing about HTTP, and the
one error builder can stamp the request id on every OperationOutcome. ``asyncio.gather`` copies
the context but shares the object, so parallel engine calls of one request add up.
"""

from __future__ import annotations

import re
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from eclaire_search import metrics

INCOMING_ID = re.compile(r"^[A-Za-z0-9\-.]{8,64}$")  # a FHIR id: it becomes OperationOutcome.id


@dataclass
class RequestContext:
    request_id: str
    started: float = field(default_factory=time.perf_counter)
    engine_seconds: float = 0.0
    engine_calls: int = 0
    results: int | None = None


_current: ContextVar[RequestContext | None] = ContextVar("eclaire_request", default=None)


def new_request_id(incoming: str | None = None) -> str:
    """A sane incoming id (only pass one from a trusted proxy), else a fresh random one."""
    if incoming and INCOMING_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def begin(request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    _current.set(context)
    return context


def current() -> RequestContext | None:
    return _current.get()


def request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def engine_started() -> float:
    return time.perf_counter()


def engine_finished(started: float, response: Any = None) -> None:
    """Called by the backend around each OpenSearch call (also while an exception leaves)."""
    elapsed = time.perf_counter() - started
    error = sys.exc_info()[1]
    kind = type(error).__name__ if error is not None else None
    metrics.engine_call(elapsed, kind)
    context = _current.get()
    if context is None:
        return
    context.engine_seconds += elapsed
    context.engine_calls += 1
    if isinstance(response, dict) and isinstance(response.get("hits"), dict):
        total = response["hits"].get("total")
        hits = len(response["hits"].get("hits") or [])
        value = total.get("value") if isinstance(total, dict) else total
        context.results = int(value) if isinstance(value, int) else hits
