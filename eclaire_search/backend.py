"""The only module that talks to OpenSearch (for the API): search, get, PIT, health.

Transport failures become :class:`BackendUnavailable` (503) at once: the client has short
timeouts and no retries on the request path, so an outage answers within a second (A6).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from opensearchpy import AsyncOpenSearch
from opensearchpy import exceptions as os_errors
from opensearchpy.serializer import JSONSerializer

from eclaire_search import requestctx
from eclaire_search.errors import BackendError, BackendUnavailable, CursorExpired, InvalidSearch
from eclaire_search.settings import Settings

logger = logging.getLogger("eclaire_search.backend")

PIT_KEEP_ALIVE = "5m"
EXPORT_PAGE_TIMEOUT = 30.0  # seconds for one export page; the stream has already begun


class SnapshotLost(BackendUnavailable):
    """Some shards of a point-in-time are gone (a node left): the page can be re-run on a new
    snapshot from the same sort position."""


class OrjsonSerializer(JSONSerializer):
    """orjson both ways: the documents are large and serialisation is the façade's main cost."""

    def dumps(self, data: Any) -> str:
        if isinstance(data, str):
            return data
        return orjson.dumps(data).decode()

    def loads(self, s: str) -> Any:
        return orjson.loads(s)


def create_client(settings: Settings, *, timeout: float | None = None) -> AsyncOpenSearch:
    auth = None
    if settings.opensearch_user:
        auth = (settings.opensearch_user, settings.opensearch_password or "")
    return AsyncOpenSearch(
        hosts=settings.opensearch_hosts,
        http_auth=auth,
        verify_certs=settings.opensearch_verify_certs,
        ca_certs=settings.opensearch_ca_file,
        timeout=timeout if timeout is not None else settings.opensearch_timeout,
        # One node: no retry, so an outage is a 503 at once. Several: a refused connection is
        # retried on another node (node loss), a timeout is not (it would double the wait).
        max_retries=len(settings.opensearch_hosts) - 1,
        retry_on_timeout=False,
        serializer=OrjsonSerializer(),
    )


class Backend:
    """Reads from the alias. One instance per app, created in the lifespan."""

    def __init__(self, client: AsyncOpenSearch, alias: str, timeout: float = 0.9) -> None:
        self.client = client
        self.alias = alias
        self.timeout = timeout

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        """Call the client; every transport failure becomes the FHIRError it means."""
        started, response = requestctx.engine_started(), None  # timing hook (log, metrics)
        try:
            response = await method(**kwargs)
            return response
        except (os_errors.ConnectionError, os_errors.ConnectionTimeout) as exc:
            raise BackendUnavailable(
                f"The search engine is unreachable: {exc.__class__.__name__}"
            ) from None
        except os_errors.TransportError as exc:
            text = f"{exc} {exc.info}"
            if isinstance(exc, os_errors.NotFoundError) and (
                "search_context_missing" in text or "No search context" in text
            ):  # the PIT's keep-alive ran out
                raise CursorExpired(
                    "This paging cursor has expired; start the search again"
                ) from None
            on_pit = "pit" in (kwargs.get("body") or {})
            if on_pit and isinstance(exc.status_code, int) and exc.status_code >= 500:
                # OpenSearch answered, but shards of the snapshot are gone (a node left)
                raise SnapshotLost(f"The paging snapshot failed ({exc.status_code})") from None
            if isinstance(exc, os_errors.NotFoundError):
                if "index_not_found" in text:
                    raise BackendUnavailable("The study index is not loaded yet") from None
                raise
            if exc.status_code == 400:  # a query built from the client's input, refused
                if "search_after" in text or "pit" in text.lower():
                    raise InvalidSearch("The paging cursor does not fit this search") from None
                logger.warning("query refused by OpenSearch: %s", exc.info)
                raise InvalidSearch(f"The search engine refused this search: {exc.error}") from None
            if exc.status_code in (429,) or (
                isinstance(exc.status_code, int) and exc.status_code >= 500
            ):
                raise BackendUnavailable(f"The search engine failed ({exc.status_code})") from None
            raise BackendError(f"The search engine failed: {exc.error}") from None
        finally:
            requestctx.engine_finished(started, response)

    async def search(
        self, body: dict[str, Any], *, pit_id: str | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """``timeout`` overrides the client's short one (export pages are long to build)."""
        params = {"request_timeout": timeout} if timeout else None
        if pit_id:
            body = {**body, "pit": {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE}}
            return await self._call(  # type: ignore[no-any-return]
                self.client.search, body=body, params=params
            )
        return await self._call(  # type: ignore[no-any-return]
            self.client.search, index=self.alias, body=body, params=params
        )

    async def open_pit(self) -> str:
        response = await self._call(
            self.client.create_pit, index=self.alias, params={"keep_alive": PIT_KEEP_ALIVE}
        )
        return str(response["pit_id"])

    async def get_source(self, doc_id: str, fields: list[str]) -> dict[str, Any] | None:
        """The stored parts of one study document, or None when there is no such study."""
        if not doc_id:
            return None
        try:
            response = await self._call(
                self.client.get,
                index=self.alias,
                id=doc_id,
                params={"_source_includes": ",".join(fields)},
            )
        except os_errors.NotFoundError:
            return None
        return response.get("_source") if response.get("found") else None

    async def scan(
        self, body: dict[str, Any], page_size: int = 500
    ) -> AsyncIterator[dict[str, Any]]:
        """Every hit of the query, page by page under one point-in-time: flat memory, no 10k cap."""
        pit_id = await self.open_pit()
        page = {**body, "size": page_size}
        page.setdefault("sort", [{"id": "asc"}])
        try:
            while True:
                response = await self.search(page, pit_id=pit_id, timeout=EXPORT_PAGE_TIMEOUT)
                hits = response["hits"]["hits"]
                for hit in hits:
                    yield hit
                if len(hits) < page_size:
                    return
                pit_id = response.get("pit_id", pit_id)
                page = {**page, "search_after": hits[-1]["sort"]}
        finally:
            with contextlib.suppress(os_errors.OpenSearchException):  # else it expires alone
                await self.client.delete_pit(body={"pit_id": [pit_id]})

    async def data_timestamp(self) -> tuple[str | None, str | None]:
        """(concrete index, time of the last successful load recorded in its mapping _meta)."""
        try:
            response = await self._call(self.client.indices.get_mapping, index=self.alias)
        except os_errors.NotFoundError:
            return None, None
        for index, body in sorted(response.items()):
            return index, (body["mappings"].get("_meta") or {}).get("data_timestamp")
        return None, None

    async def count(self, body: dict[str, Any]) -> int:
        response = await self._call(self.client.count, index=self.alias, body=body)
        return int(response["count"])

    async def current_index(self) -> str | None:
        """Concrete index behind the alias (caches are keyed on it), None if the alias is absent."""
        try:
            response = await self._call(self.client.indices.get_alias, name=self.alias)
        except os_errors.NotFoundError:
            return None
        names = sorted(response)
        return names[0] if names else None

    async def close(self) -> None:
        await self.client.close()
