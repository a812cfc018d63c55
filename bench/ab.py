"""A/B two source trees of the façade under the same mix, on the bench node as it is loaded.

    python -m bench.ab [--b-tree /tmp/proto] [--b-path DIR] [--b-args "--workers 2"]
                       [--rounds 4] [--requests 3000] [--out FILE]

A is this checkout as ``make bench`` serves it; B is the same or another source tree (a copy
holding a candidate change), optionally with extra import paths (``--b-path``: e.g. a
``pip install --target`` of uvloop and httptools, which uvicorn then picks) and extra uvicorn
arguments (``--b-args``). Each round plays the same seeded mix against A, B and raw OpenSearch
(reversed in odd rounds), with the same pinning as ``make bench``, so ratios can be compared.
Used to give before/after figures for a proposed change without committing it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import orjson

from bench import mix
from bench.common import (
    ALIAS,
    PYTHON,
    ROOT,
    VAR,
    ApiProcess,
    clear_pits,
    log,
    node,
    node_pid,
    pin,
    rss_mb,
)
from bench.run_bench import (
    API_CPUS,
    ENGINE_CPUS,
    load,
)
from bench.stats import run_summary


def api_command(tree: Path | None, paths: str = "", extra: str = "") -> list[str]:
    """uvicorn serving the app of ``tree`` (default: this checkout), as make bench serves it."""
    tree = tree or ROOT
    return [
        "env",
        f"PYTHONPATH={':'.join(p for p in (str(tree), paths) if p)}",
        PYTHON,
        "-m",
        "uvicorn",
        "eclaire_search.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--no-access-log",
        "--log-level",
        "warning",
        "--app-dir",
        str(tree),
        *extra.split(),
    ]


def api_for(
    tree: Path | None, url: str, name: str, env: dict[str, str], paths: str = "", extra: str = ""
) -> ApiProcess:
    command = api_command(tree, paths, extra) if tree is not None or paths or extra else None
    return ApiProcess(
        url, cpus=API_CPUS, command=command, env_extra=env, log_path=VAR / "logs" / f"ab-{name}.log"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab")
    parser.add_argument("--b-tree", type=Path, default=None)
    parser.add_argument("--b-path", default="", help="extra import path(s) for B, : separated")
    parser.add_argument("--b-args", default="", help="extra uvicorn arguments for B")
    parser.add_argument("--b-env", default="", help="extra env for B: K=V,K=V")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, default=VAR / "ab.json")
    args = parser.parse_args(argv)
    bench_node = node("bench")
    url = bench_node.url
    engine = node_pid(bench_node)
    assert engine is not None, "start the bench node and load it first (make bench --keep-node)"
    plan = VAR / "plan-ab.json"
    plan.write_bytes(orjson.dumps(mix.build(url, ALIAS)))
    b_env = dict(kv.split("=", 1) for kv in args.b_env.split(",") if kv)
    pin(engine, ENGINE_CPUS)
    results: dict[str, list[dict[str, Any]]] = {"A": [], "B": [], "raw": []}
    rss: dict[str, float] = {}
    runs = VAR / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    try:
        # Warm each side once (caches, JIT, pools); not recorded.
        load(plan, "raw", url, runs / "ab-warm-raw.json", 800, args.concurrency, 99)
        for name, tree in (("A", None), ("B", args.b_tree)):
            with api_for(
                tree,
                url,
                name,
                b_env if name == "B" else {},
                args.b_path if name == "B" else "",
                args.b_args if name == "B" else "",
            ) as api:
                load(
                    plan,
                    "facade",
                    api.url,
                    runs / f"ab-warm-{name}.json",
                    800,
                    args.concurrency,
                    99,
                )
        for round_no in range(args.rounds):
            order = ["A", "B", "raw"] if round_no % 2 == 0 else ["raw", "B", "A"]
            for name in order:
                clear_pits(url)
                if name == "raw":
                    run = load(
                        plan,
                        "raw",
                        url,
                        runs / f"ab-{round_no}-raw.json",
                        args.requests,
                        args.concurrency,
                        round_no + 1,
                    )
                else:
                    tree = args.b_tree if name == "B" else None
                    b = name == "B"
                    with api_for(
                        tree,
                        url,
                        name,
                        b_env if b else {},
                        args.b_path if b else "",
                        args.b_args if b else "",
                    ) as api:
                        run = load(
                            plan,
                            "facade",
                            api.url,
                            runs / f"ab-{round_no}-{name}.json",
                            args.requests,
                            args.concurrency,
                            round_no + 1,
                        )
                        rss[name] = max(rss.get(name, 0.0), rss_mb(api.pid) or 0.0)
                summary = run_summary(run)
                results[name].append(summary)
                log(
                    f"round {round_no} {name}: {summary['throughput_rps']} req/s "
                    f"p50 {summary['p50_ms']} p99 {summary['p99_ms']} {summary['statuses']}"
                )
    finally:
        pin(engine, "0-1")
    out: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "b_tree": str(args.b_tree),
        "b_env": b_env,
    }
    for name in ("A", "B"):
        rows = results[name]
        out[name] = {
            "throughput_rps": [r["throughput_rps"] for r in rows],
            "p50_ms": [r["p50_ms"] for r in rows],
            "p99_ms": [r["p99_ms"] for r in rows],
            "p50_ratio_vs_raw": [
                round(r["p50_ms"] / w["p50_ms"], 3)
                for r, w in zip(rows, results["raw"], strict=True)
            ],
            "p99_ratio_vs_raw": [
                round(r["p99_ms"] / w["p99_ms"], 3)
                for r, w in zip(rows, results["raw"], strict=True)
            ],
            "throughput_ratio_vs_raw": [
                round(r["throughput_rps"] / w["throughput_rps"], 3)
                for r, w in zip(rows, results["raw"], strict=True)
            ],
            "rss_mb_end": round(rss.get(name, 0.0), 1),
            "statuses": [r["statuses"] for r in rows],
        }
    out["raw"] = {
        "throughput_rps": [r["throughput_rps"] for r in results["raw"]],
        "p50_ms": [r["p50_ms"] for r in results["raw"]],
    }
    args.out.write_text(json.dumps(out, indent=2))
    log(f"→ {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
