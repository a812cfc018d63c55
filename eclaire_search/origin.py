"""Where links point: the public origin comes from configuration, never from the client alone.

``ECLAIRE_BASE_URL`` wins when set. Otherwise the Host header (or, from a trusted proxy only,
``X-Forwarded-Host``/``-Proto``) must be one of ``ECLAIRE_ALLOWED_HOSTS``, else the request is a
400 before any route runs. The middleware then rewrites the scope's scheme and Host to the
trusted values, so everything Starlette derives from the request URL (the trailing-slash 307,
``request.base_url``) is trusted too, and :func:`fhir_base` / :func:`app_root` are the one
base-URL function every emitted link goes through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from eclaire_core.settings import Settings
from eclaire_search.clientaddr import (
    SCOPE_KEY,
    Networks,
    forwarded_for,
    peer_address,
    resolve_client,
)
from eclaire_search.errors import HostNotAllowed
from eclaire_search.responses import error_response

UNCHECKED_PATHS = ("/health",)  # liveness emits no link; probes send whatever Host they like


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def split_host(host: str) -> tuple[str, str]:
    """(name, port) of a Host value; ``[v6]`` names keep their brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1 :]
        return host[: end + 1], rest[1:] if rest.startswith(":") else ""
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, port
    return host, ""


def host_allowed(host: str, allowed: list[str]) -> bool:
    """``name:port`` entries match exactly; a bare ``name`` matches it on any port."""
    name, port = split_host(host)
    if not name:
        return False
    return (f"{name}:{port}" if port else name) in allowed or name in allowed


class TrustedOrigin:
    """Pure ASGI: checks the Host, resolves the client address, rewrites scheme and Host."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.proxies = Networks(settings.trusted_proxies)
        self.allowed = settings.link_hosts
        self.base: tuple[str, str] | None = None
        if settings.base_url:
            parts = urlsplit(settings.base_url)
            self.base = (parts.scheme or "https", parts.netloc)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = peer_address(scope)
        from_proxy = peer in self.proxies
        scope[SCOPE_KEY] = resolve_client(peer, forwarded_for(scope), self.proxies)
        if self.base is not None:
            scheme, host = self.base
        else:
            scheme = scope.get("scheme", "http")
            host = header(scope, b"host") or ""
            if from_proxy:
                proto = (header(scope, b"x-forwarded-proto") or "").split(",")[0].strip()
                scheme = proto.lower() if proto.lower() in ("http", "https") else scheme
                host = (header(scope, b"x-forwarded-host") or host).split(",")[0].strip()
            if not host_allowed(host, self.allowed) and scope["path"] not in UNCHECKED_PATHS:
                error = HostNotAllowed(
                    "This server does not answer for this Host; set ECLAIRE_BASE_URL or "
                    "ECLAIRE_ALLOWED_HOSTS"
                )
                await error_response(error)(scope, receive, send)
                return
        scope["scheme"] = scheme
        scope["headers"] = [
            *((k, v) for k, v in scope.get("headers") or [] if k != b"host"),
            (b"host", host.encode("latin-1")),
        ]
        await self.app(scope, receive, send)


def fhir_base(request: Request) -> str:
    """The FHIR base of every emitted link: the configured one, else the trusted request's."""
    configured = request.app.state.eclaire.settings.base_url
    if configured:
        return str(configured).rstrip("/")
    return app_root(request) + "/R4"


def app_root(request: Request) -> str:
    """The app's root URL (pages, /openapi.json): the configured FHIR base minus ``/R4``."""
    configured = request.app.state.eclaire.settings.base_url
    if configured:
        return str(configured).rstrip("/").removesuffix("/R4")
    return str(request.base_url).rstrip("/")
