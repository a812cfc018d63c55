"""Backups and rollback of the study indices, over OpenSearch's own snapshot API.

- :func:`snapshot`: every versioned index ``<alias>-*`` (the live one and those kept for
  rollback) into a filesystem repository, which OpenSearch only allows under a node's
  ``path.repo``; the snapshot's metadata names the index the alias pointed at.
- :func:`restore`: brings back the snapshot's indices that are missing (deleted, or a lost
  cluster) and points the alias at the index it served when the snapshot was taken. An index
  that still exists is left as it is (OpenSearch cannot restore over an open index).
- :func:`rollback`: the alias back onto the previous kept index, in one atomic alias update
  (a bad load is undone in a second, without the exports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from eclaire_core.settings import Settings
from ingest.errors import LoadFailed, LoadRefused
from ingest.loader import alias_indices


@dataclass
class SnapshotResult:
    name: str
    indices: list[str]
    live: str | None


@dataclass
class RestoreResult:
    snapshot: str
    restored: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    live: str | None = None


def versioned_indices(client: OpenSearch, alias: str) -> list[str]:
    """The ``<alias>-<timestamp>`` indices, oldest first (the names sort by time); another
    alias's indices (``<alias>-x-<timestamp>``) are not among them."""
    try:
        found = client.indices.get(index=f"{alias}-*", expand_wildcards="open")
    except os_errors.NotFoundError:
        return []
    stamp = re.compile(re.escape(alias) + r"-\d{8}t\d{6,}")
    return sorted(i for i in found if stamp.fullmatch(i))


def ensure_repository(client: OpenSearch, settings: Settings) -> str:
    """Register the filesystem repository (idempotent); explain a node without path.repo."""
    name = settings.snapshot_repository
    body = {"type": "fs", "settings": {"location": settings.snapshot_location, "compress": True}}
    try:
        client.snapshot.create_repository(repository=name, body=body)
    except os_errors.TransportError as exc:
        if "path.repo" in str(exc.info) or "path.repo" in str(exc.error):
            raise LoadFailed(
                f"snapshot repository {name!r} at {settings.snapshot_location!r} refused: the "
                "location must be under the node's path.repo (opensearch.yml), on every node"
            ) from None
        raise
    return name


def snapshot(client: OpenSearch, settings: Settings, name: str | None = None) -> SnapshotResult:
    """Snapshot the versioned indices (waits until done); LoadRefused when there are none."""
    alias = settings.index_alias
    indices = versioned_indices(client, alias)
    if not indices:
        raise LoadRefused(f"nothing to snapshot: no index {alias}-* on the cluster")
    repository = ensure_repository(client, settings)
    live = next(iter(alias_indices(client, alias)), None)
    name = name or f"{alias}-{datetime.now(UTC).strftime('%Y%m%dt%H%M%S')}"
    response = client.snapshot.create(
        repository=repository,
        snapshot=name,
        body={
            "indices": ",".join(indices),
            "include_global_state": False,
            "metadata": {"alias": alias, "live": live},
        },
        params={"wait_for_completion": "true"},
    )
    info = response.get("snapshot", {})
    if info.get("state") != "SUCCESS":
        raise LoadFailed(f"snapshot {name} ended {info.get('state')}: {info.get('failures')}")
    return SnapshotResult(name, sorted(info.get("indices", indices)), live)


def list_snapshots(client: OpenSearch, settings: Settings) -> list[dict[str, Any]]:
    """The repository's successful snapshots of this alias, oldest first."""
    repository = ensure_repository(client, settings)
    found = client.snapshot.get(repository=repository, snapshot="_all")["snapshots"]
    return [
        s
        for s in sorted(found, key=lambda s: s.get("start_time_in_millis", 0))
        if s.get("state") == "SUCCESS"
        and (s.get("metadata") or {}).get("alias", settings.index_alias) == settings.index_alias
    ]


def restore(client: OpenSearch, settings: Settings, name: str | None = None) -> RestoreResult:
    """Restore the missing indices of snapshot ``name`` (default: the latest), then point the
    alias at the index it served then."""
    snapshots = list_snapshots(client, settings)
    if name is None:
        if not snapshots:
            raise LoadRefused(f"no snapshot of {settings.index_alias} in the repository")
        chosen = snapshots[-1]
    else:
        matches = [s for s in snapshots if s["snapshot"] == name]
        if not matches:
            raise LoadRefused(f"no snapshot {name!r} of {settings.index_alias} in the repository")
        chosen = matches[0]
    result = RestoreResult(chosen["snapshot"])
    existing = set(versioned_indices(client, settings.index_alias))
    result.kept = sorted(i for i in chosen["indices"] if i in existing)
    result.restored = sorted(i for i in chosen["indices"] if i not in existing)
    if result.restored:
        client.snapshot.restore(
            repository=settings.snapshot_repository,
            snapshot=result.snapshot,
            body={
                "indices": ",".join(result.restored),
                "include_global_state": False,
                "include_aliases": False,  # the alias is set below, on exactly one index
            },
            params={"wait_for_completion": "true"},
        )
        client.cluster.health(index=",".join(result.restored), wait_for_status="yellow")
    live = (chosen.get("metadata") or {}).get("live") or max(chosen["indices"])
    point_alias(client, settings.index_alias, live)
    result.live = live
    return result


def point_alias(client: OpenSearch, alias: str, index: str) -> None:
    """Move the alias onto ``index`` alone, atomically."""
    actions: list[dict[str, Any]] = [
        {"remove": {"index": i, "alias": alias}} for i in alias_indices(client, alias) if i != index
    ]
    actions.append({"add": {"index": index, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})


def rollback(client: OpenSearch, settings: Settings, to: str | None = None) -> tuple[str, str]:
    """Point the alias at the kept index before the live one (or at ``to``); (from, to)."""
    alias = settings.index_alias
    live = alias_indices(client, alias)
    if not live:
        raise LoadRefused(f"alias {alias} points at no index: nothing to roll back")
    current = live[-1]
    kept = versioned_indices(client, alias)
    if to is not None:
        if to not in kept:
            raise LoadRefused(f"{to} is not a kept index of {alias} ({', '.join(kept)})")
        target = to
    else:
        older = [i for i in kept if i < current]
        if not older:
            raise LoadRefused(
                f"no index older than {current} is kept (ECLAIRE_KEEP_INDICES): nothing to "
                "roll back to"
            )
        target = older[-1]
    point_alias(client, alias, target)
    return current, target
