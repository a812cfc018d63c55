"""The public-traffic attacks of issue 12, each with a normal client beside it.

    python -m bench.attacks --api http://127.0.0.1:8081 --node http://127.0.0.1:9200 \
        [--api-pid PID] [--out bench/results/attacks.json] [--only flood,contains,...]

Read-only against the node (``_nodes/stats`` for open PITs); every load is bounded in count
and time. ``make reliability`` (or ``make reliability ONLY=attacks``) runs the same scenarios
against an API served as ``eclaire serve`` runs it (rate limits on, OpenSearch defaults for the
PIT limit). For each attack: the normal client's p50 / p99 / error rate against its own
baseline (taken just before the attack: the machine is shared), the attacker's statuses, open
PITs before and after, API RSS.

Every client has its own loopback source address (Linux routes all of 127.0.0.0/8 to lo):
the normal client is another person, not an exemption from the rate limit, and each attacker
starts with a fresh budget of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.stats import percentile

NORMAL = "/R4/ResearchStudy?status=active&_count=20"
FORM = {"content-type": "application/x-www-form-urlencoded"}
CONTAINS_10X100 = "&".join(
    "title:contains=" + ",".join(f"mot{p}{i:03d}" for i in range(100)) for p in range(10)
)
ATTACKS = ("flood", "contains", "exports", "big_pages", "slow_headers", "rotating_xff")
NORMAL_ADDRESS = "127.0.0.2"  # the normal client; attacker n comes from 127.0.0.(10 + n)
OTHER_ADDRESS = "127.0.0.3"  # "any other client" (the flood's pages 1→5, the export total)
NORMAL_PERIOD = 0.125  # s between the starts of two normal requests: 8/s, under 600/min
ATTACKER_ADDRESS = {name: f"127.0.0.{10 + n}" for n, name in enumerate(ATTACKS)}


def from_address(address: str, **options: Any) -> httpx.AsyncClient:
    """A client whose connections leave from ``address`` (a rate-limit key of its own)."""
    limits = options.pop("limits", httpx.Limits())
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=limits)
    return httpx.AsyncClient(transport=transport, **options)


def rss_mb(pid: int | None) -> float | None:
    if not pid:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


async def open_pits(node: str) -> int:
    async with httpx.AsyncClient(timeout=10) as client:
        stats = (await client.get(f"{node}/_nodes/stats/indices/search")).json()
    return sum(
        int(n["indices"]["search"].get("point_in_time_current", 0)) for n in stats["nodes"].values()
    )


def relative(url: str) -> str:
    return f"{urlsplit(url).path}?{urlsplit(url).query}"


def next_link(bundle: dict[str, Any]) -> str | None:
    for link in bundle.get("link", []):
        if link["relation"] == "next":
            return relative(link["url"])
    return None


class NormalClient:
    """One person searching, one request at a time, while an attack runs."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.samples: list[tuple[float, int]] = []
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with from_address(NORMAL_ADDRESS, base_url=self.api, timeout=30) as client:
            while True:
                start = time.perf_counter()
                try:
                    status = (await client.get(NORMAL)).status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = time.perf_counter() - start
                self.samples.append((elapsed, status))
                await asyncio.sleep(max(0.0, NORMAL_PERIOD - elapsed))

    def __enter__(self) -> NormalClient:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()

    def figures(self) -> dict[str, Any]:
        latencies = [s[0] * 1000 for s in self.samples]
        errors = sum(1 for s in self.samples if s[1] != 200)
        return {
            "requests": len(self.samples),
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "errors": errors,
            "statuses": dict(Counter(str(s[1]) for s in self.samples)),
        }


async def baseline(api: str, seconds: float) -> dict[str, Any]:
    with NormalClient(api) as normal:
        await asyncio.sleep(seconds)
    return normal.figures()


