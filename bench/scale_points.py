"""The scale curve's points in ``make bench``: the 200k index kept beside the 19k one, and
what the curve keeps of each set's mix (the passes themselves are ``bench/scale.py``)."""

from __future__ import annotations

import contextlib
import urllib.error
from pathlib import Path
from typing import Any

from bench.common import ALIAS, os_call
from bench.scale_report import growth as scale_growth

# The 200k index's read-only clone, kept for the interleaved passes; named as the loader names
# an alias's indices, since the API follows a paging cursor only into its alias's own indices.
SCALE_200K_ALIAS = "eclaire-scale-200k"
SCALE_200K = f"{SCALE_200K_ALIAS}-clone"


def keep_for_scale(url: str) -> None:
    """Clone the 200k index (hard links, read-only) under an alias of its own: the 19k loads
    delete every ``eclaire-studies-*`` index, and the scale passes at the end need both sets."""
    drop_scale_clone(url)
    (index,) = os_call(f"{url}/_alias/{ALIAS}")
    os_call(f"{url}/{index}/_settings", {"index.blocks.write": True}, method="PUT")
    os_call(
        f"{url}/{index}/_clone/{SCALE_200K}",
        {
            "settings": {"index.number_of_replicas": 0},  # one node: a replica stays unassigned
            "aliases": {SCALE_200K_ALIAS: {}},
        },
    )
    os_call(f"{url}/_cluster/health/{SCALE_200K}?wait_for_status=green&timeout=120s", timeout=130)


def drop_scale_clone(url: str) -> None:
    with contextlib.suppress(urllib.error.HTTPError):  # 404: no clone
        os_call(f"{url}/{SCALE_200K}", method="DELETE")


def scale_point(mixed: dict[str, Any]) -> dict[str, Any]:
    """What the scale curve keeps of one mix: ratios, throughput, per-query p50/p99."""
    comparison = mixed["comparison"]
    rounds = comparison["rounds"]
    return {
        "p50_ratio": comparison["p50_ratio"]["median"],
        "throughput_ratio": comparison["throughput_ratio"]["median"],
        "facade_rps": round(sum(r["facade"]["throughput_rps"] for r in rounds) / len(rounds), 1),
        "raw_rps": round(sum(r["raw"]["throughput_rps"] for r in rounds) / len(rounds), 1),
        "pooled": mixed["pooled"],
        "per_query": {
            row["query"]: {
                k: row[k] for k in ("facade_p50_ms", "raw_p50_ms", "facade_p99_ms", "raw_p99_ms")
            }
            for row in comparison["per_query"]
        },
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }


def scale_curve(points: dict[str, Any]) -> dict[str, Any]:
    """The points, and per query kind the 200k / 19k p50 growth (goal ≤ 1.3): in the mix
    (8 clients, so every kind waits behind the others) and alone (bench/scale.py)."""
    out: dict[str, Any] = {"points": points}
    if "200k" in points and "19k" in points:
        small, big = points["19k"]["per_query"], points["200k"]["per_query"]
        out["p50_growth_200k_over_19k"] = {
            name: {
                target: round(big[name][f"{target}_p50_ms"] / small[name][f"{target}_p50_ms"], 2)
                for target in ("facade", "raw")
            }
            for name in small
            if name in big
        }
        if "alone" in points["200k"] and "alone" in points["19k"]:
            out["growth_alone_200k_over_19k"] = scale_growth(
                {k: points[k]["alone"] for k in ("19k", "200k")}, "19k", "200k"
            )
    return out
