"""Requests under way per client address: the cap that a rate budget alone cannot give.

A rate budget counts requests over a minute; it does not stop one client from holding 16
expensive requests open at once (16 connections walking deep pages stayed under 600/min and
still took both cores from everybody: normal p50 12.7x). This table counts the requests each
client address has in flight; above the cap the answer is 429 before any work.

Memory is bounded by what is in flight (an entry lives only while its client has a request
under way, so at most ``ECLAIRE_LIMIT_CONCURRENCY`` entries); each check is one dict lookup.
Per API process, like the rate budget (one event loop: a check and its increment never
straddle an await, so no lock).
"""

from __future__ import annotations

from collections.abc import Callable

from eclaire_search.errors import TooManyRequests

RETRY_AFTER = 1  # s: a request under way usually ends well within a second


class ClientConcurrency:
    """At most ``cap`` requests under way per client key (0: no cap)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.running: dict[str, int] = {}

    def acquire(self, client: str) -> Callable[[], None]:
        """Count one more request for ``client`` or raise 429; returns the release function
        (idempotent, so every exit path may call it)."""
        held = self.running.get(client, 0)
        if self.cap and held >= self.cap:
            raise TooManyRequests(
                f"more than {self.cap} requests at a time from this address; wait for one "
                "to finish",
                retry_after=RETRY_AFTER,
            )
        self.running[client] = held + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            left = self.running.get(client, 1) - 1
            if left > 0:
                self.running[client] = left
            else:
                self.running.pop(client, None)

        return release
