"""`make bench`: ingest rates and memory, the query mix façade vs raw OpenSearch, the profile.

    python -m bench.run_bench [--rounds 3] [--requests 4000] [--concurrency 8] [--keep-node]

Steps, all on the dedicated ``bench`` node (127.0.0.1:9270, 1 GiB heap), never ``run``/``test``:

1. the 19k and 200k sets, generated once into var/bench/ (cached);
2. full loads on an empty node, each timed end to end with its peak RSS: first one untimed
   warm-up load of the 19k set (recorded apart as ``ingest_warmup``: a fresh JVM compiles its
   indexing path during its first load and spends up to twice the engine CPU on it, while the
   nightly job meets a node that has served all day), then 200k (validation sampled), then
   the streamed NDJSON export of those 200k with the API's RSS sampled; 200k with
   validation=all; 19k with validation=all (reference); 19k sampled (it then serves the mix);
   then raw OpenSearch's own bulk of that load's documents on the same warm node
   (``ingest_raw_floor``, bench/raw_bulk.py), the ceiling any ingest has on this machine, and
   the ingest's rate as a share of it;
3. the query mix (bench/mix.py) from a separate load process (bench/loadgen.py) at a fixed
   concurrency, against the façade and, in the same run, against the alias with the façade's
   own bodies, in alternating order over ``--rounds`` rounds: on the 200k index right after its
   load, then on the 19k index (the scale curve); OpenSearch keeps its default limits (no
   raised ``search.max_open_pit_context``);
4. the bytes on the wire per query kind, identity and compressed (bench/wire_probe.py);
5. the façade under pyinstrument for one more façade run (profile.html / profile.txt);
6. each query kind alone, one request at a time (bench/scale.py), on the 19k index and on a
   read-only clone of the 200k one kept since its mix, the two interleaved pass by pass.

Writes bench/results/latest.json, latest.md and latency.png. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import datasets, mix
from bench import wire_probe as wire
from bench.common import (
    ALIAS,
    PYTHON,
    RESULTS,
    ROOT,
    VAR,
    ApiProcess,
    CpuShare,
    RssSampler,
    clear_pits,
    log,
    machine_facts,
    node,
    node_pid,
    package_versions,
    phase,
    pin,
    proc_cpu_seconds,
    rss_mb,
    write_json,
)
from bench.loads import ingest, raw_floor
from bench.report import write_markdown, write_plot
from bench.scale import alone as scale_alone
from bench.scale_points import (
    SCALE_200K_ALIAS,
    drop_scale_clone,
    keep_for_scale,
    scale_curve,
    scale_point,
)
from bench.stats import compare, run_summary, summary
from devtools import localnode

API_CPUS, CLIENT_CPUS, ENGINE_CPUS = "0", "0", "1"
DEFAULT_PIT_LIMIT = 300
ALONE_REPS = 10  # passes over each kind's variants, one request at a time (bench/scale.py)


def children_cpu_seconds() -> float:
    """CPU of our waited-for children so far (the load client runs as one)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_stack() -> str:
    """How the API is served in the bench: as deployed."""
    from importlib.util import find_spec

    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    return (
        f"eclaire serve: uvicorn, 1 worker, {loop} loop + guarded httptools, one JSON log line "
        "per request"
    )


def headline(result: dict[str, Any]) -> dict[str, Any]:
    """One line of bench/results/history.ndjson: the figures a before/after note quotes."""
    return {
        "generated_at": result["generated_at"],
        "commit": result["git"]["commit"],
        "server": result["config"]["api"],
        "p50_ratio": result["p50_ratio"],
        "p99_ratio": result["p99_ratio"],
        "throughput_ratio": result["throughput_ratio"],
        "spread": {k: [v["min"], v["max"]] for k, v in result["spread"].items()},
        "facade_rps": [r["facade"]["throughput_rps"] for r in result["rounds"]],
        "raw_rps": [r["raw"]["throughput_rps"] for r in result["rounds"]],
        "api_rss_mb": result["api_rss_mb"],
        "ingest_studies_per_s": result["ingest_studies_per_s"],
    }


