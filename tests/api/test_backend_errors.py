"""How OpenSearch's failures become FHIR errors (the classification only; the real node's
answers are exercised end to end in the other tests and in `make reliability`)."""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn

import pytest
from opensearchpy import exceptions as os_errors

from eclaire_search.backend import Backend, SnapshotLost
from eclaire_search.errors import (
    BackendError,
    BackendUnavailable,
    CursorExpired,
    FHIRError,
    InvalidSearch,
)

LOST_SHARDS = {"error": {"root_cause": [{"type": "search_context_missing_exception"}]}}


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (os_errors.ConnectionError("N/A", "refused", None), BackendUnavailable),
        (os_errors.ConnectionTimeout("TIMEOUT", "timed out", None), BackendUnavailable),
        (
            os_errors.NotFoundError(
                404, "search_context_missing_exception", "No search context found for id [1]"
            ),
            CursorExpired,
        ),
        (
            os_errors.TransportError(500, "search_phase_execution_exception", LOST_SHARDS),
            BackendUnavailable,  # not on a snapshot: the engine failed
        ),
        (
            os_errors.RequestError(
                400, "search_phase_execution_exception", {"error": "too complex"}
            ),
            InvalidSearch,
        ),
        (
            os_errors.RequestError(400, "illegal_argument", "search_after has 1 value"),
            InvalidSearch,
        ),
        (os_errors.TransportError(503, "unavailable", {}), BackendUnavailable),
        (os_errors.TransportError(429, "es_rejected_execution_exception", {}), BackendUnavailable),
        (os_errors.TransportError(409, "conflict", {}), BackendError),
    ],
)
def test_failures_map_to_fhir_errors(error: Exception, expected: type[FHIRError]) -> None:
    async def fail(**_: Any) -> NoReturn:
        raise error

    backend = Backend(client=None, alias="x")  # type: ignore[arg-type]
    with pytest.raises(expected) as caught:
        asyncio.run(backend._call(fail))
    assert type(caught.value) is expected


def test_engine_failure_on_a_snapshot_is_a_lost_snapshot() -> None:
    async def fail(**_: Any) -> NoReturn:
        raise os_errors.TransportError(500, "search_phase_execution_exception", LOST_SHARDS)

    backend = Backend(client=None, alias="x")  # type: ignore[arg-type]
    with pytest.raises(SnapshotLost):
        asyncio.run(backend._call(fail, body={"pit": {"id": "p"}, "size": 1}))
