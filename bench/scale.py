"""The scale curve: each query kind's own cost at 19k and 200k studies (and more), not queueing.

    python -m bench.scale [--sizes 19k,200k] [--reps 15] [--mix-requests 1500] [--mix-rounds 2]
        [--reload] [--keep-node]

The mix's closed loop (``bench.run_bench``, 8 clients) measures a query kind's latency *behind
the others*: at saturation every request waits for the engine core, so when the heavier kinds
grow with the data, reads by id "grow" too. Here each kind is played **alone, one request at a
time** (warmed), on the dedicated ``bench`` node, the engine pinned to one core, and the sets
are **interleaved pass by pass** (19k, 200k, 200k, 19k…) so that the load others put on the
shared machine falls on both alike:

- ``engine``: OpenSearch's own ``took`` and the engine's CPU per request (its JVM's /proc
  ticks), with the façade's exact bodies (``bench/mix.py``); aggregations also uncached;
- ``profile``: the ``profile`` API on one body per kind (query, collector, rewrite);
- ``facade``: the façade's wall time per request, alone, and the API's CPU per request;
- ``mix``: the closed-loop mix itself (façade and raw), sets alternated over rounds.

Each set is loaded once under its own alias (``scale<set>``: ``scale19k``…) and kept between
runs (``--reload`` loads again, through the loader, and records the load time).
Writes bench/results/scale.json and scale.md. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import urllib.error
from dataclasses import dataclass, field
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
from bench.scale_report import growth, write_scale_markdown
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


def trimmed_mean(values: list[float], cut: float = 0.1) -> float:
    kept = sorted(values)[: max(1, round(len(values) * (1 - cut)))]
    return statistics.fmean(kept)


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


@dataclass
class Side:
    """One data set of the curve: its alias, its plan, the façade serving it."""

    label: str
    alias: str
    plan: dict[str, Any]
    api: ApiProcess | None = None


@dataclass
class Tally:
    took: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    cpu_s: float = 0.0

    def engine_row(self) -> dict[str, Any]:
        took = self.took
        return {
            "n": len(self.wall),
            # took is whole milliseconds: a mean of many says more than their median; the
            # slowest tenth (another process had the core) is left out of it
            "took_mean_ms": round(trimmed_mean(took), 2) if took else None,
            "took_p50_ms": round(percentile(took, 50), 1) if took else None,
            "wall_p50_ms": round(percentile(self.wall, 50), 2),
            "engine_cpu_ms_per_request": round(self.cpu_s * 1000 / len(self.wall), 2),
        }

    def facade_row(self) -> dict[str, Any]:
        return {
            "n": len(self.wall),
            "wall_p50_ms": round(percentile(self.wall, 50), 2),
            "wall_p90_ms": round(percentile(self.wall, 90), 2),
            "api_cpu_ms_per_request": round(self.cpu_s * 1000 / len(self.wall), 2),
        }


def _raw_pass(
    client: httpx.Client, url: str, alias: str, query: dict[str, Any], suffix: str
) -> list[tuple[float | None, float]]:
    """(took, wall ms) of each request of one pass over a kind's variants (or one walk)."""
    if query.get("kind") == "paging":
        return _walk_raw(client, url, alias, query)
    pairs: list[tuple[float | None, float]] = []
    for variant in _variants(query):
        raw = variant["raw"]
        started = time.perf_counter()
        if raw["method"] == "GET":
            response = client.get(url + raw["url"])
            took = None
        else:
            response = client.post(url + raw["url"] + suffix, json=raw["body"])
            took = response.json()["took"]
        response.raise_for_status()
        pairs.append((took, (time.perf_counter() - started) * 1000))
    return pairs


def _facade_pass(client: httpx.Client, base: str, query: dict[str, Any]) -> list[float]:
    """Wall ms of each façade request of one pass (a walk follows the ``next`` links)."""
    times: list[float] = []
    if query.get("kind") == "paging":
        next_url: str | None = base + query["facade"]["url"]
        while next_url is not None and len(times) < PAGING_PAGES:
            started = time.perf_counter()
            response = client.get(next_url)
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            next_url = {x["relation"]: x["url"] for x in response.json()["link"]}.get("next")
        return times
    for variant in _variants(query):
        started = time.perf_counter()
        response = client.get(base + variant["facade"]["url"])
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times


