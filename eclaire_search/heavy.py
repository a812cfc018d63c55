"""Concurrency caps for heavy work: exports and big pages, service-wide and per client.

An export streams hundreds of megabytes and a 1000-study page builds ~20 MB; a handful of them
in parallel would take the engine and the API's memory from everybody else. Beyond a cap the
answer is 429 with Retry-After, always before any byte of a body. Counts are per API process
(one event loop, so no lock is needed: a check and its increment never straddle an await).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from eclaire_core.settings import Settings
from eclaire_search.errors import TooManyRequests
from eclaire_search.search_request import SearchRequest


@dataclass
class Slots:
    """At most ``total`` holders at once, and at most ``per_client`` for one client."""

    kind: str  # what the slots are for, as the 429 names it
    total: int
    per_client: int
    retry_after: int
    running: int = 0
    by_client: dict[str, int] = field(default_factory=dict)

    def acquire(self, client: str) -> Callable[[], None]:
        """Take a slot or raise 429; returns the release function (safe to call twice)."""
        if self.by_client.get(client, 0) >= self.per_client:
            raise TooManyRequests(
                f"At most {self.per_client} {self.kind} at a time per client; wait for yours "
                f"to finish",
                retry_after=self.retry_after,
            )
        if self.running >= self.total:
            raise TooManyRequests(
                f"The service is running its maximum of {self.total} {self.kind}; try again "
                f"in {self.retry_after} s",
                retry_after=self.retry_after,
            )
        self.running += 1
        self.by_client[client] = self.by_client.get(client, 0) + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            self.running -= 1
            left = self.by_client.get(client, 1) - 1
            if left > 0:
                self.by_client[client] = left
            else:
                self.by_client.pop(client, None)

        return release

    @contextmanager
    def held(self, client: str) -> Iterator[None]:
        release = self.acquire(client)
        try:
            yield
        finally:
            release()


@dataclass
class HeavyWork:
    exports: Slots
    big_pages: Slots
    big_page_count: int
    big_include_count: int

    @classmethod
    def from_settings(cls, settings: Settings) -> HeavyWork:
        return cls(
            exports=Slots(
                "exports", settings.export_max_concurrent, settings.export_max_per_client, 10
            ),
            big_pages=Slots(
                "big pages", settings.big_page_max_concurrent, settings.big_page_max_per_client, 2
            ),
            big_page_count=settings.big_page_count,
            big_include_count=settings.big_include_count,
        )

    def is_big(self, request: SearchRequest) -> bool:
        if request.summary == "count" or request.count == 0:
            return False
        limit = self.big_include_count if request.includes else self.big_page_count
        return request.count > limit

    @contextmanager
    def page(self, request: SearchRequest, client: str) -> Iterator[None]:
        """Hold a big-page slot while ``request`` runs, if it is a big page."""
        if not self.is_big(request):
            yield
            return
        with self.big_pages.held(client):
            yield
