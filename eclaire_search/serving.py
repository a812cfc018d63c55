"""How ``eclaire serve`` runs uvicorn: limits from the settings, JSON logs, worker checks.

- HTTP/1.1 through httptools (uvicorn's C parser; h11, pure Python, cost 0.3 ms more CPU per
  request: bench/results/api-cpu.json). httptools has no limit on a request's head, so
  :class:`GuardedHttpToolsProtocol` counts it: a request line plus headers above
  ``ECLAIRE_MAX_HEADER_BYTES`` is a 400 (a 16 MB header or 100,000 headers), and a head still
  incomplete past that many bytes is refused as it arrives, never buffered whole.
- It also adds a deadline for a request's headers (``ECLAIRE_HEADER_TIMEOUT``), on a fresh
  connection and between keep-alive requests, so a client that trickles bytes (slowloris) is cut
  off.
- An answer's head leaves with its first body bytes in one ``writelines`` (:class:`HeadWithBody`):
  one send instead of two per answer, measured with strace (4 → 3 syscalls a request, the other
  two being the engine call and the log line).
- uvicorn's own X-Forwarded-* handling is off: it trusts loopback by default. The app decides
  from ``ECLAIRE_TRUSTED_PROXIES`` (``origin``, ``clientaddr``).
- Several workers must share one cursor key, and their metrics one directory.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from eclaire_core.settings import Settings, get_settings
from eclaire_search import requestctx
from eclaire_search.errors import MalformedRequest, ServerBusy
from eclaire_search.logs import log_config
from eclaire_search.responses import error_response

MISSING_SECRET_STATUS = 2  # a usage error (ingest/errors.py BadUsage), before anything starts
MISSING_SECRET = (
    "--workers {workers} needs ECLAIRE_CURSOR_SECRET (the same value for every process serving "
    "this base URL); without it each worker signs paging cursors with its own random key and "
    "next links break"
)
HEAD_TOO_LARGE = "request line and headers larger than allowed"


class WorkerSecretMissing(Exception):
    """Refused before start: several workers and no shared cursor key."""

    exit_status = MISSING_SECRET_STATUS


class HeadTooLarge(Exception):
    """Raised in a parser callback: httptools turns it into the 400 path of ``data_received``."""


class HeadWithBody:
    """The transport as one response sees it: the head uvicorn writes on
    ``http.response.start`` is held and leaves in one ``writelines`` with the first body bytes.
    uvicorn writes them apart, which costs a second send and wakes the client twice for every
    answer (each a loopback round of the kernel's TCP path, on the core the API runs on)."""

    def __init__(self, transport: asyncio.Transport, cycle: Any) -> None:
        self.transport = transport
        self.cycle = cycle
        self.head: bytes | None = None
        self.held = False  # the head has been seen (held or sent)

    def write(self, data: bytes) -> None:
        if not self.held and self.cycle.response_started:  # a 100 Continue is not the head
            self.held, self.head = True, data
            return
        self.flush(data)

    def flush(self, data: bytes = b"") -> None:
        head, self.head = self.head, None
        if head is None:
            if data:
                self.transport.write(data)
        else:
            self.transport.writelines([head, data])

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head, a deadline for receiving it,
    and its own refusals (unreadable or oversized request, concurrency cap) as
    OperationOutcomes with ``Cache-Control: no-store`` instead of uvicorn's plain-text ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.header_timeout = settings.header_timeout
        self.max_head = settings.max_header_bytes
        self.head_bytes: int | None = None  # completed part of the head being read; None: none
        self.head_raw = 0  # bytes fed while that head stayed incomplete
        self.heads = 0  # requests begun on this connection
        self.header_deadline: asyncio.TimerHandle | None = None
        self.cap, self.limit_concurrency = self.limit_concurrency, None  # checked in _capped
        self.app = self._capped(self.app)

    def _capped(self, app: Any) -> Any:
        async def capped(scope: Any, receive: Any, send: Any) -> None:
            # Requests under way only (this one included), not connections: a connection
            # still sending its headers is no work yet and the header deadline cuts it;
            # counting it let 200 slowloris sockets turn every real request into a 503.
            busy = self.cap is not None and len(self.tasks) > self.cap
            if not busy:
                await app(scope, receive, send)
                return
            self.logger.warning("concurrency limit (%s) reached", self.cap)
            requestctx.begin(requestctx.new_request_id())
            await error_response(ServerBusy("The server is busy; retry in a moment"))(
                scope, receive, send
            )

        return capped

    def send_400_response(self, msg: str) -> None:
        requestctx.begin(requestctx.new_request_id())
        detail = msg if msg == HEAD_TOO_LARGE else f"{msg} (headers larger than allowed?)"
        response = error_response(MalformedRequest(detail))
        head = [STATUS_LINE[400]]
        for name, value in [*response.raw_headers, (b"connection", b"close")]:
            head.extend([name, b": ", value, b"\r\n"])
        self.transport.write(b"".join([*head, b"\r\n", bytes(response.body)]))
        self.transport.close()

    # The head's size, as the parser reads it: exactly for what it has completed (the URL, each
    # header), and as the raw bytes fed while it stays incomplete (an upper bound: the chunk it
    # began in may also hold the end of a pipelined request before it).
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.heads += 1
        self.head_bytes, self.head_raw = 0, 0

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.head_bytes = None
        previous = self.cycle
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is None or cycle is previous:  # no new cycle: an upgrade (websocket) request
            return
        held = HeadWithBody(self.transport, cycle)
        cycle.transport = held  # type: ignore[assignment]
        done = cycle.on_response

        def on_response() -> None:  # this cycle's own: a pipelined next one may be current
            held.flush()  # a HEAD answer has no body write
            done()

        cycle.on_response = on_response

    def _count(self, size: int) -> None:
        self.head_bytes = (self.head_bytes or 0) + size
        if self.head_bytes > self.max_head:
            raise HeadTooLarge(HEAD_TOO_LARGE)  # httptools makes it an HttpParserError: a 400

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        heads = self.heads
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self.head_bytes is not None:  # a head still incomplete after these bytes
            self.head_raw = len(data) + (self.head_raw if heads == self.heads else 0)
            if self.head_raw > self.max_head:
                self.logger.warning(HEAD_TOO_LARGE)
                self.send_400_response(HEAD_TOO_LARGE)
                return
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # the headers are in: the request is being served
        elif self.header_deadline is None:
            self._arm()  # bytes of a next request started arriving

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # idle now: uvicorn's keep-alive timeout applies until bytes arrive

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _too_slow(self) -> None:
        self.header_deadline = None
        if self.cycle is None or self.cycle.response_complete:
            self.logger.warning("request headers not received within %ss", self.header_timeout)
            self.transport.close()


def check_workers(settings: Settings, workers: int) -> None:
    if workers > 1 and not settings.cursor_secret:
        raise WorkerSecretMissing(MISSING_SECRET.format(workers=workers))


def uvicorn_options(settings: Settings, host: str, port: int, workers: int) -> dict[str, Any]:
    """Keyword arguments of ``uvicorn.run`` (a test checks them against the settings)."""
    return {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "http": GuardedHttpToolsProtocol,
        "limit_concurrency": settings.limit_concurrency,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "proxy_headers": False,
        "server_header": False,
        "access_log": False,  # observe.Observe writes one JSON line per request
        "log_config": log_config(),
    }


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Run the API until interrupted (raises :class:`WorkerSecretMissing` before starting)."""
    import uvicorn

    check_workers(settings, workers)
    # Workers re-read the settings from the environment: make them agree with the options.
    os.environ["ECLAIRE_HOST"], os.environ["ECLAIRE_PORT"] = host, str(port)
    get_settings.cache_clear()
    metrics_dir = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="eclaire-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "eclaire_search.app:create_app", **uvicorn_options(settings, host, port, workers)
        )
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]
