"""The timed full loads of ``make bench``, and the ceiling they are read against.

``ingest`` runs ``eclaire ingest`` as the nightly job does (a separate process, its workers,
the run record it writes) and times it end to end; ``raw_floor`` has OpenSearch alone post the
same documents pre-built (``bench/raw_bulk.py``), so a load's rate can be read as a share of
what the engine does on this machine at this hour.
"""

from __future__ import annotations

from typing import Any

from bench import datasets, raw_bulk
from bench.common import (
    ALIAS,
    ECLAIRE,
    VAR,
    CpuShare,
    api_env,
    delete_versioned_indices,
    log,
    newest_run,
    os_call,
    run_measured,
)


def index_facts(url: str, alias: str) -> dict[str, Any]:
    rows = os_call(f"{url}/_cat/indices/{alias}?format=json&bytes=b")
    if not rows:
        return {}
    row = rows[0]
    docs = int(row["docs.count"])
    size = int(row["pri.store.size"])
    return {
        "index": row["index"],
        "docs": docs,
        "store_bytes": size,
        "store_mb": round(size / 1e6, 1),
        "bytes_per_study": round(size / docs) if docs else None,
    }


def ingest(
    url: str, set_name: str, validation: str, engine_pid: int, *, reload: bool = False
) -> dict[str, Any]:
    """One full load on an empty node (``reload``: onto the index the last load left, as
    ``eclaire ingest`` and ``eclaire reindex`` run): wall time, studies/s, peak RSS, CPU shares."""
    directory = datasets.ensure(set_name)
    if not reload:
        delete_versioned_indices(url, ALIAS)
    env = api_env(url, ECLAIRE_VALIDATION=validation, ECLAIRE_INDEX_ALIAS=ALIAS)
    cpu = CpuShare([engine_pid])
    status, seconds, peak, cpu_seconds = run_measured(
        [ECLAIRE, "ingest", *datasets.files(directory)],
        env,
        VAR / "logs" / f"ingest-{set_name}-{validation}.log",
    )
    shares = cpu.result(extra_cpu_seconds=cpu_seconds)
    run = newest_run()
    indexed = int(run.get("load", {}).get("indexed", 0))
    pipeline_seconds = float(run.get("seconds", seconds))
    result = {
        "set": set_name,
        "validation": validation,
        "onto": "the index of the previous load" if reload else "an empty node",
        "exit_status": status,
        "studies_indexed": indexed,
        "records_read": run.get("mapping", {}).get("read"),
        "dead_lettered": run.get("mapping", {}).get("dead_lettered"),
        "wall_seconds": round(seconds, 2),
        "pipeline_seconds": round(pipeline_seconds, 2),
        "studies_per_s": round(indexed / seconds, 1) if seconds else None,
        "studies_per_s_pipeline": round(indexed / pipeline_seconds, 1)
        if pipeline_seconds
        else None,
        "peak_rss_mb": round(peak, 1),
        "ingest_cpu_seconds": round(cpu_seconds, 1),
        "cpu": shares,
        "index": index_facts(url, ALIAS),
    }
    log(
        f"ingest {set_name} validation={validation}: {indexed} studies in {seconds:.1f}s "
        f"({result['studies_per_s']}/s), peak RSS {peak:.0f} MB, "
        f"others' CPU {shares['others_share']}"
    )
    return result


def raw_floor(url: str, engine_pid: int, ours: dict[str, Any]) -> dict[str, Any]:
    """What OpenSearch alone does with the same 19k documents on the same warm node
    (``bench/raw_bulk.py``): the ceiling of any ingest on this machine. Studies/s alone moves
    with the machine (raw did 3,023 to 3,055/s on the 2026-12-01 one, 1,714 to 2,095/s on the
    slower 2026-12-02 one); the ingest's share of the ceiling says what the ingest costs."""
    bodies = raw_bulk.chunks(raw_bulk.dump(url, "19k"))
    floor = raw_bulk.timed(url, engine_pid, bodies, sort=False)
    return {
        **floor,
        "ingest_studies_per_s": ours["studies_per_s"],
        "ingest_over_raw": round(ours["studies_per_s"] / floor["documents_per_s"], 2),
    }
