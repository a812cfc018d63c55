"""Session fixtures: a real OpenSearch node, never a mock.

Route, in order: ``ECLAIRE_OPENSEARCH_URL`` if set; else a testcontainers OpenSearch when a
Docker engine answers; else the project's launcher on its own ports and data directory (the
``test`` node, never the one ``make run`` serves from).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from node_route import choose_route, docker_answers

# The served defaults refuse Hosts other than loopback on ECLAIRE_PORT and rate-limit each
# address (and cap its requests under way); TestClient sends ``Host: testserver`` and every
# test comes from one address. Tests of those defaults pass their settings explicitly
# (tests/api/test_traffic_http.py, tests/api/test_inflight.py).
os.environ.setdefault("ECLAIRE_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("ECLAIRE_RATE_LIMIT", "0")
os.environ.setdefault("ECLAIRE_RATE_LIMIT_EXPORTS", "0")
os.environ.setdefault("ECLAIRE_CLIENT_CONCURRENCY", "0")


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    route = choose_route(dict(os.environ), docker_answers())
    if route == "env":
        yield os.environ["ECLAIRE_OPENSEARCH_URL"]
    elif route == "testcontainers":
        from testcontainers.opensearch import OpenSearchContainer

        with OpenSearchContainer("opensearchproject/opensearch:2.19.3") as container:
            config = container.get_config()
            yield f"http://{config['host']}:{config['port']}"
    else:
        from devtools import localnode

        node = localnode.NODES["test"]
        already_running = localnode.cluster_info(node.url) is not None
        yield localnode.start(node)
        if not already_running:  # leave the machine as we found it (CI, a fresh clone)
            localnode.stop(node)
