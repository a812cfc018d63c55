"""All of paging: the opaque cursor codec, the Bundle's paging links, and offset paging.

Paging keeps no state in the engine (no point-in-time): a cursor carries the *concrete* index
the first page read (not the alias) and the ``search_after`` sort values of the page edge, so
later pages read that same index — a full reload's alias swap never shifts a walk, and a
client following links piles nothing up anywhere. A pruned index answers 410 (start again).

The cursor is AES-GCM encrypted (key derived from the cursor secret with HKDF) with the
search's fingerprint as associated data: it is unreadable, and a forged, edited or
transplanted cursor fails authentication → 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from eclaire_search.errors import InvalidSearch

NONCE_BYTES = 12
MAX_CURSOR_LENGTH = 2048  # a real cursor is ~150 characters; refuse to decrypt more
RESULT_WINDOW = 10_000  # OpenSearch's index.max_result_window: from + size beyond it fails
Used = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the index walked, the sort values at the edge, the direction."""

    index: str  # concrete index of the first page; later pages read it, never the alias
    after: list[Any]  # search_after values (the sort of the edge hit)
    backwards: bool  # True for a `previous` link: walk the sort in reverse from `after`
    page: int  # 0-based page number (the portal shows it)
    position: int  # 0-based rank of the first result of the page this cursor opens


def fingerprint(used: Used) -> str:
    canonical = "&".join(f"{k}={v}" for k, v in sorted(used))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"eclaire-search cursor v2"
        ).derive(secret)
        self.aead = AESGCM(key)

    def encode(self, cursor: Cursor, used: Used) -> str:
        payload = orjson.dumps(
            [cursor.index, cursor.after, cursor.backwards, cursor.page, cursor.position]
        )
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.aead.encrypt(nonce, payload, fingerprint(used).encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def decode(self, text: str, used: Used) -> Cursor:
        """The cursor, if this server issued it for this very search; else a 400."""
        invalid = InvalidSearch(
            "_cursor: not a cursor this server issued for this search; follow the links of "
            "the Bundle, or start the search again",
            parameter="_cursor",
        )
        if not text or len(text) > MAX_CURSOR_LENGTH:
            raise invalid
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            payload = self.aead.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], fingerprint(used).encode()
            )
            index, after, backwards, page, position = orjson.loads(payload)
        except (ValueError, TypeError, binascii.Error, InvalidTag):
            raise invalid from None
        return Cursor(str(index), list(after), bool(backwards), int(page), int(position))


def check_offset(offset: int, count: int) -> None:
    """Offset paging (_getpagesoffset) reaches as far as the engine's window, no further."""
    if offset + count > RESULT_WINDOW:
        raise InvalidSearch(
            f"_getpagesoffset: offset paging reaches the first {RESULT_WINDOW:,} results "
            f"(offset + _count ≤ {RESULT_WINDOW}); to go further follow the Bundle's `next` "
            f"links, which reach every result",
            parameter="_getpagesoffset",
        )


def page_url(base: str, used: Used, cursor: str | None = None, offset: int = 0) -> str:
    params = list(used)
    if offset:
        params.append(("_getpagesoffset", str(offset)))
    if cursor:
        params.append(("_cursor", cursor))
    return f"{base}?{urlencode(params)}" if params else base


@dataclass(frozen=True)
class PageEdges:
    """What one fetched page says about its neighbours."""

    hits: list[dict[str, Any]]  # in display order
    position: int  # rank of hits[0]
    has_next: bool
    has_previous: bool


def page_edges(
    hits: list[dict[str, Any]],
    size: int,
    cursor: Cursor | None,
    offset: int,
    more: bool | None = None,
) -> PageEdges:
    """``hits`` as the engine returned them (size + 1 asked, reversed for a backwards walk);
    ``more`` when the caller knows it otherwise (no extra hit asked at the window's edge)."""
    more = len(hits) > size if more is None else more
    hits = hits[:size]
    if cursor and cursor.backwards:
        hits.reverse()
        # Fewer than a page before the edge: this is the start, whatever the position said.
        position = cursor.position if more else 0
        return PageEdges(hits, position, has_next=bool(hits), has_previous=more and bool(hits))
    position = cursor.position if cursor else offset
    return PageEdges(hits, position, has_next=more, has_previous=position > 0 and bool(hits))


def paging_links(
    *,
    search_url: str,
    used: Used,
    codec: CursorCodec,
    edges: PageEdges,
    size: int,
    index: str | None,
    self_cursor: str | None,
    offset: int,
) -> dict[str, str]:
    """self (the parameters used), first, previous and next for one page."""
    links = {"self": page_url(search_url, used, self_cursor, offset)}
    if size == 0:
        return links
    links["first"] = page_url(search_url, used)
    hits, position = edges.hits, edges.position
    if not hits or index is None:
        return links
    if edges.has_previous:
        start = max(0, position - size)
        if start == 0 and position == size:  # back to the start is `first` (a fresh page 1)
            links["previous"] = links["first"]
        else:  # stays on the walk's own index
            before = Cursor(index, hits[0]["sort"], True, start // size, start)
            links["previous"] = page_url(search_url, used, codec.encode(before, used))
    if edges.has_next:
        start = position + len(hits)
        after = Cursor(index, hits[-1]["sort"], False, start // size, start)
        links["next"] = page_url(search_url, used, codec.encode(after, used))
    return links
