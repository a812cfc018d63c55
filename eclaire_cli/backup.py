"""`eclaire snapshot`, `restore` and `rollback`: the operator's undo, over ``ingest/backup.py``.

Registered on the `eclaire` app by ``eclaire_cli/main.py``, whose group maps their failures to the
documented exit statuses like any other command's.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("snapshot")(snapshot_command)
    app.command("restore")(restore_command)
    app.command("rollback")(rollback_command)


def snapshot_command(
    name: str | None = typer.Argument(None, help="Snapshot name (default: <alias>-<time>)."),
    list_only: bool = typer.Option(False, "--list", help="List the snapshots, take none."),
) -> None:
    """Snapshot every versioned study index (backup).

    Into the ECLAIRE_SNAPSHOT_REPOSITORY repository: a filesystem one at
    ECLAIRE_SNAPSHOT_LOCATION, which must lie under the node's
    `path.repo` (every node's, on a cluster). The snapshot remembers which index the alias
    served. Incremental on disk: segments already in the repository are not copied again.

    Exit status: 0 done; 3 no index to snapshot, the repository was refused or the snapshot
    failed; 4 OpenSearch did not answer.
    """
    from eclaire_core.opensearch import sync_client
    from eclaire_core.settings import get_settings
    from ingest import backup

    settings = get_settings()
    client = sync_client(settings, timeout=600.0)
    try:
        if list_only:
            for snap in backup.list_snapshots(client, settings):
                live = (snap.get("metadata") or {}).get("live")
                typer.echo(
                    f"{snap['snapshot']}  {snap.get('start_time')}  live {live}  "
                    f"indices {','.join(sorted(snap['indices']))}"
                )
            return
        result = backup.snapshot(client, settings, name)
    finally:
        client.close()
    typer.echo(
        f"snapshot {result.name}: {len(result.indices)} indices "
        f"({', '.join(result.indices)}), live {result.live}"
    )


def restore_command(
    name: str | None = typer.Argument(None, help="Snapshot to restore (default: the latest)."),
) -> None:
    """Restore a snapshot's missing indices and point the alias at the index it served then.

    Indices that still exist are left untouched (OpenSearch cannot restore over an open
    index); to go back to one of those, use `eclaire rollback --to INDEX`.

    Exit status: 0 restored; 3 no such snapshot, or the restore failed; 4 OpenSearch did not
    answer.
    """
    from eclaire_core.opensearch import sync_client
    from eclaire_core.settings import get_settings
    from ingest import backup

    settings = get_settings()
    client = sync_client(settings, timeout=600.0)
    try:
        result = backup.restore(client, settings, name)
    finally:
        client.close()
    restored = ", ".join(result.restored) or "none (all present)"
    typer.echo(
        f"snapshot {result.snapshot}: restored {restored}; "
        f"alias {settings.index_alias} → {result.live}"
    )


def rollback_command(
    to: str | None = typer.Option(None, "--to", help="A kept index (default: the previous)."),
) -> None:
    """Point the alias back at the previous kept index (atomic; undoes a bad load).

    The indices kept are the ECLAIRE_KEEP_INDICES most recent before the live one. The next
    full load builds a new index and swaps again as usual.

    Exit status: 0 rolled back; 3 no earlier index is kept; 4 OpenSearch did not answer.
    """
    from eclaire_core.opensearch import sync_client
    from eclaire_core.settings import get_settings
    from ingest import backup

    settings = get_settings()
    client = sync_client(settings)
    try:
        before, after = backup.rollback(client, settings, to)
    finally:
        client.close()
    typer.echo(f"alias {settings.index_alias}: {before} → {after}")
