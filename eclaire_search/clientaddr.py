"""Who the client is: the one place that turns a connection into a client address.

Rate limits and per-client budgets key on this address. Behind a reverse proxy the address
must come from the proxy's ``X-Forwarded-For``, but only when the connection comes from a
configured proxy; otherwise anyone could pick a fresh address per request.
"""

from __future__ import annotations

from starlette.types import Scope


def client_address(scope: Scope) -> str:
    """The address budgets are keyed on (today: the peer of the TCP connection)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
