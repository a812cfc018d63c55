"""The only module that talks to OpenSearch (for the API): search, get, scan, health.

Transport failures become :class:`BackendUnavailable` (503) at once: the client has short
timeouts and no retries on the request path, so an outage answers within a second (API-6).
Nothing here opens engine-side state (no point-in-time, no scroll): a walk is search_after on
a concrete index. Every search carries a ``timeout`` and a ``cancel_after_time_interval``, so
the engine gives up when the API does. Client-facing texts are generic; the engine's own words
go to the log only.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy import exceptions as os_errors

from eclaire_search import requestctx
from eclaire_search.errors import BackendError, BackendUnavailable, CursorExpired, InvalidSearch

logger = logging.getLogger("eclaire_search.backend")

EXPORT_PAGE_TIMEOUT = 30.0  # seconds for one export page; the stream has already begun
# Engine refusals caused by the shape of the query, i.e. by what the client asked: a 400.
QUERY_SHAPED = (
    "too_many_nested_clauses",
    "too_many_clauses",
    "query_shard_exception",
    "parsing_exception",
    "parse_exception",
    "number_format_exception",
    "illegal_argument_exception",
    "x_content_parse_exception",
    "search_after",
)
TOO_COMPLEX = (
    "The search engine could not run this search as given: it is too complex or holds a value "
    "of the wrong kind; use fewer values or words"
)
RETRY = "try again in a few seconds"


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
            logger.warning("search engine unreachable: %s %s", exc.__class__.__name__, exc)
            raise BackendUnavailable(f"The search engine did not answer; {RETRY}") from None
        except os_errors.TransportError as exc:
            raise self._classify(exc, kwargs.get("index")) from None
        finally:
            requestctx.engine_finished(started, response)

    def _classify(self, exc: os_errors.TransportError, index: str | None) -> Exception:
        text = f"{exc.error} {exc.info}"
        status = exc.status_code if isinstance(exc.status_code, int) else 500
        if isinstance(exc, os_errors.NotFoundError) and "index_not_found" not in text:
            return exc  # a document that does not exist: the caller decides
        logger.warning("search engine error %s on %s: %.2000s", status, index, text)
        if isinstance(exc, os_errors.NotFoundError):
            if index and index != self.alias:  # the index a cursor walks was pruned
                return CursorExpired(
                    "The results this link pages through were replaced by a newer data load "
                    "and are gone; start the search again from its first page"
                )
            return BackendUnavailable("The study index is not loaded yet")
        if status == 400 or any(name in text for name in QUERY_SHAPED):
            return InvalidSearch(TOO_COMPLEX)
        if status == 429:
            return BackendUnavailable(f"The search engine is busy; {RETRY}")
        if status >= 500:
            return BackendUnavailable(f"The search engine failed to answer; {RETRY}")
        return BackendError("The search engine failed unexpectedly; the error has been logged")

    async def search(
        self, body: dict[str, Any], *, index: str | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """One search on ``index`` (a concrete index a cursor pinned) or the alias.

        ``timeout`` overrides the client's short one (big pages, export pages); the engine is
        told the same budget, so it stops working when the API stops waiting."""
        seconds = timeout or self.timeout
        body = {**body, "timeout": f"{max(1, int(seconds * 900))}ms"}  # 90 %: answer in time
        params = {
            "request_timeout": seconds,
            "cancel_after_time_interval": f"{max(1, int(seconds * 1000))}ms",
        }
        response = await self._call(
            self.client.search, index=index or self.alias, body=body, params=params
        )
        if response.get("timed_out"):  # partial results: never serve them as the whole answer
            logger.warning("search timed out in the engine after %.1f s", seconds)
            raise BackendUnavailable(f"The search engine did not answer in time; {RETRY}")
        return response  # type: ignore[no-any-return]

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
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every hit of the query, page by page: search_after on the concrete index the first
        page read (an alias swap mid-export changes nothing), flat memory, no 10k cap, and no
        engine state to leak when the client goes away."""
        page = {**body, "size": page_size}
        page.setdefault("sort", [{"id": "asc"}])
        index: str | None = None
        while True:
            response = await self.search(page, index=index, timeout=EXPORT_PAGE_TIMEOUT)
            hits: list[dict[str, Any]] = response["hits"]["hits"]
            if hits:
                index = index or str(hits[0]["_index"])
                yield hits
            if len(hits) < page_size:
                return
            page = {**page, "search_after": hits[-1]["sort"]}

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
