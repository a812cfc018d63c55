"""Who the client is: the one place that turns a connection into a client address.

Rate limits and per-client budgets key on this address. Behind a reverse proxy the address
must come from the proxy's ``X-Forwarded-For``, but only when the connection comes from a
configured proxy (``ECLAIRE_TRUSTED_PROXIES``); otherwise anyone could pick a fresh address
per request. The chain is read from the right: the first hop that is not a trusted proxy is
the client (everything left of it was written by the client and proves nothing).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.types import Scope

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SCOPE_KEY = "eclaire.client"  # set once per request by origin.TrustedOrigin


class Networks:
    """A comma-separated list of addresses and networks (``10.0.0.0/8``, ``::1``)."""

    def __init__(self, spec: str) -> None:
        self.networks = [
            ipaddress.ip_network(item.strip(), strict=False)
            for item in spec.split(",")
            if item.strip()
        ]

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __contains__(self, address: str) -> bool:
        parsed = parse_address(address)
        return parsed is not None and any(
            parsed.version == net.version and parsed in net for net in self.networks
        )


@lru_cache(maxsize=4096)
def parse_address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def peer_address(scope: Scope) -> str:
    """The TCP peer (the proxy, when there is one)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def forwarded_for(scope: Scope) -> list[str]:
    """Every X-Forwarded-For hop, left to right, over repeated headers."""
    hops: list[str] = []
    for name, value in scope.get("headers") or []:
        if name == b"x-forwarded-for":
            hops += [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
    return hops


def resolve_client(peer: str, hops: list[str], proxies: Networks) -> str:
    """The rightmost hop that is not a trusted proxy; the peer itself when it is not one."""
    if peer not in proxies:
        return peer
    for hop in reversed(hops):
        if hop not in proxies:
            return hop if parse_address(hop) is not None else peer  # a proxy wrote garbage
    return hops[0] if hops else peer


def budget_key(address: str) -> str:
    """IPv6 clients are keyed on their /64 (one host usually owns the whole prefix)."""
    parsed = parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def client_address(scope: Scope, proxies: Networks | None = None) -> str:
    """The address budgets are keyed on: resolved once per request, else from ``proxies``."""
    resolved = scope.get(SCOPE_KEY)
    if resolved is not None:
        return str(resolved)
    return resolve_client(peer_address(scope), forwarded_for(scope), proxies or Networks(""))