async def flood(api: str, node: str, links: int = 500, seconds: float = 10.0) -> dict[str, Any]:
    """500 followed next links from one client in 10 s (16 connections), then another client's
    pages 1→5; open PITs before, just after, and a minute later."""
    pits_before = await open_pits(node)
    statuses: Counter[str] = Counter()
    done = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=16)

    async def walker(client: httpx.AsyncClient, w: int) -> None:
        nonlocal done
        url: str | None = f"/R4/ResearchStudy?_count=10&_sort={'-' if w % 2 else ''}_id"
        while done < links and time.monotonic() < deadline:
            response = await client.get(url or "/R4/ResearchStudy?_count=10")
            statuses[str(response.status_code)] += 1
            if url and "_cursor" in url:
                done += 1
            url = next_link(response.json()) if response.status_code == 200 else None

    start = time.perf_counter()
    with NormalClient(api) as normal:
        async with from_address(
            ATTACKER_ADDRESS["flood"], base_url=api, timeout=30, limits=limits
        ) as client:
            await asyncio.gather(*(walker(client, w) for w in range(16)))
    elapsed = time.perf_counter() - start
    pits_after = await open_pits(node)
    other: list[int] = []
    async with from_address(OTHER_ADDRESS, base_url=api, timeout=30) as client:
        url: str | None = "/R4/ResearchStudy?_count=20"
        for _ in range(5):
            response = await client.get(url or "/R4/ResearchStudy?_count=20")
            other.append(response.status_code)
            url = next_link(response.json()) if response.status_code == 200 else None
    return {
        "followed_next_links": done,
        "seconds": round(elapsed, 1),
        "attacker_statuses": dict(statuses),
        "other_client_pages_1_to_5": other,
        "open_pits": {"before": pits_before, "after": pits_after},
        "normal": normal.figures(),
    }


async def contains(api: str, seconds: float = 10.0, attackers: int = 3) -> dict[str, Any]:
    """10 x 100 title:contains values by GET and POST, 3 attackers in a loop."""
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def attacker(client: httpx.AsyncClient, a: int) -> None:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            if a % 2:
                response = await client.post(
                    "/R4/ResearchStudy/_search", content=CONTAINS_10X100, headers=FORM
                )
            else:
                response = await client.get(f"/R4/ResearchStudy?{CONTAINS_10X100}")
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[f"{'POST' if a % 2 else 'GET'} {response.status_code}"] += 1

    with NormalClient(api) as normal:
        async with from_address(ATTACKER_ADDRESS["contains"], base_url=api, timeout=30) as client:
            await asyncio.gather(*(attacker(client, a) for a in range(attackers)))
    return {
        "attacker_statuses": dict(statuses),
        "attacker_p50_ms": round(percentile(latencies, 50), 1),
        "attacker_max_ms": round(max(latencies), 1),
        "normal": normal.figures(),
    }


async def exports(api: str, parallel: int = 20) -> dict[str, Any]:
    """20 parallel /api/export.ndjson?_include=*: each whole, or 429 before any body."""
    async with from_address(OTHER_ADDRESS, base_url=api, timeout=30) as client:
        total = (await client.get("/R4/ResearchStudy?_count=0")).json()["total"]

    async def one(client: httpx.AsyncClient) -> dict[str, Any]:
        studies = 0
        received = 0
        try:
            async with client.stream("GET", "/api/export.ndjson?_include=*") as response:
                async for line in response.aiter_lines():
                    received += len(line) + 1
                    studies += '"resourceType":"ResearchStudy"' in line
                status = response.status_code
        except httpx.HTTPError as exc:
            return {"status": "cut", "error": exc.__class__.__name__, "studies": studies}
        return {"status": status, "studies": studies, "bytes": received}

    with NormalClient(api) as normal:
        async with from_address(
            ATTACKER_ADDRESS["exports"],
            base_url=api,
            timeout=120,
            limits=httpx.Limits(max_connections=parallel),
        ) as client:
            results = await asyncio.gather(*(one(client) for _ in range(parallel)))
    whole = [r for r in results if r["status"] == 200 and r["studies"] == total]
    refused = [r for r in results if r["status"] == 429 and r["studies"] == 0]
    return {
        "exports": parallel,
        "complete_whole": len(whole),
        "refused_429_before_body": len(refused),
        "other": [r for r in results if r not in whole and r not in refused],
        "megabytes_each": round(whole[0]["bytes"] / 1e6, 1) if whole else None,
        "normal": normal.figures(),
    }


