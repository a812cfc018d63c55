"""The one OpenSearch client builder, for the API (async, impatient) and ingest (sync, patient).

Both sides reach the same cluster with the same hosts, credentials and TLS settings; they differ
only in how long they wait and whether they retry, which the caller says by its ``role``.
"""

from __future__ import annotations

from typing import Any, TypedDict

import orjson
from opensearchpy import AIOHttpConnection, AsyncOpenSearch, OpenSearch
from opensearchpy._async.http_aiohttp import OpenSearchClientResponse
from opensearchpy.serializer import JSONSerializer

from eclaire_core.settings import Settings


class OrjsonSerializer(JSONSerializer):
    """orjson both ways: the documents are large and serialisation is the main cost."""

    def dumps(self, data: Any) -> str | bytes:
        if isinstance(data, str | bytes):  # a bulk body arrives serialised (ingest/bulk.py)
            return data
        return orjson.dumps(data).decode()

    def loads(self, s: str | bytes) -> Any:
        return orjson.loads(s)


class _BytesResponse(OpenSearchClientResponse):
    """A reply whose ``text()`` is its bytes: orjson parses bytes as they came, while the
    parent first decodes them to ``str``, which doubled the parse (a 20-study reply of 175 KB:
    0.23 → 0.13 ms CPU; bench/results/api-cpu.json)."""

    async def text(self, encoding: Any = None, errors: str = "strict") -> Any:
        if self._body is None:
            await self.read()
        return self._body


class BytesConnection(AIOHttpConnection):
    """The API's connection: aiohttp, as opensearch-py's, but replies reach the deserialiser
    (and the error mapping) as bytes, which both accept."""

    async def _create_aiohttp_session(self) -> Any:
        await super()._create_aiohttp_session()
        self.session._response_class = _BytesResponse


class _Options(TypedDict):
    hosts: list[str]
    http_auth: tuple[str, str] | None
    verify_certs: bool
    ca_certs: str | None
    timeout: float
    max_retries: int
    retry_on_timeout: bool
    serializer: OrjsonSerializer


def client_options(settings: Settings, *, batch: bool, timeout: float | None = None) -> _Options:
    """Connection options. The API (``batch=False``) has short timeouts and retries a refused
    connection only on another node, never a timeout (API-6); a batch job waits and retries."""
    auth = (
        (settings.opensearch_user, settings.opensearch_password or "")
        if settings.opensearch_user
        else None
    )
    hosts = settings.opensearch_hosts
    if batch:
        wait, retries, on_timeout = (timeout if timeout is not None else 60.0), 3, True
    else:
        wait = timeout if timeout is not None else settings.opensearch_timeout
        retries, on_timeout = len(hosts) - 1, False
    return _Options(
        hosts=hosts,
        http_auth=auth,
        verify_certs=settings.opensearch_verify_certs,
        ca_certs=settings.opensearch_ca_file,
        timeout=wait,
        max_retries=retries,
        retry_on_timeout=on_timeout,
        serializer=OrjsonSerializer(),
    )


def async_client(settings: Settings, *, timeout: float | None = None) -> AsyncOpenSearch:
    """The API's client."""
    options = client_options(settings, batch=False, timeout=timeout)
    return AsyncOpenSearch(**options, connection_class=BytesConnection)


def sync_client(settings: Settings, *, timeout: float | None = None) -> OpenSearch:
    """The ingest and operations client."""
    return OpenSearch(**client_options(settings, batch=True, timeout=timeout))
