"""Guards in front of the routes: request size, URL length, parameter count, rate limits,
requests under way per client.

Pure ASGI middleware, so an oversized or throttled request is answered before any parsing or
OpenSearch call, always as an OperationOutcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eclaire_core.settings import Settings
from eclaire_search.clientaddr import budget_key, client_address
from eclaire_search.errors import (
    FHIRError,
    InvalidSearch,
    PayloadTooLarge,
    TooManyRequests,
    URITooLong,
)
from eclaire_search.inflight import ClientConcurrency
from eclaire_search.responses import error_response


class TokenBucket:
    """Per-client budget of ``rate`` requests a minute, refilled continuously, of which at
    most ``burst`` (default ``rate``) can be spent at once: with a burst smaller than the
    rate, one client cannot spend a whole minute's budget in a few seconds.

    The table is an LRU of at most ``clients`` entries (``cachetools``): constant cost per
    request and bounded memory (about 0.3 KB per client); a client forgotten because
    ``clients`` others came after it starts again with a full budget.
    """

    def __init__(self, rate: int, clients: int = 100_000, burst: int | None = None) -> None:
        self.rate = rate
        self.burst = max(1, min(rate, burst)) if burst else rate
        self.buckets: LRUCache[str, tuple[float, float]] = LRUCache(maxsize=clients)

    def take(self, client: str, now: float) -> float:
        """Seconds to wait before the next request is allowed (0: allowed, token spent)."""
        capacity = float(self.burst)
        tokens, last = self.buckets.get(client, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * self.rate / 60.0)
        if tokens < 1.0:
            self.buckets[client] = (tokens, now)
            return (1.0 - tokens) * 60.0 / self.rate
        self.buckets[client] = (tokens - 1.0, now)
        return 0.0


UNLIMITED = ("/health", "/metrics")  # probes and scrapers (/metrics has its own allow-list)
# Package files, no engine work: a browser fetches a page's stylesheets and scripts on its ~6
# connections at once. Rate-limited, but not counted as requests under way.
UNCOUNTED_PREFIX = "/static/"


class RequestLimits:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        clients = settings.rate_limit_clients
        self.bucket = (
            TokenBucket(settings.rate_limit, clients, settings.rate_limit_burst)
            if settings.rate_limit
            else None
        )
        self.concurrency = ClientConcurrency(settings.client_concurrency)
        self.exports = (
            TokenBucket(settings.rate_limit_exports, clients)
            if settings.rate_limit_exports
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self.check(scope)
            release = self.enter(scope)
        except FHIRError as error:
            await error_response(error)(scope, receive, send)
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            receive = self.capped(receive)
        try:  # returns once the body is sent (streamed exports too), the client left, or raised
            await self.app(scope, receive, send)
        finally:
            release()

    def enter(self, scope: Scope) -> Callable[[], None]:
        """Count the request as under way for its client (not probes, scrapers, static files)."""
        if scope["path"] in UNLIMITED or scope["path"].startswith(UNCOUNTED_PREFIX):
            return lambda: None
        return self.concurrency.acquire(budget_key(client_address(scope)))

    def check(self, scope: Scope) -> None:
        query = scope.get("query_string", b"")
        length = len(scope.get("raw_path") or scope["path"].encode()) + len(query)
        if length > self.settings.max_url_length:
            raise URITooLong(f"URL longer than {self.settings.max_url_length} bytes")
        if (
            query.count(b"&") + 1 > self.settings.max_params
            and len(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
            > self.settings.max_params
        ):
            raise InvalidSearch(f"more than {self.settings.max_params} parameters")
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.settings.max_body_bytes:
            raise PayloadTooLarge(f"body larger than {self.settings.max_body_bytes} bytes")
        if scope["path"] in UNLIMITED:
            return
        client = budget_key(client_address(scope))
        now = time.monotonic()
        if self.exports is not None and scope["path"].startswith("/api/export"):
            self.spend(self.exports, client, now, "export requests")
        if self.bucket is not None:
            self.spend(self.bucket, client, now, "requests")

    @staticmethod
    def spend(bucket: TokenBucket, client: str, now: float, what: str) -> None:
        wait = bucket.take(client, now)
        if wait:
            raise TooManyRequests(
                f"more than {bucket.rate} {what} a minute from this address; retry later",
                retry_after=max(1, round(wait)),
            )

    def capped(self, receive: Receive) -> Receive:
        """Refuse a chunked body that grows past the limit without a Content-Length."""
        seen = 0
        limit = self.settings.max_body_bytes

        async def guarded() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge(f"body larger than {limit} bytes")
            return message

        return guarded