async def big_pages(api: str, parallel: int = 8, rounds: int = 3) -> dict[str, Any]:
    """Parallel _count=1000&_include=* pages."""
    statuses: Counter[str] = Counter()
    with NormalClient(api) as normal:
        async with from_address(ATTACKER_ADDRESS["big_pages"], base_url=api, timeout=60) as client:
            for _ in range(rounds):
                responses = await asyncio.gather(
                    *(
                        client.get("/R4/ResearchStudy?_count=1000&_include=*")
                        for _ in range(parallel)
                    )
                )
                statuses.update(str(r.status_code) for r in responses)
    return {"attacker_statuses": dict(statuses), "normal": normal.figures()}


async def slow_headers(
    api: str, connections: int = 300, seconds: float = 25.0, interval: float = 0.5
) -> dict[str, Any]:
    """Slowloris: ``connections`` sockets that send a request's headers one byte every
    ``interval`` s (odd ones: a partial header block, then nothing), reconnecting when cut."""
    parts = urlsplit(api)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    head = f"GET /R4/ResearchStudy?_count=1 HTTP/1.1\r\nHost: {host}:{port}\r\nX-Slow: ".encode()
    outcomes: Counter[str] = Counter()
    cut_after: list[float] = []
    deadline = time.monotonic() + seconds

    async def one(n: int) -> None:
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(ATTACKER_ADDRESS["slow_headers"], 0)
                )
            except OSError as exc:
                outcomes[f"connect {exc.__class__.__name__}"] += 1
                await asyncio.sleep(interval)
                continue
            opened = time.monotonic()
            answer = asyncio.ensure_future(reader.read(4096))
            try:
                writer.write(head[:1] if n % 2 == 0 else head)
                sent = 1
                while not answer.done() and time.monotonic() < deadline:
                    await asyncio.wait([answer], timeout=interval)
                    if n % 2 == 0 and not answer.done():
                        writer.write(head[sent : sent + 1] or b"a")
                        sent += 1
            except OSError:
                pass
            if answer.done() and not answer.cancelled() and answer.exception() is None:
                data = answer.result()
                outcomes[data[9:12].decode() if data.startswith(b"HTTP/1.1 ") else "cut"] += 1
                cut_after.append(time.monotonic() - opened)
            elif answer.done():
                outcomes["reset"] += 1
                cut_after.append(time.monotonic() - opened)
            else:
                answer.cancel()
                outcomes["still open at the end"] += 1
            writer.close()

    with NormalClient(api) as normal:
        await asyncio.gather(*(one(n) for n in range(connections)))
    return {
        "connections": connections,
        "seconds": seconds,
        "attacker_statuses": dict(outcomes),
        "cut_after_s": {
            "p50": round(percentile(cut_after, 50), 1) if cut_after else None,
            "max": round(max(cut_after), 1) if cut_after else None,
        },
        "normal": normal.figures(),
    }


async def rotating_xff(
    api: str, requests: int = 1500, parallel: int = 16, seconds: float = 40.0
) -> dict[str, Any]:
    """One client (not a trusted proxy) sending a fresh X-Forwarded-For with every request:
    the limiter must key on the peer, so the 601st request of the minute is a 429."""
    statuses: Counter[str] = Counter()
    sent = 0
    first_429: int | None = None
    deadline = time.monotonic() + seconds

    async def attacker(client: httpx.AsyncClient) -> None:
        nonlocal sent, first_429
        while sent < requests and time.monotonic() < deadline:
            n = sent
            sent += 1
            forged = f"198.51.{n // 250 % 250}.{n % 250 + 1}"
            try:
                status = (
                    await client.get(
                        "/R4/ResearchStudy?_count=1", headers={"x-forwarded-for": forged}
                    )
                ).status_code
            except httpx.HTTPError:
                status = 0
            statuses[str(status)] += 1
            if status == 429 and first_429 is None:
                first_429 = n + 1

    limits = httpx.Limits(max_connections=parallel)
    with NormalClient(api) as normal:
        async with from_address(
            ATTACKER_ADDRESS["rotating_xff"], base_url=api, timeout=30, limits=limits
        ) as client:
            await asyncio.gather(*(attacker(client) for _ in range(parallel)))
    return {
        "requests": sent,
        "forwarded_for_values": sent,
        "attacker_statuses": dict(statuses),
        "first_429_at_request": first_429,
        "normal": normal.figures(),
    }


