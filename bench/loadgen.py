"""The load client: a separate process that plays one query mix at a fixed concurrency.

    python -m bench.loadgen PLAN.json --target facade|raw --base URL --out OUT.json
        [--concurrency 8] [--requests 4000] [--seconds 60] [--rate 0] [--accept-encoding CODINGS]

The plan (``bench/mix.py``) holds, for every query, the façade request and the OpenSearch
request the façade sends for it (same body, same ``_source``, same size); ``--target`` picks
which one is played, so both targets get the very same sequence of queries from the very same
client code. Bounded twice: at most ``--requests`` operations and ``--seconds`` of wall time;
loopback only (the base URL must be 127.0.0.1). ``--rate`` > 0 paces operations (open loop,
for the reliability runs) instead of the closed loop of ``--concurrency`` workers.

Deep paging is a walk: each worker follows its own chain of pages (the façade's ``next`` links;
on the raw side the same point-in-time + ``search_after`` pages, opening the PIT when the second
page is asked for, exactly as the façade does) and starts a new walk after ``max_pages``.

Every request sends ``--accept-encoding`` (by default what browsers send, ``gzip, deflate, br,
zstd``: the façade then answers zstd, raw OpenSearch gzip) and the bytes each answer took on
the wire are recorded. Until 18:40 UTC on 2026-12-01 the default was ``gzip`` alone.

The client is aiohttp, and it decodes every answer itself (:func:`decoded`: the bytes on the wire
are then exact). It was httpx until 20:00 UTC on 2026-12-01: 0.9 ms of CPU per request against
aiohttp's 0.2, and the client shares the API's core in ``make bench``, so the instrument's own
weight was charged to the façade (not to raw OpenSearch, which has a core to itself).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import brotli
import orjson
import zstandard

CLIENT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)


def decoded(body: bytes, coding: str) -> bytes:
    """The body a browser would read: undo the Content-Encoding, as every client must."""
    coding = coding.strip().lower()
    if not body or coding in ("", "identity"):
        return body
    if coding == "gzip":
        return zlib.decompress(body, wbits=31)
    if coding == "deflate":
        return zlib.decompress(body)
    if coding == "br":
        return bytes(brotli.decompress(body))
    if coding == "zstd":
        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    raise ValueError(f"unexpected Content-Encoding {coding!r}")


@dataclass
class Answer:
    status: int
    body: bytes  # decoded
    wire: int  # body bytes as received (compressed)

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Walk:
    page: int = 0
    next_url: str | None = None  # façade
    after: list[Any] | None = None


@dataclass
class Recorder:
    names: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # ms
    statuses: list[int] = field(default_factory=list)
    wire_bytes: list[int] = field(default_factory=list)  # body bytes as received (compressed)
    started_at: list[float] = field(default_factory=list)  # s since the run started
    errors: dict[str, int] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)  # "name status" -> body excerpt

    def add(self, name: str, ms: float, status: int, at: float, size: int = 0) -> None:
        self.names.append(name)
        self.wire_bytes.append(size)
        self.latencies.append(round(ms, 3))
        self.statuses.append(status)
        self.started_at.append(round(at, 4))


def sequence(plan: dict[str, Any], count: int, seed: int) -> list[tuple[int, int]]:
    """(query index, variant index) for each operation: weighted, seeded, the same per target."""
    rng = random.Random(seed)
    queries = plan["queries"]
    weights = [q["weight"] for q in queries]
    order = rng.choices(range(len(queries)), weights=weights, k=count)
    counters = [0] * len(queries)
    out = []
    for index in order:
        variants = len(queries[index].get("variants") or [None])
        out.append((index, counters[index] % variants))
        counters[index] += 1
    return out


def session(concurrency: int, accept_encoding: str, timeout: float) -> aiohttp.ClientSession:
    """Keep-alive connections, at most ``concurrency`` of them (0: no limit)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency),
        headers={"accept-encoding": accept_encoding},
        timeout=aiohttp.ClientTimeout(total=timeout),
        auto_decompress=False,  # decoded() does it, so the bytes on the wire are known
    )


