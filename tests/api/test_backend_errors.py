"""How OpenSearch's failures become FHIR errors: the classification of each kind of failure,
then the real node's own refusals (too many clauses, a wrong-typed value, a pruned index)."""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn

import pytest
from opensearchpy import exceptions as os_errors
from studies_fixture import Loaded

from eclaire_core.opensearch import async_client
from eclaire_search.backend import Backend
from eclaire_search.errors import (
    BackendError,
    BackendUnavailable,
    CursorExpired,
    FHIRError,
    InvalidSearch,
)

LOST_SHARDS = {"error": {"root_cause": [{"type": "search_context_missing_exception"}]}}
TOO_MANY = {"error": {"root_cause": [{"type": "too_many_nested_clauses", "reason": "1024"}]}}
INTERNALS = ("exception", "429", "503", "500", "Timeout", "Error", "too_many", "(")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (os_errors.ConnectionError("N/A", "refused", None), BackendUnavailable),
        (os_errors.ConnectionTimeout("TIMEOUT", "timed out", None), BackendUnavailable),
        (
            os_errors.TransportError(500, "search_phase_execution_exception", LOST_SHARDS),
            BackendUnavailable,  # the engine failed: transient
        ),
        (
            os_errors.TransportError(500, "search_phase_execution_exception", TOO_MANY),
            InvalidSearch,  # the query's shape, so the client's doing: never a 503
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
    leaked = [word for word in INTERNALS if word in caught.value.diagnostics]
    assert not leaked, caught.value.diagnostics  # generic texts; the detail is in the log


def test_a_pruned_index_under_a_cursor_is_410_the_missing_alias_503() -> None:
    async def fail(**_: Any) -> NoReturn:
        raise os_errors.NotFoundError(404, "index_not_found_exception", "no such index [x-1]")

    backend = Backend(client=None, alias="x")  # type: ignore[arg-type]
    with pytest.raises(CursorExpired):
        asyncio.run(backend._call(fail, index="x-1"))
    with pytest.raises(BackendUnavailable):
        asyncio.run(backend._call(fail, index="x"))


def engine_search(loaded: Loaded, body: dict[str, Any]) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        backend = Backend(async_client(loaded.settings), loaded.settings.index_alias, 10)
        try:
            return await backend.search(body)
        finally:
            await backend.close()

    return asyncio.run(run())


def test_the_engines_query_shaped_refusals_are_400(loaded: Loaded) -> None:
    many = [{"wildcard": {"title.sort": {"value": f"*w{i}*"}}} for i in range(1100)]
    too_many = {"query": {"bool": {"should": many}}, "size": 0}
    wrong_type = {"query": {"term": {"age_range": "thirty"}}, "size": 0}
    for body in (too_many, wrong_type):
        with pytest.raises(InvalidSearch) as caught:
            engine_search(loaded, body)
        assert not [w for w in INTERNALS if w in caught.value.diagnostics]


def test_the_api_client_hands_the_engines_reply_over_as_bytes(loaded: Loaded) -> None:
    """orjson parses bytes twice as fast as the str opensearch-py would decode first; if an
    aiohttp or opensearch-py upgrade stops honouring our response class, this says so."""

    async def run() -> tuple[Any, dict[str, Any]]:
        client = async_client(loaded.settings)
        try:
            alias = loaded.settings.index_alias
            parsed = await client.count(index=alias)  # also opens the connection pool
            connection = client.transport.get_connection()
            _, _, raw = await connection.perform_request("GET", f"/{alias}/_count")
            return raw, parsed
        finally:
            await client.close()

    raw, parsed = asyncio.run(run())
    assert isinstance(raw, bytes)
    assert parsed["count"] == len(loaded.expected) > 0
