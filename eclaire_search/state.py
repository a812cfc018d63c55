"""What the app holds for its lifetime: settings, the backend, the cursor codec, the caps."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from eclaire_core.opensearch import async_client
from eclaire_core.resources import ASSIGNER_ORGANIZATIONS
from eclaire_core.settings import Settings
from eclaire_search import metrics
from eclaire_search.backend import Backend
from eclaire_search.heavy import HeavyWork
from eclaire_search.paging import CursorCodec


@dataclass
class AppState:
    settings: Settings
    backend: Backend
    cursors: CursorCodec
    tz: ZoneInfo
    heavy: HeavyWork
    assigners: dict[str, dict[str, Any]] = field(
        default_factory=lambda: dict(ASSIGNER_ORGANIZATIONS)
    )
    cache: dict[str, Any] = field(default_factory=dict)

    async def data_timestamp(self, max_age: float = 5.0) -> str | None:
        """Last successful load time, re-read at most every ``max_age`` seconds."""
        cached = self.cache.get("data_timestamp")
        fresh = bool(cached and time.monotonic() - cached[0] < max_age)
        metrics.cache_lookup("data_timestamp", fresh)
        if cached and fresh:
            return cached[1]  # type: ignore[no-any-return]
        _, timestamp = await self.backend.data_timestamp()
        self.cache["data_timestamp"] = (time.monotonic(), timestamp)
        return timestamp

    @classmethod
    def create(cls, settings: Settings) -> AppState:
        secret = (
            settings.cursor_secret.encode() if settings.cursor_secret else secrets.token_bytes(32)
        )
        return cls(
            settings=settings,
            backend=Backend(
                async_client(settings), settings.index_alias, settings.opensearch_timeout
            ),
            cursors=CursorCodec(secret),
            tz=ZoneInfo(settings.timezone),
            heavy=HeavyWork.from_settings(settings),
        )
