"""The scale curve: each query kind's own cost at 19k and 200k studies (and more), not queueing.

    python -m bench.scale [--sizes 19k,200k] [--reps 15] [--mix-requests 1500] [--keep-node]

The mix's closed loop (``bench.run_bench``, 8 clients) measures a query kind's latency *behind
the others*: at saturation every request waits for the engine core, so when statistics and
facets grow with the data, reads by id "grow" too. Here each kind is played **alone and in
sequence** (one request at a time, warmed), on the dedicated ``bench`` node, the engine pinned
to one core:

- ``engine``: OpenSearch's own ``took`` (ms) and the engine's CPU per request (its JVM's
  /proc ticks over the run), with the façade's exact bodies (``bench/mix.py``);
- ``profile``: the ``profile`` API on one body per kind (query, collector, rewrite, fetch);
- ``facade``: the façade's wall time per request, alone, and the API's CPU per request;
- ``mix``: then the closed-loop mix itself (façade and raw), for the p50 a loaded server shows.

Each set is loaded once under its own alias (``scale<set>``: ``scale19k``…) and kept between runs.
Writes bench/results/scale.json and scale.md. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import urllib.error
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import datasets, mix
from bench.common import (
    ECLAIRE,
    PYTHON,
    RESULTS,
    ROOT,
    VAR,
    ApiProcess,
    api_env,
    log,
    machine_facts,
    node,
    node_pid,
    os_call,
    pin,
    run_measured,
    write_json,
)
from bench.scale_report import write_scale_markdown
from bench.stats import percentile, run_summary, summary
from devtools import localnode

ENGINE_CPUS, CLIENT_CPUS = "1", "0"
MAX_VARIANTS = 12  # per kind, for the sequential runs
PAGING_PAGES = 40  # pages of one deep walk


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alias_of(name: str) -> str:
    return f"scale{name}"  # loads name indices <alias>-<stamp>


def ensure_loaded(url: str, name: str, *, reload: bool = False) -> dict[str, Any]:
    """Load set ``name`` under its own alias unless it is there whole; its index's facts."""
    directory = datasets.ensure(name)
    wanted = datasets.describe(directory)["published_studies"]
    alias = alias_of(name)
    try:
        count = int(os_call(f"{url}/{alias}/_count")["count"])
    except urllib.error.HTTPError:  # no such alias yet: load it
        count = -1
    loaded: dict[str, Any] = {}
    if reload or count != wanted:
        log(f"loading {name} under {alias}")
        env = api_env(url, ECLAIRE_INDEX_ALIAS=alias, ECLAIRE_VALIDATION="none")
        status, seconds, _, _ = run_measured(
            [ECLAIRE, "ingest", *datasets.files(directory)],
            env,
            VAR / "logs" / f"scale-ingest-{name}.log",
        )
        assert status == 0, f"ingest of {name} exited {status}"
        loaded = {"load_seconds": round(seconds, 1), "validation": "none"}
    return {**index_shape(url, alias), **loaded}


def index_shape(url: str, alias: str) -> dict[str, Any]:
    rows = os_call(f"{url}/_cat/indices/{alias}?format=json&bytes=b")
    segments = os_call(f"{url}/_cat/segments/{alias}?format=json")
    return {
        "index": rows[0]["index"],
        "docs": int(rows[0]["docs.count"]),
        "store_mb": round(int(rows[0]["pri.store.size"]) / 1e6, 1),
        "shards": len({s["shard"] for s in segments}),
        "segments": len(segments),
    }


def _variants(query: dict[str, Any]) -> list[dict[str, Any]]:
    return list(query.get("variants") or [])[:MAX_VARIANTS]


def _walk_raw(client: httpx.Client, url: str, alias: str, query: dict[str, Any]) -> list[Any]:
    """One deep walk as the façade pages: search_after on the size+1 body; (took, ms) a page."""
    spec = query["raw"]
    size, after, out = spec["size"], None, []
    for _ in range(PAGING_PAGES):
        body = dict(spec["body"])
        if after is not None:
            body["search_after"] = after
        started = time.perf_counter()
        data = client.post(f"{url}/{alias}/_search", json=body).json()
        out.append((data["took"], (time.perf_counter() - started) * 1000))
        hits = data["hits"]["hits"]
        if len(hits) <= size:
            break
        after = hits[size - 1]["sort"]
    return out


