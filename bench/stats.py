"""Percentiles and the façade / raw comparison of load-client results."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of an unsorted sequence; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(latencies: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p90_ms": round(percentile(latencies, 90), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else math.nan,
        "max_ms": round(max(latencies), 2) if latencies else math.nan,
    }


def run_summary(run: dict[str, Any]) -> dict[str, Any]:
    ok = [lat for lat, s in zip(run["latency_ms"], run["status"], strict=True) if s == 200]
    statuses: dict[str, int] = {}
    for status in run["status"]:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        **summary(run["latency_ms"]),
        "ok_p50_ms": round(percentile(ok, 50), 2),
        "completed": run["completed"],
        "seconds": run["seconds"],
        "throughput_rps": round(run["completed"] / run["seconds"], 1),
        "ok_throughput_rps": round(len(ok) / run["seconds"], 1),
        "statuses": statuses,
        "errors": run["errors"],
        "samples": run.get("samples", {}),
    }


def by_query(runs: Sequence[dict[str, Any]]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for run in runs:
        for name, latency in zip(run["names"], run["latency_ms"], strict=True):
            found.setdefault(name, []).append(latency)
    return found


def statuses_by_query(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for run in runs:
        for name, status in zip(run["names"], run["status"], strict=True):
            counts = found.setdefault(name, {})
            counts[str(status)] = counts.get(str(status), 0) + 1
    return found


def bytes_by_query(runs: Sequence[dict[str, Any]]) -> dict[str, list[int]]:
    """Wire bytes of each 200 answer, per query (runs from before the field have none)."""
    found: dict[str, list[int]] = {}
    for run in runs:
        sizes = run.get("wire_bytes") or [0] * len(run["names"])
        for name, size, status in zip(run["names"], sizes, run["status"], strict=True):
            if status == 200 and size:
                found.setdefault(name, []).append(size)
    return found


def _mean(values: Sequence[int]) -> int | None:
    return round(statistics.fmean(values)) if values else None


def spread(values: Sequence[float]) -> dict[str, Any]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "rounds": [round(v, 3) for v in values],
    }


def compare(facade: Sequence[dict[str, Any]], raw: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Ratios façade / raw per round (round i = facade[i] with raw[i]), and per query pooled."""
    rounds = []
    for f, r in zip(facade, raw, strict=True):
        fs, rs = run_summary(f), run_summary(r)
        rounds.append(
            {
                "p50_ratio": fs["p50_ms"] / rs["p50_ms"],
                "p99_ratio": fs["p99_ms"] / rs["p99_ms"],
                "throughput_ratio": fs["throughput_rps"] / rs["throughput_rps"],
                "facade": {k: v for k, v in fs.items() if k != "samples"},
                "raw": {k: v for k, v in rs.items() if k != "samples"},
            }
        )
    table = []
    fq, rq = by_query(facade), by_query(raw)
    fstat, rstat = statuses_by_query(facade), statuses_by_query(raw)
    fbytes, rbytes = bytes_by_query(facade), bytes_by_query(raw)
    for name in fq:
        f, r = summary(fq[name]), summary(rq.get(name, []))
        table.append(
            {
                "query": name,
                "n_per_target": f["n"],
                "facade_p50_ms": f["p50_ms"],
                "raw_p50_ms": r["p50_ms"],
                "p50_ratio": round(f["p50_ms"] / r["p50_ms"], 2) if r["n"] else None,
                "facade_p99_ms": f["p99_ms"],
                "raw_p99_ms": r["p99_ms"],
                "p99_ratio": round(f["p99_ms"] / r["p99_ms"], 2) if r["n"] else None,
                "facade_mean_ms": f["mean_ms"],
                "raw_mean_ms": r["mean_ms"],
                "facade_wire_bytes_mean": _mean(fbytes.get(name, [])),
                "raw_wire_bytes_mean": _mean(rbytes.get(name, [])),
                "facade_statuses": fstat.get(name, {}),
                "raw_statuses": rstat.get(name, {}),
            }
        )
    return {
        "p50_ratio": spread([r["p50_ratio"] for r in rounds]),
        "p99_ratio": spread([r["p99_ratio"] for r in rounds]),
        "throughput_ratio": spread([r["throughput_ratio"] for r in rounds]),
        "rounds": rounds,
        "per_query": table,
    }
