"""The façade's own CPU per request, per query kind: what the p50 and throughput ratios hang on.

    python -m bench.api_cpu --url http://127.0.0.1:9200 --alias eclaire-lead [--requests 600]
                            [--concurrency 4] [--accept-encoding "gzip, deflate, br, zstd"]
                            [--out bench/results/api-cpu.json]

Serves this checkout as ``make bench`` does (uvicorn, one worker, limits off), plays each kind of
the mix alone, then the whole mix, and reads the API process's user+system CPU from /proc before
and after each. CPU time is what a shared machine disturbs least: another engineer's job slows
the wall clock of a request, hardly the CPU it costs. Used to compare a change before and after
(the ratio runs of ``make bench`` need a quiet machine; this does not).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path
from typing import Any

from bench import mix
from bench.common import PYTHON, ApiProcess, log, proc_cpu_ticks, write_json
from bench.loadgen import Player, Walk, sequence, session

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


async def _play(plan: dict[str, Any], base: str, count: int, concurrency: int, coding: str) -> int:
    ops = sequence(plan, count, seed=3)
    statuses: dict[int, int] = {}
    async with session(concurrency, coding, timeout=30) as client:
        player = Player(plan, "facade", base, client)
        cursor = iter(ops)

        async def worker() -> None:
            walk = Walk()
            for index, variant in cursor:
                query = plan["queries"][index]
                if query.get("kind") == "paging":
                    status, _, _ = await player.page(query, walk)
                else:
                    status, _, _ = await player.simple(query, variant)
                statuses[status] = statuses.get(status, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    if set(statuses) != {200}:
        raise SystemExit(f"non-200 answers: {statuses}")
    return sum(statuses.values())


def measure(api: ApiProcess, plan: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    user0, system0 = proc_cpu_ticks(api.pid)
    started = time.perf_counter()
    done = asyncio.run(_play(plan, api.url, args.requests, args.concurrency, args.accept_encoding))
    wall = time.perf_counter() - started
    user1, system1 = proc_cpu_ticks(api.pid)
    user, system = (user1 - user0) * TICK_MS / done, (system1 - system0) * TICK_MS / done
    return {
        "requests": done,
        "api_cpu_ms_per_request": round(user + system, 3),
        "user_ms": round(user, 3),
        "system_ms": round(system, 3),
        "wall_s": round(wall, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api_cpu")
    parser.add_argument("--url", required=True, help="OpenSearch holding the alias")
    parser.add_argument("--alias", required=True)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--accept-encoding", default="gzip, deflate, br, zstd")
    parser.add_argument("--kinds", default="", help="comma-separated subset of the mix's kinds")
    parser.add_argument(
        "--server",
        choices=["eclaire", "uvicorn"],
        default="eclaire",
        help="`eclaire serve` (guarded httptools, JSON request log) or plain uvicorn",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    plan = mix.build(args.url, args.alias)
    wanted = {k for k in args.kinds.split(",") if k}
    result: dict[str, Any] = {"accept_encoding": args.accept_encoding, "kinds": {}}
    command = None  # ApiProcess's default: eclaire serve
    if args.server == "uvicorn":
        command = [PYTHON, "-m", "uvicorn", "eclaire_search.app:create_app", "--factory"]
        command += ["--port", "{port}", "--no-access-log", "--log-level", "warning"]
    env = {"ECLAIRE_INDEX_ALIAS": args.alias}
    result["server"] = args.server
    with ApiProcess(args.url, env_extra=env, command=command) as api:
        measure(api, plan, argparse.Namespace(**{**vars(args), "requests": 200}))  # warm-up
        for query in plan["queries"]:
            if wanted and query["name"] not in wanted:
                continue
            alone = {**plan, "queries": [{**query, "weight": 1}]}
            result["kinds"][query["name"]] = figures = measure(api, alone, args)
            log(f"{query['name']}: {figures}")
        if not wanted:
            result["mix"] = measure(api, plan, args)
            log(f"mix: {result['mix']}")
    result["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    if args.out:
        write_json(args.out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