def _cache_modes(query: dict[str, Any]) -> list[tuple[str, str]]:
    """Aggregations (size 0) are answered from the shard request cache when repeated, as in
    the mix; their uncached cost (a count over every matching document) is measured too."""
    aggregating = any(
        v["raw"].get("body", {}).get("size") == 0 for v in query.get("variants") or []
    )
    modes = [(query["name"], "")]
    if aggregating:
        modes.append((f"{query['name']} (uncached)", "?request_cache=false"))
    return modes


def engine_costs(url: str, plan: dict[str, Any], engine_pid: int, reps: int) -> dict[str, Any]:
    """Per kind, alone and in sequence: the engine's took, wall ms and CPU ms per request."""
    alias = plan["alias"]
    out: dict[str, Any] = {}
    with httpx.Client(timeout=30) as client:
        for query in plan["queries"]:
            for name, suffix in _cache_modes(query):
                out[name] = _engine_kind(client, url, alias, query, suffix, engine_pid, reps)
                log(f"  engine {name}: {out[name]}")
    return out


def _engine_kind(
    client: httpx.Client,
    url: str,
    alias: str,
    query: dict[str, Any],
    suffix: str,
    engine_pid: int,
    reps: int,
) -> dict[str, Any]:
    took: list[float] = []
    wall: list[float] = []
    before = 0.0
    for rep in range(reps + 1):  # the first pass warms, not recorded
        if rep == 1:
            before = cpu_seconds(engine_pid)
        pairs: list[Any] = []
        if query.get("kind") == "paging":
            pairs = _walk_raw(client, url, alias, query)
        else:
            for variant in _variants(query):
                raw = variant["raw"]
                started = time.perf_counter()
                if raw["method"] == "GET":
                    response = client.get(url + raw["url"])
                    data = {}
                else:
                    response = client.post(url + raw["url"] + suffix, json=raw["body"])
                    data = response.json()
                response.raise_for_status()
                pairs.append((data.get("took"), (time.perf_counter() - started) * 1000))
        if rep:
            took += [t for t, _ in pairs if t is not None]
            wall += [w for _, w in pairs]
    engine_cpu = cpu_seconds(engine_pid) - before
    return {
        "n": len(wall),
        # took is whole milliseconds: the mean of many says more than their median
        "took_mean_ms": round(statistics.fmean(took), 2) if took else None,
        "took_p50_ms": round(percentile(took, 50), 1) if took else None,
        "wall_p50_ms": round(percentile(wall, 50), 2),
        "engine_cpu_ms_per_request": round(engine_cpu * 1000 / len(wall), 2),
    }


def _profile_totals(shard: dict[str, Any]) -> dict[str, float]:
    searches = shard["searches"]
    query_ns = sum(q["time_in_nanos"] for s in searches for q in s["query"])
    rewrite_ns = sum(s["rewrite_time"] for s in searches)
    collector_ns = sum(c["time_in_nanos"] for s in searches for c in s["collector"])
    breakdown: dict[str, int] = {}
    for s in searches:
        for q in s["query"]:
            for key, value in q["breakdown"].items():
                if not key.endswith("_count") and value:
                    breakdown[key] = breakdown.get(key, 0) + value
    top = sorted(breakdown.items(), key=lambda kv: -kv[1])[:4]
    fetch_ns = sum(f.get("time_in_nanos", 0) for f in shard.get("fetch", []) or [])
    return {
        "query_ms": round(query_ns / 1e6, 2),
        "rewrite_ms": round(rewrite_ns / 1e6, 2),
        "collector_ms": round(collector_ns / 1e6, 2),
        "fetch_ms": round(fetch_ns / 1e6, 2),
        "top_breakdown_ms": {k: round(v / 1e6, 2) for k, v in top},
        "collectors": [c["name"] for s in searches for c in s["collector"]],
    }