def git_revision() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty_paths": len(git("status", "--porcelain").splitlines()),
    }


def export_memory(url: str, expected: int) -> dict[str, Any]:
    """Stream /api/export.ndjson of everything while sampling the API's RSS."""
    with ApiProcess(url, cpus=API_CPUS, log_path=VAR / "logs" / "api-export.log") as api:
        idle = rss_mb(api.pid) or 0.0
        lines = 0
        size = 0
        progress: list[tuple[float, int, float]] = []
        started = time.monotonic()
        status = 0
        error = None
        with RssSampler(api.pid, interval=0.1) as sampler:
            try:
                with httpx.stream(
                    "GET", f"{api.url}/api/export.ndjson", timeout=httpx.Timeout(30.0)
                ) as response:
                    status = response.status_code
                    for chunk in response.iter_bytes():
                        lines += chunk.count(b"\n")
                        size += len(chunk)
                        now = time.monotonic() - started
                        if not progress or now - progress[-1][0] >= 1.0:
                            progress.append((round(now, 1), lines, rss_mb(api.pid) or 0.0))
            except httpx.HTTPError as exc:
                error = f"{exc.__class__.__name__}: {exc}"
        seconds = time.monotonic() - started
    rss_values = [v for _, v in sampler.samples]
    tenth = max(1, len(rss_values) // 10)
    return {
        "http_status": status,
        "error": error,
        "lines": lines,
        "expected_studies": expected,
        "complete": lines == expected and error is None,
        "bytes": size,
        "mb": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
        "studies_per_s": round(lines / seconds, 1) if seconds else None,
        "api_rss_idle_mb": round(idle, 1),
        "api_rss_peak_mb": round(max(rss_values, default=0.0), 1),
        "api_rss_first_tenth_max_mb": round(max(rss_values[:tenth], default=0.0), 1),
        "api_rss_last_tenth_max_mb": round(max(rss_values[-tenth:], default=0.0), 1),
        "api_rss_growth_mb": round(max(rss_values, default=0.0) - idle, 1),
        "timeline_s_lines_rssmb": progress,
    }


def load(
    plan: Path, target: str, base: str, out: Path, requests: int, concurrency: int, seed: int
) -> dict[str, Any]:
    command = [
        PYTHON,
        "-m",
        "bench.loadgen",
        str(plan),
        "--target",
        target,
        "--base",
        base,
        "--out",
        str(out),
        "--requests",
        str(requests),
        "--seconds",
        "120",
        "--concurrency",
        str(concurrency),
        "--seed",
        str(seed),
    ]
    subprocess.run(["taskset", "-c", CLIENT_CPUS, *command], cwd=ROOT, check=True)
    return orjson.loads(out.read_bytes())  # type: ignore[no-any-return]


def query_mix(
    url: str, engine_pid: int, args: argparse.Namespace, label: str, *, profile: bool
) -> dict[str, Any]:
    """The mix on the index now behind the alias; ``label`` names the data set (19k, 200k)."""
    runs_dir = VAR / "runs" / label
    runs_dir.mkdir(parents=True, exist_ok=True)
    plan = mix.build(url, ALIAS)
    plan_path = VAR / f"plan-{label}.json"
    plan_path.write_bytes(orjson.dumps(plan))
    pinned = pin(engine_pid, ENGINE_CPUS)
    out: dict[str, Any] = {"plan": {q["name"]: q["weight"] for q in plan["queries"]}}
    api = ApiProcess(url, cpus=API_CPUS, log_path=VAR / "logs" / "api-mix.log").start()
    try:
        out["api_rss_idle_mb"] = round(rss_mb(api.pid) or 0.0, 1)
        # Warm both paths (JIT, caches, connection pools); not recorded. OpenSearch keeps its
        # default limits throughout (300 open PITs): a 503 from it shows in the statuses.
        clear_pits(url)
        for target, base in (("facade", api.url), ("raw", url)):
            load(
                plan_path, target, base, runs_dir / f"warm-{target}.json", 800, args.concurrency, 99
            )
        # The façade once opened a point-in-time per paged search, and OpenSearch's default
        # limit (300 open PITs) turned load into 503s; it opens none now, and the whole bench
        # runs at the default limit. This probe keeps the figure.
        clear_pits(url)
        probe = load(
            plan_path, "facade", api.url, runs_dir / "pit-probe.json", 1500, args.concurrency, 98
        )
        probe_summary = run_summary(probe)
        out["default_pit_limit_probe"] = {
            "search.max_open_pit_context": DEFAULT_PIT_LIMIT,
            "requests": probe_summary["completed"],
            "statuses": probe_summary["statuses"],
            "share_503": round(
                probe_summary["statuses"].get("503", 0) / max(probe_summary["completed"], 1), 3
            ),
            "samples": probe_summary["samples"],
        }
        clear_pits(url)
        # The reference's own study once, beside the 19k mix the goals read.
        out["wire"] = wire.probe(plan, api.url, url, same_study=label == "19k")
        facade_runs: list[dict[str, Any]] = []
        raw_runs: list[dict[str, Any]] = []
        peaks: list[float] = []
        cpu_shares: list[dict[str, Any]] = []
        for round_no in range(args.rounds):
            order = ("facade", "raw") if round_no % 2 == 0 else ("raw", "facade")
            for target in order:
                clear_pits(url)
                base = api.url if target == "facade" else url
                cpu = CpuShare([engine_pid, api.pid])
                client_before = children_cpu_seconds()
                api_before = proc_cpu_seconds(api.pid)
                engine_before = proc_cpu_seconds(engine_pid)
                with RssSampler(api.pid, interval=0.2) as sampler:
                    run = load(
                        plan_path,
                        target,
                        base,
                        runs_dir / f"round{round_no}-{target}.json",
                        args.requests,
                        args.concurrency,
                        round_no + 1,  # same seed for both targets of a round
                    )
                client_cpu = children_cpu_seconds() - client_before  # the load client
                shares = cpu.result(extra_cpu_seconds=client_cpu)
                cpu_shares.append(
                    {
                        "round": round_no,
                        "target": target,
                        **shares,
                        "client_cpu_s": round(client_cpu, 2),
                        "api_cpu_s": round(proc_cpu_seconds(api.pid) - api_before, 2),
                        "engine_cpu_s": round(proc_cpu_seconds(engine_pid) - engine_before, 2),
                    }
                )
                (facade_runs if target == "facade" else raw_runs).append(run)
                if target == "facade":
                    peaks.append(sampler.peak)
                s = run_summary(run)
                log(
                    f"round {round_no} {target}: {s['throughput_rps']} req/s, "
                    f"p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, statuses {s['statuses']}, "
                    f"others' CPU {shares['others_share']}"
                )
        out["api_rss_peak_mb"] = round(max(peaks), 1)
        out["api_rss_after_mb"] = round(rss_mb(api.pid) or 0.0, 1)
        out["comparison"] = compare(facade_runs, raw_runs)
        out["pooled"] = {
            "facade": summary([x for r in facade_runs for x in r["latency_ms"]]),
            "raw": summary([x for r in raw_runs for x in r["latency_ms"]]),
        }
        out["cpu_shares"] = cpu_shares
        out["engine_pinned"] = pinned
        out["_runs"] = {"facade": facade_runs, "raw": raw_runs}
    finally:
        api.stop()
    if not profile:
        clear_pits(url)
        pin(engine_pid, "0-1")
        return out
    # The profile: one more façade run with the API under pyinstrument (not in the figures).
    clear_pits(url)
    profiled = ApiProcess(
        url,
        cpus=API_CPUS,
        # the HTML (13 MB) stays in var/bench; the text tree and flat listing are the result
        command=[PYTHON, "-m", "bench.profile_server", "{port}", str(VAR / "profile")],
        log_path=VAR / "logs" / "api-profile.log",
    ).start()
    try:
        run = load(
            plan_path,
            "facade",
            profiled.url,
            runs_dir / "profiled.json",
            args.requests,
            args.concurrency,
            1,
        )
        out["profiled_run"] = {k: v for k, v in run_summary(run).items() if k != "samples"}
    finally:
        profiled.stop()
    if (VAR / "profile.txt").exists():
        (RESULTS / "profile.txt").write_text((VAR / "profile.txt").read_text())
    clear_pits(url)
    pin(engine_pid, "0-1")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=4000, help="per target and round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--keep-node", action="store_true", help="leave the bench node running")
    parser.add_argument("--skip-200k", action="store_true", help="quick run: no 200k load/export")
    args = parser.parse_args(argv)
    started = time.monotonic()
    result: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "make bench",
        "git": git_revision(),
        "machine": machine_facts(),
        "packages": package_versions(
            ["starlette", "uvicorn", "opensearch-py", "orjson", "httpx", "uvloop", "httptools"]
        ),
    }
    bench_node = node("bench")
    with phase("data sets", result):
        sets = {
            name: datasets.ensure(name)
            for name in ("19k", "200k")
            if not (args.skip_200k and name == "200k")
        }
        result["datasets"] = {name: datasets.describe(path) for name, path in sets.items()}
    with phase("bench node", result):
        url = localnode.start(bench_node)
        engine_pid = node_pid(bench_node)
        assert engine_pid is not None
    ingests: dict[str, Any] = {}
    scale: dict[str, Any] = {}
    with phase("warm-up load 19k", result):
        result["ingest_warmup"] = ingest(url, "19k", "none", engine_pid)
    if not args.skip_200k:
        with phase("ingest 200k", result):
            ingests["200k"] = ingest(url, "200k", "sample", engine_pid)
        with phase("query mix 200k", result):
            big = query_mix(url, engine_pid, args, "200k", profile=False)
            scale["200k"] = scale_point(big)
        with phase("export 200k", result):
            result["export_200k"] = export_memory(url, ingests["200k"]["studies_indexed"])
        keep_for_scale(url)
        with phase("ingest 200k validation=all", result):
            ingests["200k_validation_all"] = ingest(url, "200k", "all", engine_pid)
    with phase("ingest 19k validation=all", result):
        ingests["19k_validation_all"] = ingest(url, "19k", "all", engine_pid)
    with phase("ingest 19k", result):
        ingests["19k"] = ingest(url, "19k", "sample", engine_pid)
    with phase("reload 19k onto itself", result):
        ingests["19k_reload"] = ingest(url, "19k", "sample", engine_pid, reload=True)
    with phase("raw bulk floor 19k", result):
        result["ingest_raw_floor"] = raw_floor(url, engine_pid, ingests["19k"])
    result["ingest"] = ingests
    result["ingest_studies_per_s"] = {k: v["studies_per_s"] for k, v in ingests.items()}
    result["ingest_peak_rss_mb"] = {k: v["peak_rss_mb"] for k, v in ingests.items()}
    for name, run in ingests.items():
        key = name.split("_")[0]
        if key in result["datasets"] and run["validation"] == "sample" and "reload" not in name:
            result["datasets"][key]["index"] = run["index"]
    with phase("query mix", result):
        mixed = query_mix(url, engine_pid, args, "19k", profile=True)
    runs = mixed.pop("_runs")
    comparison = mixed.pop("comparison")
    scale["19k"] = scale_point({**mixed, "comparison": comparison})
    with phase("each kind alone, the sets interleaved", result):
        sides = {"19k": ALIAS} if args.skip_200k else {"19k": ALIAS, "200k": SCALE_200K_ALIAS}
        for label, point in scale_alone(url, sides, engine_pid, ALONE_REPS).items():
            scale[label]["alone"] = point
        drop_scale_clone(url)
    result["scale"] = scale_curve(scale)
    result.update(
        {
            "p50_ratio": comparison["p50_ratio"]["median"],
            "p99_ratio": comparison["p99_ratio"]["median"],
            "throughput_ratio": comparison["throughput_ratio"]["median"],
            "spread": {k: comparison[k] for k in ("p50_ratio", "p99_ratio", "throughput_ratio")},
            "per_query": comparison["per_query"],
            "rounds": comparison["rounds"],
            "api_rss_mb": mixed["api_rss_peak_mb"],
            "mix": mixed,
        }
    )
    result["config"] = {
        "rounds": args.rounds,
        "requests_per_target_and_round": args.requests,
        "concurrency": args.concurrency,
        "order": "façade then raw in even rounds, raw then façade in odd rounds; "
        "same seeded sequence for both targets of a round",
        "api": server_stack(),
        "api_timeout_s": 0.9,
        "load_client": "bench/loadgen.py: separate process, asyncio + aiohttp, closed loop, "
        "keep-alive",
        "pinning": {
            "opensearch": f"cpu {ENGINE_CPUS} (taskset -a on every JVM thread, "
            "during the mix only)",
            "api": f"cpu {API_CPUS}",
            "load_client": f"cpu {CLIENT_CPUS}",
            "why": "the engine gets the same dedicated core in both targets; the façade's own CPU "
            "comes out of the core the client also uses, so its cost is charged, not hidden on an "
            "idle core",
        },
        "raw_baseline": "query.search_body / facets_body / statistics_body / "
        "GET _doc?_source_includes=resource, size + 1 as the façade sends; deep paging is "
        "search_after without a PIT, like the façade",
        "opensearch_settings": {
            "search.max_open_pit_context": f"OpenSearch's default ({DEFAULT_PIT_LIMIT}); "
            "the API opens no PIT",
        },
        "accept_encoding": "what browsers send (gzip, deflate, br, zstd) on every request of "
        "the rounds, both targets: the façade answers zstd, raw OpenSearch gzip "
        "(http.compression is on by default)",
    }
    rates = result["ingest_studies_per_s"]
    alone = result["scale"].get("growth_alone_200k_over_19k") or {}
    result["goals"] = {
        "p50_ratio <= 1.10": result["p50_ratio"] <= 1.10,
        "throughput_ratio >= 0.90": result["throughput_ratio"] >= 0.90,
        "ingest >= 2000 studies/s (19k, sampled)": (rates.get("19k") or 0) >= 2000,
        "ingest >= 2000 studies/s (200k, sampled)": (rates.get("200k") or 0) >= 2000,
        "ingest >= 1000 studies/s (19k, all validated)": (rates.get("19k_validation_all") or 0)
        >= 1000,
        "ingest >= 1000 studies/s (200k, all validated)": args.skip_200k
        or (rates.get("200k_validation_all") or 0) >= 1000,
        "compressed read <= the reference's, same study": mixed["wire"]["reference"][
            "read_same_study"
        ]["met"],
        "compressed read <= 2.4 KB (median of the plan's reads)": mixed["wire"]["reference"][
            "read_by_id"
        ]["met"],
        "compressed 100-study page <= 49 KB": mixed["wire"]["reference"]["page_100"]["met"],
        "200k p50 <= 1.3 x 19k p50, every kind (façade, each kind alone)": bool(alone)
        and all(
            (g["facade_alone_p50"] or 0) <= 1.3 for k, g in alone.items() if "uncached" not in k
        ),
        "api_rss_mb <= 150": result["api_rss_mb"] <= 150,
    }
    result["machine"]["loadavg_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    result["total_seconds"] = round(time.monotonic() - started, 1)
    write_json(RESULTS / "latest.json", result)
    with open(RESULTS / "history.ndjson", "a") as history:
        history.write(json.dumps(headline(result), ensure_ascii=False) + "\n")
    write_plot(runs, RESULTS / "latency.png")
    write_markdown(result, RESULTS / "latest.md")
    if not args.keep_node:
        localnode.stop(bench_node)
    log(f"done in {result['total_seconds']:.0f}s → {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
