"""Streamed export (Flux 1): every matching study as NDJSON or CSV, in constant memory.

Rows are built from what the resources already publish; nothing personal is added (site
contacts are not in the CSV at all). The route fetches the first page before it answers, so
an engine failure is a proper OperationOutcome, never a 200 followed by a cut body;
:class:`ExportResponse` then frees the export's slot on every exit (finished, client gone,
client stopped reading past the write deadline).
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from eclaire_core import stored
from eclaire_core.document import RESOURCE, linked_resources, stored_parts
from eclaire_search.query import bool_query
from eclaire_search.search_request import SearchRequest

logger = logging.getLogger("eclaire_search.export")
PAGE_SIZE = 500
INCLUDE_PAGE_SIZE = 100  # with _include a study document is ~20 kB: keep a page near 2 MB

CSV_COLUMNS = (
    ("id", "study id (EU CT number or ID-RCB)"),
    ("title", "title"),
    ("status", "FHIR status"),
    ("phase", "phase codes (HL7 and source), | separated"),
    ("category", "regulation and precision codes, | separated"),
    ("recruitment_status", "upcoming, recruiting or completed-recruiting"),
    ("conditions", "condition texts and MedDRA labels, | separated"),
    ("site_cities", "cities of the sites, | separated"),
    ("site_postal_codes", "postal codes of the sites, | separated"),
    ("sponsor", "sponsor names, | separated"),
    ("identifiers", "business identifiers, | separated"),
    ("last_updated", "meta.lastUpdated"),
)
SOURCE_FIELDS = [
    "resource",
    "status",
    "phase",
    "category",
    "recruitment_status",
    "conditions_text",
    "site_city",
    "site_postal_code",
    "sponsor_name",
    "last_updated",
]


def export_body(request: SearchRequest, *, csv_rows: bool) -> dict[str, Any]:
    source = SOURCE_FIELDS if csv_rows else [RESOURCE, *stored_parts(request.includes)]
    return {"query": bool_query(request.criteria), "_source": source, "sort": [{"id": "asc"}]}


def _joined(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, list):
        return "|".join(str(v) for v in values)
    return str(values)


def csv_row(source: dict[str, Any]) -> list[str]:
    resource = stored.loads(source["resource"])
    identifiers = [i.get("value", "") for i in resource.get("identifier", [])]
    return [
        resource["id"],
        resource.get("title") or "",
        _joined(source.get("status")),
        _joined(source.get("phase")),
        _joined(source.get("category")),
        _joined(source.get("recruitment_status")),
        _joined(source.get("conditions_text")),
        _joined(source.get("site_city")),
        _joined(source.get("site_postal_code")),
        _joined(source.get("sponsor_name")),
        _joined(identifiers),
        _joined(source.get("last_updated")),
    ]


def _csv_line(row: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)  # RFC 4180 quoting
    return buffer.getvalue().encode()


async def csv_stream(hits: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    yield "\ufeff".encode() + _csv_line([name for name, _ in CSV_COLUMNS])
    async for hit in hits:
        yield _csv_line(csv_row(hit["_source"]))


async def ndjson_stream(
    hits: AsyncIterator[dict[str, Any]],
    request: SearchRequest,
    assigners: dict[str, dict[str, Any]],
) -> AsyncIterator[bytes]:
    """One ResearchStudy per line, each followed by its linked resources when asked (the
    ``_include`` rules of a searchset; an assigner Organization is written once per export).
    Stored resources go out as the bytes the ingest wrote, not re-encoded."""
    written: set[str] = set()
    async for hit in hits:
        source = hit["_source"]
        lines = [stored.line(source[RESOURCE])]
        for linked in linked_resources(source, request.includes, assigners):
            _, linked_id = stored.key(linked)
            if linked_id in assigners:
                if linked_id in written:
                    continue
                written.add(linked_id)
            lines.append(stored.line(linked))
        yield b"".join(lines)


def page_size(request: SearchRequest, *, csv_rows: bool) -> int:
    return INCLUDE_PAGE_SIZE if request.includes and not csv_rows else PAGE_SIZE


async def hits_of(
    first: list[dict[str, Any]] | None, pages: AsyncIterator[list[dict[str, Any]]]
) -> AsyncIterator[dict[str, Any]]:
    """The already fetched first page, then the rest as the engine gives them.

    Each hit gives the event loop a turn: a send that does not block does not yield, and a
    page of 500 rows serialised in one go would hold every other request back meanwhile."""
    if first is None:
        return
    for hit in first:
        yield hit
        await asyncio.sleep(0)
    async for page in pages:
        for hit in page:
            yield hit
            await asyncio.sleep(0)


class ExportResponse(StreamingResponse):
    """A streamed export that always gives back its slot, and drops a client that stops
    reading for ``write_timeout`` seconds (flow control holds ``send`` while it does not)."""

    def __init__(
        self,
        content: AsyncIterator[bytes],
        *,
        release: Callable[[], None],
        write_timeout: float,
        media_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(content, media_type=media_type, headers=headers)
        self.release = release
        self.write_timeout = write_timeout
        self.content = content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def deadline_send(message: Message) -> None:
            async with asyncio.timeout(self.write_timeout):  # no task per chunk, unlike wait_for
                await send(message)

        try:
            await super().__call__(scope, receive, deadline_send)
        except TimeoutError:  # the connection is closed by the server when we return
            logger.warning("export dropped: client read nothing for %.0f s", self.write_timeout)
        except (ClientDisconnect, OSError):
            logger.info("export abandoned by its client")
        finally:
            self.release()
            aclose = getattr(self.content, "aclose", None)
            if aclose is not None:
                await aclose()