def profiles(url: str, plan: dict[str, Any]) -> dict[str, Any]:
    """The profile API on the first body of each search kind (median of 5 runs' query ms)."""
    out: dict[str, Any] = {}
    for query in plan["queries"]:
        if query.get("kind") == "paging":
            body = query["raw"]["body"]
        else:
            variants = [v for v in _variants(query) if v["raw"]["method"] == "POST"]
            if not variants:
                continue
            body = variants[0]["raw"]["body"]
        runs = [
            _profile_totals(
                os_call(f"{url}/{plan['alias']}/_search", {**body, "profile": True})["profile"][
                    "shards"
                ][0]
            )
            for _ in range(5)
        ]
        runs.sort(key=lambda r: r["query_ms"] + r["collector_ms"])
        out[query["name"]] = runs[len(runs) // 2]
    return out


def facade_costs(api: ApiProcess, plan: dict[str, Any], reps: int) -> dict[str, Any]:
    """Per kind, alone and in sequence, through the façade: wall ms and API CPU per request."""
    out: dict[str, Any] = {}
    headers = {"accept-encoding": "gzip, deflate, br, zstd"}
    with httpx.Client(timeout=30, headers=headers) as client:
        for query in plan["queries"]:
            name = query["name"]
            wall: list[float] = []
            before = 0.0
            for rep in range(reps + 1):
                if rep == 1:
                    before = cpu_seconds(api.pid)
                times: list[float] = []
                if query.get("kind") == "paging":
                    next_url: str | None = api.url + query["facade"]["url"]
                    for _ in range(PAGING_PAGES):
                        if next_url is None:
                            break
                        started = time.perf_counter()
                        response = client.get(next_url)
                        times.append((time.perf_counter() - started) * 1000)
                        response.raise_for_status()
                        links = {x["relation"]: x["url"] for x in response.json()["link"]}
                        next_url = links.get("next")
                else:
                    for variant in _variants(query):
                        started = time.perf_counter()
                        response = client.get(api.url + variant["facade"]["url"])
                        response.read()
                        times.append((time.perf_counter() - started) * 1000)
                        response.raise_for_status()
                if rep:
                    wall += times
            api_cpu = cpu_seconds(api.pid) - before
            out[name] = {
                "n": len(wall),
                "wall_p50_ms": round(percentile(wall, 50), 2),
                "wall_p90_ms": round(percentile(wall, 90), 2),
                "api_cpu_ms_per_request": round(api_cpu * 1000 / len(wall), 2),
            }
            log(f"  façade {name}: {out[name]}")
    return out


def closed_loop(
    plan_path: Path, api: ApiProcess, url: str, name: str, requests: int
) -> dict[str, Any]:
    """The mix at 8 clients (bench.loadgen), façade then raw: p50 per kind under load."""
    import subprocess

    out: dict[str, Any] = {}
    for target, base in (("facade", api.url), ("raw", url)):
        path = VAR / "runs" / f"scale-{name}-{target}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        command = [PYTHON, "-m", "bench.loadgen", str(plan_path), "--target", target]
        command += ["--base", base, "--out", str(path), "--requests", str(requests)]
        command += ["--seconds", "120", "--concurrency", "8", "--seed", "1"]
        subprocess.run(["taskset", "-c", CLIENT_CPUS, *command], cwd=ROOT, check=True)
        run = orjson.loads(path.read_bytes())
        s = run_summary(run)
        per: dict[str, list[float]] = {}
        for kind, ms in zip(run["names"], run["latency_ms"], strict=True):
            per.setdefault(kind, []).append(ms)
        out[target] = {
            "throughput_rps": s["throughput_rps"],
            "p50_ms": s["p50_ms"],
            "p99_ms": s["p99_ms"],
            "statuses": s["statuses"],
            "per_query_p50_ms": {k: summary(v)["p50_ms"] for k, v in per.items()},
        }
        log(f"  mix {target}: {s['throughput_rps']} req/s, p50 {s['p50_ms']} ms")
    return out


def alone(
    url: str, alias: str, engine_pid: int, label: str, reps: int, mix_requests: int = 0
) -> dict[str, Any]:
    """One point of the curve on the index behind ``alias`` (also called by bench.run_bench)."""
    plan = mix.build(url, alias)
    plan_path = VAR / f"plan-scale-{label}.json"
    plan_path.write_bytes(orjson.dumps(plan))
    point: dict[str, Any] = {"index": index_shape(url, alias), "loadavg_before": loadavg()}
    pin(engine_pid, ENGINE_CPUS)
    try:
        log(f"{label}: engine alone")
        point["engine"] = engine_costs(url, plan, engine_pid, reps)
        point["profile"] = profiles(url, plan)
        api = ApiProcess(
            url,
            cpus=CLIENT_CPUS,
            env_extra={"ECLAIRE_INDEX_ALIAS": alias},
            log_path=VAR / "logs" / "api-scale.log",
        ).start()
        try:
            log(f"{label}: façade alone")
            point["facade"] = facade_costs(api, plan, reps)
            if mix_requests:
                log(f"{label}: closed-loop mix")
                point["mix"] = closed_loop(plan_path, api, url, label, mix_requests)
        finally:
            api.stop()
    finally:
        pin(engine_pid, "0-1")
    point["loadavg_after"] = loadavg()
    return point


def measure(url: str, name: str, engine_pid: int, args: argparse.Namespace) -> dict[str, Any]:
    shape = ensure_loaded(url, name, reload=args.reload)
    point = alone(url, alias_of(name), engine_pid, name, args.reps, args.mix_requests)
    point["index"] = shape
    return point


def growth(points: dict[str, Any], small: str, big: str) -> dict[str, Any]:
    """Per kind, big / small for the engine's took and CPU, the façade alone and in the mix."""
    a, b = points[small], points[big]

    def ratio(x: Any, y: Any) -> float | None:
        return round(y / x, 2) if x and y is not None else None

    def get(point: dict[str, Any], part: str, kind: str, key: str) -> Any:
        return point.get(part, {}).get(kind, {}).get(key)

    out: dict[str, Any] = {}
    for kind in a["engine"]:
        row = {
            "engine_took": ratio(
                get(a, "engine", kind, "took_mean_ms"), get(b, "engine", kind, "took_mean_ms")
            ),
            "engine_cpu": ratio(
                get(a, "engine", kind, "engine_cpu_ms_per_request"),
                get(b, "engine", kind, "engine_cpu_ms_per_request"),
            ),
            "raw_alone_p50": ratio(
                get(a, "engine", kind, "wall_p50_ms"), get(b, "engine", kind, "wall_p50_ms")
            ),
            "facade_alone_p50": ratio(
                get(a, "facade", kind, "wall_p50_ms"), get(b, "facade", kind, "wall_p50_ms")
            ),
        }
        if "mix" in a and "mix" in b:
            for target in ("facade", "raw"):
                row[f"{target}_mix_p50"] = ratio(
                    a["mix"][target]["per_query_p50_ms"].get(kind),
                    b["mix"][target]["per_query_p50_ms"].get(kind),
                )
        out[kind] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--sizes", default="19k,200k")
    parser.add_argument("--reps", type=int, default=15, help="passes over each kind's variants")
    parser.add_argument("--mix-requests", type=int, default=1500, help="0: no closed-loop mix")
    parser.add_argument("--out", default=str(RESULTS / "scale.json"))
    parser.add_argument("--keep-node", action="store_true")
    parser.add_argument("--reload", action="store_true", help="load each set again first")
    args = parser.parse_args(argv)
    bench_node = node("bench")
    url = localnode.start(bench_node)
    engine_pid = node_pid(bench_node)
    assert engine_pid is not None
    result: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": f"python -m bench.scale --sizes {args.sizes} --reps {args.reps} "
        f"--mix-requests {args.mix_requests}",
        "machine": machine_facts(),
        "points": {},
    }
    sizes = args.sizes.split(",")
    for name in sizes:
        result["points"][name] = measure(url, name, engine_pid, args)
    for big in sizes[1:]:
        result[f"growth_{big}_over_{sizes[0]}"] = growth(result["points"], sizes[0], big)
    out = Path(args.out)
    write_json(out, result)
    write_scale_markdown(result, out.with_suffix(".md"))
    if not args.keep_node:
        localnode.stop(bench_node)
    log(f"→ {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
