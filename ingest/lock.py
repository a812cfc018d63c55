"""A lease lock kept in OpenSearch, so two schedulers never run the nightly job at once.

Why OpenSearch and not a file lock: schedulers may run on different hosts or containers
(compose, Kubernetes) that share nothing but the cluster. ``_create`` is atomic per document
id, so exactly one contender wins; the lease expires, so a crashed holder cannot block the
next night's run forever.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

LOCK_INDEX = ".eclaire-locks"


class LockHeld(Exception):
    """Another process holds the lease."""


def _ensure_index(client: OpenSearch) -> None:
    if not client.indices.exists(index=LOCK_INDEX):
        try:
            client.indices.create(
                index=LOCK_INDEX,
                body={
                    "settings": {
                        "index": {"number_of_shards": 1, "number_of_replicas": 0, "hidden": True}
                    },
                    "mappings": {
                        "dynamic": "strict",
                        "properties": {"owner": {"type": "keyword"}, "expires": {"type": "double"}},
                    },
                },
            )
        except os_errors.RequestError as exc:  # created meanwhile by the other contender
            if "resource_already_exists" not in str(exc):
                raise


@contextmanager
def lease(client: OpenSearch, name: str, seconds: float = 6 * 3600) -> Iterator[str]:
    """Hold ``name`` for the block; raise LockHeld if someone else holds an unexpired lease."""
    _ensure_index(client)
    owner = f"{socket.gethostname()}:{os.getpid()}:{time.time():.0f}"
    body = {"owner": owner, "expires": time.time() + seconds}
    try:
        client.create(index=LOCK_INDEX, id=name, body=body, refresh=True)
    except os_errors.ConflictError:
        current = client.get(index=LOCK_INDEX, id=name)
        if current["_source"]["expires"] > time.time():
            raise LockHeld(f"{name} is held by {current['_source']['owner']}") from None
        # Expired: take it over only if nobody else did first (optimistic concurrency).
        try:
            client.index(
                index=LOCK_INDEX,
                id=name,
                body=body,
                refresh=True,
                if_seq_no=current["_seq_no"],
                if_primary_term=current["_primary_term"],
            )
        except os_errors.ConflictError:
            raise LockHeld(f"{name} was taken over by another process") from None
    try:
        yield owner
    finally:
        try:
            current = client.get(index=LOCK_INDEX, id=name)
            if current["_source"]["owner"] == owner:
                client.delete(
                    index=LOCK_INDEX,
                    id=name,
                    refresh=True,
                    if_seq_no=current["_seq_no"],
                    if_primary_term=current["_primary_term"],
                )
        except os_errors.NotFoundError:
            pass


def probe(client: OpenSearch) -> None:
    """Write and delete a throw-away lease, as a run would: proves the lock index is writable
    (a read-only cluster, a full disk or missing privileges fail here, before the night)."""
    _ensure_index(client)
    name = f"probe-{socket.gethostname()}-{os.getpid()}"
    client.index(
        index=LOCK_INDEX, id=name, body={"owner": name, "expires": time.time()}, refresh=True
    )
    client.delete(index=LOCK_INDEX, id=name, refresh=True)
