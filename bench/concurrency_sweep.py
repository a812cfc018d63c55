"""Which per-client concurrency cap and rate burst: the flood and rotating-XFF attacks under
several settings, on the ``outage`` node (19k studies; loaded if empty).

    python -m bench.concurrency_sweep 0:600 4:100 ... [--out bench/results/concurrency-sweep.json]

Each ``CAP:BURST`` serves a fresh API as ``make reliability ONLY=attacks`` does (rate limits
on, ECLAIRE_CLIENT_CONCURRENCY=CAP, ECLAIRE_RATE_LIMIT_BURST=BURST) and runs the two attacks
of bench/attacks.py, each after a 5 s baseline of the normal client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import urllib.error
from pathlib import Path
from typing import Any

from bench import attacks, datasets
from bench.common import ALIAS, ECLAIRE, VAR, ApiProcess, clear_pits, node, os_call
from bench.reliability import ingest, stopped_at_exit
from devtools import localnode


async def both(api: str, url: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("flood", "rotating_xff"):
        base = await attacks.baseline(api, 5)
        load = attacks.loadavg()
        if name == "flood":
            figures = await attacks.flood(api, url)
        else:
            figures = await attacks.rotating_xff(api)
        out[name] = {
            "baseline_p50_ms": base["p50_ms"],
            "normal": figures["normal"],
            "attacker_statuses": figures["attacker_statuses"],
            "goal": attacks.verdict(name, figures, base),
            "loadavg": load,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency_sweep")
    parser.add_argument("configs", nargs="+", help="CAP:BURST, e.g. 4:100 (0:600 = before)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    outage = node("outage")
    results: dict[str, Any] = {}
    with stopped_at_exit([outage]):
        url = localnode.start(outage)
        try:
            count = int(os_call(f"{url}/{ALIAS}/_count")["count"])
        except (urllib.error.URLError, OSError, KeyError):
            count = 0
        if count == 0:
            ingest(url, datasets.ensure("19k"), "attacks")
        for config in args.configs:
            cap, burst = config.split(":")
            clear_pits(url)
            api = ApiProcess(
                url,
                command=[ECLAIRE, "serve", "--host", "127.0.0.1", "--port", "{port}"],
                env_extra={
                    "ECLAIRE_RATE_LIMIT": "600",
                    "ECLAIRE_RATE_LIMIT_EXPORTS": "10",
                    "ECLAIRE_RATE_LIMIT_BURST": burst,
                    "ECLAIRE_CLIENT_CONCURRENCY": cap,
                },
                log_path=VAR / "logs" / "api-sweep.log",
            )
            with api:
                results[f"cap {cap}, burst {burst}"] = asyncio.run(both(api.url, url))
            print(json.dumps({config: results[f"cap {cap}, burst {burst}"]}), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