def _order(sides: list[Side], rep: int) -> list[Side]:
    """Alternate which set goes first, so drifting load falls on both alike."""
    return sides if rep % 2 == 0 else sides[::-1]


def engine_costs(
    url: str, sides: list[Side], engine_pid: int, reps: int
) -> dict[str, dict[str, Any]]:
    """Per kind and set, one request at a time, the sets interleaved pass by pass: the
    engine's took, wall ms and CPU ms per request."""
    out: dict[str, dict[str, Any]] = {side.label: {} for side in sides}
    with httpx.Client(timeout=30, headers={"accept-encoding": "identity"}) as client:
        for position, query in enumerate(sides[0].plan["queries"]):
            for name, suffix in _cache_modes(query):
                tallies = {side.label: Tally() for side in sides}
                for rep in range(reps + 1):  # the first pass warms, not recorded
                    for side in _order(sides, rep):
                        kind = side.plan["queries"][position]
                        before = cpu_seconds(engine_pid)
                        pairs = _raw_pass(client, url, side.alias, kind, suffix)
                        if rep:
                            tally = tallies[side.label]
                            tally.cpu_s += cpu_seconds(engine_pid) - before
                            tally.took += [t for t, _ in pairs if t is not None]
                            tally.wall += [w for _, w in pairs]
                for label, tally in tallies.items():
                    out[label][name] = tally.engine_row()
                    log(f"  engine {label} {name}: {out[label][name]}")
    return out


def facade_costs(sides: list[Side], reps: int) -> dict[str, dict[str, Any]]:
    """Per kind and set, through the façade, interleaved: wall ms and API CPU per request."""
    out: dict[str, dict[str, Any]] = {side.label: {} for side in sides}
    headers = {"accept-encoding": "gzip, deflate, br, zstd"}
    with httpx.Client(timeout=30, headers=headers) as client:
        for position, query in enumerate(sides[0].plan["queries"]):
            tallies = {side.label: Tally() for side in sides}
            for rep in range(reps + 1):
                for side in _order(sides, rep):
                    assert side.api is not None
                    before = cpu_seconds(side.api.pid)
                    times = _facade_pass(client, side.api.url, side.plan["queries"][position])
                    if rep:
                        tallies[side.label].cpu_s += cpu_seconds(side.api.pid) - before
                        tallies[side.label].wall += times
            for label, tally in tallies.items():
                out[label][query["name"]] = tally.facade_row()
                log(f"  façade {label} {query['name']}: {out[label][query['name']]}")
    return out


def closed_loop(url: str, sides: list[Side], requests: int, rounds: int) -> dict[str, Any]:
    """The mix at 8 clients (bench.loadgen) on each set, façade and raw, alternated over
    ``rounds``: the p50 per kind a saturated server shows (every kind waits behind all)."""
    import subprocess

    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for round_no in range(rounds):
        for target in ("facade", "raw"):
            for side in _order(sides, round_no):
                assert side.api is not None
                plan_path = VAR / f"plan-scale-{side.label}.json"
                path = VAR / "runs" / f"scale-{side.label}-{target}-{round_no}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                base = side.api.url if target == "facade" else url
                command = [PYTHON, "-m", "bench.loadgen", str(plan_path), "--target", target]
                command += ["--base", base, "--out", str(path), "--requests", str(requests)]
                command += ["--seconds", "120", "--concurrency", "8", "--seed", str(round_no + 1)]
                subprocess.run(["taskset", "-c", CLIENT_CPUS, *command], cwd=ROOT, check=True)
                runs.setdefault((side.label, target), []).append(orjson.loads(path.read_bytes()))
    out: dict[str, Any] = {side.label: {} for side in sides}
    for (label, target), played in runs.items():
        summaries = [run_summary(run) for run in played]
        per: dict[str, list[float]] = {}
        for run in played:
            for kind, ms in zip(run["names"], run["latency_ms"], strict=True):
                per.setdefault(kind, []).append(ms)
        pooled = summary([ms for run in played for ms in run["latency_ms"]])
        out[label][target] = {
            "throughput_rps": round(statistics.fmean(s["throughput_rps"] for s in summaries), 1),
            "p50_ms": pooled["p50_ms"],
            "p99_ms": pooled["p99_ms"],
            "statuses": [s["statuses"] for s in summaries],
            "per_query_p50_ms": {k: summary(v)["p50_ms"] for k, v in per.items()},
        }
        log(f"  mix {label} {target}: {out[label][target]['throughput_rps']} req/s")
    return out


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


