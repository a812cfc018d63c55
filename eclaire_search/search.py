"""The search path as one straight line: typed request → body → backend → Bundle.

Paging (``paging.py``) uses search_after, never deep from/size, so every result is reachable
past 10,000, and keeps no engine state: the first page reads the alias, and its cursors pin the
concrete index that answered (each hit's ``_index``) for every later page.
"""

from __future__ import annotations

from typing import Any

from eclaire_search import query
from eclaire_search.backend import Backend
from eclaire_search.bundle import searchset
from eclaire_search.errors import InvalidSearch
from eclaire_search.paging import RESULT_WINDOW, CursorCodec, page_edges, paging_links
from eclaire_search.search_request import SearchRequest


async def search_studies(
    request: SearchRequest,
    *,
    backend: Backend,
    codec: CursorCodec,
    base_url: str,
    assigners: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    cursor = codec.decode(request.cursor, request.used) if request.cursor else None
    if cursor and not cursor.index.startswith(f"{backend.alias}-"):
        # Issued by this secret for another alias (a misconfigured deployment): not ours.
        raise InvalidSearch("_cursor: not a cursor for this service", parameter="_cursor")
    body = query.search_body(
        request,
        search_after=cursor.after if cursor else None,
        reverse=bool(cursor and cursor.backwards),
        offset=request.offset,
    )
    size = body["size"]
    if size and request.offset + size < RESULT_WINDOW:
        body["size"] = size + 1  # one more tells whether a further page exists
    # A 1000-study page is ~20 MB of _source: give big pages time, small ones none to spare.
    timeout = backend.timeout + size / 200
    response = await backend.search(body, index=cursor.index if cursor else None, timeout=timeout)
    raw_hits: list[dict[str, Any]] = response["hits"]["hits"]
    total_info = response["hits"].get("total")
    total = total_info["value"] if isinstance(total_info, dict) else None
    more = None  # found from the extra hit, except at the window's edge (no extra asked)
    if size and body["size"] == size:
        more = len(raw_hits) == size and (total is None or total > request.offset + size)
    edges = page_edges(raw_hits, size, cursor, request.offset, more)
    index = cursor.index if cursor else (str(raw_hits[0]["_index"]) if raw_hits else None)
    links = paging_links(
        search_url=f"{base_url}/ResearchStudy",
        used=request.used,
        codec=codec,
        edges=edges,
        size=size,
        index=index,
        self_cursor=request.cursor,
        offset=request.offset,
    )
    return searchset(
        base_url=base_url,
        request=request,
        hits=edges.hits,
        total=total,
        links=links,
        assigners=assigners,
    )