SCENARIOS: dict[str, Callable[[str], Awaitable[dict[str, Any]]]] = {
    "contains": contains,
    "exports": exports,
    "big_pages": big_pages,
    "slow_headers": slow_headers,
    "rotating_xff": rotating_xff,
}
REFUSED = ("400", "429")


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def verdict(name: str, figures: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The issue's goal: normal p50 ≤ 2 x its baseline, 0 normal errors, the attacker 400/429
    (the flood is legitimate paging: its goal is the other client's 200s and no PIT left)."""
    normal = figures.get("normal", {})
    ratio = (
        round(normal["p50_ms"] / base["p50_ms"], 2)
        if normal.get("p50_ms") and base.get("p50_ms")
        else None
    )
    attacker = figures.get("attacker_statuses", {})
    if name == "exports":
        refused_ok = not figures.get("other")
    elif name == "flood":
        refused_ok = all(s == 200 for s in figures.get("other_client_pages_1_to_5", []))
    elif name == "slow_headers":  # cut off by the header deadline, never served
        refused_ok = not any(k.startswith(("2", "5")) for k in attacker)
    elif name in ("rotating_xff", "big_pages"):  # some served, then 429, never a 5xx
        refused_ok = "429" in attacker and not any(k.startswith("5") for k in attacker)
    else:
        refused_ok = bool(attacker) and all(k.split()[-1] in REFUSED for k in attacker)
    out = {
        "normal_p50_ratio": ratio,
        "normal_p50_ok": ratio is not None and ratio <= 2.0,
        "normal_errors": normal.get("errors"),
        "attacker_refused_ok": refused_ok,
    }
    out["met"] = bool(out["normal_p50_ok"] and out["normal_errors"] == 0 and refused_ok)
    return out


async def run(api: str, node: str, pid: int | None, only: tuple[str, ...]) -> dict[str, Any]:
    """Each attack after a baseline of its own (5 s of the normal client alone)."""
    results: dict[str, Any] = {"baseline": await baseline(api, 10), "rss_mb_start": rss_mb(pid)}
    for name in only:
        base = await baseline(api, 5)
        before = {"pits": await open_pits(node), "rss": rss_mb(pid), "load": loadavg()}
        figures = await (flood(api, node) if name == "flood" else SCENARIOS[name](api))
        figures["baseline"] = base
        figures.setdefault("open_pits", {}).update(
            {"before": before["pits"], "after": await open_pits(node)}
        )
        figures["rss_mb"] = {"before": before["rss"], "after": rss_mb(pid)}
        figures["loadavg"] = {"before": before["load"], "after": loadavg()}
        figures["goal"] = verdict(name, figures, base)
        results[name] = figures
    if "flood" in only:
        await asyncio.sleep(60)
        results["flood"]["open_pits"]["a_minute_later"] = await open_pits(node)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attacks")
    parser.add_argument("--api", default="http://127.0.0.1:8080")
    parser.add_argument("--node", default="http://127.0.0.1:9200")
    parser.add_argument("--api-pid", type=int)
    parser.add_argument("--only", default=",".join(ATTACKS))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    only = tuple(n for n in args.only.split(",") if n in ATTACKS)
    results = asyncio.run(run(args.api, args.node, args.api_pid, only))
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