def measure_sides(
    url: str, sides: list[Side], engine_pid: int, reps: int, mix_requests: int, mix_rounds: int
) -> dict[str, Any]:
    """Every point of the curve, the sets interleaved in each step."""
    points: dict[str, Any] = {
        side.label: {"index": index_shape(url, side.alias), "loadavg_before": loadavg()}
        for side in sides
    }
    for side in sides:
        (VAR / f"plan-scale-{side.label}.json").write_bytes(orjson.dumps(side.plan))
    pin(engine_pid, ENGINE_CPUS)
    try:
        log("engine, each kind alone")
        for label, rows in engine_costs(url, sides, engine_pid, reps).items():
            points[label]["engine"] = rows
        for side in sides:
            points[side.label]["profile"] = profiles(url, side.plan)
        for side in sides:
            side.api = ApiProcess(
                url,
                cpus=CLIENT_CPUS,
                env_extra={"ECLAIRE_INDEX_ALIAS": side.alias},
                log_path=VAR / "logs" / f"api-scale-{side.label}.log",
            ).start()
        try:
            log("façade, each kind alone")
            for label, rows in facade_costs(sides, reps).items():
                points[label]["facade"] = rows
            if mix_requests:
                log("closed-loop mix")
                for label, rows in closed_loop(url, sides, mix_requests, mix_rounds).items():
                    points[label]["mix"] = rows
        finally:
            for side in sides:
                if side.api is not None:
                    side.api.stop()
    finally:
        pin(engine_pid, "0-1")
    for point in points.values():
        point["loadavg_after"] = loadavg()
    return points


def alone(
    url: str, aliases: dict[str, str], engine_pid: int, reps: int
) -> dict[str, dict[str, Any]]:
    """Points of the curve for ``bench.run_bench``: label → the index behind its alias, the sets
    interleaved pass by pass (a kind's 19k and 200k figures taken seconds apart, not minutes:
    on a shared machine whose speed drifts by a third within minutes, figures taken one set
    after the other measured the drift as much as the data)."""
    sides = [Side(label, alias, mix.build(url, alias)) for label, alias in aliases.items()]
    points: dict[str, dict[str, Any]] = measure_sides(url, sides, engine_pid, reps, 0, 0)
    return points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--sizes", default="19k,200k")
    parser.add_argument("--reps", type=int, default=15, help="passes over each kind's variants")
    parser.add_argument("--mix-requests", type=int, default=1500, help="0: no closed-loop mix")
    parser.add_argument("--mix-rounds", type=int, default=2)
    parser.add_argument(
        "--compare",
        default="",
        help="more sides already loaded, label=alias,… (e.g. an index built by another "
        "template: 19k-before=before19k,200k-before=before200k), interleaved with the sets",
    )
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
        f"--mix-requests {args.mix_requests} --mix-rounds {args.mix_rounds}"
        + (f" --compare {args.compare}" if args.compare else ""),
        "machine": machine_facts(),
        "points": {},
    }
    sizes = args.sizes.split(",")
    shapes = {name: ensure_loaded(url, name, reload=args.reload) for name in sizes}
    sides = [Side(name, alias_of(name), mix.build(url, alias_of(name))) for name in sizes]
    compared = [pair.split("=", 1) for pair in args.compare.split(",") if pair]
    sides += [Side(label, alias, mix.build(url, alias)) for label, alias in compared]
    result["points"] = measure_sides(
        url, sides, engine_pid, args.reps, args.mix_requests, args.mix_rounds
    )
    for name, shape in shapes.items():
        result["points"][name]["index"] = shape
    for big in sizes[1:]:
        result[f"growth_{big}_over_{sizes[0]}"] = growth(result["points"], sizes[0], big)
    for big, _ in compared[1:]:
        small = compared[0][0]
        result[f"growth_{big}_over_{small}"] = growth(result["points"], small, big)
    out = Path(args.out)
    write_json(out, result)
    write_scale_markdown(result, out.with_suffix(".md"))
    if not args.keep_node:
        localnode.stop(bench_node)
    log(f"→ {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