class Player:
    def __init__(self, plan: dict[str, Any], target: str, base: str, client: aiohttp.ClientSession):
        self.plan = plan
        self.target = target
        self.base = base.rstrip("/")
        self.client = client
        self.alias = plan["alias"]
        self.samples: dict[str, str] = {}

    async def _send(self, method: str, url: str, body: Any = None) -> Answer:
        extra: dict[str, Any] = {}
        if body is not None:
            extra = {"data": orjson.dumps(body), "headers": {"content-type": "application/json"}}
        async with self.client.request(method, url, **extra) as response:
            raw = await response.read()
            coding = response.headers.get("content-encoding", "")
        return Answer(response.status, decoded(raw, coding), len(raw))

    def sample(self, name: str, response: Answer) -> None:
        key = f"{name} {response.status}"
        if response.status >= 300 and key not in self.samples:
            self.samples[key] = response.body[:400].decode("utf-8", "replace")

    async def simple(self, query: dict[str, Any], variant: int) -> tuple[int, float, int]:
        """(status, ms, bytes on the wire) of one request."""
        request = query["variants"][variant][self.target]
        started = time.perf_counter()
        response = await self._send(
            request["method"], self.base + request["url"], request.get("body")
        )
        elapsed = (time.perf_counter() - started) * 1000
        self.sample(query["name"], response)
        return response.status, elapsed, response.wire

    async def page(self, query: dict[str, Any], walk: Walk) -> tuple[int, float, int]:
        """One page of a deep walk; the timed part is the HTTP exchange(s), as the façade's."""
        if walk.page >= query["max_pages"]:
            walk.__init__()  # type: ignore[misc]  # start a new walk
        spec = query[self.target]
        if self.target == "facade":
            url = walk.next_url or self.base + spec["url"]
            started = time.perf_counter()
            response = await self._send("GET", url)
            elapsed = (time.perf_counter() - started) * 1000
            size = response.wire
            if response.status != 200:
                self.sample(query["name"], response)
                walk.__init__()  # type: ignore[misc]
                return response.status, elapsed, size
            links = {link["relation"]: link["url"] for link in response.json()["link"]}
            walk.next_url = links.get("next")
            walk.page = walk.page + 1 if walk.next_url else query["max_pages"]
            return 200, elapsed, size
        size = spec["size"]
        body = dict(spec["body"])
        started = time.perf_counter()
        # As the façade (paging.py): search_after on the study index, no point-in-time.
        if walk.page and walk.after is not None:
            body["search_after"] = walk.after
        response = await self._send("POST", f"{self.base}/{self.alias}/_search", body)
        status = response.status
        received = response.wire
        self.sample(query["name"], response)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            walk.__init__()  # type: ignore[misc]
            return status, elapsed, received
        data = response.json()
        hits = data.get("hits", {}).get("hits", [])
        more = len(hits) > size
        walk.after = hits[size - 1]["sort"] if more else None
        walk.page = walk.page + 1 if more else query["max_pages"]
        return 200, elapsed, received


async def play(args: argparse.Namespace) -> dict[str, Any]:
    plan = orjson.loads(Path(args.plan).read_bytes())
    host = urlsplit(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"loopback targets only, not {host}")
    ops = sequence(plan, args.requests, args.seed)
    recorder = Recorder()
    deadline = time.monotonic() + args.seconds
    stopping = asyncio.Event()  # SIGTERM: stop sending, finish what is in flight, report
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    connections = args.concurrency if not args.rate else 256
    async with session(connections, args.accept_encoding, args.timeout) as client:
        player = Player(plan, args.target, args.base, client)
        started = time.perf_counter()
        epoch = time.time()  # wall clock of started_at == 0, to line runs up with events

        async def one(position: int, walk: Walk) -> None:
            index, variant = ops[position]
            query = plan["queries"][index]
            at = time.perf_counter() - started
            size = 0
            try:
                if query.get("kind") == "paging":
                    status, ms, size = await player.page(query, walk)
                else:
                    status, ms, size = await player.simple(query, variant)
            except CLIENT_ERRORS as exc:
                status, ms = 0, (time.perf_counter() - started - at) * 1000
                kind = exc.__class__.__name__
                recorder.errors[kind] = recorder.errors.get(kind, 0) + 1
            recorder.add(query["name"], ms, status, at, size)

        if args.rate:
            walks = [Walk() for _ in range(16)]
            tasks: set[asyncio.Task[None]] = set()
            for position in range(len(ops)):
                due = started + position / args.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                if time.monotonic() > deadline or stopping.is_set():
                    break
                task = asyncio.create_task(one(position, walks[position % len(walks)]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.wait(tasks, timeout=args.timeout + 1)
        else:
            cursor = iter(range(len(ops)))

            async def worker() -> None:
                walk = Walk()
                for position in cursor:
                    if time.monotonic() > deadline or stopping.is_set():
                        return
                    await one(position, walk)

            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "target": args.target,
        "concurrency": args.concurrency,
        "rate": args.rate,
        "planned": len(ops),
        "completed": len(recorder.names),
        "seconds": round(elapsed, 3),
        "t0_epoch": epoch,
        "names": recorder.names,
        "latency_ms": recorder.latencies,
        "status": recorder.statuses,
        "wire_bytes": recorder.wire_bytes,
        "accept_encoding": args.accept_encoding,
        "started_at": recorder.started_at,
        "errors": recorder.errors,
        "samples": player.samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("plan")
    parser.add_argument("--target", choices=["facade", "raw"], required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument(
        "--accept-encoding",
        default="gzip, deflate, br, zstd",  # what Chrome and Firefox send; 'identity' for none
    )
    args = parser.parse_args(argv)
    result = asyncio.run(play(args))
    Path(args.out).write_bytes(orjson.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
