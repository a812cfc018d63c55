"""``Cache-Control`` on every answer and ``Vary`` where the answer depends on a header.

Data change at most with a load (nightly, or an operator's full load), so answers may be kept a
little while; errors, exports and operational endpoints never. A route that sets its own
``Cache-Control`` keeps it. ``Vary: Accept-Encoding`` comes from the compression middleware.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = "no-store"
# (path prefix, max-age in seconds); the first match wins, everything else gets DEFAULT_AGE.
POLICY: list[tuple[str, int | None]] = [
    ("/api/export", None),  # one-off, large, may reflect a load in progress
    ("/health", None),
    ("/ready", None),
    ("/metrics", None),
    ("/R4/metadata", 3600),
    ("/R4/SearchParameter", 3600),
    ("/R4/ResearchStudy?", 60),  # searches (matched on path + "?")
    ("/R4/", 300),  # reads of a study and its linked resources (ETag for revalidation)
    ("/api/statistics", 300),
    ("/api/", 60),
    ("/static/", 86400),
    ("/openapi.json", 3600),
    ("/docs", 3600),
    ("/etude/", 300),
]
DEFAULT_AGE = 60  # the search page and anything not listed
VARY_ACCEPT = ("/R4/",)  # FHIR routes negotiate on Accept (406) and, for searches, Prefer
SEARCHES = ("/R4/ResearchStudy", "/R4/ResearchStudy/_search")


def cache_control(method: str, path: str, status: int) -> str:
    if status >= 400 or method not in ("GET", "HEAD"):
        return NO_STORE
    key = path + "?" if path == "/R4/ResearchStudy" else path
    for prefix, age in POLICY:
        if key.startswith(prefix):
            return NO_STORE if age is None else f"public, max-age={age}"
    return f"public, max-age={DEFAULT_AGE}"


class CacheHeaders:
    """Pure ASGI: edits only the response start, so streams still stream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["Cache-Control"] = cache_control(
                        scope["method"], path, message["status"]
                    )
                if path.startswith(VARY_ACCEPT):
                    vary = "Accept, Prefer" if path in SEARCHES else "Accept"
                    headers.add_vary_header(vary)
            await send(message)

        await self.app(scope, receive, send_with_headers)
