"""The search path as one straight line: typed request → body → backend → Bundle.

Paging uses search_after, never from/size, so every result is reachable past 10,000. The first
page runs without a point-in-time, and so does its `next` link: most searches are never paged
(a search page viewed by people, say), and an eagerly opened PIT per search would exhaust the
cluster's open-PIT limit under load. The first time a client follows a `next` link, a PIT is
opened and carried in every later cursor, so pages 2 onwards see one stable snapshot (5
minutes, renewed by each page).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from eclaire_search import translate
from eclaire_search.backend import Backend, SnapshotLost
from eclaire_search.bundle import page_url, searchset
from eclaire_search.paging import Cursor, CursorCodec
from eclaire_search.params import SearchRequest


async def search_studies(
    request: SearchRequest,
    *,
    backend: Backend,
    codec: CursorCodec,
    base_url: str,
    assigners: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    cursor = codec.decode(request.cursor, request.used) if request.cursor else None
    if cursor and cursor.pit_id is None:  # the first page followed: paging starts in earnest
        cursor = replace(cursor, pit_id=await backend.open_pit())
    backwards = bool(cursor and cursor.backwards)
    body = translate.search_body(
        request,
        search_after=cursor.after if cursor else None,
        reverse=backwards,
    )
    size = body["size"]
    if size:
        body["size"] = size + 1  # one more tells whether a further page exists
    # A 1000-study page is ~20 MB of _source: give big pages time, small ones none to spare.
    timeout = backend.timeout + size / 200
    try:
        response = await backend.search(
            body, pit_id=cursor.pit_id if cursor else None, timeout=timeout
        )
    except SnapshotLost:  # a node left: go on from the same sort values on a fresh snapshot
        assert cursor is not None
        cursor = replace(cursor, pit_id=await backend.open_pit())
        response = await backend.search(body, pit_id=cursor.pit_id, timeout=timeout)
    hits: list[dict[str, Any]] = response["hits"]["hits"]
    more = len(hits) > size
    hits = hits[:size]
    if backwards:
        hits.reverse()
    total_info = response["hits"].get("total")
    total = total_info["value"] if isinstance(total_info, dict) else None

    search_url = f"{base_url}/ResearchStudy"
    links = {"self": page_url(search_url, request.used, request.cursor)}
    if size == 0:
        return searchset(
            base_url=base_url,
            request=request,
            hits=[],
            total=total,
            links=links,
            assigners=assigners,
        )
    page = cursor.page if cursor else 0
    links["first"] = page_url(search_url, request.used)
    has_next = bool(hits) and (backwards or more)
    has_previous = page > 0 and bool(hits)
    pit_id: str | None = response.get("pit_id") or (cursor.pit_id if cursor else None)
    if has_previous:
        if page == 1:
            links["previous"] = links["first"]
        else:
            before = Cursor(hits[0]["sort"], pit_id, backwards=True, page=page - 1)
            links["previous"] = page_url(
                search_url, request.used, codec.encode(before, request.used)
            )
    if has_next:
        after = Cursor(hits[-1]["sort"], pit_id, backwards=False, page=page + 1)
        links["next"] = page_url(search_url, request.used, codec.encode(after, request.used))
    return searchset(
        base_url=base_url, request=request, hits=hits, total=total, links=links, assigners=assigners
    )
