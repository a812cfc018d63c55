"""Timed full loads on a quiet node of their own, with the CPU split and peak RSS:

    python -m bench.ingest_speed [--sets 19k,200k] [--validation sample,all] [--repeat 2]
        [--env ECLAIRE_X=value] [--label NAME] [--out bench/results/ingest-speed.json]

Each load is ``eclaire ingest`` on a bench set (``bench/datasets.py``) into the ``ingestbench``
node (started if needed, never ``run`` or ``test``), from an empty alias. Recorded per load: wall
seconds, studies/s, the ingest's CPU (its process tree, from rusage), the engine's CPU (its
/proc counters), everybody else's share of the cores, the load average, and the peak RSS of the
ingest's process tree (the sum over the main process and any workers, sampled every 0.1 s) and
its PSS (pages shared by the forked workers counted once).
Results are appended under ``--label`` in the output file, so before/after runs sit side by side.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench import datasets
from bench.common import (
    ECLAIRE,
    PYTHON,
    RESULTS,
    VAR,
    CpuShare,
    api_env,
    delete_versioned_indices,
    log,
    node,
    node_pid,
    proc_cpu_seconds,
    run_measured,
    tree_pss_mb,
)
from devtools import localnode

ALIAS = "eclaire-ingest-speed"
# Runs the ``eclaire`` command of another source tree (``--tree``, e.g. ``git archive`` of an
# older commit) with this venv: that tree first on the path, the editable install's finder out.
TREE_RUNNER = (
    "import sys; tree = sys.argv.pop(1); sys.path.insert(0, tree); "
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
    "from eclaire_cli.main import app; sys.argv[0] = 'eclaire'; app()"
)
NODE = "ingestbench"


def timed_load(
    url: str,
    engine: int,
    set_name: str,
    validation: str,
    extra: dict[str, str],
    tree: Path | None = None,
) -> dict[str, Any]:
    directory = datasets.ensure(set_name)
    delete_versioned_indices(url, ALIAS)
    data_dir = VAR / "ingest-speed"
    env = api_env(
        url,
        ECLAIRE_VALIDATION=validation,
        ECLAIRE_INDEX_ALIAS=ALIAS,
        ECLAIRE_DATA_DIR=str(data_dir),
        **extra,
    )
    log_path = VAR / "logs" / f"ingest-speed-{set_name}-{validation}.log"
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    engine_before = proc_cpu_seconds(engine)
    share = CpuShare([engine])
    main_cpu = 0.0  # the loading process alone (its threads), without the workers
    peak_pss = 0.0

    def sample_main(pid: int) -> None:
        nonlocal main_cpu, peak_pss
        main_cpu = max(main_cpu, proc_cpu_seconds(pid))  # 0.0 once it has exited
        peak_pss = max(peak_pss, tree_pss_mb(pid))

    command = [PYTHON, "-c", TREE_RUNNER, str(tree)] if tree else [ECLAIRE]
    exit_status, seconds, peak, cpu_seconds = run_measured(
        [*command, "ingest", *datasets.files(directory)], env, log_path, sample_main
    )
    shares = share.result(extra_cpu_seconds=cpu_seconds)
    engine_seconds = proc_cpu_seconds(engine) - engine_before
    runs = sorted((data_dir / "runs").glob("*/summary.json"))
    summary = json.loads(runs[-1].read_text()) if runs else {}
    indexed = int(summary.get("load", {}).get("indexed", 0))
    result = {
        "set": set_name,
        "validation": validation,
        "settings": extra,
        "tree": str(tree) if tree else "checkout",
        "exit_status": exit_status,
        "studies_indexed": indexed,
        "validated": summary.get("mapping", {}).get("validated"),
        "dead_lettered": summary.get("mapping", {}).get("dead_lettered"),
        "wall_seconds": round(seconds, 2),
        "studies_per_s": round(indexed / seconds, 1) if seconds else None,
        "peak_rss_mb": round(peak, 1),
        "peak_pss_mb": round(peak_pss, 1),
        "ingest_cpu_seconds": round(cpu_seconds, 2),
        "ingest_cpu_ms_per_study": round(cpu_seconds * 1000 / max(indexed, 1), 3),
        "main_process_cpu_seconds": round(main_cpu, 2),
        "engine_cpu_seconds": round(engine_seconds, 2),
        "engine_cpu_ms_per_study": round(engine_seconds * 1000 / max(indexed, 1), 3),
        "cpu": shares,
        "loadavg_before": load_before,
        "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
    }
    log(
        f"{set_name} validation={validation} {extra}: {indexed} studies in {seconds:.1f}s "
        f"({result['studies_per_s']}/s), ingest CPU {cpu_seconds:.1f}s (main {main_cpu:.1f}s), "
        "engine CPU "
        f"{engine_seconds:.1f}s, peak RSS {peak:.0f} MB (PSS {peak_pss:.0f}), "
        f"others {shares['others_share']}, "
        f"load {load_before}"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_speed")
    parser.add_argument("--sets", default="19k")
    parser.add_argument("--validation", default="sample,all")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--label", default="run")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the ingest")
    parser.add_argument("--out", type=Path, default=RESULTS / "ingest-speed.json")
    parser.add_argument("--tree", type=Path, help="another source tree's eclaire (before/after)")
    parser.add_argument("--keep-node", action="store_true", help="leave the node running")
    args = parser.parse_args(argv)
    target = node(NODE)
    localnode.start(target)
    engine = node_pid(target)
    assert engine is not None, "the ingestbench node has no pid file"
    extra = dict(item.split("=", 1) for item in args.env)
    loads = []
    try:
        for set_name in args.sets.split(","):
            for validation in args.validation.split(","):
                for _ in range(args.repeat):
                    loads.append(
                        timed_load(target.url, engine, set_name, validation, extra, args.tree)
                    )
        delete_versioned_indices(target.url, ALIAS)
    finally:
        if not args.keep_node:
            localnode.stop(target)
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    existing.setdefault("runs", {}).setdefault(args.label, []).extend(loads)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
